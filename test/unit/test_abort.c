/* AbortController: the public object, the internal subscription API, and
 * the `signal` option of server.listen(). */
#include <string.h>

#include "internal.h"
#include "testutil.h"

/* ---- the controller and its subscribers ---- */

typedef struct {
  int order[8];
  int n;
  nnet__abort_sub_t subs[4];
  int unsubscribe_in_cb; /* index of a sub to unsubscribe from sub 0's cb */
} rec_t;

static rec_t *cur;

static void note(void *arg) {
  int i = (int)(intptr_t)arg;
  cur->order[cur->n++] = i;
  if (i == 0 && cur->unsubscribe_in_cb >= 0)
    nnet__abort_unsubscribe(&cur->subs[cur->unsubscribe_in_cb]);
}

START_TEST(controller_basics) {
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  ck_assert_ptr_nonnull(ac);
  ck_assert(!nnet_abort_controller_is_aborted(ac));
  nnet_abort_controller_abort(ac);
  ck_assert(nnet_abort_controller_is_aborted(ac));
  nnet_abort_controller_abort(ac); /* idempotent */
  ck_assert(nnet_abort_controller_is_aborted(ac));
  nnet_abort_controller_free(ac);
  nnet_abort_controller_free(NULL);
  ck_assert(!nnet_abort_controller_is_aborted(NULL));
}
END_TEST

START_TEST(subscribers_run_once_in_order) {
  rec_t r;
  memset(&r, 0, sizeof r);
  r.unsubscribe_in_cb = -1;
  cur = &r;
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  for (int i = 0; i < 3; i++)
    ck_assert_int_eq(
        nnet__abort_subscribe(ac, &r.subs[i], note, (void *)(intptr_t)i), 0);
  nnet__abort_unsubscribe(&r.subs[1]);
  nnet__abort_unsubscribe(&r.subs[1]); /* idempotent */
  nnet_abort_controller_abort(ac);
  nnet_abort_controller_abort(ac);
  ck_assert_int_eq(r.n, 2);
  ck_assert_int_eq(r.order[0], 0);
  ck_assert_int_eq(r.order[1], 2);
  /* Already aborted: not subscribed, the caller acts at once. */
  ck_assert_int_eq(nnet__abort_subscribe(ac, &r.subs[3], note, NULL), 1);
  nnet__abort_unsubscribe(&r.subs[3]);
  nnet_abort_controller_free(ac);
}
END_TEST

START_TEST(unsubscribe_from_inside_a_callback) {
  rec_t r;
  memset(&r, 0, sizeof r);
  r.unsubscribe_in_cb = 2;
  cur = &r;
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  for (int i = 0; i < 3; i++)
    nnet__abort_subscribe(ac, &r.subs[i], note, (void *)(intptr_t)i);
  nnet_abort_controller_abort(ac);
  ck_assert_int_eq(r.n, 2);
  ck_assert_int_eq(r.order[0], 0);
  ck_assert_int_eq(r.order[1], 1);
  nnet_abort_controller_free(ac);
}
END_TEST

START_TEST(free_unlinks_subscribers) {
  rec_t r;
  memset(&r, 0, sizeof r);
  r.unsubscribe_in_cb = -1;
  cur = &r;
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet__abort_subscribe(ac, &r.subs[0], note, (void *)(intptr_t)0);
  nnet__abort_subscribe(ac, &r.subs[1], note, (void *)(intptr_t)1);
  nnet_abort_controller_free(ac);
  ck_assert_ptr_null(r.subs[0].ac);
  nnet__abort_unsubscribe(&r.subs[0]); /* safe after the free */
  ck_assert_int_eq(r.n, 0);
}
END_TEST

/* ---- servers ---- */

typedef struct {
  int listening, closes, errors;
  nnet_abort_controller_t *ac;
} srv_counts_t;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  srv_counts_t *c = ctx;
  c->listening++;
  if (c->ac != NULL) nnet_abort_controller_abort(c->ac);
}
static void on_close(const nnet_event_t *ev, void *ctx) {
  ((srv_counts_t *)ctx)->closes++;
}
static void on_error(const nnet_event_t *ev, void *ctx) {
  ((srv_counts_t *)ctx)->errors++;
}

static nnet_server_t *make(uv_loop_t *loop, srv_counts_t *c) {
  nnet_server_opts_t o;
  nnet_server_t *srv;
  nnet_server_opts_init(&o);
  o.loop = loop;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &srv), 0);
  nnet_server_on(srv, NNET_EV_LISTENING, on_listening, c);
  nnet_server_on(srv, NNET_EV_CLOSE, on_close, c);
  nnet_server_on(srv, NNET_EV_ERROR, on_error, c);
  return srv;
}

static int listen_with(nnet_server_t *srv, nnet_abort_controller_t *ac) {
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.port = 0;
  o.host = "127.0.0.1";
  o.signal = ac;
  return nnet_server_listen(srv, &o, NULL, NULL);
}

START_TEST(abort_closes_a_listening_server) {
  uv_loop_t loop;
  srv_counts_t c = {0};
  uv_loop_init(&loop);
  c.ac = nnet_abort_controller_new();
  nnet_server_t *srv = make(&loop, &c);
  ck_assert_int_eq(listen_with(srv, c.ac), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.errors, 0);
  nnet_abort_controller_free(c.ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: an already aborted signal closes the server before 'listening'. */
START_TEST(already_aborted_signal) {
  uv_loop_t loop;
  srv_counts_t c = {0};
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_server_t *srv = make(&loop, &c);
  ck_assert_int_eq(listen_with(srv, ac), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.errors, 0);
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void close_server(const nnet_event_t *ev, void *ctx) {
  nnet_abort_controller_t **ac = ctx;
  /* Freeing the controller while a server still watches it is safe. */
  nnet_abort_controller_free(*ac);
  *ac = NULL;
  nnet_server_close(ev->target, NULL, NULL);
}

START_TEST(controller_freed_while_watched) {
  uv_loop_t loop;
  srv_counts_t c = {0};
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_server_t *srv = make(&loop, &c);
  nnet_server_once(srv, NNET_EV_LISTENING, close_server, &ac);
  ck_assert_int_eq(listen_with(srv, ac), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_ptr_null(ac);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* After close, aborting must not touch the (freed) server. */
START_TEST(abort_after_close_is_harmless) {
  uv_loop_t loop;
  srv_counts_t c = {0};
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_server_t *srv = make(&loop, &c);
  ck_assert_int_eq(listen_with(srv, ac), 0);
  nnet_server_close(srv, NULL, NULL);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.closes, 1);
  nnet_abort_controller_abort(ac);
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("abort");
  TCase *tc = tcase_create("abort");
  tcase_add_test(tc, controller_basics);
  tcase_add_test(tc, subscribers_run_once_in_order);
  tcase_add_test(tc, unsubscribe_from_inside_a_callback);
  tcase_add_test(tc, free_unlinks_subscribers);
  tcase_add_test(tc, abort_closes_a_listening_server);
  tcase_add_test(tc, already_aborted_signal);
  tcase_add_test(tc, controller_freed_while_watched);
  tcase_add_test(tc, abort_after_close_is_harmless);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
