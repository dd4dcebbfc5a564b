/* Node: test/parallel/test-net-bind-twice.js
 * A second server listening on the port of a first one (127.0.0.1) gets
 * 'error' EADDRINUSE and never 'listening'. */
#include "common.h"

static nt_count_t *listens, *errors;
static nnet_server_t *server1;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_EXPECT_ERROR(ev->u.error, "EADDRINUSE", NULL);
  NT_OK(nnet_server_close(server1, NULL, NULL));
  /* C: a server is freed by close() (Node's GC collects it). */
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void on_listening1(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server2;
  nnet_listen_opts_t lo;
  NT_HIT(listens);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection 2", &server2));
  nnet_listen_opts_init(&lo);
  lo.port = nt_server_port(server1);
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server2, &lo, nt_must_not_call, "listening 2"));
  NT_OK(nnet_server_on(server2, NNET_EV_ERROR, on_error, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  listens = NT_MUST_CALL("listening 1", 1);
  errors = NT_MUST_CALL("server2 error", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection 1", &server1));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server1, &lo, on_listening1, NULL));
  return nt_finish();
}
