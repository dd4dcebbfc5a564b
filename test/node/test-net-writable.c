/* Node: test/parallel/test-net-writable.js
 * When the peer ended (the server closed itself and ended the socket),
 * the client is still writable inside its 'end' listener and a write there
 * succeeds (no 'error'). */
#include "common.h"

static nt_count_t *conns, *listens, *ends;
static nnet_server_t *server;
static nnet_socket_t *accepted;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  accepted = ev->u.connection.socket;
  nnet_socket_retain(accepted);
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_EQ(nnet_socket_is_writable(ev->target), true);
  NT_OK(nnet_socket_write(ev->target, "hello world", 11, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket;
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "127.0.0.1",
                                   &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, "127.0.0.1"));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  /* Node exits here: the server's socket never reads the client's bytes
   * (no 'data' listener), so it never sees 'end' and stays open, its
   * handle idle after EOF. C closes it. */
  uv_run(NT_LOOP, UV_RUN_DEFAULT);
  NT_ASSERT(!nnet_socket_is_destroyed(accepted));
  nnet_socket_destroy(accepted, 0);
  nnet_socket_release(accepted);
  return nt_finish();
}
