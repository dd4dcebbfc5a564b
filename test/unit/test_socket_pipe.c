/* socket.pipe() / unpipe() and stream.pipeline() on real loopback sockets.
 *
 * Topology: producer P --TCP--> A (accepted by `front`) ==pipe==> B --TCP-->
 * K (accepted by `sink`). A is the pipe source, B the destination, K the
 * reader at the far end (slow in the backpressure test). Every socket is
 * retained so its final properties can be read; exact event counts. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

enum { P, A, B, K, N_SOCK };

typedef struct fx_s fx_t;
typedef void (*fx_hook)(fx_t *f);

struct fx_s {
  uv_loop_t loop;
  nnet_server_t *front, *sink;
  nnet_socket_t *s[N_SOCK];
  int ev[N_SOCK][NNET_EV_COUNT_];
  int err_code[N_SOCK];
  nnet_socket_t *unpipe_source;     /* payload of B's last 'unpipe' */
  fx_hook on_a, on_k, on_p_connect; /* test's setup at each point */
  bool half_open;                   /* allowHalfOpen on A and B */
  /* the producer's payload */
  size_t total, sent_chunk;
  bool p_end; /* P ends after writing */
  /* what K got */
  char *got;
  size_t got_len, got_cap;
  size_t p_got; /* bytes P got back */
  bool k_slow;  /* K pauses after each chunk, resumes 1 ms later */
  bool k_echo;  /* K writes back what it gets */
  uv_timer_t k_timer;
  /* measured on A's 'data' (after the pipe's own listener) */
  size_t max_wlen, max_chunk;
  int pauses_seen;
  /* pipeline */
  int cb_calls, cb_code;
  int test_int;
};

static fx_t *g; /* one fixture per forked test */

static void count_fn(const nnet_event_t *ev, void *ctx) {
  int i = (int)(intptr_t)ctx;
  g->ev[i][ev->type]++;
  if (ev->type == NNET_EV_ERROR) g->err_code[i] = ev->u.error->code;
  if (ev->type == NNET_EV_UNPIPE) g->unpipe_source = ev->u.pipe.source;
}

/* Counts every event except 'data' (a 'data' listener would make the
 * socket flow, which is what pipe() must do by itself). */
static void watch(int i) {
  nnet_socket_retain(g->s[i]);
  for (int t = 0; t < NNET_EV_COUNT_; t++)
    if (t != NNET_EV_DATA)
      nnet_socket_on(g->s[i], (nnet_event_type_t)t, count_fn,
                     (void *)(intptr_t)i);
}

static unsigned char pattern(size_t i) {
  return (unsigned char)((i * 31u + 7u) & 0xff);
}

static void k_resume(uv_timer_t *t) {
  nnet_socket_resume(g->s[K]);
}

static void k_data(const nnet_event_t *ev, void *ctx) {
  if (g->got_len + ev->u.data.len > g->got_cap) {
    g->got_cap = (g->got_len + ev->u.data.len) * 2;
    g->got = realloc(g->got, g->got_cap);
    ck_assert_ptr_nonnull(g->got);
  }
  memcpy(g->got + g->got_len, ev->u.data.base, ev->u.data.len);
  g->got_len += ev->u.data.len;
  if (g->k_echo)
    nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
  if (g->k_slow) {
    nnet_socket_pause(ev->target);
    uv_timer_start(&g->k_timer, k_resume, 2, 0);
  }
}

/* P gets the echo (duplex test): checked as it comes. */
static void p_data(const nnet_event_t *ev, void *ctx) {
  for (size_t i = 0; i < ev->u.data.len; i++)
    if ((unsigned char)ev->u.data.base[i] != pattern(g->p_got + i))
      ck_abort_msg("echo byte %zu differs", g->p_got + i);
  g->p_got += ev->u.data.len;
}

static void a_data(const nnet_event_t *ev, void *ctx) {
  size_t wl = nnet_socket_writable_length(g->s[B]);
  if (wl > g->max_wlen) g->max_wlen = wl;
  if (ev->u.data.len > g->max_chunk) g->max_chunk = ev->u.data.len;
  if (nnet_socket_readable_flowing(g->s[A]) == 0) g->pauses_seen++;
}

