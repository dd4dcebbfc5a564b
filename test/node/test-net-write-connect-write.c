/* Node: test/parallel/test-net-write-connect-write.js
 * A write made before connecting and one made in 'connect' reach an echo
 * server in order ("before after"); the client (utf8) ends on its first
 * data. The server's socket.pipe(socket) is an echo: each chunk written
 * back, end() on 'end'. */
#include "common.h"

static nt_count_t *listens, *ends;
static nnet_server_t *server;
static nnet_socket_t *conn;
static char received[64];
static size_t received_len;

static void echo_data(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL,
                          NULL));
}

static void echo_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, echo_data, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, echo_end, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_write_str(conn, " after", 6, NNET_ENC_UTF8, NULL, NULL));
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(ev->u.data.is_string);
  NT_ASSERT(received_len + ev->u.data.len < sizeof received);
  memcpy(received + received_len, ev->u.data.base, ev->u.data.len);
  received_len += ev->u.data.len;
  /* A second end() after 'finish' is ignored without a callback. */
  (void)nnet_socket_end(conn, NULL, 0, NULL, NULL);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_OK(nnet_server_close(server, NULL, NULL));
  received[received_len] = 0;
  NT_STREQ(received, "before after");
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &conn));
  NT_OK(nnet_socket_set_encoding(conn, NNET_ENC_UTF8));
  NT_OK(nnet_socket_write_str(conn, "before", 6, NNET_ENC_UTF8, NULL, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
