/* Public process.nextTick / setImmediate (nnet_next_tick, nnet_set_immediate)
 * keep Node's order. Node v20 prints, for the script in tick_order below:
 *   sync t1 t2 i1 t-in-i1 i2 i3 */
#include <string.h>

#include "testutil.h"

static char order[256];
static uv_loop_t *lp;

static void note(const char *s) {
  if (order[0]) strcat(order, " ");
  strcat(order, s);
}

static void t2(void *ctx) {
  note("t2");
}
static void t1(void *ctx) {
  note("t1");
  ck_assert_int_eq(nnet_next_tick(lp, t2, NULL), 0);
}
static void t_in_i1(void *ctx) {
  note("t-in-i1");
}
static void i3(void *ctx) {
  note("i3");
}
static void i2(void *ctx) {
  note("i2");
}
static void i1(void *ctx) {
  note("i1");
  ck_assert_int_eq(nnet_next_tick(lp, t_in_i1, NULL), 0);
  ck_assert_int_eq(nnet_set_immediate(lp, i3, NULL), 0);
}

START_TEST(tick_order) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  lp = &loop;
  order[0] = 0;
  ck_assert_int_eq(nnet_set_immediate(&loop, i1, NULL), 0);
  ck_assert_int_eq(nnet_set_immediate(&loop, i2, NULL), 0);
  ck_assert_int_eq(nnet_next_tick(&loop, t1, NULL), 0);
  note("sync"); /* nothing runs inside the call */
  ck_assert_int_eq(nnet_test_run(&loop, 5000), 0);
  ck_assert_str_eq(order, "sync t1 t2 i1 t-in-i1 i2 i3");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Pending work keeps the loop alive; the per-loop state is gone after it,
 * so uv_loop_close() succeeds with nothing else on the loop. */
static int runs;
static void count(void *ctx) {
  runs++;
}
static void chain(void *ctx) {
  runs++;
  if (runs < 5) ck_assert_int_eq(nnet_set_immediate(lp, chain, NULL), 0);
}

START_TEST(tick_keeps_loop_alive_then_closes) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  lp = &loop;
  runs = 0;
  ck_assert_int_eq(nnet_set_immediate(&loop, chain, NULL), 0);
  ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ck_assert_int_eq(runs, 5);
  ck_assert_int_eq(nnet_next_tick(&loop, count, NULL), 0);
  ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ck_assert_int_eq(runs, 6);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

START_TEST(tick_bad_arguments) {
  ck_assert_int_eq(nnet_next_tick(NULL, NULL, NULL), UV_EINVAL);
  ck_assert_int_eq(nnet_set_immediate(NULL, NULL, NULL), UV_EINVAL);
}
END_TEST

int main(void) {
  Suite *s = suite_create("core_tick");
  TCase *tc = tcase_create("tick");
  tcase_add_test(tc, tick_order);
  tcase_add_test(tc, tick_keeps_loop_alive_then_closes);
  tcase_add_test(tc, tick_bad_arguments);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