static void on_sink_conn(const nnet_event_t *ev, void *ctx) {
  g->s[K] = ev->u.connection.socket;
  watch(K);
  nnet_socket_on(g->s[K], NNET_EV_DATA, k_data, NULL);
  nnet_server_close(g->sink, NULL, NULL);
  if (g->on_k) g->on_k(g);
}

static void on_front_conn(const nnet_event_t *ev, void *ctx) {
  g->s[A] = ev->u.connection.socket;
  watch(A);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &g->loop;
  so.allow_half_open = g->half_open;
  ck_assert_int_eq(nnet_socket_new(&so, &g->s[B]), 0);
  watch(B);
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(g->sink, &sa), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(g->s[B], &o, NULL, NULL), 0);
  nnet_server_close(g->front, NULL, NULL);
  if (g->on_a) g->on_a(g);
}

static void p_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *p = g->s[P];
  size_t chunk = g->sent_chunk ? g->sent_chunk : 65536;
  char *buf = malloc(chunk);
  for (size_t off = 0; off < g->total; off += chunk) {
    size_t n = g->total - off < chunk ? g->total - off : chunk;
    for (size_t i = 0; i < n; i++) buf[i] = (char)pattern(off + i);
    ck_assert_int_ge(nnet_socket_write(p, buf, n, NULL, NULL), 0);
  }
  free(buf);
  if (g->p_end) nnet_socket_end(p, NULL, 0, NULL, NULL);
  if (g->on_p_connect) g->on_p_connect(g);
}

static void on_front_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(g->front, &sa), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(
      nnet_create_connection(&g->loop, &o, p_connect, NULL, &g->s[P]), 0);
  watch(P);
  nnet_socket_on(g->s[P], NNET_EV_DATA, p_data, NULL);
}

static void fx_init(fx_t *f) {
  memset(f, 0, sizeof(*f));
  g = f;
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  uv_timer_init(&f->loop, &f->k_timer);
  f->p_end = true;
  nnet_test_install_uncaught_handler();
}

static void fx_run(fx_t *f) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_sink_conn, NULL, &f->sink), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f->sink, 0, "127.0.0.1"), 0);
  so.allow_half_open = f->half_open;
  ck_assert_int_eq(nnet_create_server(&so, on_front_conn, NULL, &f->front), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f->front, 0, "127.0.0.1"), 0);
  nnet_server_once(f->front, NNET_EV_LISTENING, on_front_listening, NULL);
  uv_unref((uv_handle_t *)&f->k_timer);
  nnet_test_run(&f->loop, 20000);
}

static void fx_finish(fx_t *f) {
  for (int i = 0; i < N_SOCK; i++)
    if (f->s[i]) {
      ck_assert_msg(nnet_socket_is_closed(f->s[i]), "socket %d open", i);
      ck_assert_int_eq(f->ev[i][NNET_EV_CLOSE], 1);
      nnet_socket_release(f->s[i]);
    }
  uv_close((uv_handle_t *)&f->k_timer, NULL);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
  free(f->got);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
}

/* K got exactly the first n bytes of the pattern (then maybe more: see
 * the caller). */
static void check_prefix(fx_t *f, size_t n) {
  ck_assert_uint_ge(f->got_len, n);
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)f->got[i] != pattern(i))
      ck_abort_msg("byte %zu differs", i);
}

static void check_pattern(fx_t *f, size_t n) {
  ck_assert_uint_eq(f->got_len, n);
  check_prefix(f, n);
}

/* ---- pipe with end: backpressure against a slow reader ---- */

static void pipe_a_to_b(fx_t *f) {
  ck_assert_int_eq(nnet_socket_readable_flowing(f->s[A]), -1);
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
  ck_assert_int_eq(f->ev[B][NNET_EV_PIPE], 1); /* synchronous */
  ck_assert_int_eq(nnet_socket_readable_flowing(f->s[A]), 1);
  nnet_socket_on(f->s[A], NNET_EV_DATA, a_data, NULL);
}

