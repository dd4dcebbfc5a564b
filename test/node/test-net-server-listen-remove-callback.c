/* Node: test/parallel/test-net-server-listen-remove-callback.js
 * The listener given to listen() is a once 'listening' listener: at each
 * 'close' the server has no 'listening' listener left, also after
 * listening a second time from a 'close' listener. */
#include "common.h"

static nt_count_t *closes;
static nnet_server_t *server;

static void close_it(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_EQ(nnet_server_listener_count(server, NNET_EV_LISTENING), 0);
}

static void once_close(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_listen(server, NULL, close_it, NULL));
}

int main(void) {
  nt_init();
  closes = NT_MUST_CALL("close", 2);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_close, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, close_it, NULL));
  NT_OK(nnet_server_once(server, NNET_EV_CLOSE, once_close, NULL));
  return nt_finish();
}
