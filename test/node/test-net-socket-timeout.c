/* Node: test/parallel/test-net-socket-timeout.js
 * setTimeout() accepts 0, 1 and 1e6 ms on an unconnected socket; on a
 * connecting socket a 1 ms timeout fires once, and setTimeout() on the
 * then destroyed socket is a no-op (its listener never runs). Left out
 * (JS-only): non-numeric, negative, fractional, infinite and NaN delays and
 * non-function callbacks (C takes unsigned ms and a listener pointer). */
#include "common.h"

static nt_count_t *listens, *timeouts;
static nnet_server_t *server;
static nnet_socket_t *s, *socket_;

static void noop(const nnet_event_t *ev, void *ctx) {}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  NT_HIT(timeouts);
  nnet_socket_destroy(socket_, 0);
  NT_OK(nnet_socket_set_timeout(socket_, 1, nt_must_not_call, "timeout"));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &socket_));
  NT_OK(nnet_socket_set_timeout(socket_, 1, on_timeout, NULL));
}

int main(void) {
  static const unsigned valid[] = {0, 1, 1000000};
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  timeouts = NT_MUST_CALL("timeout", 1);
  NT_OK(nnet_socket_new(NULL, &s));
  for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
    NT_OK(nnet_socket_set_timeout(s, valid[i], noop, NULL));
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process exit; s is garbage in Node */
  nnet_socket_destroy(s, 0);
  return nt_finish();
}
