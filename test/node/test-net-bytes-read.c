/* Node: test/parallel/test-net-bytes-read.js
 * socket.bytesRead grows with every 'data' chunk, equals the 1 MiB the
 * server sent at 'end', and still reads the same at 'close' (when the
 * handle is gone). */
#include "common.h"

#define BIG (1024 * 1024)

static nt_count_t *handlers, *listens, *datas, *ends, *closes, *connects;
static nnet_server_t *server;
static nnet_socket_t *socket_;
static uint64_t prev;
static char *big;

static void handler(const nnet_event_t *ev, void *ctx) {
  NT_HIT(handlers);
  NT_OK(nnet_socket_end(ev->u.connection.socket, big, BIG, NULL, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  uint64_t value = nnet_socket_bytes_read(socket_);
  NT_HIT(datas);
  NT_ASSERT(value > prev);
  prev = value;
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_EQ(nnet_socket_bytes_read(socket_), prev);
  NT_EQ(BIG, prev);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  NT_HIT(closes);
  NT_ERR(nnet_socket_address(socket_, &sa), UV_EBADF); /* no _handle */
  NT_EQ(nnet_socket_bytes_read(socket_), prev);
  NT_EQ(BIG, prev);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_on(socket_, NNET_EV_DATA, on_data, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_socket_end(socket_, NULL, 0, NULL, NULL));
}

static void on_listen(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &socket_));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  big = calloc(1, BIG);
  NT_ASSERT(big != NULL);
  handlers = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  datas = NT_MUST_CALL_AT_LEAST("data", 1);
  ends = NT_MUST_CALL("end", 1);
  closes = NT_MUST_CALL("close", 1);
  connects = NT_MUST_CALL("connect", 1);
  NT_OK(nnet_create_server(NULL, handler, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listen, NULL));
  int rc = nt_finish();
  free(big);
  return rc;
}