START_TEST(backpressure_slow_reader) {
  fx_t f;
  fx_init(&f);
  f.total = 16u << 20; /* well over what the kernel buffers on loopback */
  f.k_slow = true;
  f.on_a = pipe_a_to_b;
  fx_run(&f);
  check_pattern(&f, f.total);
  size_t hwm = nnet_socket_writable_high_water_mark(f.s[B]);
  ck_assert_msg(f.max_wlen <= hwm + f.max_chunk,
                "B's writableLength reached %zu (hwm %zu, chunk %zu)",
                f.max_wlen, hwm, f.max_chunk);
  /* paused and resumed again and again (10 times here), not just once */
  ck_assert_int_gt(f.pauses_seen, 1);
  /* a 'drain' per pause (none for a last one right before end()) */
  ck_assert_int_le(f.ev[B][NNET_EV_DRAIN], f.pauses_seen);
  ck_assert_int_ge(f.ev[B][NNET_EV_DRAIN], f.pauses_seen - 1);
  /* 'end' passed on: B ended after A's 'end', unpiped at B's 'finish' */
  ck_assert_int_eq(f.ev[A][NNET_EV_END], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_PIPE], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_ptr_eq(f.unpipe_source, f.s[A]);
  for (int i = 0; i < N_SOCK; i++) ck_assert_int_eq(f.ev[i][NNET_EV_ERROR], 0);
  /* every pipe listener is gone: only the test's remain */
  ck_assert_uint_eq(nnet_socket_listener_count(f.s[A], NNET_EV_DATA), 1);
  ck_assert_uint_eq(nnet_socket_listener_count(f.s[B], NNET_EV_DRAIN), 1);
  ck_assert_uint_eq(nnet_socket_listener_count(f.s[B], NNET_EV_ERROR), 1);
  fx_finish(&f);
}
END_TEST

/* ---- {end: false}: B stays open after A's 'end' ---- */

static void b_tail(const nnet_event_t *ev, void *ctx) {
  ck_assert(!nnet_socket_writable_ended(g->s[B]));
  ck_assert_int_eq(g->ev[B][NNET_EV_UNPIPE], 1); /* before this listener */
  nnet_socket_end(g->s[B], "tail", 4, NULL, NULL);
}

static void pipe_no_end(fx_t *f) {
  nnet_pipe_opts_t o;
  nnet_pipe_opts_init(&o);
  ck_assert(o.end);
  o.end = false;
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], &o), 0);
  nnet_socket_on(f->s[A], NNET_EV_END, b_tail, NULL);
}

START_TEST(end_false_keeps_dest_open) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.on_a = pipe_no_end;
  fx_run(&f);
  ck_assert_uint_eq(f.got_len, 9);
  check_prefix(&f, 5);
  ck_assert_int_eq(memcmp(f.got + 5, "tail", 4), 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- unpipe: later bytes stay in A, A is paused ---- */

static void unpipe_on_first(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, unpipe_on_first, ctx);
  ck_assert_int_eq(nnet_socket_unpipe(g->s[A], g->s[B]), 0);
  ck_assert_int_eq(g->ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_ptr_eq(g->unpipe_source, g->s[A]);
  ck_assert_int_eq(nnet_socket_readable_flowing(g->s[A]), 0);
  ck_assert_uint_eq(nnet_socket_listener_count(g->s[A], NNET_EV_DATA), 0);
  ck_assert_int_eq(nnet_socket_unpipe(g->s[A], g->s[B]), 0); /* no-op */
  ck_assert_int_eq(nnet_socket_unpipe(g->s[A], NULL), 0);
  ck_assert_int_eq(g->ev[B][NNET_EV_UNPIPE], 1);
  /* the producer's second write will not be piped: end the chain */
  nnet_socket_write(g->s[P], "more", 4, NULL, NULL);
  nnet_socket_end(g->s[B], NULL, 0, NULL, NULL);
  nnet_socket_destroy(g->s[A], 0);
}

static void pipe_then_unpipe(fx_t *f) {
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
}

static void k_unpipe_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, unpipe_on_first, NULL);
}

START_TEST(unpipe_stops_and_pauses) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = pipe_then_unpipe;
  f.on_k = k_unpipe_hook;
  fx_run(&f);
  check_pattern(&f, 5);
  ck_assert_int_eq(f.ev[B][NNET_EV_PIPE], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- socket.pipe(socket): Node's echo idiom, and a tee to two ---- */

static void pipe_to_itself(fx_t *f) {
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[A], NULL), 0);
  ck_assert_int_eq(f->ev[A][NNET_EV_PIPE], 1);
  nnet_socket_end(f->s[B], NULL, 0, NULL, NULL); /* not used here */
}

