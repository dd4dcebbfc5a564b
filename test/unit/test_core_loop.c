/* Per-loop state and the deferred queue (Node's nextTick). */
#include <string.h>

#include "internal.h"
#include "testutil.h"

static char trace[256];
static nnet__loop_t *nl;

static void add(const char *s) {
  strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static void rec(void *arg) {
  add(arg);
}

START_TEST(fifo_order_and_close) {
  uv_loop_t loop;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_ptr_nonnull(nl);
  ck_assert_ptr_eq(nnet__loop_uv(nl), &loop);
  ck_assert_int_eq(nnet__defer(nl, rec, "a"), 0);
  ck_assert_int_eq(nnet__defer(nl, rec, "b"), 0);
  ck_assert_int_eq(nnet__defer(nl, rec, "c"), 0);
  ck_assert_str_eq(trace, ""); /* never synchronous */
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(trace, "abc");
  nnet__loop_release(nl);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* An empty queue must not keep the loop alive: uv_run returns at once. */
START_TEST(empty_queue_does_not_keep_alive) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_ptr_nonnull(nl);
  ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ck_assert_int_eq(uv_loop_alive(&loop), 0);
  nnet__loop_release(nl);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void nested_inner(void *arg) {
  add(arg);
}

static void nested_outer(void *arg) {
  add(arg);
  ck_assert_int_eq(nnet__defer(nl, nested_inner, "n"), 0);
}

static int check_calls;
static void check_cb(uv_check_t *c) {
  (void)c;
  check_calls++;
  add("|");
}

/* Work deferred by deferred work runs in the same drain, before the loop
 * goes on (as nextTick does): "a b n" with no loop turn in between. */
START_TEST(nested_runs_same_drain) {
  uv_loop_t loop;
  uv_check_t check;
  trace[0] = 0;
  check_calls = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  uv_check_init(&loop, &check);
  uv_check_start(&check, check_cb);
  uv_unref((uv_handle_t *)&check);
  ck_assert_int_eq(nnet__defer(nl, nested_outer, "a"), 0);
  ck_assert_int_eq(nnet__defer(nl, rec, "b"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(strncmp(trace, "abn|", 4), 0);
  uv_close((uv_handle_t *)&check, NULL);
  nnet__loop_release(nl);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* nnet__tick_drain runs queued work synchronously (end of an internal
 * libuv callback). */
START_TEST(tick_drain_now) {
  uv_loop_t loop;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_int_eq(nnet__defer(nl, nested_outer, "a"), 0);
  nnet__tick_drain(nl);
  ck_assert_str_eq(trace, "an");
  ck_assert_int_eq(uv_run(&loop, UV_RUN_NOWAIT), 0); /* idle stopped */
  nnet__loop_release(nl);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void releases(void *arg) {
  add("r");
  nnet__loop_release(arg);
}

/* Releasing the last reference inside a deferred callback: later queued
 * work (owned by objects that are gone) is dropped, the loop closes. */
START_TEST(release_inside_deferred) {
  uv_loop_t loop;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_int_eq(nnet__defer(nl, rec, "a"), 0);
  ck_assert_int_eq(nnet__defer(nl, releases, nl), 0);
  ck_assert_int_eq(nnet__defer(nl, rec, "x"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(trace, "ar");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void timer_releases(uv_timer_t *t) {
  add("t");
  nnet__loop_release(t->data);
  uv_close((uv_handle_t *)t, NULL);
}

/* Release inside a libuv callback (how objects free in close callbacks);
 * a second acquirer keeps the state alive until it releases too. */
START_TEST(release_inside_libuv_callback) {
  uv_loop_t loop;
  uv_timer_t t;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_ptr_eq(nnet__loop_acquire(&loop), nl); /* shared per loop */
  uv_timer_init(&loop, &t);
  t.data = nl;
  uv_timer_start(&t, timer_releases, 0, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(trace, "t");
  ck_assert_int_eq(nnet__defer(nl, rec, "a"), 0); /* still usable */
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(trace, "ta");
  nnet__loop_release(nl);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* A release/acquire cycle makes a fresh state that works. */
START_TEST(reacquire_after_release) {
  uv_loop_t loop;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  nnet__loop_release(nl);
  nl = nnet__loop_acquire(&loop); /* old idle still closing */
  ck_assert_ptr_nonnull(nl);
  ck_assert_int_eq(nnet__defer(nl, rec, "a"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(trace, "a");
  nnet__loop_release(nl);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(two_loops_independent) {
  uv_loop_t l1, l2;
  trace[0] = 0;
  ck_assert_int_eq(uv_loop_init(&l1), 0);
  ck_assert_int_eq(uv_loop_init(&l2), 0);
  nnet__loop_t *n1 = nnet__loop_acquire(&l1);
  nnet__loop_t *n2 = nnet__loop_acquire(&l2);
  ck_assert_ptr_ne(n1, n2);
  ck_assert_int_eq(nnet__defer(n1, rec, "1"), 0);
  ck_assert_int_eq(nnet__defer(n2, rec, "2"), 0);
  nnet_test_run(&l2, 5000);
  ck_assert_str_eq(trace, "2");
  nnet_test_run(&l1, 5000);
  ck_assert_str_eq(trace, "21");
  nnet__loop_release(n1);
  nnet__loop_release(n2);
  nnet_test_run(&l1, 5000);
  nnet_test_run(&l2, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&l1), 0);
  ck_assert_int_eq(nnet_test_loop_close(&l2), 0);
}
END_TEST

static int requeues;
static void requeue(void *arg) {
  requeues++;
  if (requeues < 200000) ck_assert_int_eq(nnet__defer(arg, requeue, arg), 0);
}

/* A callback that re-queues itself forever is cut off per drain (I/O gets
 * its turn) but all the work still runs. */
START_TEST(drain_is_bounded) {
  uv_loop_t loop;
  requeues = 0;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nl = nnet__loop_acquire(&loop);
  ck_assert_int_eq(nnet__defer(nl, requeue, nl), 0);
  nnet__tick_drain(nl);
  ck_assert_int_gt(requeues, 0);
  ck_assert_int_lt(requeues, 200000);
  nnet_test_run(&loop, 20000);
  ck_assert_int_eq(requeues, 200000);
  nnet__loop_release(nl);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("core_loop");
  TCase *tc = tcase_create("loop");
  tcase_add_test(tc, fifo_order_and_close);
  tcase_add_test(tc, empty_queue_does_not_keep_alive);
  tcase_add_test(tc, nested_runs_same_drain);
  tcase_add_test(tc, tick_drain_now);
  tcase_add_test(tc, release_inside_deferred);
  tcase_add_test(tc, release_inside_libuv_callback);
  tcase_add_test(tc, reacquire_after_release);
  tcase_add_test(tc, two_loops_independent);
  tcase_add_test(tc, drain_is_bounded);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
