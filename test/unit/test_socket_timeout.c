/* socket.setTimeout(): 'timeout' fires once per idle period, is re-armed
 * by writes and reads, never destroys the socket; 0 disables it; the
 * callback form is a once listener, removed again by setTimeout(0, cb).
 * "Fires only once" is checked by waiting five more periods; the waits
 * only give a wrong timer the chance to fire, nothing asserts on time. */
#include "test_socket_pair.h"

enum { PERIOD = 30, QUIET = 5 * PERIOD };

typedef struct {
  pair_t *p;
  uv_timer_t quiet;
  int timeouts, cb_calls, quiet_checks;
  int stop_after; /* end both sides after this many timeouts */
} to_t;

static void end_both(pair_t *p) {
  nnet_socket_end(p->client, NULL, 0, NULL, NULL);
  nnet_socket_end(p->sconn, NULL, 0, NULL, NULL);
}

/* QUIET ms without a further 'timeout': check, then hang up. */
static void quiet_done(uv_timer_t *t) {
  to_t *x = t->data;
  x->quiet_checks++;
  ck_assert_int_eq(x->timeouts, x->stop_after);
  ck_assert(!nnet_socket_is_destroyed(x->p->client));
  ck_assert_str_eq(nnet_socket_ready_state(x->p->client), "open");
  end_both(x->p);
  uv_close((uv_handle_t *)t, NULL);
}

static void wait_quiet(to_t *x) {
  ck_assert_int_eq(uv_timer_init(&x->p->loop, &x->quiet), 0);
  x->quiet.data = x;
  ck_assert_int_eq(uv_timer_start(&x->quiet, quiet_done, QUIET, 0), 0);
}

/* 1st: the client writes (activity); 2nd: the server writes (the client
 * reads: activity); then silence. */
static void on_timeout(const nnet_event_t *ev, void *ctx) {
  to_t *x = ctx;
  nnet_socket_t *c = ev->target;
  x->timeouts++;
  ck_assert(!nnet_socket_is_destroyed(c));
  ck_assert_str_eq(nnet_socket_ready_state(c), "open");
  if (x->stop_after == 0) return; /* must not happen: counted, asserted */
  if (x->timeouts < x->stop_after && x->timeouts == 1)
    ck_assert_int_eq(nnet_socket_write(c, "x", 1, NULL, NULL), 1);
  else if (x->timeouts < x->stop_after)
    ck_assert_int_eq(nnet_socket_write(x->p->sconn, "y", 1, NULL, NULL), 1);
  else
    wait_quiet(x);
}

static void once_cb(const nnet_event_t *ev, void *ctx) {
  ((to_t *)ctx)->cb_calls++;
}

static void arm_on_connect(const nnet_event_t *ev, void *ctx) {
  to_t *x = ctx;
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_set_timeout(c, PERIOD, once_cb, x), 0);
  ck_assert_uint_eq(nnet_socket_timeout(c), PERIOD);
}

static void hook_client(pair_t *p, nnet_socket_t *c) {
  to_t *x = p->user;
  nnet_socket_on(c, NNET_EV_TIMEOUT, on_timeout, x);
  nnet_socket_on(c, NNET_EV_CONNECT, arm_on_connect, x);
}

static void run(to_t *x, int stop_after, pair_hook_fn client_hook) {
  pair_t p;
  pair_init(&p);
  memset(x, 0, sizeof(*x));
  x->p = &p;
  x->stop_after = stop_after;
  p.user = x;
  p.on_client = client_hook;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(p.ct.counts[NNET_EV_TIMEOUT], x->timeouts);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  ck_assert_int_eq(p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert(!p.ct.had_error);
  pair_finish(&p);
}

START_TEST(fires_once_per_idle_period) {
  to_t x;
  run(&x, 1, hook_client);
  ck_assert_int_eq(x.timeouts, 1);
  ck_assert_int_eq(x.cb_calls, 1);
  ck_assert_int_eq(x.quiet_checks, 1);
}
END_TEST

/* Node: 1st timeout, write; 2nd, the peer writes; 3rd, then silence. The
 * callback (a once listener) ran only for the first. */
START_TEST(rearmed_by_activity) {
  to_t x;
  run(&x, 3, hook_client);
  ck_assert_int_eq(x.timeouts, 3);
  ck_assert_int_eq(x.cb_calls, 1);
  ck_assert_int_eq(x.quiet_checks, 1);
}
END_TEST

/* setTimeout(0) disables the timer, and setTimeout(0, cb) removes cb. */
static void arm_then_disable(const nnet_event_t *ev, void *ctx) {
  to_t *x = ctx;
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_set_timeout(c, PERIOD, once_cb, x), 0);
  ck_assert_int_eq(nnet_socket_listener_count(c, NNET_EV_TIMEOUT), 3);
  ck_assert_int_eq(nnet_socket_set_timeout(c, 0, once_cb, x), 0);
  ck_assert_int_eq(nnet_socket_listener_count(c, NNET_EV_TIMEOUT), 2);
  ck_assert_uint_eq(nnet_socket_timeout(c), 0);
  wait_quiet(x);
}

static void hook_disable(pair_t *p, nnet_socket_t *c) {
  to_t *x = p->user;
  nnet_socket_on(c, NNET_EV_TIMEOUT, on_timeout, x);
  nnet_socket_on(c, NNET_EV_CONNECT, arm_then_disable, x);
}

START_TEST(zero_disables) {
  to_t x;
  run(&x, 0, hook_disable);
  ck_assert_int_eq(x.timeouts, 0);
  ck_assert_int_eq(x.cb_calls, 0);
  ck_assert_int_eq(x.quiet_checks, 1);
}
END_TEST

/* The timer is unref'd (Node's unref timeout): an idle socket that is
 * itself unref'd does not keep the loop alive because of its timer. */
START_TEST(timer_does_not_hold_loop) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  ck_assert_int_eq(nnet_socket_set_timeout(s, 10 * 1000, NULL, NULL), 0);
  ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0); /* returns at once */
  nnet_socket_destroy(s, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_timeout");
  TCase *tc = tcase_create("timeout");
  tcase_add_test(tc, fires_once_per_idle_period);
  tcase_add_test(tc, rearmed_by_activity);
  tcase_add_test(tc, zero_disables);
  tcase_add_test(tc, timer_does_not_hold_loop);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
