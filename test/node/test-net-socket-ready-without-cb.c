/* Node: test/parallel/test-net-socket-ready-without-cb.js
 * socket.connect() without a connect listener (to the server's address
 * on 'localhost') still emits 'ready'. */
#include "common.h"

static nt_count_t *conns, *listens, *readies;
static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_ready(const nnet_event_t *ev, void *ctx) {
  NT_HIT(readies);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens);
  NT_OK(nnet_socket_new(NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_READY, on_ready, NULL));
  /* client.connect(server.address()): {address, family, port} */
  NT_OK(nnet_server_address(server, &sa));
  nnet_connect_opts_init(&o);
  o.host = sa.address;
  o.port = sa.port;
  NT_OK(nnet_socket_connect(client, &o, NULL, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  readies = NT_MUST_CALL("ready", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "localhost";
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
