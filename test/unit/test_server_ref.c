/* server.unref(): a listening server no longer keeps uv_run alive;
 * ref() makes it count again. */
#include <string.h>

#include "testutil.h"

typedef struct {
  int listening, closes;
} counts_t;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  ((counts_t *)ctx)->listening++;
}
static void on_close(const nnet_event_t *ev, void *ctx) {
  ((counts_t *)ctx)->closes++;
}

static nnet_server_t *make(uv_loop_t *loop, counts_t *c) {
  nnet_server_opts_t o;
  nnet_server_t *srv;
  nnet_server_opts_init(&o);
  o.loop = loop;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &srv), 0);
  nnet_server_on(srv, NNET_EV_LISTENING, on_listening, c);
  nnet_server_on(srv, NNET_EV_CLOSE, on_close, c);
  return srv;
}

/* unref before listen applies to the handle listen creates (Node). */
START_TEST(unref_before_listen) {
  uv_loop_t loop;
  counts_t c = {0};
  uv_loop_init(&loop);
  nnet_server_t *srv = make(&loop, &c);
  nnet_server_unref(srv);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  /* Returns once 'listening' has run: nothing else holds the loop. */
  ck_assert_int_eq(nnet_test_run(&loop, 5000), 0);
  ck_assert_int_eq(c.listening, 1);
  ck_assert(nnet_server_is_listening(srv));
  nnet_server_close(srv, NULL, NULL);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void unref_ref_close(uv_timer_t *t) {
  nnet_server_t *srv = t->data;
  nnet_server_close(srv, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

START_TEST(unref_then_ref_keeps_loop) {
  uv_loop_t loop;
  counts_t c = {0};
  uv_timer_t t;
  uv_loop_init(&loop);
  nnet_server_t *srv = make(&loop, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  nnet_server_unref(srv);
  ck_assert_int_eq(nnet_test_run(&loop, 5000), 0);
  ck_assert_int_eq(c.listening, 1);
  /* ref again: the loop is alive; an unref'd timer closes the server, the
   * only thing that lets uv_run return. */
  nnet_server_ref(srv);
  ck_assert(uv_loop_alive(&loop));
  uv_timer_init(&loop, &t);
  t.data = srv;
  uv_timer_start(&t, unref_ref_close, 1, 0);
  uv_unref((uv_handle_t *)&t);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_ref");
  TCase *tc = tcase_create("ref");
  tcase_add_test(tc, unref_before_listen);
  tcase_add_test(tc, unref_then_ref_keeps_loop);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
