/* destroy() inside listeners, destroy(err), resetAndDestroy. */
#include "test_socket_peer.h"

static void destroy_now(const nnet_event_t *ev, void *ctx) {
  nnet_socket_destroy(ev->target, (int)(intptr_t)ctx);
  nnet_socket_destroy(ev->target, 0); /* idempotent */
}

static void on_connect_write(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "ping", 4, NULL, NULL);
}

static void run_case(nnet_event_type_t where, int err, const char *trace,
                     bool pipe) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  if (pipe)
    peer_start_pipe(&p, &loop, PEER_ECHO);
  else
    peer_start_tcp(&p, &loop, PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  if (pipe) {
    o.path = p.path;
  } else {
    o.port = p.port;
    o.host = "127.0.0.1";
  }
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s), 0);
  rec_t r;
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect_write, NULL);
  nnet_socket_on(s, where, destroy_now, (void *)(intptr_t)err);
  rec_all(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, trace);
  ck_assert_int_eq(r.had_error, err != 0);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}

START_TEST(destroy_in_connect) {
  run_case(NNET_EV_CONNECT, 0, "connect,ready,close", false);
}
END_TEST

START_TEST(destroy_in_data) {
  run_case(NNET_EV_DATA, 0, "connect,ready,data,close", false);
  run_case(NNET_EV_DATA, 0, "connect,ready,data,close", true);
}
END_TEST

START_TEST(destroy_error_in_data) {
  run_case(NNET_EV_DATA, UV_ECONNRESET, "connect,ready,data,error,close",
           false);
}
END_TEST

static void end_now(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

START_TEST(destroy_in_end) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_ECHO);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p.port;
  o.host = "127.0.0.1";
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, end_now, NULL, &s), 0);
  nnet_socket_on(s, NNET_EV_END, destroy_now, NULL);
  rec_t r;
  rec_all(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(r.counts[NNET_EV_END], 1);
  ck_assert_int_eq(r.counts[NNET_EV_CLOSE], 1);
  ck_assert_int_eq(r.counts[NNET_EV_ERROR], 0);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void reset_now(const nnet_event_t *ev, void *ctx) {
  int *rc = ctx;
  *rc = nnet_socket_reset_and_destroy(ev->target);
}

START_TEST(reset_and_destroy) {
  for (int pipe = 0; pipe < 2; pipe++) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    peer_t p;
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    if (pipe) {
      peer_start_pipe(&p, &loop, PEER_SINK);
      o.path = p.path;
    } else {
      peer_start_tcp(&p, &loop, PEER_SINK);
      o.port = p.port;
      o.host = "127.0.0.1";
    }
    int rc = 1;
    nnet_socket_t *s;
    ck_assert_int_eq(nnet_create_connection(&loop, &o, reset_now, &rc, &s), 0);
    rec_t r;
    rec_all(s, &r);
    if (pipe) nnet_socket_on(s, NNET_EV_CONNECT, destroy_now, NULL);
    nnet_test_run(&loop, 5000);
    ck_assert_int_eq(rc, pipe ? NNET_ERR_INVALID_HANDLE_TYPE : 0);
    ck_assert_str_eq(r.trace, "connect,ready,close");
    ck_assert(!r.had_error);
    if (!pipe) ck_assert_int_eq(p.eof, 1); /* peer saw the reset */
    peer_close(&p);
    uv_run(&loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  }
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_destroy");
  TCase *tc = tcase_create("destroy");
  tcase_add_test(tc, destroy_in_connect);
  tcase_add_test(tc, destroy_in_data);
  tcase_add_test(tc, destroy_error_in_data);
  tcase_add_test(tc, destroy_in_end);
  tcase_add_test(tc, reset_and_destroy);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
