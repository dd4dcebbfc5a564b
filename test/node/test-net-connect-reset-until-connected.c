/* Node: test/parallel/test-net-connect-reset-until-connected.js
 * resetAndDestroy() once both the client's 'connect' and the server's
 * 'connection' happened: the client closes, the server side gets
 * ECONNRESET ("read ECONNRESET"). */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *conn;
static int barrier = 2;
static nt_count_t *listening, *closes, *server_errors;

static void connok(void) {
  if (--barrier == 0) NT_OK(nnet_socket_reset_and_destroy(conn));
}

static void on_conn_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
}

static void server_socket_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_errors);
  NT_EXPECT_ERROR(ev->u.error, "ECONNRESET", "read ECONNRESET");
  NT_STREQ(ev->u.error->name, "Error");
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  connok();
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_ERROR,
                       server_socket_error, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  connok();
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_socket_on(conn, NNET_EV_CLOSE, on_conn_close, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_CONNECTION, on_connection, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  closes = NT_MUST_CALL("conn close", 1);
  server_errors = NT_MUST_CALL("server socket ECONNRESET", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
