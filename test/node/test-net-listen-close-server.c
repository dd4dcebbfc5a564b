/* Node: test/parallel/test-net-listen-close-server.js
 * close() right after listen(0): neither 'listening', 'connection' nor
 * 'error' is emitted. */
#include "common.h"

int main(void) {
  nnet_server_t *server;
  nt_init();
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, nt_must_not_call, "error"));
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
