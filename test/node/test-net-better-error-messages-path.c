/* Node: test/parallel/test-net-better-error-messages-path.js
 * Connecting to a Unix path that does not exist emits 'error' ENOENT with
 * message "connect ENOENT <path>" and never 'connect'. Left out: the
 * check that a non-string path ({}) throws ERR_INVALID_ARG_TYPE (a JS type
 * check). */
#include "common.h"

static nt_count_t *errors;
static char fp[512];

static void on_error(const nnet_event_t *ev, void *ctx) {
  char msg[600];
  NT_HIT(errors);
  snprintf(msg, sizeof(msg), "connect ENOENT %s", fp);
  NT_EXPECT_ERROR(ev->u.error, "ENOENT", msg);
}

int main(void) {
  nnet_socket_t *c;
  nt_init();
  errors = NT_MUST_CALL("client error", 1);
  snprintf(fp, sizeof(fp), "%s/fadagagsdfgsdf", nt_tmpdir());
  NT_OK(nnet_create_connection_path(NT_LOOP, fp, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_error, NULL));
  return nt_finish();
}
