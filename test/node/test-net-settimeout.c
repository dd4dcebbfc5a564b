/* Node: test/parallel/test-net-settimeout.js
 * setTimeout(0) cancels an earlier setTimeout(T, cb): no 'timeout' fires
 * during 2*T of idleness after the data arrived. (setTimeout returning the
 * socket is JS-only chaining.) */
#include "common.h"

#define T 100

static nt_count_t *conns, *listening, *data;
static nnet_server_t *server;
static nnet_socket_t *socket_;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  NT_OK(nnet_socket_write(ev->u.connection.socket, "hello", 5, NULL, NULL));
}

static void later(void *ctx) {
  nnet_socket_destroy(socket_, 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(data);
  nt_set_timeout(later, NULL, T * 2);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "localhost",
                                   &socket_));
  NT_OK(nnet_socket_set_timeout(socket_, T, nt_must_not_call, "timeout"));
  NT_OK(nnet_socket_on(socket_, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_set_timeout(socket_, 0, NULL, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listening = NT_MUST_CALL("listening", 1);
  data = NT_MUST_CALL("data", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
