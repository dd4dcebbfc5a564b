/* Node: test/parallel/test-net-socket-connect-without-cb.js
 * socket.connect(server.address()) without a connect listener connects
 * ('connect' emitted to a listener added beforehand). The address object
 * becomes the options {address, family, port}; since the server listens on
 * "::" (any), the client targets the loopback address of that family
 * (tests use loopback addresses only). */
#include "common.h"

static nt_count_t *conns, *listening, *connects;
static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  nnet_socketaddress_t address;
  NT_HIT(listening);
  NT_OK(nnet_socket_new(NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_server_address(server, &address));
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = address.port;
  o.family = address.family;
  o.host = address.family == NNET_IPV6 ? "::1" : "127.0.0.1";
  NT_OK(nnet_socket_connect(client, &o, NULL, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listening = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
