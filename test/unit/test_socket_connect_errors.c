/* Connect failures: Node's error fields and order, sync validation. */
#include <stdio.h>

#include "test_socket_peer.h"

static int closed_port(uv_loop_t *loop) {
  peer_t p;
  peer_start_tcp(&p, loop, PEER_ECHO);
  int port = p.port;
  peer_close(&p);
  uv_run(loop, UV_RUN_DEFAULT);
  return port;
}

START_TEST(econnrefused) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int port = closed_port(&loop);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, port, "127.0.0.1", &s), 0);
  rec_t r;
  rec_all(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error,close");
  ck_assert(r.had_error);
  ck_assert_int_eq(r.error_code, UV_ECONNREFUSED);
  ck_assert_str_eq(r.error_code_name, "ECONNREFUSED");
  ck_assert_str_eq(r.error_syscall, "connect");
  ck_assert_str_eq(r.error_address, "127.0.0.1");
  ck_assert_int_eq(r.error_port, port);
  char msg[64];
  snprintf(msg, sizeof msg, "connect ECONNREFUSED 127.0.0.1:%d", port);
  ck_assert_str_eq(r.error_msg, msg);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  rec_t *r = ctx;
  ck_assert_ptr_null(ev->u.lookup.err);
  ck_assert_str_eq(ev->u.lookup.host, "localhost");
  ck_assert(ev->u.lookup.family == 4 || ev->u.lookup.family == 6);
  snprintf(r->error_address, sizeof r->error_address, "%s",
           ev->u.lookup.address);
}

START_TEST(lookup_localhost) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int port = closed_port(&loop);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, port, NULL, &s), 0);
  rec_t r, l;
  rec_all(s, &r);
  memset(&l, 0, sizeof l);
  nnet_socket_on(s, NNET_EV_LOOKUP, on_lookup, &l);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "lookup,error,close");
  ck_assert(nnet_is_ip(l.error_address));
  ck_assert_str_eq(r.error_code_name, "ECONNREFUSED");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(ip_literal_no_lookup_and_pending_write) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int port = closed_port(&loop);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, port, "127.0.0.1", &s), 0);
  rec_t r;
  rec_all(s, &r);
  ck_assert_int_eq(nnet_socket_write(s, "x", 1, NULL, NULL), 1);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(r.counts[NNET_EV_LOOKUP], 0);
  ck_assert_str_eq(r.trace, "error,close");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(sync_validation) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s = (nnet_socket_t *)1;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_MISSING_ARGS);
  ck_assert_ptr_null(s);
  o.port = 65536;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_SOCKET_BAD_PORT);
  o.port = -2;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_SOCKET_BAD_PORT);
  char longp[200];
  memset(longp, 'a', sizeof longp - 1);
  longp[sizeof longp - 1] = 0;
  ck_assert_int_eq(nnet_create_connection_path(&loop, longp, &s),
                   NNET_ERR_PATH_TOO_LONG);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(unix_enoent) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  char path[256];
  snprintf(path, sizeof path, "%s/none.sock", nnet_test_tmpdir());
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_path(&loop, path, &s), 0);
  rec_t r;
  rec_all(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error,close");
  ck_assert_str_eq(r.error_code_name, "ENOENT");
  char msg[300];
  snprintf(msg, sizeof msg, "connect ENOENT %s", path);
  ck_assert_str_eq(r.error_msg, msg);
  ck_assert_int_eq(r.error_port, -1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_connect_errors");
  TCase *tc = tcase_create("errors");
  tcase_add_test(tc, econnrefused);
  tcase_add_test(tc, lookup_localhost);
  tcase_add_test(tc, ip_literal_no_lookup_and_pending_write);
  tcase_add_test(tc, sync_validation);
  tcase_add_test(tc, unix_enoent);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
