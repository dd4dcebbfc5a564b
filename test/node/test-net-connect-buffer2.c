/* Node: test/parallel/test-net-connect-buffer2.js
 * A socket with highWaterMark 0 writes and ends while still connecting:
 * pending/connecting/readyState while opening, write() returns false,
 * bytesWritten counts the queued bytes at once, the write callback runs
 * after 'connect' with every byte counted, and the server receives the
 * whole text. pending is true again at 'close'. */
#include "common.h"

static const char a[] = "L'\xc3\x89tat, c'est ";
static const char b[] = "moi";

static nnet_server_t *tcp;
static nnet_socket_t *socket_;
static bool connected;
static char buf[64];
static size_t buf_len;
static nt_count_t *conns, *srv_ends, *listens, *connects, *write_cbs, *closes;

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(buf_len + ev->u.data.len < sizeof(buf));
  memcpy(buf + buf_len, ev->u.data.base, ev->u.data.len);
  buf_len += ev->u.data.len;
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_ends);
  buf[buf_len] = 0;
  NT_STREQ(buf, "L'\xc3\x89tat, c'est moi");
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(conns);
  NT_OK(nnet_server_close(tcp, NULL, NULL));
  NT_OK(nnet_socket_set_encoding(s, NNET_ENC_UTF8));
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, srv_on_data, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  connected = true;
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_OK(status);
  NT_ASSERT(connected);
  NT_EQ(nnet_socket_bytes_written(socket_), strlen(a) + strlen(b));
  NT_ASSERT(!nnet_socket_is_pending(socket_));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_ASSERT(nnet_socket_is_pending(socket_));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_opts_t so;
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_socket_opts_init(&so);
  so.high_water_mark = 0;
  NT_OK(nnet_socket_new(&so, &socket_));
  NT_ASSERT(nnet_socket_is_pending(socket_));
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(tcp);
  NT_OK(nnet_socket_connect(socket_, &o, on_connect, NULL));
  NT_ASSERT(nnet_socket_is_pending(socket_));
  NT_ASSERT(nnet_socket_is_connecting(socket_));
  NT_STREQ(nnet_socket_ready_state(socket_), "opening");
  int r = nnet_socket_write(socket_, a, strlen(a), write_cb, NULL);
  NT_OK(nnet_socket_on(socket_, NNET_EV_CLOSE, on_close, NULL));
  NT_EQ(nnet_socket_bytes_written(socket_), strlen(a));
  NT_EQ(r, 0); /* false: over highWaterMark 0 */
  NT_OK(nnet_socket_end(socket_, b, strlen(b), NULL, NULL));
  NT_STREQ(nnet_socket_ready_state(socket_), "opening");
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  srv_ends = NT_MUST_CALL("server end", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  closes = NT_MUST_CALL("close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &tcp));
  NT_OK(nnet_server_listen_tcp(tcp, 0, NULL));
  NT_OK(nnet_server_once(tcp, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
