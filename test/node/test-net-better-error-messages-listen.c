/* Node: test/parallel/test-net-better-error-messages-listen.js
 * A failed TCP listen() emits 'error' carrying err.address, err.port and
 * err.syscall 'listen'. Node provokes it by binding 1.1.1.1:1 (not a local
 * address); ports may only use loopback, so here the failure is a port
 * already taken on 127.0.0.1 (EADDRINUSE), with the same three checks. */
#include "common.h"

static nt_count_t *errors, *listens;
static nnet_server_t *taken;
static int port;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->address, "127.0.0.1");
  NT_EQ(ev->u.error->port, port);
  NT_STREQ(ev->u.error->syscall, "listen");
  NT_OK(nnet_server_close(taken, NULL, NULL));
  /* C: a server is freed by close() (Node's GC collects it). */
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void on_taken_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server;
  NT_HIT(listens);
  port = nt_server_port(taken);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = port;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, on_error, NULL));
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("server error", 1);
  listens = NT_MUST_CALL("first server listening", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &taken));
  NT_OK(nnet_server_listen_tcp(taken, 0, "127.0.0.1"));
  NT_OK(nnet_server_once(taken, NNET_EV_LISTENING, on_taken_listening, NULL));
  return nt_finish();
}
