/* Node: test/parallel/test-net-localerror.js
 * connect() with localAddress 'foobar' throws ERR_INVALID_IP_ADDRESS (a
 * TypeError). Left out (JS-only): localPort 'foobar' (a string where a
 * number is due, ERR_INVALID_ARG_TYPE). */
#include "common.h"

int main(void) {
  nnet_socket_t *s = NULL;
  nt_init();
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "localhost";
  o.port = 0;
  o.local_address = "foobar";
  int rc = nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s);
  NT_ERR(rc, NNET_ERR_INVALID_IP_ADDRESS);
  NT_STREQ(nnet_err_name(rc), "ERR_INVALID_IP_ADDRESS");
  NT_STREQ(nnet_err_class(rc), "TypeError");
  NT_ASSERT(s == NULL);
  return nt_finish();
}
