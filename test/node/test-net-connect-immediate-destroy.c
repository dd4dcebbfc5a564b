/* Node: test/parallel/test-net-connect-immediate-destroy.js
 * A connect to 127.0.0.1 destroyed in the same turn (its server closed
 * too) emits neither 'connect' nor 'error'. */
#include "common.h"

int main(void) {
  nnet_server_t *server;
  nnet_socket_t *socket_;
  nnet_connect_opts_t o;
  nt_init();
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, NULL, NULL));
  int port = nt_server_port(server);
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect",
                               &socket_));
  NT_OK(nnet_socket_on(socket_, NNET_EV_ERROR, nt_must_not_call, "error"));
  NT_OK(nnet_server_close(server, NULL, NULL));
  nnet_socket_destroy(socket_, 0);
  return nt_finish();
}
