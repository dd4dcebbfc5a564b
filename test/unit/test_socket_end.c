/* socket.end(cb) called more than once, as Node v20's Writable.end():
 * every callback given before 'finish' runs, in order, just before
 * 'finish'; after 'finish' (even after 'close') a callback gets
 * ERR_STREAM_ALREADY_FINISHED on a later turn; end(data) after end() is a
 * write after end (the socket is destroyed, the callbacks get the error). */
#include "test_socket_pair.h"

typedef struct {
  pair_t *p;
  char order[128];
  int status[8];
  int calls;
} ends_t;

static void note(ends_t *e, const char *what) {
  size_t n = strlen(e->order);
  snprintf(e->order + n, sizeof(e->order) - n, "%s%s", n ? "," : "", what);
}

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  ends_t *e = nnet_socket_get_data(s);
  char what[16];
  snprintf(what, sizeof what, "cb%d", (int)(intptr_t)ctx);
  e->status[(intptr_t)ctx] = status;
  e->calls++;
  note(e, what);
}

static void on_finish_end_again(const nnet_event_t *ev, void *ctx) {
  ends_t *e = ctx;
  note(e, "finish");
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_end(c, NULL, 0, end_cb, (void *)4),
                   NNET_ERR_STREAM_ALREADY_FINISHED);
  note(e, "end4-returned");
}

static void end_three_times(const nnet_event_t *ev, void *ctx) {
  ends_t *e = ctx;
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_end(c, "a", 1, end_cb, (void *)1), 0);
  ck_assert_int_eq(nnet_socket_end(c, NULL, 0, end_cb, (void *)2), 0);
  ck_assert_int_eq(nnet_socket_end(c, NULL, 0, end_cb, (void *)3), 0);
  ck_assert_int_eq(e->calls, 0); /* never synchronous */
}

static void hook_three(pair_t *p, nnet_socket_t *c) {
  ends_t *e = p->user;
  nnet_socket_set_data(c, e);
  nnet_socket_on(c, NNET_EV_CONNECT, end_three_times, e);
  nnet_socket_on(c, NNET_EV_FINISH, on_finish_end_again, e);
}

START_TEST(end_callbacks_queue) {
  ends_t e;
  memset(&e, 0, sizeof(e));
  pair_t p;
  pair_init(&p);
  e.p = &p;
  p.user = &e;
  p.on_client = hook_three;
  pair_start(&p);
  pair_run(&p);
  /* Node: cb1 null, cb2 null, cb3 null, finish, cb4
   * ERR_STREAM_ALREADY_FINISHED */
  ck_assert_str_eq(e.order, "cb1,cb2,cb3,finish,end4-returned,cb4");
  ck_assert_int_eq(e.status[1], 0);
  ck_assert_int_eq(e.status[2], 0);
  ck_assert_int_eq(e.status[3], 0);
  ck_assert_int_eq(e.status[4], NNET_ERR_STREAM_ALREADY_FINISHED);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  ck_assert_str_eq(trace_text(&p.st), "a");
  /* after 'close': still ALREADY_FINISHED (finished wins over destroyed) */
  ck_assert_int_eq(nnet_socket_end(p.client, NULL, 0, end_cb, (void *)5),
                   NNET_ERR_STREAM_ALREADY_FINISHED);
  ck_assert_int_eq(e.calls, 4);
  uv_run(&p.loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(e.calls, 5);
  ck_assert_int_eq(e.status[5], NNET_ERR_STREAM_ALREADY_FINISHED);
  pair_finish(&p);
}
END_TEST

/* Node: end(cb1); end('x', cb2) → destroyed at once; cb1 and cb2 get
 * ERR_STREAM_WRITE_AFTER_END, 'error' is emitted, close hadError true.
 * (Node runs cb1 before 'error'; here every failed callback runs after
 * 'error' and before 'close', DESIGN §4.) */
static void end_then_end_data(const nnet_event_t *ev, void *ctx) {
  ends_t *e = ctx;
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_end(c, NULL, 0, end_cb, (void *)1), 0);
  ck_assert_int_eq(nnet_socket_end(c, "x", 1, end_cb, (void *)2),
                   NNET_ERR_STREAM_WRITE_AFTER_END);
  ck_assert(nnet_socket_is_destroyed(c));
  ck_assert_int_eq(e->calls, 0);
}

static void note_error(const nnet_event_t *ev, void *ctx) {
  note(ctx, "error");
}

static void note_close(const nnet_event_t *ev, void *ctx) {
  note(ctx, "close");
}

static void hook_end_data(pair_t *p, nnet_socket_t *c) {
  ends_t *e = p->user;
  nnet_socket_set_data(c, e);
  nnet_socket_on(c, NNET_EV_CONNECT, end_then_end_data, e);
  nnet_socket_on(c, NNET_EV_ERROR, note_error, e);
  nnet_socket_on(c, NNET_EV_CLOSE, note_close, e);
}

START_TEST(end_data_after_end) {
  ends_t e;
  memset(&e, 0, sizeof(e));
  pair_t p;
  pair_init(&p);
  p.user = &e;
  p.on_client = hook_end_data;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(e.order, "error,cb1,cb2,close");
  ck_assert_int_eq(e.status[1], NNET_ERR_STREAM_WRITE_AFTER_END);
  ck_assert_int_eq(e.status[2], NNET_ERR_STREAM_WRITE_AFTER_END);
  ck_assert_str_eq(p.ct.error_code_name, "ERR_STREAM_WRITE_AFTER_END");
  ck_assert(p.ct.had_error);
  ck_assert_int_eq((int)p.st.data_len, 0);
  pair_finish(&p);
}
END_TEST

/* end(cb) on a destroyed socket that never finished: cb gets
 * ERR_STREAM_DESTROYED on a later turn (Node 20 loses a callback given
 * between destroy() and 'close'; a C callback must run: we run it). */
START_TEST(end_after_destroy) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  ends_t e;
  memset(&e, 0, sizeof(e));
  nnet_socket_set_data(s, &e);
  nnet_socket_on(s, NNET_EV_CLOSE, note_close, &e);
  nnet_socket_destroy(s, 0);
  ck_assert_int_eq(nnet_socket_end(s, NULL, 0, end_cb, (void *)1),
                   NNET_ERR_STREAM_DESTROYED);
  ck_assert_int_eq(e.calls, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(e.order, "cb1,close");
  ck_assert_int_eq(e.status[1], NNET_ERR_STREAM_DESTROYED);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_end");
  TCase *tc = tcase_create("end");
  tcase_add_test(tc, end_callbacks_queue);
  tcase_add_test(tc, end_data_after_end);
  tcase_add_test(tc, end_after_destroy);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
