/* Node: test/parallel/test-net-write-after-close.js
 * The client end()s (allowHalfOpen false, so both sides close); once the
 * client sees 'end', a write on the server's socket fails its callback
 * with an error and the server socket emits no 'error'. The accepted
 * socket is retained so it may be used after its 'close' (Node: the
 * object lives on). */
#include "common.h"

static nt_count_t *conns, *listens, *connects, *ends, *write_cbs;
static nnet_server_t *server;
static nnet_socket_t *server_socket;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  server_socket = ev->u.connection.socket;
  nnet_socket_retain(server_socket);
  nnet_socket_resume(server_socket);
  NT_OK(nnet_socket_on(server_socket, NNET_EV_ERROR, nt_must_not_call,
                       "server socket error"));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_ASSERT(status < 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
  nnet_socket_release(server_socket);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  (void)nnet_socket_write(server_socket, "test", 4, write_cb, NULL);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_on(ev->target, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("client end", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
