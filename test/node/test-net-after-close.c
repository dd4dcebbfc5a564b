/* Node: test/parallel/test-net-after-close.js
 * After a client's 'close' (the server ended it), calling setNoDelay,
 * setKeepAlive, bufferSize, pause, resume, address and the remote address
 * on the closed socket is harmless; its handle is gone (address() gives
 * UV_EBADF: Node's _handle === null). */
#include "common.h"

static nt_count_t *conns, *listens, *closes;
static nnet_server_t *server;
static nnet_socket_t *c;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  NT_HIT(closes);
  NT_ASSERT(nnet_socket_is_destroyed(c));
  /* None of these may fail the test or crash on a closed socket. */
  nnet_socket_set_no_delay(c, true);
  nnet_socket_set_keep_alive(c, false, 0);
  (void)nnet_socket_writable_length(c);
  nnet_socket_pause(c);
  nnet_socket_resume(c);
  NT_ERR(nnet_socket_address(c, &sa), UV_EBADF);
  (void)nnet_socket_remote_address(c, &sa); /* Node: remoteAddress/Port */
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("server connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  closes = NT_MUST_CALL("client close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
