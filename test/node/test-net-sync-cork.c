/* Node: test/parallel/test-net-sync-cork.js
 * 100 rounds of cork(), two 2-byte writes, uncork() in 'connect' all stay
 * below highWaterMark (every write returns true); then end(). The server
 * side reads everything without an 'error'. */
#include "common.h"

#define N 100
static nt_count_t *listens, *connects, *closes;
static nnet_server_t *server;
static nnet_socket_t *conn;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  static const char buf[2] = {'a', 'a'};
  bool res = true;
  int i = 0;
  NT_HIT(connects);
  for (; i < N && res; i++) {
    nnet_socket_cork(conn);
    NT_OK(nnet_socket_write(conn, buf, 2, NULL, NULL));
    int rc = nnet_socket_write(conn, buf, 2, NULL, NULL);
    NT_OK(rc);
    res = rc == 1;
    nnet_socket_uncork(conn);
  }
  NT_EQ(i, N);
  NT_OK(nnet_socket_end(conn, NULL, 0, NULL, NULL));
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void handle(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  nnet_socket_resume(socket);
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, nt_must_not_call, "error"));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_server_close, NULL));
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
  closes = NT_MUST_CALL("server socket close", 1);
  NT_OK(nnet_create_server(NULL, handle, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
