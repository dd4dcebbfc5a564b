/* The socket `signal` option (Node: new net.Socket({signal}) /
 * net.connect({signal})): abort() destroys the socket with an AbortError
 * (code ABORT_ERR, "The operation was aborted"). Traces are Node v20's. */
#include "test_socket_pair.h"

static void check_abort_error(const trace_t *t) {
  ck_assert_int_eq(t->counts[NNET_EV_ERROR], 1);
  ck_assert_int_eq(t->error_code, NNET_ABORT_ERR);
  ck_assert_str_eq(t->error_name, "AbortError");
  ck_assert_str_eq(t->error_code_name, "ABORT_ERR");
  ck_assert_str_eq(t->error_msg, "The operation was aborted");
}

/* Aborted inside 'connect': Node still emits 'ready' (same emit run),
 * then 'error' and 'close'. */
static void abort_on_connect(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_abort_controller_abort(p->user);
  ck_assert(nnet_socket_is_destroyed(ev->target));
}

static void hook_abort_on_connect(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_CONNECT, abort_on_connect, p);
}

START_TEST(abort_after_connect) {
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  ck_assert_ptr_nonnull(ac);
  pair_t p;
  pair_init(&p);
  p.copts.signal = ac;
  p.user = ac;
  p.on_client = hook_abort_on_connect;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/closed,"
                   "error:ABORT_ERR/closed,close:true/closed");
  check_abort_error(&p.ct);
  ck_assert(p.ct.had_error);
  ck_assert_int_eq(p.st.counts[NNET_EV_CLOSE], 1);
  ck_assert(nnet_abort_controller_is_aborted(ac));
  nnet_abort_controller_free(ac);
  pair_finish(&p);
}
END_TEST

/* Aborted right after connect() returned: destroyed at once, the connect
 * never starts (no 'connectionAttempt'). */
static void abort_now(pair_t *p, nnet_socket_t *c) {
  nnet_abort_controller_abort(p->user);
  ck_assert(nnet_socket_is_destroyed(c));
  /* nothing reached the server: stop it here */
  ck_assert_int_eq(nnet_server_close(p->srv, NULL, NULL), 0);
}

START_TEST(abort_while_connecting) {
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  pair_t p;
  pair_init(&p);
  p.copts.signal = ac;
  p.user = ac;
  p.on_connecting = abort_now;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(p.ct.trace, "error:ABORT_ERR/closed,close:true/closed");
  check_abort_error(&p.ct);
  ck_assert(p.ct.had_error);
  ck_assert_int_eq(p.connections, 0);
  nnet_abort_controller_free(ac);
  pair_finish(&p);
}
END_TEST

/* A signal that is already aborted: the socket is destroyed on a later
 * turn (Node 20 leaves socket.destroyed false after the constructor and
 * reports readyState "writeOnly", a quirk we do not copy). 'close' has no
 * hadError, as Node's (the socket never had a handle). */
START_TEST(already_aborted) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  o.signal = ac;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  nnet_abort_controller_free(ac); /* the socket does not need it now */
  trace_t t;
  trace_socket(s, &t);
  ck_assert(!nnet_socket_is_destroyed(s));
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(t.trace, "error:ABORT_ERR/closed,close:undefined/closed");
  check_abort_error(&t);
  ck_assert(!t.had_error);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Freeing the controller first, or the socket first: no abort, no
 * dangling subscriber (the sanitizer build checks the memory). */
START_TEST(unsubscribe_both_ways) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_abort_controller_t *ac1 = nnet_abort_controller_new();
  nnet_abort_controller_t *ac2 = nnet_abort_controller_new();
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  nnet_socket_t *s1, *s2;
  o.signal = ac1;
  ck_assert_int_eq(nnet_socket_new(&o, &s1), 0);
  o.signal = ac2;
  ck_assert_int_eq(nnet_socket_new(&o, &s2), 0);
  trace_t t1, t2;
  trace_socket(s1, &t1);
  trace_socket(s2, &t2);
  nnet_abort_controller_free(ac1); /* s1 stops listening */
  nnet_socket_destroy(s1, 0);
  nnet_socket_destroy(s2, 0);
  nnet_test_run(&loop, 5000); /* s2 is freed while subscribed to ac2 */
  nnet_abort_controller_abort(ac2);
  nnet_abort_controller_free(ac2);
  /* Node: destroyed before any handle, 'close' has no hadError. */
  ck_assert_str_eq(t1.trace, "close:undefined/closed");
  ck_assert_str_eq(t2.trace, "close:undefined/closed");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* abort() after the socket closed normally changes nothing. */
static void sconn_end_now(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, NULL, 0, NULL, NULL), 0);
}

START_TEST(abort_after_close_is_noop) {
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  pair_t p;
  pair_init(&p);
  p.copts.signal = ac;
  p.on_sconn = sconn_end_now;
  pair_start(&p);
  pair_run(&p);
  nnet_abort_controller_abort(ac);
  uv_run(&p.loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  ck_assert_int_eq(p.ct.counts[NNET_EV_CLOSE], 1);
  nnet_abort_controller_free(ac);
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_abort");
  TCase *tc = tcase_create("abort");
  tcase_add_test(tc, abort_after_connect);
  tcase_add_test(tc, abort_while_connecting);
  tcase_add_test(tc, already_aborted);
  tcase_add_test(tc, unsubscribe_both_ways);
  tcase_add_test(tc, abort_after_close_is_noop);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
