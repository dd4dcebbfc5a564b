/* Node: test/parallel/test-net-socket-destroy-send.js
 * Writing to a socket destroyed inside 'connect' (destroy twice: the second
 * call is a no-op) fails the write's callback with ERR_STREAM_DESTROYED
 * and emits no 'error'. (destroy() returning `this` has no C form.) */
#include "common.h"

static nt_count_t *listens, *connects, *write_cbs;
static nnet_server_t *server;
static nnet_socket_t *conn;

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_ERR(status, NNET_ERR_STREAM_DESTROYED);
  NT_STREQ(nnet_err_name(status), "ERR_STREAM_DESTROYED");
  NT_STREQ(nnet_err_class(status), "Error");
  NT_STREQ(nnet_strerror(status),
           "Cannot call write after a stream was destroyed");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  nnet_socket_destroy(conn, 0);
  nnet_socket_destroy(conn, 0);
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, nt_must_not_call, "conn error"));
  NT_ERR(nnet_socket_write(conn, "kaboom", 6, write_cb, NULL),
         NNET_ERR_STREAM_DESTROYED);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_socket_on(conn, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
