/* Node: test/parallel/test-net-server-try-ports.js
 * listen() on a port in use emits 'error' EADDRINUSE; the same server can
 * then listen on another port. */
#include "common.h"

static nt_count_t *errors, *l1, *l2;
static nnet_server_t *server1, *server2;

static void s2_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(l2);
  NT_OK(nnet_server_close(server1, NULL, NULL));
  NT_OK(nnet_server_close(server2, NULL, NULL));
}

static void s2_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->code_name, "EADDRINUSE");
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server2, &lo, s2_on_listening, NULL));
}

static void s1_on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(l1);
  NT_OK(nnet_server_listen_tcp(server2, nt_server_port(server1), NULL));
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("server2 error", 1);
  l1 = NT_MUST_CALL("server1 listening", 1);
  l2 = NT_MUST_CALL("server2 listening", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server1));
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server2));
  NT_OK(nnet_server_on(server2, NNET_EV_ERROR, s2_on_error, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server1, &lo, s1_on_listening, NULL));
  return nt_finish();
}
