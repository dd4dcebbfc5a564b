/* The `onread` option (Node: net.connect({onread: {buffer, callback}})):
 * reads land in the caller's buffer and go to the callback instead of
 * 'data'; returning false pauses the socket until resume(). */
#include "test_socket_pair.h"

typedef struct {
  char buf[4]; /* small: the 10 bytes need several reads */
  char got[64];
  size_t got_len;
  int calls, max_chunk_bad, wrong_buf;
  bool pause_first;
  uv_timer_t timer;
  int checks;
} onread_t;

static bool on_read(nnet_socket_t *s, char *buf, size_t n, void *ctx) {
  onread_t *o = ctx;
  o->calls++;
  if (buf != o->buf) o->wrong_buf++;
  if (n > sizeof(o->buf)) o->max_chunk_bad++;
  if (o->got_len + n < sizeof(o->got)) {
    memcpy(o->got + o->got_len, buf, n);
    o->got_len += n;
  }
  return !(o->pause_first && o->calls == 1);
}

static void resume_client(uv_timer_t *t) {
  pair_t *p = t->data;
  onread_t *o = p->user;
  o->checks++;
  ck_assert_int_eq(o->calls, 1); /* nothing read while paused */
  ck_assert(nnet_socket_is_paused(p->client));
  nnet_socket_resume(p->client);
  uv_close((uv_handle_t *)t, NULL);
}

static void sconn_finished(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  onread_t *o = p->user;
  if (!o->pause_first) return;
  ck_assert_int_eq(uv_timer_init(&p->loop, &o->timer), 0);
  o->timer.data = p;
  ck_assert_int_eq(uv_timer_start(&o->timer, resume_client, 50, 0), 0);
}

static void sconn_send(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, "abcdefghij", 10, NULL, NULL), 0);
  nnet_socket_on(s, NNET_EV_FINISH, sconn_finished, p);
}

static void run(pair_t *p, onread_t *o) {
  pair_init(p);
  p->user = o;
  p->copts.onread = on_read;
  p->copts.onread_buf = o->buf;
  p->copts.onread_len = sizeof(o->buf);
  p->copts.onread_ctx = o;
  p->on_sconn = sconn_send;
  pair_start(p);
  pair_run(p);
}

START_TEST(reads_into_caller_buffer) {
  onread_t o;
  memset(&o, 0, sizeof(o));
  pair_t p;
  run(&p, &o);
  ck_assert_int_ge(o.calls, 3); /* 10 bytes through a 4-byte buffer */
  ck_assert_int_eq(o.wrong_buf, 0);
  ck_assert_int_eq(o.max_chunk_bad, 0);
  ck_assert_int_eq((int)o.got_len, 10);
  ck_assert(memcmp(o.got, "abcdefghij", 10) == 0);
  ck_assert_int_eq(p.ct.data_events, 0); /* no 'data' with onread */
  ck_assert_int_eq(p.ct.counts[NNET_EV_END], 1);
  ck_assert_int_eq(p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert_uint_eq(nnet_socket_bytes_read(p.client), 10);
  pair_finish(&p);
}
END_TEST

START_TEST(returning_false_pauses) {
  onread_t o;
  memset(&o, 0, sizeof(o));
  o.pause_first = true;
  pair_t p;
  run(&p, &o);
  ck_assert_int_eq(o.checks, 1);
  ck_assert_int_ge(o.calls, 3);
  ck_assert_int_eq((int)o.got_len, 10);
  ck_assert(memcmp(o.got, "abcdefghij", 10) == 0);
  ck_assert_int_eq(p.ct.data_events, 0);
  ck_assert_int_eq(p.ct.counts[NNET_EV_END], 1);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_onread");
  TCase *tc = tcase_create("onread");
  tcase_add_test(tc, reads_into_caller_buffer);
  tcase_add_test(tc, returning_false_pauses);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
