/* Echo over TCP and Unix sockets: events, counts, data, counters. */
#include "test_socket_peer.h"

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  ck_assert_int_eq(nnet_socket_write(s, "hel", 3, NULL, NULL), 1);
  ck_assert_int_eq(nnet_socket_end(s, "lo", 2, NULL, NULL), 0);
}

static void check_common(rec_t *r, nnet_socket_t *s) {
  ck_assert_int_eq(r->counts[NNET_EV_CONNECT], 1);
  ck_assert_int_eq(r->counts[NNET_EV_READY], 1);
  ck_assert_int_eq(r->counts[NNET_EV_FINISH], 1);
  ck_assert_int_eq(r->counts[NNET_EV_END], 1);
  ck_assert_int_eq(r->counts[NNET_EV_CLOSE], 1);
  ck_assert_int_eq(r->counts[NNET_EV_ERROR], 0);
  ck_assert(!r->had_error);
  ck_assert_int_eq((int)r->data_len, 5);
  ck_assert(memcmp(r->data, "hello", 5) == 0);
  ck_assert(strncmp(r->trace, "connect,ready,", 14) == 0);
  size_t n = strlen(r->trace);
  ck_assert_str_eq(r->trace + n - 9, "end,close");
  ck_assert_int_eq((int)nnet_socket_bytes_read(s), 5);
  ck_assert_int_eq((int)nnet_socket_bytes_written(s), 5);
  ck_assert_str_eq(nnet_socket_ready_state(s), "closed");
  ck_assert(nnet_socket_is_destroyed(s));
}

START_TEST(echo_tcp) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p.port;
  o.host = "127.0.0.1";
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, on_connect, NULL, &s), 0);
  rec_t r;
  rec_all(s, &r);
  nnet_socket_retain(s);
  ck_assert_str_eq(nnet_socket_ready_state(s), "opening");
  ck_assert(nnet_socket_is_connecting(s));
  nnet_test_run(&loop, 5000);
  check_common(&r, s);
  ck_assert(!nnet_socket_is_pipe(s));
  nnet_socket_release(s);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(echo_unix) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_pipe(&p, &loop, PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = p.path;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, on_connect, NULL, &s), 0);
  rec_t r;
  rec_all(s, &r);
  nnet_socket_retain(s);
  nnet_test_run(&loop, 5000);
  check_common(&r, s);
  ck_assert(nnet_socket_is_pipe(s));
  nnet_socket_release(s);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: a socket is reusable after 'close' (socket.connect again). */
static int reconnects;
static void on_close_reconnect(const nnet_event_t *ev, void *ctx) {
  peer_t *p = ctx;
  nnet_socket_t *s = ev->target;
  if (reconnects++ > 0) return;
  peer_start_tcp(p, nnet_socket_loop(s), PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p->port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(s, &o, on_connect, NULL), 0);
}

START_TEST(reconnect_after_close) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p1, p2;
  peer_start_tcp(&p1, &loop, PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p1.port;
  o.host = "127.0.0.1";
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, on_connect, NULL, &s), 0);
  rec_t r;
  rec_all(s, &r);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close_reconnect, &p2);
  nnet_socket_retain(s);
  reconnects = 0;
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(reconnects, 2);
  ck_assert_int_eq(r.counts[NNET_EV_CONNECT], 2);
  ck_assert_int_eq(r.counts[NNET_EV_CLOSE], 2);
  ck_assert_int_eq(r.counts[NNET_EV_ERROR], 0);
  ck_assert_int_eq((int)r.data_len, 10);
  nnet_socket_release(s);
  peer_close(&p1);
  peer_close(&p2);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_echo");
  TCase *tc = tcase_create("echo");
  tcase_add_test(tc, echo_tcp);
  tcase_add_test(tc, echo_unix);
  tcase_add_test(tc, reconnect_after_close);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