START_TEST(pipe_to_itself_echoes) {
  fx_t f;
  fx_init(&f);
  f.total = 1u << 20;
  f.on_a = pipe_to_itself;
  fx_run(&f);
  ck_assert_uint_eq(f.p_got, f.total);
  ck_assert_int_eq(f.ev[A][NNET_EV_UNPIPE], 1); /* at its own 'finish' */
  ck_assert_int_eq(f.ev[P][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

static void tee(fx_t *f) {
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[A], NULL), 0);
}

START_TEST(tee_to_two_destinations) {
  fx_t f;
  fx_init(&f);
  f.total = 8u << 20;
  f.k_slow = true; /* B's side is slow: the echo to P waits for it */
  f.on_a = tee;
  fx_run(&f);
  check_pattern(&f, f.total);
  ck_assert_uint_eq(f.p_got, f.total);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[A][NNET_EV_UNPIPE], 1);
  ck_assert_int_gt(f.ev[B][NNET_EV_DRAIN], 0);
  fx_finish(&f);
}
END_TEST

/* unpipe from a 'data' listener that runs before the pipe's: the pipe's
 * listener is still called for that chunk (Node's emit snapshot) and must
 * not touch freed memory (ASan). */
static void end_b_job(void *ctx) {
  ck_assert_int_eq(g->got_len, 0); /* not yet at K, but written to B */
  ck_assert_uint_eq(nnet_socket_bytes_written(g->s[B]), 5);
  nnet_socket_end(g->s[B], NULL, 0, NULL, NULL);
}

static void unpipe_in_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, unpipe_in_data, ctx);
  ck_assert_int_eq(nnet_socket_unpipe(g->s[A], g->s[B]), 0);
  ck_assert_int_eq(nnet_next_tick(&g->loop, end_b_job, NULL), 0);
}

static void unpipe_early(fx_t *f) {
  nnet_socket_on(f->s[A], NNET_EV_DATA, unpipe_in_data, NULL);
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
}

START_TEST(unpipe_inside_source_data) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.on_a = unpipe_early;
  fx_run(&f);
  check_pattern(&f, 5); /* the chunk being emitted still went through */
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- destroy during a pipe ---- */

static void destroy_src_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, destroy_src_on_data, ctx);
  nnet_socket_destroy(g->s[A], 0);
}

static void b_end_after_a_close(const nnet_event_t *ev, void *ctx) {
  /* pipe() does not touch dst when src goes: its listeners are gone */
  ck_assert(!nnet_socket_is_destroyed(g->s[B]));
  ck_assert(!nnet_socket_writable_ended(g->s[B]));
  ck_assert_uint_eq(nnet_socket_listener_count(g->s[B], NNET_EV_ERROR), 1);
  ck_assert_uint_eq(nnet_socket_listener_count(g->s[B], NNET_EV_FINISH), 1);
  nnet_socket_end(g->s[B], NULL, 0, NULL, NULL);
}

static void k_destroy_src_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, destroy_src_on_data, NULL);
  nnet_socket_on(f->s[A], NNET_EV_CLOSE, b_end_after_a_close, NULL);
}

START_TEST(destroy_source_during_pipe) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = pipe_then_unpipe;
  f.on_k = k_destroy_src_hook;
  fx_run(&f);
  check_pattern(&f, 5);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 0); /* dropped silently */
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

static void destroy_dst_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, destroy_dst_on_data, ctx);
  nnet_socket_destroy(g->s[B], 0);
}

static void a_after_b_close(const nnet_event_t *ev, void *ctx) {
  ck_assert_int_eq(g->ev[B][NNET_EV_UNPIPE], 1); /* in B's 'close' */
  ck_assert_int_eq(nnet_socket_readable_flowing(g->s[A]), 0);
  ck_assert_uint_eq(nnet_socket_listener_count(g->s[A], NNET_EV_DATA), 0);
  ck_assert(!nnet_socket_is_destroyed(g->s[A]));
  nnet_socket_destroy(g->s[A], 0);
}

