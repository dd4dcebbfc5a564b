/* Node: test/parallel/test-net-bytes-stats.js
 * bytesRead (server side, at 'end') and bytesWritten (client, at 'finish')
 * over two connections of one socket, reconnected from its 'close'
 * listener: 'foo' + 'bar' each time, 12 bytes in all each way. (Checked
 * at the server's 'close', the last event; Node checks at exit.) */
#include "common.h"

static nnet_server_t *tcp;
static nnet_socket_t *socket_;
static uint64_t bytes_read, bytes_written;
static int count;
static nt_count_t *server_closes;

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  bytes_read += nnet_socket_bytes_read(ev->target);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_resume(s);
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, NULL));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_OK(status);
  NT_OK(nnet_socket_end(socket_, "bar", 3, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  count++;
  NT_OK(nnet_socket_write(socket_, "foo", 3, write_cb, NULL));
}

static void on_finish(const nnet_event_t *ev, void *ctx) {
  bytes_written += nnet_socket_bytes_written(socket_);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  if (count < 2) {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = nt_server_port(tcp);
    NT_OK(nnet_socket_connect(socket_, &o, NULL, NULL));
  } else {
    nnet_socket_release(socket_);
    NT_OK(nnet_server_close(tcp, NULL, NULL));
  }
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_closes);
  NT_EQ(bytes_read, 12);
  NT_EQ(bytes_written, 12);
}

static void do_test(const nnet_event_t *ev, void *ctx) {
  NT_OK(
      nnet_create_connection_tcp(NT_LOOP, nt_server_port(tcp), NULL, &socket_));
  nnet_socket_retain(socket_); /* it connects again after 'close' */
  NT_OK(nnet_socket_on(socket_, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_FINISH, on_finish, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_CLOSE, on_close, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  server_closes = NT_MUST_CALL("server close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &tcp));
  NT_OK(nnet_server_on(tcp, NNET_EV_CLOSE, on_server_close, NULL));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(tcp, &lo, do_test, NULL));
  int rc = nt_finish();
  NT_EQ(count, 2);
  return rc;
}
