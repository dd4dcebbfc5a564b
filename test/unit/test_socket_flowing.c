/* Node's readable flowing mode (readableFlowing null / false / true): an
 * accepted socket reads at once but emits 'data' only when it flows (a
 * 'data' listener, resume()); the bytes wait in its buffer
 * (readableLength), no byte is lost, and 'end' waits until they were
 * emitted, so the socket stays open. pause() makes it explicitly paused:
 * a later 'data' listener does not resume it. pauseOnConnect does not even
 * read. Expected values are Node v20's for the same steps
 * (net.createServer + a client that writes and ends). The check runs from
 * a timer started once the client's data and FIN are in the kernel (its
 * 'finish'); the delay only gives the library a chance to misbehave. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct fx_s fx_t;
typedef void (*step_fn)(fx_t *f, nnet_socket_t *s);

struct fx_s {
  uv_loop_t loop;
  uv_timer_t timer;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  const char *payload;
  size_t payload_len;
  bool pause_on_connect;
  bool check_after_connect; /* not after the client's 'finish' */
  step_fn on_sconn;         /* inside 'connection' */
  step_fn check;            /* from the timer */
  char trace[512];
  char data[64];
  size_t data_len, total;
  int data_events, string_events, ends, closes, checks;
};

static void add(fx_t *f, const char *item) {
  size_t n = strlen(f->trace);
  snprintf(f->trace + n, sizeof(f->trace) - n, "%s%s", n ? "," : "", item);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  size_t n = ev->u.data.len;
  if (f->data_events++ == 0) add(f, "data");
  if (ev->u.data.is_string) f->string_events++;
  f->total += n;
  if (f->data_len + n > sizeof(f->data) - 1)
    n = sizeof(f->data) - 1 - f->data_len;
  memcpy(f->data + f->data_len, ev->u.data.base, n);
  f->data_len += n;
  f->data[f->data_len] = 0;
}

static void on_sconn_event(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->type == NNET_EV_END) f->ends++;
  if (ev->type == NNET_EV_CLOSE) f->closes++;
  add(f, nnet_event_name(ev->type));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  f->sconn = s;
  nnet_socket_retain(s);
  nnet_socket_on(s, NNET_EV_END, on_sconn_event, f);
  nnet_socket_on(s, NNET_EV_FINISH, on_sconn_event, f);
  nnet_socket_on(s, NNET_EV_CLOSE, on_sconn_event, f);
  nnet_server_close(f->srv, NULL, NULL);
  if (f->on_sconn) f->on_sconn(f, s);
}

static void timer_cb(uv_timer_t *t) {
  fx_t *f = t->data;
  f->checks++;
  add(f, "check");
  f->check(f, f->sconn);
  uv_close((uv_handle_t *)t, NULL);
}

static void start_timer(fx_t *f, uint64_t ms) {
  uv_timer_init(&f->loop, &f->timer);
  f->timer.data = f;
  uv_timer_start(&f->timer, timer_cb, ms, 0);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_end(ev->target, f->payload, f->payload_len, NULL, NULL);
  if (f->check_after_connect) start_timer(f, 200);
}

static void client_finish(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  if (!f->check_after_connect) start_timer(f, 100);
}

static void ignore_data(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  (void)ctx;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  ck_assert_int_eq(
      nnet_create_connection_tcp(&f->loop, sa.port, "127.0.0.1", &f->client),
      0);
  nnet_socket_on(f->client, NNET_EV_CONNECT, client_connect, f);
  nnet_socket_on(f->client, NNET_EV_FINISH, client_finish, f);
  nnet_socket_on(f->client, NNET_EV_DATA, ignore_data, f);
}

static void run(fx_t *f) {
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  so.pause_on_connect = f->pause_on_connect;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, f, &f->srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_server_once(f->srv, NNET_EV_LISTENING, on_listening, f);
  nnet_test_run(&f->loop, 10000);
}

static void finish(fx_t *f) {
  nnet_socket_release(f->sconn);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}

/* ---- no 'data' listener yet: buffered, then flowing on on('data') ---- */

static void check_buffered_then_listen(fx_t *f, nnet_socket_t *s) {
  /* Node: readableFlowing null, readableLength 3, no 'end', open. */
  ck_assert_int_eq(nnet_socket_readable_flowing(s), -1);
  ck_assert(!nnet_socket_is_paused(s));
  ck_assert_uint_eq(nnet_socket_readable_length(s), 3);
  ck_assert_int_eq(f->ends, 0);
  ck_assert(!nnet_socket_is_destroyed(s));
  ck_assert(nnet_socket_is_readable(s));
  ck_assert_str_eq(nnet_socket_ready_state(s), "open");
  nnet_socket_on(s, NNET_EV_DATA, on_data, f);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 1);
  ck_assert_int_eq(f->data_events, 0); /* on a later turn */
}

START_TEST(data_waits_for_a_listener) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.payload = "abc";
  f.payload_len = 3;
  f.check = check_buffered_then_listen;
  run(&f);
  ck_assert_int_eq(f.checks, 1);
  ck_assert_str_eq(f.data, "abc");
  ck_assert_str_eq(f.trace, "check,data,end,finish,close");
  ck_assert_uint_eq(nnet_socket_readable_length(f.sconn), 0);
  ck_assert(nnet_socket_readable_ended(f.sconn));
  finish(&f);
}
END_TEST

/* ---- pause() first: a 'data' listener does not resume ---- */

static void sconn_pause(fx_t *f, nnet_socket_t *s) {
  (void)f;
  nnet_socket_pause(s);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 0);
}

