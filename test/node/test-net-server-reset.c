/* Node: test/parallel/test-net-server-reset.js
 * close() with two open connections, then resetAndDestroy() on both: each
 * accepted socket emits 'close' once, each client gets 'error' ECONNRESET,
 * and the server's 'close' follows. (close() returning the server is
 * JS-only chaining.) */
#include "common.h"

static nt_count_t *conns, *conn_closes, *server_closes, *listening,
    *client_errors;
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
    for (int i = 0; i < 2; i++)
      NT_OK(nnet_socket_reset_and_destroy(sockets[i]));
  }
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_closes);
}

static void on_client_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(client_errors);
  NT_STREQ(ev->u.error->code_name, "ECONNRESET");
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_HIT(listening);
  for (int i = 0; i < 2; i++) {
    NT_OK(
        nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
    NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_client_error, NULL));
  }
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL_AT_LEAST("connection", 1);
  conn_closes = NT_MUST_CALL("connection close", 2);
  server_closes = NT_MUST_CALL("server close", 1);
  listening = NT_MUST_CALL("listening", 1);
  client_errors = NT_MUST_CALL("client error", 2);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
