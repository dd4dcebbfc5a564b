/* Node: test/parallel/test-net-socket-connecting.js
 * socket.connecting is true right after connect() and false in the
 * connect listener. (The deprecated `_connecting` alias is JS-only.) */
#include "common.h"

static nt_count_t *listening, *connects;
static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_ASSERT(!nnet_socket_is_connecting(ev->target));
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  NT_HIT(listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
  NT_ASSERT(nnet_socket_is_connecting(client));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
