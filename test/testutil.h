/* Helpers shared by the unit tests. */
#ifndef NNET_TESTUTIL_H
#define NNET_TESTUTIL_H

#include <check.h>
#include <uv.h>

#include "nodenet.h"

/* Run a Check suite (forking, per-test timeout from CK_DEFAULT_TIMEOUT);
 * returns the process exit code. */
int nnet_test_run_suite(Suite *s);

/* Close every handle still open on loop, run it until they are closed, and
 * return uv_loop_close()'s result (0 when nothing leaked). */
int nnet_test_loop_close(uv_loop_t *loop);

/* Run the loop with a watchdog: fails the test if it is still running after
 * ms milliseconds. Returns uv_run's result. */
int nnet_test_run(uv_loop_t *loop, unsigned ms);

/* mkdtemp under $TMPDIR (or /tmp); the directory is removed at exit. The
 * returned string is static per call site use: copy it. */
const char *nnet_test_tmpdir(void);

/* Records 'error' events instead of aborting (installed by the suite). */
extern int nnet_test_uncaught_count;
void nnet_test_install_uncaught_handler(void);

#endif
