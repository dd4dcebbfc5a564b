/* The write buffer cap (beyond Node): a writer that ignores write()'s
 * return value, to a peer that never reads. writableLength never passes
 * the cap; the refused write returns ERR_WRITE_BUFFER_FULL, sends and
 * queues nothing, and its callback never runs; with the destroy policy the
 * socket then emits 'error' (that code), fails its queued writes, and
 * 'close'. Also the server option (accepted sockets), a single write over
 * the cap, end(data) refused, and bad arguments. */
#include <stdlib.h>

#include "test_socket_pair.h"

#define CAP      (256 * 1024)
#define CHUNK    16384
#define REFUSALS 40 /* refuse policy: keep trying this many times */

typedef struct {
  pair_t p;
  uv_timer_t tm;
  nnet_socket_t *writer, *victim; /* victim: the one that never reads */
  nnet_write_buffer_policy_t policy;
  char chunk[CHUNK];
  int accepted, refused, other_rc;
  int cbs, cb_errors, cb_destroyed, cb_after_close, cb_before_error;
  trace_t *wtrace; /* the writer's trace */
  size_t max_wlen;
  uint64_t written_at_refusal;
  bool stopped, need_drain_after;
} wb_t;

static void wcb(nnet_socket_t *s, int status, void *ctx) {
  wb_t *w = ctx;
  w->cbs++;
  if (status != 0) w->cb_errors++;
  if (status == NNET_ERR_STREAM_DESTROYED) w->cb_destroyed++;
  if (w->wtrace->counts[NNET_EV_CLOSE] > 0) w->cb_after_close++;
  if (status != 0 && w->wtrace->counts[NNET_EV_ERROR] == 0)
    w->cb_before_error++;
}

static void stop(wb_t *w) {
  w->stopped = true;
  uv_close((uv_handle_t *)&w->tm, NULL);
  /* The victim never reads, so it never sees an end: close it here. */
  nnet_socket_destroy(w->victim, 0);
  if (w->policy == NNET_WRITE_BUFFER_REFUSE) {
    w->need_drain_after = nnet_socket_writable_need_drain(w->writer);
    nnet_socket_destroy(w->writer, 0);
  }
}

/* A writer that ignores backpressure: 8 chunks per millisecond. */
static void tick(uv_timer_t *t) {
  wb_t *w = t->data;
  for (int k = 0; k < 8 && !w->stopped; k++) {
    uint64_t before = nnet_socket_bytes_written(w->writer);
    size_t wl_before = nnet_socket_writable_length(w->writer);
    int rc = nnet_socket_write(w->writer, w->chunk, CHUNK, wcb, w);
    size_t wl = nnet_socket_writable_length(w->writer);
    ck_assert_uint_le(wl, CAP);
    if (wl > w->max_wlen) w->max_wlen = wl;
    if (rc == NNET_ERR_WRITE_BUFFER_FULL) {
      /* refused whole: nothing sent, nothing queued */
      ck_assert_uint_eq(nnet_socket_bytes_written(w->writer), before);
      if (w->policy == NNET_WRITE_BUFFER_REFUSE)
        ck_assert_uint_eq(wl, wl_before);
      ck_assert_uint_gt(wl_before + CHUNK, CAP);
      if (w->refused++ == 0) w->written_at_refusal = before;
      if (w->policy == NNET_WRITE_BUFFER_DESTROY || w->refused == REFUSALS)
        stop(w);
    } else if (rc == 0 || rc == 1) {
      w->accepted++;
      ck_assert_int_lt(w->accepted, 64 * 1024); /* 1 GiB: no cap at all */
    } else {
      w->other_rc = rc;
      stop(w);
    }
  }
}

static void start_writing(wb_t *w) {
  memset(w->chunk, 'x', sizeof w->chunk);
  uv_timer_init(&w->p.loop, &w->tm);
  w->tm.data = w;
  uv_timer_start(&w->tm, tick, 0, 1);
}

static void on_client_connect(const nnet_event_t *ev, void *ctx) {
  start_writing(ctx);
}

/* Writer: the client, with its own cap; the accepted socket never reads
 * (pauseOnConnect). */
