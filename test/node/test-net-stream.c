/* Node: test/parallel/test-net-stream.js
 * The server queues 10 x 2 MB and end()s; the client pauses at its first
 * 'data' and destroys itself 20 ms later. The server socket then gets an
 * 'error' (the peer went away), destroys itself, and 'close' closes the
 * server. */
#include "common.h"

#define SIZE 2000000
#define N    10
static nt_count_t *conns, *listens, *errors, *closes, *datas;
static nnet_server_t *server;
static nnet_socket_t *conn;
static char *buf;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  nnet_socket_destroy(ev->target, 0);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  NT_HIT(conns);
  NT_OK(nnet_socket_set_no_delay(socket, true));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_close, NULL));
  for (int i = 0; i < N; ++i)
    NT_OK(nnet_socket_write(socket, buf, SIZE, write_cb, NULL));
  NT_OK(nnet_socket_end(socket, NULL, 0, NULL, NULL));
}

static void destroy_conn(void *ctx) {
  nnet_socket_destroy(conn, 0);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(datas);
  nnet_socket_pause(conn);
  NT_ASSERT(nnet_socket_is_paused(conn));
  nt_set_timeout(destroy_conn, NULL, 20);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  errors = NT_MUST_CALL("server socket error", 1);
  closes = NT_MUST_CALL("server socket close", 1);
  datas = NT_MUST_CALL("data", 1);
  buf = malloc(SIZE);
  NT_ASSERT(buf != NULL);
  memset(buf, 'a', SIZE);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  int rc = nt_finish();
  free(buf);
  return rc;
}
