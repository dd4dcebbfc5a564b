/* write(): return values vs highWaterMark, 'drain' order, callbacks,
 * write after end / destroy, cork and writev. */
#include <stdio.h>

#include "test_socket_peer.h"

typedef struct {
  rec_t r;
  peer_t *peer;
  int cbs, cb_status[8];
  int wrote_false_at;
} wctx_t;

static void wcb(nnet_socket_t *s, int status, void *ctx) {
  wctx_t *w = ctx;
  if (w->cbs < 8) w->cb_status[w->cbs] = status;
  w->cbs++;
  rec_append(&w->r, status == 0 ? "cb" : "cberr");
}

static char big[65536];

static void on_drain_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void on_connect_fill(const nnet_event_t *ev, void *ctx) {
  wctx_t *w = ctx;
  nnet_socket_t *s = ev->target;
  int i, rc = 1;
  for (i = 0; i < 1000 && rc == 1; i++)
    rc = nnet_socket_write(s, big, sizeof big, NULL, NULL);
  ck_assert_int_eq(rc, 0);
  w->wrote_false_at = i;
  ck_assert_uint_ge(nnet_socket_writable_length(s), 16384);
  ck_assert_int_eq(nnet_socket_write(s, "a", 1, wcb, w), 0);
  ck_assert_int_eq(nnet_socket_write(s, "b", 1, wcb, w), 0);
  nnet_socket_once(s, NNET_EV_DRAIN, on_drain_end, NULL);
  peer_resume(w->peer);
}

START_TEST(highwatermark_and_drain_order) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_SILENT);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, p.port, "127.0.0.1", &s),
                   0);
  wctx_t w;
  memset(&w, 0, sizeof w);
  rec_all(s, &w.r);
  w.peer = &p;
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect_fill, &w);
  nnet_socket_retain(s);
  nnet_test_run(&loop, 10000);
  ck_assert_int_eq(w.cbs, 2);
  ck_assert_int_eq(w.r.counts[NNET_EV_DRAIN], 1);
  ck_assert_ptr_nonnull(strstr(w.r.trace, "drain,cb,cb"));
  ck_assert_int_eq(w.r.counts[NNET_EV_CLOSE], 1);
  ck_assert_int_eq(w.r.counts[NNET_EV_ERROR], 0);
  ck_assert_uint_eq(nnet_socket_bytes_written(s),
                    (uint64_t)w.wrote_false_at * sizeof big + 2);
  ck_assert_uint_eq(p.received, nnet_socket_bytes_written(s));
  ck_assert_uint_eq(nnet_socket_writable_length(s), 0);
  nnet_socket_release(s);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: cb(ERR_STREAM_WRITE_AFTER_END) on the next tick, then 'error' and
 * 'close'(true); write() reports false. */
static void on_connect_wae(const nnet_event_t *ev, void *ctx) {
  wctx_t *w = ctx;
  nnet_socket_t *s = ev->target;
  ck_assert_int_eq(nnet_socket_end(s, NULL, 0, NULL, NULL), 0);
  ck_assert_str_eq(nnet_socket_ready_state(s), "readOnly");
  ck_assert_int_eq(nnet_socket_write(s, "z", 1, wcb, w),
                   NNET_ERR_STREAM_WRITE_AFTER_END);
  ck_assert(nnet_socket_is_destroyed(s));
  ck_assert_int_eq(w->cbs, 0);
}

START_TEST(write_after_end) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_SINK);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, p.port, "127.0.0.1", &s),
                   0);
  wctx_t w;
  memset(&w, 0, sizeof w);
  rec_all(s, &w.r);
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect_wae, &w);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(w.r.trace, "connect,ready,cberr,error,close");
  ck_assert_int_eq(w.cb_status[0], NNET_ERR_STREAM_WRITE_AFTER_END);
  ck_assert_str_eq(w.r.error_code_name, "ERR_STREAM_WRITE_AFTER_END");
  ck_assert_str_eq(w.r.error_msg, "write after end");
  ck_assert(w.r.had_error);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: ERR_STREAM_DESTROYED to the callback, no 'error' event. */
static void on_connect_wad(const nnet_event_t *ev, void *ctx) {
  wctx_t *w = ctx;
  nnet_socket_t *s = ev->target;
  nnet_socket_destroy(s, 0);
  ck_assert_int_eq(nnet_socket_write(s, "z", 1, wcb, w),
                   NNET_ERR_STREAM_DESTROYED);
}

START_TEST(write_after_destroy) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_SINK);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, p.port, "127.0.0.1", &s),
                   0);
  wctx_t w;
  memset(&w, 0, sizeof w);
  rec_all(s, &w.r);
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect_wad, &w);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(w.r.trace, "connect,ready,cberr,close");
  ck_assert_int_eq(w.cb_status[0], NNET_ERR_STREAM_DESTROYED);
  ck_assert(!w.r.had_error);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void on_connect_cork(const nnet_event_t *ev, void *ctx) {
  wctx_t *w = ctx;
  nnet_socket_t *s = ev->target;
  nnet_socket_cork(s);
  ck_assert_int_eq(nnet_socket_write(s, "ab", 2, wcb, w), 1);
  uv_buf_t bufs[2] = {uv_buf_init("cd", 2), uv_buf_init("ef", 2)};
  ck_assert_int_eq(nnet_socket_writev(s, bufs, 2, wcb, w), 1);
  ck_assert_uint_eq(nnet_socket_writable_length(s), 6);
  nnet_socket_uncork(s);
  ck_assert_int_eq(nnet_socket_write_str(s, "6869", 4, NNET_ENC_HEX, wcb, w),
                   1);
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

START_TEST(cork_writev_echo) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  peer_t p;
  peer_start_tcp(&p, &loop, PEER_ECHO);
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, p.port, "127.0.0.1", &s),
                   0);
  wctx_t w;
  memset(&w, 0, sizeof w);
  rec_all(s, &w.r);
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect_cork, &w);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(w.cbs, 3);
  ck_assert_int_eq(w.cb_status[0] | w.cb_status[1] | w.cb_status[2], 0);
  ck_assert_int_eq((int)w.r.data_len, 8);
  ck_assert(memcmp(w.r.data, "abcdefhi", 8) == 0);
  ck_assert_int_eq(w.r.counts[NNET_EV_CLOSE], 1);
  peer_close(&p);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_write");
  TCase *tc = tcase_create("write");
  tcase_add_test(tc, highwatermark_and_drain_order);
  tcase_add_test(tc, write_after_end);
  tcase_add_test(tc, write_after_destroy);
  tcase_add_test(tc, cork_writev_echo);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
