/* EventEmitter storage: the first NNET__EMITTER_INLINE listeners live
 * inside the emitter, more move to the heap, possibly during an emit; the
 * snapshot must survive that move. Each expected trace was checked against
 * Node v20's EventEmitter. */
#include <string.h>

#include "internal.h"
#include "testutil.h"

static char trace[256];
static nnet__emitter_t em;
static int done_once;

static void add(const char *s) {
  strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static void setup(void) {
  trace[0] = 0;
  done_once = 0;
  nnet__emitter_init(&em);
}

static void teardown(void) {
  nnet__emitter_free(&em);
}

static size_t emit(void) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof ev);
  ev.type = NNET_EV_DATA;
  return nnet__emit(&em, &ev);
}

static void rec(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  add(ctx);
}

#define ON(fn, s) \
  ck_assert_int_eq(nnet__emitter_on(&em, NNET_EV_DATA, fn, s, 0, 0), 0)

/* Adds four listeners during the first emit: the array leaves the inline
 * storage while the emit walks it. Node: "ab|abwxyz". */
static void adds_four(const nnet_event_t *ev, void *ctx) {
  rec(ev, ctx);
  if (done_once++) return;
  ON(rec, "w");
  ON(rec, "x");
  ON(rec, "y");
  ON(rec, "z");
}

START_TEST(grow_to_heap_during_emit) {
  ON(adds_four, "a");
  ON(rec, "b");
  ck_assert_uint_eq(emit(), 2);
  add("|");
  ck_assert_uint_eq(emit(), 6);
  ck_assert_str_eq(trace, "ab|abwxyz");
  ck_assert_uint_eq(em.len, 6);
  ck_assert_ptr_ne(em.items, em.inl);
}
END_TEST

/* Two prepends during an emit, the second one outgrowing the inline
 * storage. Node: "abc|qpabc". */
static void prepends_two(const nnet_event_t *ev, void *ctx) {
  rec(ev, ctx);
  if (done_once++) return;
  ck_assert_int_eq(nnet__emitter_on(&em, NNET_EV_DATA, rec, "p", 0, 1), 0);
  ck_assert_int_eq(nnet__emitter_on(&em, NNET_EV_DATA, rec, "q", 0, 1), 0);
}

START_TEST(prepend_across_growth) {
  ON(prepends_two, "a");
  ON(rec, "b");
  ON(rec, "c");
  ck_assert_ptr_eq(em.items, em.inl);
  ck_assert_uint_eq(emit(), 3);
  add("|");
  ck_assert_uint_eq(emit(), 5);
  ck_assert_str_eq(trace, "abc|qpabc");
}
END_TEST

/* A listener removed before a nested emit began is not called by it, but
 * the outer emit (whose snapshot holds it) still calls it. Node: "aacbc". */
static void rec_b(const nnet_event_t *ev, void *ctx) {
  rec(ev, ctx);
}

static void removes_then_nests(const nnet_event_t *ev, void *ctx) {
  rec(ev, ctx);
  if (done_once++) return;
  ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_DATA, rec_b, "b"), 0);
  ck_assert_uint_eq(emit(), 2);
}

START_TEST(removed_before_nested_emit) {
  ON(removes_then_nests, "a");
  ON(rec_b, "b");
  ON(rec, "c");
  ck_assert_uint_eq(emit(), 3);
  ck_assert_str_eq(trace, "aacbc");
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 2);
}
END_TEST

/* listenerCount() during an emit ignores entries removed but not yet
 * compacted. Node: 2 inside, 2 after. */
static size_t count_inside;

static void removes_one(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  nnet__emitter_off(&em, NNET_EV_DATA, rec_b, ctx);
  count_inside = nnet__emitter_count(&em, NNET_EV_DATA);
}

START_TEST(count_during_emit) {
  ON(removes_one, "b");
  ON(rec_b, "b");
  ON(rec_b, "b");
  ck_assert_uint_eq(emit(), 3);
  ck_assert_uint_eq(count_inside, 2);
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 2);
  ck_assert_uint_eq(em.len, 2);
}
END_TEST

/* Many emits with removals in between: the stamp counter restarts when no
 * emit is on the stack, so it never grows with the object's age. */
START_TEST(stamp_restarts_at_depth_zero) {
  for (int i = 0; i < 1000; i++) {
    ON(rec_b, "b");
    ck_assert_uint_eq(emit(), 1);
    ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_DATA, rec_b, "b"), 0);
    ck_assert_uint_eq(em.stamp, 0);
  }
  ck_assert_uint_eq(em.len, 0);
  ck_assert_uint_eq(emit(), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("core_emitter_storage");
  TCase *tc = tcase_create("storage");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, grow_to_heap_during_emit);
  tcase_add_test(tc, prepend_across_growth);
  tcase_add_test(tc, removed_before_nested_emit);
  tcase_add_test(tc, count_during_emit);
  tcase_add_test(tc, stamp_restarts_at_depth_zero);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
