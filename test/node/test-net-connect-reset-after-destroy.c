/* Node: test/parallel/test-net-connect-reset-after-destroy.js
 * resetAndDestroy() then destroy() on a connected client: the server side
 * gets 'error' ECONNRESET ("read ECONNRESET"); the client emits no 'error'
 * and a later write fails with ERR_STREAM_DESTROYED. (Node chains
 * resetAndDestroy().destroy(); here the first returns 0.) */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *conn;
static nt_count_t *listening, *server_errors, *connects, *write_cbs;

static void server_socket_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_errors);
  NT_EXPECT_ERROR(ev->u.error, "ECONNRESET", "read ECONNRESET");
  NT_STREQ(ev->u.error->name, "Error");
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_ERROR,
                       server_socket_error, NULL));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_EQ(status, NNET_ERR_STREAM_DESTROYED);
  NT_STREQ(nnet_err_name(status), "ERR_STREAM_DESTROYED");
  NT_STREQ(nnet_strerror(status),
           "Cannot call write after a stream was destroyed");
  NT_STREQ(nnet_err_class(status), "Error");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_reset_and_destroy(conn));
  nnet_socket_destroy(conn, 0);
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, nt_must_not_call, "conn error"));
  int rc = nnet_socket_write(conn, "fzfzfzfzfz", 10, write_cb, NULL);
  NT_EQ(rc, NNET_ERR_STREAM_DESTROYED);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_server_on(server, NNET_EV_CONNECTION, on_connection, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  server_errors = NT_MUST_CALL("server socket ECONNRESET", 1);
  connects = NT_MUST_CALL("connect", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
