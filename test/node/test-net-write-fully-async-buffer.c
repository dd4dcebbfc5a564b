/* Node: test/parallel/test-net-write-fully-async-buffer.js
 * 20 rounds of writing a fresh 1 MB buffer until write() says wait, the
 * next round on 'drain', then end(): every write completes although the
 * caller's buffer is gone when write() returns (C: freed at once; Node:
 * a minor GC). globalThis.gc itself is JS-only. */
#include "common.h"

#define SIZE 1000000
static nt_count_t *conns, *listens, *connects;
static nnet_server_t *server;
static nnet_socket_t *conn;
static int count;

static void write_loop(void) {
  if (count++ == 20) {
    NT_OK(nnet_socket_end(conn, NULL, 0, NULL, NULL));
    return;
  }
  for (;;) {
    char *data = calloc(1, SIZE); /* Buffer.from(data) */
    NT_ASSERT(data != NULL);
    int rc = nnet_socket_write(conn, data, SIZE, NULL, NULL);
    memset(data, 0xee, SIZE); /* the library must have copied it */
    free(data);
    NT_OK(rc);
    if (rc == 0) break;
  }
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  write_loop();
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  nnet_socket_resume(ev->u.connection.socket);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_on(conn, NNET_EV_DRAIN, on_drain, NULL));
  write_loop();
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &conn));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
