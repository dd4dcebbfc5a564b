/* Node: test/parallel/test-net-can-reset-timeout.js
 * A server socket with setTimeout(100) gets 'timeout' (once listener),
 * writes from it, and the exchange then ends cleanly on both sides. */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *conns, *timeouts, *srv_ends, *listens;

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  NT_HIT(timeouts);
  NT_ASSERT(nnet_socket_write(ev->target, "WHAT.", 5, NULL, NULL) >= 0);
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_ends);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *stream = ev->u.connection.socket;
  NT_HIT(conns);
  NT_OK(nnet_socket_set_timeout(stream, 100, NULL, NULL));
  nnet_socket_resume(stream);
  NT_OK(nnet_socket_once(stream, NNET_EV_TIMEOUT, on_timeout, NULL));
  NT_OK(nnet_socket_on(stream, NNET_EV_END, srv_on_end, NULL));
}

static void c_on_data(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void c_on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_DATA, c_on_data, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_END, c_on_end, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  timeouts = NT_MUST_CALL("timeout", 1);
  srv_ends = NT_MUST_CALL("server end", 1);
  listens = NT_MUST_CALL("listening", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
