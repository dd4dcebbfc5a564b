/* EventEmitter rules of DESIGN.md §3; each expected trace was checked
 * against Node v20's EventEmitter. */
#include <signal.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static char trace[256];
static nnet__emitter_t em;
static int depth;

static void add(const char *s) {
  strncat(trace, s, sizeof(trace) - strlen(trace) - 1);
}

static void setup(void) {
  trace[0] = 0;
  depth = 0;
  nnet__emitter_init(&em);
  nnet_test_uncaught_count = 0;
}

static void teardown(void) {
  nnet__emitter_free(&em);
}

static size_t emit(nnet_event_type_t type) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  return nnet__emit(&em, &ev);
}

/* The ctx is the letter the listener appends to the trace. */
static void rec(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  add(ctx);
}

#define ON(type, fn, s) \
  ck_assert_int_eq(nnet__emitter_on(&em, type, fn, s, 0, 0), 0)
#define ONCE(type, fn, s) \
  ck_assert_int_eq(nnet__emitter_on(&em, type, fn, s, 1, 0), 0)
#define PREPEND(type, fn, s) \
  ck_assert_int_eq(nnet__emitter_on(&em, type, fn, s, 0, 1), 0)

START_TEST(order_and_types) {
  ON(NNET_EV_DATA, rec, "a");
  ON(NNET_EV_END, rec, "x");
  ON(NNET_EV_DATA, rec, "b");
  PREPEND(NNET_EV_DATA, rec, "p");
  ON(NNET_EV_DATA, rec, "c");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 4);
  ck_assert_str_eq(trace, "pabc");
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 4);
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_END), 1);
  ck_assert_uint_eq(emit(NNET_EV_CLOSE), 0);
}
END_TEST

START_TEST(bad_args) {
  ck_assert_int_eq(nnet__emitter_on(&em, NNET_EV_COUNT_, rec, "a", 0, 0),
                   UV_EINVAL);
  ck_assert_int_eq(nnet__emitter_on(&em, NNET_EV_DATA, NULL, "a", 0, 0),
                   UV_EINVAL);
  ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_COUNT_, rec, "a"), UV_EINVAL);
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_COUNT_), 0);
  /* Removing what was never added is a no-op, as in Node. */
  ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_DATA, rec, "a"), 0);
}
END_TEST

START_TEST(once_fires_once) {
  ONCE(NNET_EV_DATA, rec, "o");
  ON(NNET_EV_DATA, rec, "a");
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 2);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 1);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "oaa");
}
END_TEST

/* once unlinks before calling: inside its own call it is already gone. */
static void once_counts(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  add(nnet__emitter_count(&em, ev->type) == 0 ? "0" : "!");
}

START_TEST(once_unlinks_before_call) {
  ONCE(NNET_EV_DATA, once_counts, NULL);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "0");
}
END_TEST

/* Node: on f, on g, on f; off f removes the LAST f → f, g remain. */
START_TEST(off_removes_most_recent) {
  ON(NNET_EV_DATA, rec, "f");
  ON(NNET_EV_DATA, rec, "g");
  ONCE(NNET_EV_DATA, rec, "f");
  ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_DATA, rec, "f"), 0);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_str_eq(trace, "fg");
  /* ctx is part of the identity. */
  char other[] = "f";
  ck_assert_int_eq(nnet__emitter_off(&em, NNET_EV_DATA, rec, other), 0);
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 2);
}
END_TEST

static void adds_b(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  ON(ev->type, rec, "b");
}

/* Added during an emit: not called by it, called by the next. */
START_TEST(added_during_emit) {
  ONCE(NNET_EV_DATA, adds_b, "a");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "ab");
}
END_TEST

static void removes_b(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  ck_assert_int_eq(nnet__emitter_off(&em, ev->type, rec, "b"), 0);
}

/* Removed during an emit: still called by it, not by the next. */
START_TEST(removed_during_emit) {
  ON(NNET_EV_DATA, removes_b, "a");
  ON(NNET_EV_DATA, rec, "b");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "aba");
}
END_TEST

/* Node: a once listener removed with off() during an emit whose snapshot
 * holds it is still called by that emit ("a,o,a"). */
START_TEST(once_removed_during_emit_still_called) {
  ON(NNET_EV_DATA, removes_b, "a");
  ONCE(NNET_EV_DATA, rec, "b");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "aba");
}
END_TEST

static void adds_many(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  for (int i = 0; i < 100; i++) ON(ev->type, rec, "");
}

/* The array grows (moves) many times during the emit; nobody runs twice
 * and nobody is skipped. */
START_TEST(growth_during_emit) {
  ON(NNET_EV_DATA, rec, "a");
  ON(NNET_EV_DATA, adds_many, "m");
  ON(NNET_EV_DATA, rec, "b");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 3);
  ck_assert_str_eq(trace, "amb");
  ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), 103);
}
END_TEST

static void prepends(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  PREPEND(ev->type, rec, "p");
}

