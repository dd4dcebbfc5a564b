/* Node: test/parallel/test-net-server-close-before-calling-lookup-callback.js
 * close() while listen(0, 'localhost') is still looking the host up: the
 * server never listens ('listening' is never emitted). */
#include "common.h"

int main(void) {
  nnet_server_t *server;
  nt_init();
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "localhost";
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
