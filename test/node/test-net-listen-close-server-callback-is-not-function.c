/* Node: test/parallel/test-net-listen-close-server-callback-is-not-function.js
 * close() right after listen(0): 'close' is emitted, 'listening' and
 * 'connection' are not. Left out (JS-only): the non-function argument
 * close('bad argument'), which Node ignores; here close() gets no
 * callback. */
#include "common.h"

static nt_count_t *closes;

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  closes = NT_MUST_CALL("close", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_close, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
