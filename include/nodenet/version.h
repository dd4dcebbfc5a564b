/* nodenet version. The shared library's SONAME follows NNET_VERSION_MAJOR. */
#ifndef NODENET_VERSION_H
#define NODENET_VERSION_H

#include "export.h"

#define NNET_VERSION_MAJOR 0
#define NNET_VERSION_MINOR 1
#define NNET_VERSION_PATCH 0
#define NNET_VERSION_HEX \
  ((NNET_VERSION_MAJOR << 16) | (NNET_VERSION_MINOR << 8) | NNET_VERSION_PATCH)

/* "0.1.0": the version the library was built as (may differ from the header).
 */
NNET_EXTERN const char *nnet_version_string(void);

#endif