static void client_hook(pair_t *p, nnet_socket_t *s) {
  wb_t *w = p->user;
  w->writer = s;
  ck_assert_int_eq(nnet_socket_set_max_write_buffer(s, CAP, w->policy), 0);
  ck_assert_uint_eq(nnet_socket_max_write_buffer(s), CAP);
  nnet_socket_once(s, NNET_EV_CONNECT, on_client_connect, w);
}
static void sconn_victim(pair_t *p, nnet_socket_t *s) {
  ((wb_t *)p->user)->victim = s;
}

static void common_checks(wb_t *w) {
  ck_assert_int_eq(w->other_rc, 0);
  ck_assert_int_ge(w->refused, 1);
  /* the cap was reached, never passed */
  ck_assert_uint_gt(w->max_wlen + CHUNK, CAP);
  ck_assert_uint_le(w->max_wlen, CAP);
  /* exactly one callback per accepted write, none for a refused one */
  ck_assert_int_eq(w->cbs, w->accepted);
  ck_assert_int_eq(w->cb_after_close, 0);
  ck_assert_str_eq(nnet_err_name(NNET_ERR_WRITE_BUFFER_FULL),
                   "ERR_WRITE_BUFFER_FULL");
}

START_TEST(refuse_policy_caps_the_queue) {
  wb_t *w = calloc(1, sizeof *w);
  pair_init(&w->p);
  w->p.user = w;
  w->policy = NNET_WRITE_BUFFER_REFUSE;
  w->p.sopts.pause_on_connect = true;
  w->p.on_client = client_hook;
  w->p.on_sconn = sconn_victim;
  w->wtrace = &w->p.ct;
  pair_start(&w->p);
  pair_run(&w->p);
  common_checks(w);
  ck_assert_int_eq(w->refused, REFUSALS);
  ck_assert(w->need_drain_after); /* a refusal arms 'drain' */
  /* no 'error': the socket stayed usable until we destroyed it */
  ck_assert_int_eq(w->p.ct.counts[NNET_EV_ERROR], 0);
  ck_assert_int_eq(w->p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert(!w->p.ct.had_error);
  /* the writes still queued then failed with the destroy */
  ck_assert_int_gt(w->cb_destroyed, 0);
  ck_assert_int_eq(w->cb_errors, w->cb_destroyed);
  pair_finish(&w->p);
  free(w);
}
END_TEST

START_TEST(destroy_policy_errors_then_closes) {
  wb_t *w = calloc(1, sizeof *w);
  pair_init(&w->p);
  w->p.user = w;
  w->policy = NNET_WRITE_BUFFER_DESTROY;
  w->p.sopts.pause_on_connect = true;
  w->p.on_client = client_hook;
  w->p.on_sconn = sconn_victim;
  w->wtrace = &w->p.ct;
  pair_start(&w->p);
  pair_run(&w->p);
  common_checks(w);
  ck_assert_int_eq(w->refused, 1);
  /* 'error' with the code, then the failed writes, then 'close' */
  ck_assert_int_eq(w->p.ct.counts[NNET_EV_ERROR], 1);
  ck_assert_int_eq(w->p.ct.error_code, NNET_ERR_WRITE_BUFFER_FULL);
  ck_assert_str_eq(w->p.ct.error_code_name, "ERR_WRITE_BUFFER_FULL");
  ck_assert_str_eq(w->p.ct.error_msg,
                   "Write refused: the socket's write buffer would exceed its "
                   "limit");
  ck_assert_int_eq(w->p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert(w->p.ct.had_error);
  ck_assert_ptr_nonnull(strstr(w->p.ct.trace, "error:ERR_WRITE_BUFFER_FULL"));
  ck_assert_int_gt(w->cb_destroyed, 0);
  ck_assert_int_eq(w->cb_errors, w->cb_destroyed);
  ck_assert_int_eq(w->cb_before_error, 0);
  pair_finish(&w->p);
  free(w);
}
END_TEST

/* The server's option caps every accepted socket; the client never reads
 * (paused before connect). */
static void sconn_writer(pair_t *p, nnet_socket_t *s) {
  wb_t *w = p->user;
  w->writer = s;
  ck_assert_uint_eq(nnet_socket_max_write_buffer(s), CAP);
  w->wtrace = &p->st;
  start_writing(w);
}
static void client_victim(pair_t *p, nnet_socket_t *s) {
  wb_t *w = p->user;
  w->victim = s;
  ck_assert_uint_eq(nnet_socket_max_write_buffer(s), 0);
  nnet_socket_pause(s);
}

START_TEST(server_option_caps_accepted_sockets) {
  wb_t *w = calloc(1, sizeof *w);
  pair_init(&w->p);
  w->p.user = w;
  w->policy = NNET_WRITE_BUFFER_DESTROY;
  w->p.sopts.max_write_buffer = CAP;
  w->p.sopts.write_buffer_policy = NNET_WRITE_BUFFER_DESTROY;
  w->p.on_client = client_victim;
  w->p.on_sconn = sconn_writer;
  w->wtrace = &w->p.st;
  pair_start(&w->p);
  pair_run(&w->p);
  common_checks(w);
  ck_assert_int_eq(w->refused, 1);
  ck_assert_int_eq(w->p.st.counts[NNET_EV_ERROR], 1);
  ck_assert_int_eq(w->p.st.error_code, NNET_ERR_WRITE_BUFFER_FULL);
  ck_assert(w->p.st.had_error);
  ck_assert_int_eq(w->cb_before_error, 0);
  pair_finish(&w->p);
  free(w);
}
END_TEST

/* One write larger than the cap is refused even on an empty queue; one of
 * exactly the cap goes; end(data) refused does not end; the peer gets only
 * the accepted bytes. */
static int end_cb_calls;
static void count_end_cb(nnet_socket_t *s, int status, void *ctx) {
  end_cb_calls++;
}

static void on_connect_small(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  static char buf[1001];
  memset(buf, 'y', sizeof buf);
  ck_assert_int_eq(nnet_socket_write(s, buf, 1001, count_end_cb, NULL),
                   NNET_ERR_WRITE_BUFFER_FULL);
  ck_assert(!nnet_socket_writable_need_drain(s)); /* nothing to wait for */
  ck_assert_int_eq(nnet_socket_write(s, buf, 1000, NULL, NULL), 1);
  ck_assert_int_eq(nnet_socket_end(s, buf, 1001, count_end_cb, NULL),
                   NNET_ERR_WRITE_BUFFER_FULL);
  ck_assert(!nnet_socket_writable_ended(s));
  ck_assert_uint_eq(nnet_socket_bytes_written(s), 1000);
  /* a bad policy changes nothing */
  ck_assert_int_eq(
      nnet_socket_set_max_write_buffer(s, 5, (nnet_write_buffer_policy_t)7),
      NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_uint_eq(nnet_socket_max_write_buffer(s), 1000);
  ck_assert_int_eq(nnet_socket_end(s, NULL, 0, NULL, NULL), 0);
}

static void client_small_cap(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(
      nnet_socket_set_max_write_buffer(s, 1000, NNET_WRITE_BUFFER_REFUSE), 0);
  nnet_socket_once(s, NNET_EV_CONNECT, on_connect_small, NULL);
}

START_TEST(single_write_over_cap_and_end) {
  pair_t p;
  end_cb_calls = 0;
  pair_init(&p);
  p.on_client = client_small_cap;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(end_cb_calls, 0);
  ck_assert_uint_eq(p.st.data_len, 1000);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  ck_assert_int_eq(p.ct.counts[NNET_EV_FINISH], 1);
  ck_assert_int_eq(p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert_int_eq(
      nnet_socket_set_max_write_buffer(NULL, 1, NNET_WRITE_BUFFER_REFUSE),
      NNET_ERR_INVALID_ARG_VALUE);
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_max_write_buffer");
  TCase *tc = tcase_create("cap");
  tcase_add_test(tc, refuse_policy_caps_the_queue);
  tcase_add_test(tc, destroy_policy_errors_then_closes);
  tcase_add_test(tc, server_option_caps_accepted_sockets);
  tcase_add_test(tc, single_write_over_cap_and_end);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