static void k_destroy_dst_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, destroy_dst_on_data, NULL);
  nnet_socket_on(f->s[B], NNET_EV_CLOSE, a_after_b_close, NULL);
}

START_TEST(destroy_dest_during_pipe) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = pipe_then_unpipe;
  f.on_k = k_destroy_dst_hook;
  fx_run(&f);
  check_pattern(&f, 5);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_ERROR], 0);
  ck_assert_int_eq(f.ev[A][NNET_EV_ERROR], 0);
  fx_finish(&f);
}
END_TEST

/* ---- an error on dst with no other 'error' listener stays uncaught ---- */

static void b_silent(fx_t *f) {
  /* only the pipe listens for B's errors */
  nnet_socket_off(f->s[B], NNET_EV_ERROR, count_fn, (void *)(intptr_t)B);
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
}

static void k_fail_b_hook(fx_t *f);
static void fail_b_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, fail_b_on_data, ctx);
  nnet_socket_destroy(g->s[B], UV_ECONNRESET);
  nnet_socket_destroy(g->s[A], 0);
}
static void k_fail_b_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, fail_b_on_data, NULL);
}

START_TEST(dest_error_without_listener_is_uncaught) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = b_silent;
  f.on_k = k_fail_b_hook;
  fx_run(&f);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(nnet_test_uncaught_count, 1);
  nnet_test_uncaught_count = 0;
  fx_finish(&f);
}
END_TEST

/* ---- pipeline ---- */

static void pl_cb(const nnet_error_t *err, void *ctx) {
  g->cb_calls++;
  g->cb_code = err ? err->code : 0;
  /* after both sides reported: the errors came first */
  if (err) {
    ck_assert_int_eq(g->ev[A][NNET_EV_ERROR], 1);
    ck_assert_int_eq(g->ev[B][NNET_EV_ERROR], 1);
  }
}

static void start_pipeline(fx_t *f) {
  ck_assert_int_eq(nnet_pipeline(f->s[A], f->s[B], pl_cb, NULL), 0);
  ck_assert_int_eq(f->ev[B][NNET_EV_PIPE], 1);
}

START_TEST(pipeline_success) {
  fx_t f;
  fx_init(&f);
  f.total = 1u << 20;
  f.on_a = start_pipeline;
  fx_run(&f);
  check_pattern(&f, f.total);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  fx_finish(&f);
}
END_TEST

static void reset_p_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, reset_p_on_data, ctx);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(g->s[P]), 0);
}
static void k_reset_p_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, reset_p_on_data, NULL);
}

START_TEST(pipeline_source_error) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = start_pipeline;
  f.on_k = k_reset_p_hook;
  fx_run(&f);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, UV_ECONNRESET);
  ck_assert_int_eq(f.err_code[A], UV_ECONNRESET);
  ck_assert_int_eq(f.err_code[B], UV_ECONNRESET); /* the same error */
  ck_assert(nnet_socket_is_destroyed(f.s[B]));
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  fx_finish(&f);
}
END_TEST

static void reset_k_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, reset_k_on_data, ctx);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(ev->target), 0);
}
static void k_reset_self_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, reset_k_on_data, NULL);
}

START_TEST(pipeline_dest_error) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = start_pipeline;
  f.on_k = k_reset_self_hook;
  fx_run(&f);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, UV_ECONNRESET);
  ck_assert_int_eq(f.err_code[B], UV_ECONNRESET);
  ck_assert_int_eq(f.err_code[A], UV_ECONNRESET);
  ck_assert(nnet_socket_is_destroyed(f.s[A]));
  fx_finish(&f);
}
END_TEST

/* dst closes without an error before src ended: premature close */
static void close_b_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, close_b_on_data, ctx);
  nnet_socket_destroy(g->s[B], 0);
}
static void k_close_b_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, close_b_on_data, NULL);
}

static void pl_cb_premature(const nnet_error_t *err, void *ctx) {
  g->cb_calls++;
  g->cb_code = err ? err->code : 0;
  ck_assert_str_eq(err->message, "Premature close");
}

static void start_pipeline_premature(fx_t *f) {
  ck_assert_int_eq(nnet_pipeline(f->s[A], f->s[B], pl_cb_premature, NULL), 0);
}

