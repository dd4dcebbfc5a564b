/* nodenet: Node's `net` module as a C library on libuv.
 *
 * The only header users include. Reference documentation sits above each
 * declaration in the headers below; concepts are in docs/guide.md. */
#ifndef NODENET_H
#define NODENET_H

#include "nodenet/version.h"
#include "nodenet/errors.h"
#include "nodenet/core.h"
#include "nodenet/addr.h"
#include "nodenet/net.h"
#include "nodenet/threads.h"

#endif
