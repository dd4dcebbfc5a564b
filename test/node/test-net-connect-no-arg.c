/* Node: test/parallel/test-net-connect-no-arg.js
 * net.connect() and socket.connect() without options, and with options
 * that give neither port nor path, fail synchronously with
 * ERR_MISSING_ARGS (Node throws; C returns the code). Node's message text
 * is not carried by a returned code. */
#include "common.h"

int main(void) {
  nnet_socket_t *s = NULL;
  nnet_connect_opts_t o;
  nt_init();
  /* net.connect() */
  NT_ERR(nnet_create_connection(NT_LOOP, NULL, NULL, NULL, &s),
         NNET_ERR_MISSING_ARGS);
  NT_STREQ(nnet_err_name(NNET_ERR_MISSING_ARGS), "ERR_MISSING_ARGS");
  /* new net.Socket().connect() */
  NT_OK(nnet_socket_new(NULL, &s));
  NT_ERR(nnet_socket_connect(s, NULL, NULL, NULL), NNET_ERR_MISSING_ARGS);
  nnet_socket_destroy(s, 0);
  /* net.connect({}) */
  nnet_connect_opts_init(&o);
  NT_ERR(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s),
         NNET_ERR_MISSING_ARGS);
  /* new net.Socket().connect({}) */
  NT_OK(nnet_socket_new(NULL, &s));
  NT_ERR(nnet_socket_connect(s, &o, NULL, NULL), NNET_ERR_MISSING_ARGS);
  nnet_socket_destroy(s, 0);
  return nt_finish();
}
