/* Node: test/parallel/test-net-during-close.js
 * Reading remoteAddress / remoteFamily / remotePort of a client that is
 * still connecting (the server just closed) is harmless: Node gives
 * undefined, here UV_ENOTCONN. Node then exits at once with
 * process.exit(0); here the client is destroyed without waiting for its
 * outcome. */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *listening;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  nnet_socketaddress_t sa;
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_EQ(nnet_socket_remote_address(client, &sa), UV_ENOTCONN);
  /* process.exit(0): do not wait for the client's outcome */
  NT_OK(nnet_socket_remove_all(client, NNET_EV_COUNT_));
  nnet_socket_destroy(client, 0);
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