START_TEST(pipeline_premature_close) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = start_pipeline_premature;
  f.on_k = k_close_b_hook;
  fx_run(&f);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, NNET_ERR_STREAM_PREMATURE_CLOSE);
  ck_assert_int_eq(f.err_code[A], NNET_ERR_STREAM_PREMATURE_CLOSE);
  ck_assert_int_eq(f.ev[B][NNET_EV_ERROR], 0);
  fx_finish(&f);
}
END_TEST

/* src closes without an error before its 'end': dst gets the premature
 * close as its error (Node: b error ERR_STREAM_PREMATURE_CLOSE) */
static void close_a_on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_off(ev->target, NNET_EV_DATA, close_a_on_data, ctx);
  nnet_socket_destroy(g->s[A], 0);
}
static void k_close_a_hook(fx_t *f) {
  nnet_socket_on(f->s[K], NNET_EV_DATA, close_a_on_data, NULL);
}

START_TEST(pipeline_source_premature_close) {
  fx_t f;
  fx_init(&f);
  f.total = 5;
  f.p_end = false;
  f.on_a = start_pipeline_premature;
  f.on_k = k_close_a_hook;
  fx_run(&f);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, NNET_ERR_STREAM_PREMATURE_CLOSE);
  ck_assert_int_eq(f.err_code[B], NNET_ERR_STREAM_PREMATURE_CLOSE);
  ck_assert_int_eq(f.ev[A][NNET_EV_ERROR], 0);
  /* beyond Node: the pipe went silently with A's 'close' (Node keeps it
   * until B's 'error', then emits 'unpipe') */
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 0);
  fx_finish(&f);
}
END_TEST

/* ---- both directions: an echo through A <=> B ---- */

static void start_duplex(fx_t *f) {
  ck_assert_int_eq(nnet_pipeline_duplex(f->s[A], f->s[B], pl_cb, NULL), 0);
}

START_TEST(pipeline_duplex_echo) {
  fx_t f;
  fx_init(&f);
  f.total = 256u << 10;
  f.half_open = true;
  f.k_echo = true;
  f.on_a = start_duplex;
  fx_run(&f);
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, 0);
  check_pattern(&f, f.total);
  ck_assert_uint_eq(f.p_got, f.total);
  ck_assert_int_eq(f.ev[P][NNET_EV_END], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

START_TEST(bad_arguments) {
  nnet_pipe_opts_t o;
  nnet_pipe_opts_init(&o);
  ck_assert_int_eq(nnet_socket_pipe(NULL, NULL, &o), UV_EINVAL);
  ck_assert_int_eq(nnet_socket_unpipe(NULL, NULL), UV_EINVAL);
  ck_assert_int_eq(nnet_pipeline(NULL, NULL, NULL, NULL), UV_EINVAL);
  ck_assert_int_eq(nnet_pipeline_duplex(NULL, NULL, NULL, NULL), UV_EINVAL);
  ck_assert_str_eq(nnet_event_name(NNET_EV_PIPE), "pipe");
  ck_assert_str_eq(nnet_event_name(NNET_EV_UNPIPE), "unpipe");
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_pipe");
  TCase *tc = tcase_create("pipe");
  tcase_add_test(tc, backpressure_slow_reader);
  tcase_add_test(tc, end_false_keeps_dest_open);
  tcase_add_test(tc, unpipe_stops_and_pauses);
  tcase_add_test(tc, pipe_to_itself_echoes);
  tcase_add_test(tc, tee_to_two_destinations);
  tcase_add_test(tc, unpipe_inside_source_data);
  tcase_add_test(tc, destroy_source_during_pipe);
  tcase_add_test(tc, destroy_dest_during_pipe);
  tcase_add_test(tc, dest_error_without_listener_is_uncaught);
  tcase_add_test(tc, pipeline_success);
  tcase_add_test(tc, pipeline_source_error);
  tcase_add_test(tc, pipeline_dest_error);
  tcase_add_test(tc, pipeline_premature_close);
  tcase_add_test(tc, pipeline_source_premature_close);
  tcase_add_test(tc, pipeline_duplex_echo);
  tcase_add_test(tc, bad_arguments);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
