/* Node: test/parallel/test-net-local-address-port.js
 * An accepted socket's localAddress / localPort / localFamily are the
 * server's address (127.0.0.1), port and family. */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *connections;

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  nnet_socketaddress_t local, srv;
  NT_HIT(connections);
  NT_OK(nnet_socket_address(socket, &local));
  NT_OK(nnet_server_address(server, &srv));
  NT_STREQ(local.address, "127.0.0.1");
  NT_EQ(local.port, srv.port);
  NT_EQ(local.family, srv.family);
  NT_OK(nnet_socket_on(socket, NNET_EV_END, on_end, NULL));
  nnet_socket_resume(socket);
}

static void client_on_connect(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "127.0.0.1",
                                   &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, client_on_connect, NULL));
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("connection", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
