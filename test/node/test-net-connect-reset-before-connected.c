/* Node: test/parallel/test-net-connect-reset-before-connected.js
 * resetAndDestroy() and destroy() while still connecting (the server
 * already closed): neither 'connect' nor 'error' is emitted. */
#include "common.h"

int main(void) {
  nnet_server_t *server;
  nnet_socket_t *socket;
  nt_init();
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  int port = nt_server_port(server);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect",
                               &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, nt_must_not_call, "error"));
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_OK(nnet_socket_reset_and_destroy(socket));
  nnet_socket_destroy(socket, 0);
  return nt_finish();
}