/* Node: "a,b" then "p,a,b" — a prepend during the emit shifts indices but
 * neither reruns a nor skips b. */
START_TEST(prepend_during_emit) {
  ONCE(NNET_EV_DATA, prepends, "a");
  ON(NNET_EV_DATA, rec, "b");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_str_eq(trace, "abpb");
}
END_TEST

static void nests(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  if (depth++ == 0) emit(ev->type);
}

/* Node: "a,a,o,a": the inner emit fires the once listener; the outer one,
 * whose snapshot still holds it, does not fire it again. */
START_TEST(nested_emit_same_type) {
  ON(NNET_EV_DATA, nests, "a");
  ONCE(NNET_EV_DATA, rec, "o");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  depth = 1;
  ck_assert_uint_eq(emit(NNET_EV_DATA), 1);
  ck_assert_str_eq(trace, "aaoa");
}
END_TEST

static void removes_all(const nnet_event_t *ev, void *ctx) {
  add(ctx);
  ck_assert_int_eq(nnet__emitter_remove_all(&em, ev->type), 0);
  ck_assert_uint_eq(nnet__emitter_count(&em, ev->type), 0);
}

/* Node: removeAllListeners during an emit: that emit still calls all. */
START_TEST(remove_all_during_emit) {
  ON(NNET_EV_DATA, removes_all, "a");
  ON(NNET_EV_DATA, rec, "b");
  ON(NNET_EV_END, rec, "e");
  ck_assert_uint_eq(emit(NNET_EV_DATA), 2);
  ck_assert_uint_eq(emit(NNET_EV_DATA), 0);
  ck_assert_uint_eq(emit(NNET_EV_END), 1);
  ck_assert_str_eq(trace, "abe");
  ck_assert_int_eq(nnet__emitter_remove_all(&em, NNET_EV_COUNT_), 0);
  ck_assert_uint_eq(emit(NNET_EV_END), 0);
  ck_assert_uint_eq(em.len, 0);
}
END_TEST

static void *seen_target;
static const nnet_error_t *seen_err;
static void capture(void *target, const nnet_error_t *err, void *ctx) {
  seen_target = target;
  seen_err = err;
  *(int *)ctx += 1;
}

START_TEST(error_without_listener) {
  int calls = 0;
  nnet_set_uncaught_error_handler(capture, &calls);
  nnet__error_t err = {0};
  nnet__error_sys(&err, UV_ECONNRESET, "read", NULL, -1);
  nnet_event_t ev = {.type = NNET_EV_ERROR, .target = &em};
  ev.u.error = &err.pub;
  ck_assert_uint_eq(nnet__emit(&em, &ev), 0);
  ck_assert_int_eq(calls, 1);
  ck_assert_ptr_eq(seen_target, &em);
  ck_assert_ptr_eq(seen_err, &err.pub);
  /* With a listener the handler is not involved. */
  ON(NNET_EV_ERROR, rec, "e");
  ck_assert_uint_eq(nnet__emit(&em, &ev), 1);
  ck_assert_int_eq(calls, 1);
  ck_assert_str_eq(trace, "e");
  nnet_set_uncaught_error_handler(NULL, NULL);
  nnet__error_clear(&err);
}
END_TEST

/* The default handler aborts (Node crashes on an unhandled 'error'). */
START_TEST(error_default_aborts) {
  nnet_set_uncaught_error_handler(NULL, NULL);
  nnet__error_t err = {0};
  nnet__error_sys(&err, UV_ECONNRESET, "read", NULL, -1);
  nnet_event_t ev = {.type = NNET_EV_ERROR, .target = &em};
  ev.u.error = &err.pub;
  nnet__emit(&em, &ev);
}
END_TEST

START_TEST(event_names) {
  ck_assert_str_eq(nnet_event_name(NNET_EV_DATA), "data");
  ck_assert_str_eq(nnet_event_name(NNET_EV_CONNECTION_ATTEMPT_TIMEOUT),
                   "connectionAttemptTimeout");
  ck_assert_ptr_null(nnet_event_name(NNET_EV_COUNT_));
  ck_assert_ptr_null(nnet_event_name((nnet_event_type_t)-1));
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("core_emitter");
  TCase *tc = tcase_create("emitter");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, order_and_types);
  tcase_add_test(tc, bad_args);
  tcase_add_test(tc, once_fires_once);
  tcase_add_test(tc, once_unlinks_before_call);
  tcase_add_test(tc, off_removes_most_recent);
  tcase_add_test(tc, added_during_emit);
  tcase_add_test(tc, removed_during_emit);
  tcase_add_test(tc, once_removed_during_emit_still_called);
  tcase_add_test(tc, growth_during_emit);
  tcase_add_test(tc, prepend_during_emit);
  tcase_add_test(tc, nested_emit_same_type);
  tcase_add_test(tc, remove_all_during_emit);
  tcase_add_test(tc, error_without_listener);
  tcase_add_test_raise_signal(tc, error_default_aborts, SIGABRT);
  tcase_add_test(tc, event_names);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
