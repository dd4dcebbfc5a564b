/* Node: test/parallel/test-net-write-slow.js
 * The server queues 10 x 200 KB (each with a callback) and ends, with a
 * 9999 ms idle timeout that must not fire; the client pauses 20 ms after
 * every 'data'. Every callback runs and the client gets every byte before
 * 'end'. */
#include "common.h"

#define SIZE 200000
#define N    10
static nt_count_t *listens, *ends;
static nnet_server_t *server;
static nnet_socket_t *conn;
static int flushed;
static size_t received;
static char *buf;
static bool conn_closed;
static int timers_pending;

/* conn is retained: a resume timer may fire after its 'close'. */
static void maybe_release(void) {
  if (conn_closed && timers_pending == 0) nnet_socket_release(conn);
}

static void on_conn_close(const nnet_event_t *ev, void *ctx) {
  conn_closed = true;
  maybe_release();
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  NT_FAIL("flushed: %d, received: %zu/%d", flushed, received, SIZE * N);
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  ++flushed;
  if (flushed == N) NT_OK(nnet_socket_set_timeout(s, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  NT_OK(nnet_socket_set_no_delay(socket, true));
  NT_OK(nnet_socket_set_timeout(socket, 9999, NULL, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_TIMEOUT, on_timeout, NULL));
  for (int i = 0; i < N; ++i)
    NT_OK(nnet_socket_write(socket, buf, SIZE, write_cb, NULL));
  NT_OK(nnet_socket_end(socket, NULL, 0, NULL, NULL));
}

static void do_resume(void *ctx) {
  nnet_socket_resume(conn);
  timers_pending--;
  maybe_release();
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  received += ev->u.data.len;
  nnet_socket_pause(conn);
  timers_pending++;
  nt_set_timeout(do_resume, NULL, 20);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_EQ(received, SIZE * N);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  nnet_socket_retain(conn);
  NT_OK(nnet_socket_on(conn, NNET_EV_CLOSE, on_conn_close, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  ends = NT_MUST_CALL("end", 1);
  buf = malloc(SIZE);
  NT_ASSERT(buf != NULL);
  memset(buf, 'a', SIZE);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  int rc = nt_finish();
  free(buf);
  return rc;
}
