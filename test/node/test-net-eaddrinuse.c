/* Node: test/parallel/test-net-eaddrinuse.js
 * A second server listening on a port already in use emits 'error'
 * EADDRINUSE (and no connection). The failed server is closed afterwards
 * to free it (Node: garbage). */
#include "common.h"

static nnet_server_t *server1, *server2;
static nt_count_t *listening, *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_ASSERT(strstr(ev->u.error->message, "EADDRINUSE") != NULL);
  NT_OK(nnet_server_close(server1, NULL, NULL));
  NT_OK(nnet_server_close(server2, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_server_on(server2, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_server_listen_tcp(server2, nt_server_port(server1), NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  errors = NT_MUST_CALL("server2 error", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "server1 connection",
                           &server1));
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "server2 connection",
                           &server2));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server1, &lo, on_listening, NULL));
  return nt_finish();
}
