/* One BlockList shared by loops in several threads while another thread
 * keeps changing it (a ban list fed at run time). Checks must never see a
 * torn state: an address that is always listed is always blocked, one
 * never listed never is. Built and run under ThreadSanitizer by
 * scripts/test.sh (the tsan pass), where any data race fails the run. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "testutil.h"

#define CHECKERS  2
#define MUTATIONS 4000

typedef struct {
  uv_loop_t loop;
  uv_idle_t idle;
  nnet_blocklist_t *bl;
  atomic_bool *stop;
  unsigned long checks, wrong;
} checker_t;

static void on_idle(uv_idle_t *h) {
  checker_t *c = h->data;
  for (int i = 0; i < 64; i++) {
    c->checks += 2;
    if (nnet_blocklist_check(c->bl, "10.1.2.3", 0) != 1) c->wrong++;
    if (nnet_blocklist_check(c->bl, "8.8.8.8", 0) != 0) c->wrong++;
    char ip[32];
    snprintf(ip, sizeof(ip), "192.0.%d.%d", i & 15, (int)(c->checks & 255));
    if (nnet_blocklist_check(c->bl, ip, 0) < 0) c->wrong++; /* either answer */
  }
  if (atomic_load(c->stop)) uv_close((uv_handle_t *)h, NULL);
}

static void *checker_main(void *arg) {
  checker_t *c = arg;
  uv_loop_init(&c->loop);
  uv_idle_init(&c->loop, &c->idle);
  c->idle.data = c;
  uv_idle_start(&c->idle, on_idle);
  uv_run(&c->loop, UV_RUN_DEFAULT);
  return (void *)(intptr_t)uv_loop_close(&c->loop);
}

START_TEST(bl_mutation_while_loops_check) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  atomic_bool stop = false;
  checker_t c[CHECKERS] = {0};
  pthread_t th[CHECKERS];
  char text[1 << 17];
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, 0), 0);
  for (int i = 0; i < CHECKERS; i++) {
    c[i].bl = bl;
    c[i].stop = &stop;
    ck_assert_int_eq(pthread_create(&th[i], NULL, checker_main, &c[i]), 0);
  }
  /* The writer: add, remove, snapshot via JSON, bounded. */
  for (int i = 0; i < MUTATIONS; i++) {
    char ip[32];
    snprintf(ip, sizeof(ip), "192.0.%d.%d", (i / 256) & 15, i & 255);
    ck_assert_int_eq(nnet_blocklist_add_address(bl, ip, 0), 0);
    if (i % 3 == 0) nnet_blocklist_remove_address(bl, ip, 0);
    if (i % 500 == 499) {
      int n = nnet_blocklist_to_json(bl, text, sizeof(text));
      ck_assert(n > 0 && (size_t)n < sizeof(text));
      /* a consistent snapshot reloads into an equal list */
      nnet_blocklist_t *copy = nnet_blocklist_new();
      static char again[1 << 17];
      ck_assert_int_eq(nnet_blocklist_from_json(copy, text, NULL, 0), 0);
      ck_assert_int_eq(nnet_blocklist_to_json(copy, again, sizeof(again)), n);
      ck_assert_str_eq(again, text);
      nnet_blocklist_free(copy);
    }
    if (i % 100 == 0) nnet_blocklist_set_allow_list(bl, false);
  }
  atomic_store(&stop, true);
  for (int i = 0; i < CHECKERS; i++) {
    void *rc;
    ck_assert_int_eq(pthread_join(th[i], &rc), 0);
    ck_assert_int_eq((intptr_t)rc, 0); /* uv_loop_close() == 0 */
    ck_assert_uint_gt(c[i].checks, 0);
    ck_assert_msg(c[i].wrong == 0, "checker %d: %lu wrong answers", i,
                  c[i].wrong);
  }
  /* 10.0.0.0/8 + two thirds of the 4000 addresses (every third removed) */
  ck_assert_uint_eq(nnet_blocklist_size(bl),
                    1 + MUTATIONS - (MUTATIONS + 2) / 3);
  nnet_blocklist_free(bl);
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr_blocklist_threads");
  TCase *tc = tcase_create("threads");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, bl_mutation_while_loops_check);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
