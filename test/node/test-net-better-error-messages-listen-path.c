/* Node: test/parallel/test-net-better-error-messages-listen-path.js
 * listen() on a Unix path whose directory does not exist emits 'error'
 * whose err.address is the path. (Node uses /blah/fadfa; here a missing
 * directory under the test's temp dir.) */
#include "common.h"

static nt_count_t *errors;
static char fp[512];

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->address, fp);
  /* C: a server is freed by close() (Node's GC collects it). */
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  errors = NT_MUST_CALL("server error", 1);
  snprintf(fp, sizeof(fp), "%s/blah/fadfa", nt_tmpdir());
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.path = fp;
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, on_error, NULL));
  return nt_finish();
}
