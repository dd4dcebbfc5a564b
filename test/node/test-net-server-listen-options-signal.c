/* Node: test/parallel/test-net-server-listen-options-signal.js
 * listen({port: 0, signal}): aborting the signal after listen() closes the
 * server ('close' once); an already aborted signal closes it too. Left out
 * (JS-only): a signal that is not an AbortSignal (ERR_INVALID_ARG_TYPE). */
#include "common.h"

static nt_count_t *close1, *close2;

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT((nt_count_t *)ctx);
}

int main(void) {
  nnet_server_t *server;
  nnet_listen_opts_t lo;
  nt_init();
  close1 = NT_MUST_CALL("close (abort after listen)", 1);
  close2 = NT_MUST_CALL("close (already aborted)", 1);

  nnet_abort_controller_t *controller = nnet_abort_controller_new();
  NT_ASSERT(controller != NULL);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_close, close1));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.signal = controller;
  NT_OK(nnet_server_listen(server, &lo, NULL, NULL));
  nnet_abort_controller_abort(controller);

  nnet_abort_controller_t *aborted = nnet_abort_controller_new();
  NT_ASSERT(aborted != NULL);
  nnet_abort_controller_abort(aborted); /* AbortSignal.abort() */
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_close, close2));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.signal = aborted;
  NT_OK(nnet_server_listen(server, &lo, NULL, NULL));

  int rc = nt_finish();
  nnet_abort_controller_free(controller);
  nnet_abort_controller_free(aborted);
  return rc;
}
