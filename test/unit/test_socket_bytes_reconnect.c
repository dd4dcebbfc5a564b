/* bytesRead/bytesWritten of a retained socket that connects again after
 * 'close' (Node v20 on the same steps): each connection reads "hello" and
 * writes "ab"; the counters keep their values through 'close' and start
 * from 0 at connect() (Node gives the socket a new handle), so the second
 * connection reports 5 read and 3 written ("q" + "ab"), not the totals. */
#include <check.h>
#include <string.h>

#include "nodenet.h"
#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client;
  int port, connects, closes, connections;
  uint64_t read_at_close[2], written_at_close[2];
  uint64_t read_after_connect, written_after_connect, written_after_write;
  int reconnect_rc;
} ctx_t;

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connections++;
  nnet_socket_resume(ev->u.connection.socket);
  nnet_socket_end(ev->u.connection.socket, "hello", 5, NULL, NULL);
}

static void on_connect(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connects++;
  nnet_socket_end(ev->target, "ab", 2, NULL, NULL);
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = c->client;
  int i = c->closes++;
  c->read_at_close[i] = nnet_socket_bytes_read(s);
  c->written_at_close[i] = nnet_socket_bytes_written(s);
  if (i > 0) {
    nnet_socket_release(s);
    nnet_server_close(c->srv, NULL, NULL);
    return;
  }
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = c->port;
  o.host = "127.0.0.1";
  c->reconnect_rc = nnet_socket_connect(s, &o, NULL, NULL);
  c->read_after_connect = nnet_socket_bytes_read(s);
  c->written_after_connect = nnet_socket_bytes_written(s);
  nnet_socket_write(s, "q", 1, NULL, NULL); /* queued while connecting */
  c->written_after_write = nnet_socket_bytes_written(s);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&c->loop, c->port, "127.0.0.1", &c->client),
      0);
  nnet_socket_retain(c->client);
  nnet_socket_resume(c->client);
  nnet_socket_on(c->client, NNET_EV_CONNECT, on_connect, c);
  nnet_socket_on(c->client, NNET_EV_CLOSE, on_close, c);
}

START_TEST(counters_restart_on_reconnect) {
  ctx_t c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &c.loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, &c, &c.srv), 0);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c.srv, &lo, on_listening, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 2);
  ck_assert_int_eq(c.connects, 2);
  ck_assert_int_eq(c.closes, 2);
  ck_assert_int_eq(c.reconnect_rc, 0);
  ck_assert_uint_eq(c.read_at_close[0], 5);
  ck_assert_uint_eq(c.written_at_close[0], 2);
  ck_assert_uint_eq(c.read_after_connect, 0);
  ck_assert_uint_eq(c.written_after_connect, 0);
  ck_assert_uint_eq(c.written_after_write, 1);
  ck_assert_uint_eq(c.read_at_close[1], 5);
  ck_assert_uint_eq(c.written_at_close[1], 3);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_bytes_reconnect");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, counters_restart_on_reconnect);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
