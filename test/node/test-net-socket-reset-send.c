/* Node: test/parallel/test-net-socket-reset-send.js
 * resetAndDestroy() then destroy() inside 'connect': a write then fails its
 * callback with ERR_STREAM_DESTROYED and the client emits no 'error'; the
 * server side, if it accepted the connection, sees 'read ECONNRESET'.
 * (Returning `this` for chaining has no C form.) */
#include "common.h"

static nt_count_t *listens, *connects, *write_cbs;
static nnet_server_t *server;
static nnet_socket_t *conn;

static void on_server_socket_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT((nt_count_t *)ctx);
  NT_EXPECT_ERROR(ev->u.error, "ECONNRESET", "read ECONNRESET");
  NT_STREQ(ev->u.error->name, "Error");
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  /* common.expectsError: once per accepted socket */
  nt_count_t *errs = NT_MUST_CALL("server socket error", 1);
  NT_OK(nnet_socket_on(ev->u.connection.socket, NNET_EV_ERROR,
                       on_server_socket_error, errs));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_ERR(status, NNET_ERR_STREAM_DESTROYED);
  NT_STREQ(nnet_strerror(status),
           "Cannot call write after a stream was destroyed");
  NT_STREQ(nnet_err_class(status), "Error");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_reset_and_destroy(conn));
  nnet_socket_destroy(conn, 0);
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, nt_must_not_call, "conn error"));
  NT_ERR(nnet_socket_write(conn, "fzfzfzfzfz", 10, write_cb, NULL),
         NNET_ERR_STREAM_DESTROYED);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_server_on(server, NNET_EV_CONNECTION, on_connection, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
