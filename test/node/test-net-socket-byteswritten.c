/* Node: test/parallel/test-net-socket-byteswritten.js
 * bytesWritten counts corked writes made before the connection exists
 * (3 + 4 bytes, "twø" being 4 UTF-8 bytes) at once, at 'connect' and at
 * 'end'. The server socket never reads (no 'data' listener), so it never
 * sees the client's FIN: Node's process exits with it open but idle; here
 * the loop ends the same way and the socket is destroyed afterwards. */
#include "common.h"

static nt_count_t *listening, *connects, *ends;
static nnet_server_t *server;
static nnet_socket_t *socket_, *srv_sock;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  srv_sock = ev->u.connection.socket;
  nnet_socket_retain(srv_sock);
  nnet_socket_end(srv_sock, NULL, 0, NULL, NULL);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_EQ(nnet_socket_bytes_written(socket_), 3 + 4);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_EQ(nnet_socket_bytes_written(socket_), 3 + 4);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &socket_));
  nnet_socket_cork(socket_);
  NT_OK(nnet_socket_write_str(socket_, "one", 3, NNET_ENC_UTF8, NULL, NULL));
  static const char two[] = "tw\xc3\xb8"; /* Buffer.from('twø', 'utf8') */
  NT_OK(nnet_socket_write(socket_, two, 4, NULL, NULL));
  nnet_socket_uncork(socket_);
  NT_EQ(nnet_socket_bytes_written(socket_), 3 + 4);
  NT_OK(nnet_socket_on(socket_, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* Node's process exits here */
  NT_ASSERT(srv_sock != NULL);
  nnet_socket_destroy(srv_sock, 0);
  nnet_socket_release(srv_sock);
  return nt_finish();
}
