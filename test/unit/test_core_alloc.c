/* The allocator hook and out-of-memory: an allocator that fails the Nth
 * allocation; every allocating call must return UV_ENOMEM (or NULL) and
 * leave nothing allocated behind. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "testutil.h"

static long fail_at;  /* 1-based index of the allocation to fail; 0: never */
static long n_allocs; /* allocations attempted */
static long live;     /* blocks outstanding */

static int should_fail(void) {
  return ++n_allocs == fail_at;
}

static void *t_malloc(size_t n) {
  if (should_fail()) return NULL;
  void *p = malloc(n);
  if (p) live++;
  return p;
}

static void *t_calloc(size_t c, size_t n) {
  if (should_fail()) return NULL;
  void *p = calloc(c, n);
  if (p) live++;
  return p;
}

static void *t_realloc(void *old, size_t n) {
  if (should_fail()) return NULL;
  void *p = realloc(old, n);
  if (p && !old) live++;
  return p;
}

static void t_free(void *p) {
  if (p) live--;
  free(p);
}

static void setup(void) {
  ck_assert_int_eq(nnet_set_allocator(t_malloc, t_realloc, t_calloc, t_free),
                   0);
  fail_at = n_allocs = live = 0;
}

static void teardown(void) {
  nnet_set_allocator(malloc, realloc, calloc, free);
}

START_TEST(set_allocator_rejects_null) {
  ck_assert_int_eq(nnet_set_allocator(NULL, t_realloc, t_calloc, t_free),
                   UV_EINVAL);
  ck_assert_int_eq(nnet_set_allocator(t_malloc, t_realloc, t_calloc, NULL),
                   UV_EINVAL);
  void *p = nnet__malloc(0); /* size 0 still yields a block */
  ck_assert_ptr_nonnull(p);
  ck_assert_int_eq(live, 1);
  nnet__free(p);
  char *s = nnet__strdup("abc");
  ck_assert_str_eq(s, "abc");
  nnet__free(s);
  ck_assert_int_eq(live, 0);
}
END_TEST

static void noop(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  (void)ctx;
}

/* Runs `body` with the 1st, 2nd, ... allocation failing until one run
 * needs no failing allocation; each run must end with nothing live. */
#define FOR_EACH_FAILURE(body)       \
  for (long n = 1;; n++) {           \
    fail_at = n;                     \
    n_allocs = 0;                    \
    int oom = 0;                     \
    body;                            \
    ck_assert_int_eq(live, 0);       \
    if (!oom) {                      \
      ck_assert_int_lt(n_allocs, n); \
      break;                         \
    }                                \
  }

START_TEST(emitter_on_oom) {
  FOR_EACH_FAILURE({
    nnet__emitter_t em;
    nnet__emitter_init(&em);
    for (int i = 0; i < 40; i++) {
      int rc = nnet__emitter_on(&em, NNET_EV_DATA, noop, NULL, i & 1, 0);
      if (rc != 0) {
        ck_assert_int_eq(rc, UV_ENOMEM);
        ck_assert_uint_eq(nnet__emitter_count(&em, NNET_EV_DATA), (size_t)i);
        oom = 1;
        break;
      }
    }
    nnet__emitter_free(&em);
  });
}
END_TEST

static int ran;
static void count_run(void *arg) {
  (void)arg;
  ran++;
}

START_TEST(defer_oom) {
  FOR_EACH_FAILURE({
    uv_loop_t loop;
    ck_assert_int_eq(uv_loop_init(&loop), 0);
    nnet__loop_t *nl = nnet__loop_acquire(&loop);
    int queued = 0;
    ran = 0;
    if (nl == NULL) {
      oom = 1;
    } else {
      for (int i = 0; i < 100; i++) {
        int rc = nnet__defer(nl, count_run, NULL);
        if (rc != 0) {
          ck_assert_int_eq(rc, UV_ENOMEM);
          oom = 1;
          break;
        }
        queued++;
      }
      nnet_test_run(&loop, 5000);
      ck_assert_int_eq(ran, queued); /* what was accepted still runs */
      nnet__loop_release(nl);
      nnet_test_run(&loop, 5000);
    }
    ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  });
}
END_TEST

