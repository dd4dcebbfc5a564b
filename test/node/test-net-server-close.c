/* Node: test/parallel/test-net-server-close.js
 * close() with two open connections, then destroying both: each connection
 * emits 'close' once and the server's 'close' follows. (close() returning
 * the server, for chaining, is JS-only.) */
#include "common.h"

static nt_count_t *conns, *conn_closes, *server_closes;
static nnet_server_t *server;
static nnet_socket_t *sockets[2];
static int n_sockets;

static void on_conn_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conn_closes);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  NT_HIT(conns);
  NT_OK(nnet_socket_on(c, NNET_EV_CLOSE, on_conn_close, NULL));
  NT_ASSERT(n_sockets < 2);
  sockets[n_sockets++] = c;
  if (n_sockets == 2) {
    NT_OK(nnet_server_close(server, NULL, NULL));
    for (int i = 0; i < 2; i++) nnet_socket_destroy(sockets[i], 0);
  }
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_closes);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL_AT_LEAST("connection", 1);
  conn_closes = NT_MUST_CALL("connection close", 2);
  server_closes = NT_MUST_CALL("server close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
