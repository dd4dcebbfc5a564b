/* Node: test/parallel/test-net-listening.js
 * server.listening: false before listen(), true in the 'listening'
 * callback, false again in the close() callback. */
#include "common.h"

static nt_count_t *listening, *closes;

static void on_close(nnet_server_t *server, int status, void *ctx) {
  NT_HIT(closes);
  NT_EQ(nnet_server_is_listening(server), false);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server = ev->target;
  NT_HIT(listening);
  NT_EQ(nnet_server_is_listening(server), true);
  NT_OK(nnet_server_close(server, on_close, NULL));
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  closes = NT_MUST_CALL("close callback", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_EQ(nnet_server_is_listening(server), false);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