START_TEST(error_builders_oom) {
  FOR_EACH_FAILURE({
    nnet__error_t e = {0};
    int rc = nnet__error_sys_ex(&e, UV_ECONNREFUSED, "connect", "127.0.0.1", 9,
                                "127.0.0.1:1");
    if (rc != 0) {
      ck_assert_int_eq(rc, UV_ENOMEM);
      /* Degraded but usable. */
      ck_assert_int_eq(e.pub.code, UV_ECONNREFUSED);
      ck_assert_ptr_nonnull(e.pub.message);
      ck_assert_str_eq(e.pub.code_name, "ECONNREFUSED");
      oom = 1;
    }
    nnet__error_clear(&e);
  });
  FOR_EACH_FAILURE({
    nnet__error_t e = {0};
    int rc = nnet__error_uv(&e, UV_EADDRINUSE, "listen", "::1", 80);
    if (rc != 0) oom = 1;
    nnet__error_clear(&e);
  });
  FOR_EACH_FAILURE({
    nnet__error_t e = {0};
    int rc = nnet__error_node(&e, NNET_ERR_SOCKET_BAD_PORT, "x %d", 1);
    if (rc != 0) oom = 1;
    nnet__error_clear(&e);
  });
}
END_TEST

START_TEST(error_aggregate_oom) {
  nnet_error_t parts[3] = {
      {.code = UV_ECONNREFUSED,
       .name = "Error",
       .code_name = "ECONNREFUSED",
       .message = "connect ECONNREFUSED ::1:9",
       .syscall = "connect",
       .address = "::1",
       .port = 9},
      {.code = UV_ETIMEDOUT,
       .name = "Error",
       .code_name = "ETIMEDOUT",
       .message = "connect ETIMEDOUT 127.0.0.1:9",
       .syscall = "connect",
       .address = "127.0.0.1",
       .port = 9},
      {.code = UV_EHOSTUNREACH, .name = "Error", .port = -1},
  };
  FOR_EACH_FAILURE({
    nnet__error_t e = {0};
    int rc = nnet__error_aggregate(&e, parts, 3);
    if (rc != 0) {
      ck_assert_int_eq(rc, UV_ENOMEM);
      ck_assert_str_eq(e.pub.name, "AggregateError");
      ck_assert_int_eq(e.pub.code, UV_ECONNREFUSED);
      oom = 1;
    } else {
      ck_assert_uint_eq(e.pub.n_errors, 3);
    }
    nnet__error_clear(&e);
  });
  FOR_EACH_FAILURE({
    nnet__error_t e = {0};
    nnet__error_t agg = {0};
    long saved = fail_at;
    fail_at = 0;
    ck_assert_int_eq(nnet__error_aggregate(&agg, parts, 3), 0);
    fail_at = saved;
    n_allocs = 0;
    if (nnet__error_copy(&e, &agg.pub) != 0) oom = 1;
    nnet__error_clear(&e);
    nnet__error_clear(&agg);
  });
}
END_TEST

/* The address layer's allocating calls (blockList.add*). */
START_TEST(blocklist_oom) {
  FOR_EACH_FAILURE({
    nnet_blocklist_t *bl = nnet_blocklist_new();
    if (bl == NULL) {
      oom = 1;
    } else {
      int rc[4];
      rc[0] = nnet_blocklist_add_address(bl, "10.0.0.1", NNET_IPV4);
      rc[1] = nnet_blocklist_add_range(bl, "10.0.0.5", "10.0.0.9", NNET_IPV4);
      rc[2] = nnet_blocklist_add_subnet(bl, "2001:db8::", 32, NNET_IPV6);
      rc[3] = nnet_blocklist_add_address(bl, "::1", NNET_IPV6);
      size_t ok = 0;
      for (int i = 0; i < 4; i++) {
        if (rc[i] == 0) {
          ok++;
        } else {
          ck_assert_int_eq(rc[i], UV_ENOMEM);
          oom = 1;
        }
      }
      ck_assert_uint_eq(nnet_blocklist_rule_count(bl), ok);
      /* a check after an OOM still answers (or reports OOM) */
      int hit = nnet_blocklist_check(bl, "10.0.0.1", NNET_IPV4);
      ck_assert(hit == (rc[0] == 0) || hit == UV_ENOMEM);
      if (hit == UV_ENOMEM) oom = 1;
      nnet_blocklist_free(bl);
    }
  });
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("core_alloc");
  TCase *tc = tcase_create("alloc");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, set_allocator_rejects_null);
  tcase_add_test(tc, emitter_on_oom);
  tcase_add_test(tc, defer_oom);
  tcase_add_test(tc, error_builders_oom);
  tcase_add_test(tc, error_aggregate_oom);
  tcase_add_test(tc, blocklist_oom);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