static void check_paused_then_listen(fx_t *f, nnet_socket_t *s) {
  /* Node: pause() keeps reading into the buffer. */
  ck_assert_uint_eq(nnet_socket_readable_length(s), 3);
  nnet_socket_on(s, NNET_EV_DATA, on_data, f);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 0);
  ck_assert(nnet_socket_is_paused(s));
  ck_assert_uint_eq(nnet_socket_readable_length(s), 3);
  nnet_socket_resume(s);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 1);
}

START_TEST(pause_then_listener_stays_paused) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.payload = "abc";
  f.payload_len = 3;
  f.on_sconn = sconn_pause;
  f.check = check_paused_then_listen;
  run(&f);
  ck_assert_int_eq(f.checks, 1);
  ck_assert_str_eq(f.data, "abc");
  ck_assert_str_eq(f.trace, "check,data,end,finish,close");
  finish(&f);
}
END_TEST

/* ---- pauseOnConnect: not even reading until resume() ---- */

static void check_poc(fx_t *f, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 0);
  ck_assert(nnet_socket_is_paused(s));
  ck_assert_uint_eq(nnet_socket_readable_length(s), 0);
  nnet_socket_on(s, NNET_EV_DATA, on_data, f);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 0);
  nnet_socket_resume(s);
}

START_TEST(pause_on_connect_reads_nothing) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.payload = "abc";
  f.payload_len = 3;
  f.pause_on_connect = true;
  f.check = check_poc;
  run(&f);
  ck_assert_int_eq(f.checks, 1);
  ck_assert_str_eq(f.data, "abc");
  ck_assert_str_eq(f.trace, "check,data,end,finish,close");
  finish(&f);
}
END_TEST

/* ---- the peer ends without data: 'end' without any listener ---- */

static void check_closed(fx_t *f, nnet_socket_t *s) {
  ck_assert_int_eq(f->closes, 1);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), -1);
  ck_assert(nnet_socket_readable_ended(s));
}

START_TEST(empty_end_without_listener) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.check = check_closed;
  run(&f);
  ck_assert_int_eq(f.checks, 1);
  ck_assert_int_eq(f.data_events, 0);
  ck_assert_str_eq(f.trace, "end,finish,close,check");
  finish(&f);
}
END_TEST

/* ---- paused with an empty buffer: the peer's FIN still ends it ---- */

static void check_closed_paused(fx_t *f, nnet_socket_t *s) {
  ck_assert_int_eq(f->closes, 1);
  ck_assert_int_eq(nnet_socket_readable_flowing(s), 0);
  ck_assert(nnet_socket_readable_ended(s));
}

START_TEST(paused_empty_end) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.on_sconn = sconn_pause;
  f.check = check_closed_paused;
  run(&f);
  ck_assert_str_eq(f.trace, "end,finish,close,check");
  finish(&f);
}
END_TEST

/* ---- setEncoding after the bytes were buffered applies to them ---- */

static void check_encoding(fx_t *f, nnet_socket_t *s) {
  ck_assert_uint_eq(nnet_socket_readable_length(s), 6); /* bytes */
  ck_assert_int_eq(nnet_socket_readable_encoding(s), -1);
  ck_assert_int_eq(nnet_socket_set_encoding(s, NNET_ENC_UTF8), 0);
  ck_assert_int_eq(nnet_socket_readable_encoding(s), NNET_ENC_UTF8);
  nnet_socket_on(s, NNET_EV_DATA, on_data, f);
}

START_TEST(set_encoding_after_buffering) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.payload = "h\xc3\xa9llo";
  f.payload_len = 6;
  f.check = check_encoding;
  run(&f);
  ck_assert_str_eq(f.data, "h\xc3\xa9llo");
  ck_assert_int_eq(f.string_events, f.data_events);
  ck_assert_int_eq(f.data_events, 1);
  ck_assert_str_eq(f.trace, "check,data,end,finish,close");
  finish(&f);
}
END_TEST

/* ---- the buffer stops reading at highWaterMark; nothing is lost ---- */

static char big[1 << 20];

static void check_hwm(fx_t *f, nnet_socket_t *s) {
  size_t n = nnet_socket_readable_length(s);
  /* Node v20: 65536 (one 64 KiB read takes it over 16384, then stops). */
  ck_assert_uint_ge(n, 16384);
  ck_assert_uint_le(n, 16384 + 65536);
  ck_assert_int_eq(f->ends, 0);
  nnet_socket_on(s, NNET_EV_DATA, on_data, f);
}

START_TEST(buffer_bounded_by_high_water_mark) {
  fx_t f;
  memset(&f, 0, sizeof f);
  memset(big, 'x', sizeof big);
  f.payload = big;
  f.payload_len = sizeof big;
  f.check_after_connect = true; /* the peer cannot finish: no room */
  f.check = check_hwm;
  run(&f);
  ck_assert_uint_eq(f.total, sizeof big);
  ck_assert_int_eq(f.ends, 1);
  finish(&f);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_flowing");
  TCase *tc = tcase_create("flowing");
  tcase_add_test(tc, data_waits_for_a_listener);
  tcase_add_test(tc, pause_then_listener_stays_paused);
  tcase_add_test(tc, pause_on_connect_reads_nothing);
  tcase_add_test(tc, empty_end_without_listener);
  tcase_add_test(tc, paused_empty_end);
  tcase_add_test(tc, set_encoding_after_buffering);
  tcase_add_test(tc, buffer_bounded_by_high_water_mark);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
