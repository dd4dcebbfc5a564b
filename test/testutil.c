#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nnet_test_uncaught_count;

static void count_uncaught(void *target, const nnet_error_t *err, void *ctx) {
  (void)target;
  (void)ctx;
  (void)err;
  nnet_test_uncaught_count++;
}

void nnet_test_install_uncaught_handler(void) {
  nnet_set_uncaught_error_handler(count_uncaught, NULL);
}

int nnet_test_run_suite(Suite *s) {
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static void close_walk(uv_handle_t *h, void *arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

int nnet_test_loop_close(uv_loop_t *loop) {
  int rc = uv_loop_close(loop);
  if (rc == 0) return 0;
  /* Something leaked: report it, then clean up so the sanitizer run can
   * still check memory. The caller asserts on the returned code. */
  uv_walk(loop, close_walk, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
  return rc;
}

static void watchdog_fire(uv_timer_t *t) {
  (void)t;
  ck_abort_msg("watchdog: loop still running after its time limit");
}

int nnet_test_run(uv_loop_t *loop, unsigned ms) {
  uv_timer_t wd;
  uv_timer_init(loop, &wd);
  uv_timer_start(&wd, watchdog_fire, ms, 0);
  uv_unref((uv_handle_t *)&wd);
  int rc = uv_run(loop, UV_RUN_DEFAULT);
  uv_close((uv_handle_t *)&wd, NULL);
  uv_run(loop, UV_RUN_NOWAIT);
  return rc;
}

static char tmpdir_buf[256];

static void tmpdir_cleanup(void) {
  if (tmpdir_buf[0]) {
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir_buf);
    if (system(cmd) != 0) { /* best effort */
    }
  }
}

const char *nnet_test_tmpdir(void) {
  if (tmpdir_buf[0]) return tmpdir_buf;
  const char *base = getenv("TMPDIR");
  if (!base || !*base) base = "/tmp";
  snprintf(tmpdir_buf, sizeof tmpdir_buf, "%s/nnet-test-XXXXXX", base);
  if (!mkdtemp(tmpdir_buf)) {
    tmpdir_buf[0] = 0;
    return NULL;
  }
  atexit(tmpdir_cleanup);
  return tmpdir_buf;
}
