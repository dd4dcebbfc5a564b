/* socket.pipe()'s zero-copy path (splice(2), Linux) on real loopback TCP
 * and Unix sockets.
 *
 * Topology as test_socket_pipe.c: producer P --> A (accepted by `front`)
 * ==pipe==> B --> K (accepted by `sink`). A is the pipe source, B the
 * destination, K the reader at the far end. No 'data' listener on A unless
 * a test adds one: that is what lets the pipe splice. nnet_socket_bytes_
 * spliced(A) proves which path moved the bytes; exact byte counts. */
#include <stdio.h>
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
  fx_hook on_a, on_k;
  bool unix_sock, half_open, p_end, k_slow, k_echo;
  char front_path[256], sink_path[256];
  size_t total;
  char *got; /* what K got */
  size_t got_len, got_cap;
  char *a_got; /* what a test's own 'data' listener on A got */
  size_t a_len, a_cap;
  size_t p_got;       /* echo back at P */
  size_t trigger;     /* K's hook fires once K got this much */
  fx_hook on_trigger; /* ... this */
  bool triggered;
  uv_timer_t k_timer, sample;
  size_t max_inflight, max_wlen; /* sampled: A read - K got, B's queue */
  int cb_calls, cb_code;
  uint64_t spliced_at_trigger;
};

static fx_t *g;

static void count_fn(const nnet_event_t *ev, void *ctx) {
  int i = (int)(intptr_t)ctx;
  g->ev[i][ev->type]++;
  if (ev->type == NNET_EV_ERROR) g->err_code[i] = ev->u.error->code;
}

static void watch(int i) {
  nnet_socket_retain(g->s[i]);
  for (int t = 0; t < NNET_EV_COUNT_; t++)
    if (t != NNET_EV_DATA)
      nnet_socket_on(g->s[i], (nnet_event_type_t)t, count_fn,
                     (void *)(intptr_t)i);
}

static unsigned char pattern(size_t i) {
  return (unsigned char)((i * 31u + 7u + (i >> 16)) & 0xff);
}

static void append(char **buf, size_t *len, size_t *cap, const char *p,
                   size_t n) {
  if (*len + n > *cap) {
    *cap = (*len + n) * 2;
    *buf = realloc(*buf, *cap);
    ck_assert_ptr_nonnull(*buf);
  }
  memcpy(*buf + *len, p, n);
  *len += n;
}

static void k_resume(uv_timer_t *t) {
  nnet_socket_resume(g->s[K]);
}

static void k_data(const nnet_event_t *ev, void *ctx) {
  append(&g->got, &g->got_len, &g->got_cap, ev->u.data.base, ev->u.data.len);
  if (g->k_echo)
    nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
  if (g->k_slow) {
    nnet_socket_pause(ev->target);
    uv_timer_start(&g->k_timer, k_resume, 2, 0);
  }
  if (!g->triggered && g->on_trigger && g->got_len >= g->trigger) {
    g->triggered = true;
    g->spliced_at_trigger = nnet_socket_bytes_spliced(g->s[A]);
    g->on_trigger(g);
  }
}

static void a_data(const nnet_event_t *ev, void *ctx) {
  append(&g->a_got, &g->a_len, &g->a_cap, ev->u.data.base, ev->u.data.len);
}

static void p_data(const nnet_event_t *ev, void *ctx) {
  for (size_t i = 0; i < ev->u.data.len; i++)
    if ((unsigned char)ev->u.data.base[i] != pattern(g->p_got + i))
      ck_abort_msg("echo byte %zu differs", g->p_got + i);
  g->p_got += ev->u.data.len;
}

static void sample_cb(uv_timer_t *t) {
  if (g->s[A] && g->s[K]) {
    size_t in = (size_t)nnet_socket_bytes_read(g->s[A]) - g->got_len;
    if (in > g->max_inflight) g->max_inflight = in;
  }
  if (g->s[B]) {
    size_t wl = nnet_socket_writable_length(g->s[B]);
    if (wl > g->max_wlen) g->max_wlen = wl;
  }
}

static void connect_to(nnet_server_t *srv, const char *path,
                       nnet_connect_opts_t *o) {
  nnet_connect_opts_init(o);
  if (g->unix_sock) {
    o->path = path;
    return;
  }
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(srv, &sa), 0);
  o->port = sa.port;
  o->host = "127.0.0.1";
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
  nnet_connect_opts_t o;
  connect_to(g->sink, g->sink_path, &o);
  ck_assert_int_eq(nnet_socket_connect(g->s[B], &o, NULL, NULL), 0);
  nnet_server_close(g->front, NULL, NULL);
  if (g->on_a) g->on_a(g);
}

static void p_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *p = g->s[P];
  size_t chunk = 1u << 20;
  char *buf = malloc(chunk);
  for (size_t off = 0; off < g->total; off += chunk) {
    size_t n = g->total - off < chunk ? g->total - off : chunk;
    for (size_t i = 0; i < n; i++) buf[i] = (char)pattern(off + i);
    ck_assert_int_ge(nnet_socket_write(p, buf, n, NULL, NULL), 0);
  }
  free(buf);
  if (g->p_end) nnet_socket_end(p, NULL, 0, NULL, NULL);
}

static void on_front_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  connect_to(g->front, g->front_path, &o);
  ck_assert_int_eq(
      nnet_create_connection(&g->loop, &o, p_connect, NULL, &g->s[P]), 0);
  watch(P);
  nnet_socket_on(g->s[P], NNET_EV_DATA, p_data, NULL);
}

static void fx_init(fx_t *f, bool unix_sock) {
  memset(f, 0, sizeof(*f));
  g = f;
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  uv_timer_init(&f->loop, &f->k_timer);
  uv_timer_init(&f->loop, &f->sample);
  f->p_end = true;
  f->unix_sock = unix_sock;
  if (unix_sock) {
    const char *dir = nnet_test_tmpdir();
    snprintf(f->front_path, sizeof f->front_path, "%s/front.sock", dir);
    snprintf(f->sink_path, sizeof f->sink_path, "%s/sink.sock", dir);
  }
  nnet_test_install_uncaught_handler();
}

static void listen_on(nnet_server_t *srv, const char *path) {
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  if (g->unix_sock) {
    lo.path = path;
  } else {
    lo.host = "127.0.0.1";
    lo.port = 0;
  }
  ck_assert_int_eq(nnet_server_listen(srv, &lo, NULL, NULL), 0);
}

static void fx_run(fx_t *f) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_sink_conn, NULL, &f->sink), 0);
  listen_on(f->sink, f->sink_path);
  so.allow_half_open = f->half_open;
  ck_assert_int_eq(nnet_create_server(&so, on_front_conn, NULL, &f->front), 0);
  nnet_server_once(f->front, NNET_EV_LISTENING, on_front_listening, NULL);
  listen_on(f->front, f->front_path);
  uv_unref((uv_handle_t *)&f->k_timer);
  uv_timer_start(&f->sample, sample_cb, 1, 1);
  uv_unref((uv_handle_t *)&f->sample);
  nnet_test_run(&f->loop, 60000);
}

/* What a case sets before the run; the rest as fx_init() leaves it. */
typedef struct {
  bool unix_sock, half_open, k_slow, k_echo;
  bool p_open; /* P does not end after its bytes */
  size_t total;
  fx_hook on_a;
  fx_hook on_trigger; /* once K got 1 MiB */
} fx_spec_t;

static void fx_go(fx_t *f, fx_spec_t sp) {
  fx_init(f, sp.unix_sock);
  f->half_open = sp.half_open;
  f->k_slow = sp.k_slow;
  f->k_echo = sp.k_echo;
  f->p_end = !sp.p_open;
  f->total = sp.total;
  f->on_a = sp.on_a;
  if (sp.on_trigger != NULL) {
    f->trigger = 1u << 20;
    f->on_trigger = sp.on_trigger;
  }
  fx_run(f);
}

static void fx_finish(fx_t *f) {
  for (int i = 0; i < N_SOCK; i++)
    if (f->s[i]) {
      ck_assert_msg(nnet_socket_is_closed(f->s[i]), "socket %d open", i);
      ck_assert_int_eq(f->ev[i][NNET_EV_CLOSE], 1);
      nnet_socket_release(f->s[i]);
    }
  uv_close((uv_handle_t *)&f->k_timer, NULL);
  uv_close((uv_handle_t *)&f->sample, NULL);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
  free(f->got);
  free(f->a_got);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
}

/* buf[0..n) is the pattern from offset `from`. */
static void check_bytes(const char *buf, size_t n, size_t from) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)buf[i] != pattern(from + i))
      ck_abort_msg("byte %zu differs", from + i);
}

/* K got exactly n bytes: the pattern from 0. */
static void check_k_got(const fx_t *f, size_t n) {
  ck_assert_uint_eq(f->got_len, n);
  check_bytes(f->got, n, 0);
}

static void check_no_error(const fx_t *f) {
  for (int i = 0; i < N_SOCK; i++) ck_assert_int_eq(f->ev[i][NNET_EV_ERROR], 0);
}

static void pipe_a_to_b(fx_t *f) {
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], NULL), 0);
  ck_assert_int_eq(nnet_socket_readable_flowing(f->s[A]), 1);
}

/* A clean transfer: every byte at K, in order, both counters exact, most
 * of it spliced, 'end' passed on. */
static void check_clean(fx_t *f) {
  check_k_got(f, f->total);
  ck_assert_uint_eq(nnet_socket_bytes_read(f->s[A]), f->total);
  ck_assert_uint_eq(nnet_socket_bytes_written(f->s[B]), f->total);
  ck_assert_uint_eq(nnet_socket_bytes_read(f->s[K]), f->total);
  ck_assert_uint_gt(nnet_socket_bytes_spliced(f->s[A]), f->total / 2);
  ck_assert_uint_le(nnet_socket_bytes_spliced(f->s[A]), f->total);
  ck_assert_int_eq(f->ev[A][NNET_EV_END], 1);
  ck_assert_int_eq(f->ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f->ev[K][NNET_EV_END], 1);
  ck_assert_int_eq(f->ev[B][NNET_EV_UNPIPE], 1);
  check_no_error(f);
}

/* ---- bytes equal end to end, over TCP and over Unix sockets ---- */

static void bulk(bool unix_sock) {
  fx_t f;
  fx_go(&f,
        (fx_spec_t){
            .unix_sock = unix_sock, .total = 24u << 20, .on_a = pipe_a_to_b});
  check_clean(&f);
  fx_finish(&f);
}

START_TEST(bulk_tcp) {
  bulk(false);
}
END_TEST

START_TEST(bulk_unix) {
  bulk(true);
}
END_TEST

/* ---- backpressure: K reads slowly; A must stop reading ---- */

static size_t sysctl_max(const char *path) {
  FILE *fp = fopen(path, "r");
  unsigned long a = 0, b = 0, c = 0;
  if (fp) {
    if (fscanf(fp, "%lu %lu %lu", &a, &b, &c) != 3) c = 0;
    fclose(fp);
  }
  return c ? c : 8u << 20;
}

/* 40 MB to a slow K: every byte, at most `bound` bytes read by A and not
 * yet at K, and B's own queue holds at most the copy path's chunks or a
 * waiting byte. */
static void slow_reader(bool unix_sock, size_t bound) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.unix_sock = unix_sock,
                        .total = 40u << 20,
                        .k_slow = true,
                        .on_a = pipe_a_to_b});
  check_clean(&f);
  ck_assert_msg(f.max_inflight <= bound, "%zu bytes in flight (bound %zu)",
                f.max_inflight, bound);
  ck_assert_uint_le(
      f.max_wlen, nnet_socket_writable_high_water_mark(f.s[B]) + (256u << 10));
  fx_finish(&f);
}

/* Over TCP the kernel may buffer tens of MB (autotuning): bytes exact,
 * and the bound checked only where it means something. What A read and
 * K has not got yet sits in the kernel: the kernel pipe, B's send buffer,
 * K's receive buffer (+ K's highWaterMark). */
START_TEST(backpressure_slow_reader_tcp) {
  slow_reader(false, sysctl_max("/proc/sys/net/ipv4/tcp_wmem") +
                         sysctl_max("/proc/sys/net/ipv4/tcp_rmem") +
                         (2u << 20));
}
END_TEST

/* Unix sockets buffer little (a few hundred KB): had A kept reading, it
 * would hold most of P's 40 MB. */
START_TEST(backpressure_slow_reader_unix) {
  slow_reader(true, 4u << 20);
}
END_TEST

/* ---- {end: false}: B stays open after A's 'end' ---- */

static void b_tail(const nnet_event_t *ev, void *ctx) {
  ck_assert(!nnet_socket_writable_ended(g->s[B]));
  ck_assert_uint_eq(nnet_socket_bytes_written(g->s[B]), g->total);
  nnet_socket_end(g->s[B], "tail", 4, NULL, NULL);
}

static void pipe_no_end(fx_t *f) {
  nnet_pipe_opts_t o;
  nnet_pipe_opts_init(&o);
  ck_assert(!o.no_splice);
  o.end = false;
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], &o), 0);
  nnet_socket_on(f->s[A], NNET_EV_END, b_tail, NULL);
}

START_TEST(end_false_keeps_dest_open) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 4u << 20, .on_a = pipe_no_end});
  ck_assert_uint_eq(f.got_len, f.total + 4);
  check_bytes(f.got, f.total, 0);
  ck_assert_int_eq(memcmp(f.got + f.total, "tail", 4), 0);
  ck_assert_uint_gt(nnet_socket_bytes_spliced(f.s[A]), 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- errors: a reset on either side, through pipeline() ---- */

static void pl_cb(const nnet_error_t *err, void *ctx) {
  g->cb_calls++;
  g->cb_code = err ? err->code : 0;
}

static void start_pipeline(fx_t *f) {
  ck_assert_int_eq(nnet_pipeline(f->s[A], f->s[B], pl_cb, NULL), 0);
}

/* pipeline() ended with one error: the same on A, B and its callback. */
static void check_one_error(const fx_t *f) {
  ck_assert_int_eq(f->cb_calls, 1);
  ck_assert_int_eq(f->cb_code, f->err_code[B]);
  ck_assert_int_eq(f->err_code[A], f->err_code[B]);
  ck_assert_int_eq(f->ev[A][NNET_EV_ERROR], 1);
  ck_assert_int_eq(f->ev[B][NNET_EV_ERROR], 1);
}

static void reset_p(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(f->s[P]), 0);
}

START_TEST(source_reset_destroys_both) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 4u << 20,
                        .p_open = true,
                        .on_a = start_pipeline,
                        .on_trigger = reset_p});
  ck_assert_int_eq(f.err_code[B], UV_ECONNRESET);
  check_one_error(&f);
  check_bytes(f.got, f.got_len, 0); /* a prefix, in order */
  fx_finish(&f);
}
END_TEST

static void reset_k(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(f->s[K]), 0);
}

START_TEST(dest_reset_destroys_both) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 16u << 20,
                        .p_open = true,
                        .on_a = start_pipeline,
                        .on_trigger = reset_k});
  /* B finds the reset writing (EPIPE or ECONNRESET) or reading */
  ck_assert_msg(f.err_code[B] == UV_ECONNRESET || f.err_code[B] == UV_EPIPE,
                "B's error %d", f.err_code[B]);
  check_one_error(&f);
  fx_finish(&f);
}
END_TEST

/* ---- destroy during the pipe ---- */

static void b_end_after_a_close(const nnet_event_t *ev, void *ctx) {
  ck_assert(!nnet_socket_is_destroyed(g->s[B]));
  nnet_socket_end(g->s[B], NULL, 0, NULL, NULL);
}

static void destroy_a(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  nnet_socket_on(f->s[A], NNET_EV_CLOSE, b_end_after_a_close, NULL);
  nnet_socket_destroy(f->s[A], 0);
  nnet_socket_destroy(f->s[P], 0);
}

START_TEST(destroy_source_during_pipe) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 16u << 20,
                        .p_open = true,
                        .on_a = pipe_a_to_b,
                        .on_trigger = destroy_a});
  /* what A read before it went still reaches K, in order */
  ck_assert_uint_eq(f.got_len, nnet_socket_bytes_written(f.s[B]));
  ck_assert_uint_le(f.got_len, nnet_socket_bytes_read(f.s[A]));
  check_bytes(f.got, f.got_len, 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_FINISH], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  check_no_error(&f);
  fx_finish(&f);
}
END_TEST

static void a_after_b_close(const nnet_event_t *ev, void *ctx) {
  ck_assert_int_eq(g->ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(nnet_socket_readable_flowing(g->s[A]), 0);
  nnet_socket_destroy(g->s[A], 0);
  nnet_socket_destroy(g->s[P], 0);
}

static void destroy_b(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  nnet_socket_on(f->s[B], NNET_EV_CLOSE, a_after_b_close, NULL);
  nnet_socket_destroy(f->s[B], 0);
  nnet_socket_destroy(f->s[K], 0);
}

START_TEST(destroy_dest_during_pipe) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 16u << 20,
                        .p_open = true,
                        .on_a = pipe_a_to_b,
                        .on_trigger = destroy_b});
  check_bytes(f.got, f.got_len, 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  check_no_error(&f);
  fx_finish(&f);
}
END_TEST

/* ---- unpipe mid-stream: the rest comes by 'data', nothing lost ---- */

static void a_end_ends_b(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(g->s[B], NULL, 0, NULL, NULL);
}

static void unpipe_now(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  ck_assert_int_eq(nnet_socket_unpipe(f->s[A], f->s[B]), 0);
  ck_assert_int_eq(nnet_socket_readable_flowing(f->s[A]), 0);
  nnet_socket_on(f->s[A], NNET_EV_DATA, a_data, NULL);
  nnet_socket_on(f->s[A], NNET_EV_END, a_end_ends_b, NULL);
  nnet_socket_resume(f->s[A]);
}

START_TEST(unpipe_mid_stream_keeps_every_byte) {
  fx_t f;
  fx_go(&f,
        (fx_spec_t){
            .total = 16u << 20, .on_a = pipe_a_to_b, .on_trigger = unpipe_now});
  size_t k = (size_t)nnet_socket_bytes_written(f.s[B]);
  ck_assert_uint_eq(f.got_len, k); /* B got the kernel pipe's bytes too */
  ck_assert_uint_eq(k + f.a_len, f.total);
  ck_assert_uint_gt(f.a_len, 0);
  check_bytes(f.got, f.got_len, 0);
  check_bytes(f.a_got, f.a_len, k);
  ck_assert_uint_eq(nnet_socket_bytes_read(f.s[A]), f.total);
  ck_assert_int_eq(f.ev[B][NNET_EV_UNPIPE], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- a 'data' listener added mid-stream: back to copying, no loss ---- */

static void listen_a(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  nnet_socket_on(f->s[A], NNET_EV_DATA, a_data, NULL);
}

START_TEST(data_listener_mid_stream_falls_back) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.unix_sock = true,
                        .total = 16u << 20,
                        .on_a = pipe_a_to_b,
                        .on_trigger = listen_a});
  check_k_got(&f, f.total);      /* the pipe went on: all of it */
  ck_assert_uint_gt(f.a_len, 0); /* the listener saw the tail, in order */
  check_bytes(f.a_got, f.a_len, f.total - f.a_len);
  uint64_t spliced = nnet_socket_bytes_spliced(f.s[A]);
  ck_assert_uint_ge(spliced, f.spliced_at_trigger);
  ck_assert_uint_lt(spliced, f.total);
  /* every byte read after the fallback was emitted as 'data' */
  ck_assert_uint_ge(f.a_len, f.total - spliced - (1u << 20));
  ck_assert_uint_eq(nnet_socket_bytes_read(f.s[A]), f.total);
  ck_assert_uint_eq(nnet_socket_bytes_written(f.s[B]), f.total);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- switched off: by the option, by the environment ---- */

static void pipe_no_splice(fx_t *f) {
  nnet_pipe_opts_t o;
  nnet_pipe_opts_init(&o);
  o.no_splice = true;
  ck_assert_int_eq(nnet_socket_pipe(f->s[A], f->s[B], &o), 0);
}

START_TEST(no_splice_option_copies) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 4u << 20, .on_a = pipe_no_splice});
  check_k_got(&f, f.total);
  ck_assert_uint_eq(nnet_socket_bytes_spliced(f.s[A]), 0);
  ck_assert_uint_eq(nnet_socket_bytes_read(f.s[A]), f.total);
  ck_assert_uint_eq(nnet_socket_bytes_written(f.s[B]), f.total);
  fx_finish(&f);
}
END_TEST

START_TEST(no_splice_env_copies) {
  fx_t f;
  setenv("NNET_NO_SPLICE", "1", 1); /* this forked test only */
  fx_go(&f,
        (fx_spec_t){.unix_sock = true, .total = 4u << 20, .on_a = pipe_a_to_b});
  check_k_got(&f, f.total);
  ck_assert_uint_eq(nnet_socket_bytes_spliced(f.s[A]), 0);
  fx_finish(&f);
  unsetenv("NNET_NO_SPLICE");
}
END_TEST

/* ---- B has writes of its own queued: spliced bytes wait behind them ---- */

enum { HEADER = 8u << 20 };

static void b_connected(const nnet_event_t *ev, void *ctx) {
  char *h = malloc(HEADER);
  memset(h, 'H', HEADER);
  ck_assert_int_eq(nnet_socket_write(g->s[B], h, HEADER, NULL, NULL), 0);
  free(h);
  ck_assert_uint_gt(nnet_socket_writable_length(g->s[B]), 0);
  /* A waits for B's 'drain' (copy path), then splices behind the queue */
  ck_assert_int_eq(nnet_socket_pipe(g->s[A], g->s[B], NULL), 0);
}

static void pipe_when_b_connects(fx_t *f) {
  nnet_socket_once(f->s[B], NNET_EV_CONNECT, b_connected, NULL);
}

START_TEST(dest_queue_goes_first) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 16u << 20, .on_a = pipe_when_b_connects});
  ck_assert_uint_eq(f.got_len, HEADER + f.total);
  for (size_t i = 0; i < HEADER; i++)
    if (f.got[i] != 'H') ck_abort_msg("header byte %zu differs", i);
  check_bytes(f.got + HEADER, f.total, 0);
  ck_assert_uint_gt(nnet_socket_bytes_spliced(f.s[A]), 0);
  ck_assert_uint_eq(nnet_socket_bytes_read(f.s[A]), f.total);
  ck_assert_uint_eq(nnet_socket_bytes_written(f.s[B]), HEADER + f.total);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- a user write to B while splicing: it lands whole, between two
 * spliced bytes, and what comes after waits behind it ---- */

enum { MARK = 16u << 20 };

static void write_b(fx_t *f) {
  ck_assert_uint_gt(f->spliced_at_trigger, 0);
  char *m = malloc(MARK);
  memset(m, 'M', MARK);
  nnet_socket_write(f->s[B], m, MARK, NULL, NULL);
  free(m);
}

static bool marker_at(const fx_t *f, size_t k) {
  for (size_t i = 0; i < MARK; i++)
    if (f->got[k + i] != 'M') return false;
  for (size_t i = k; i < f->total; i++)
    if ((unsigned char)f->got[i + MARK] != pattern(i)) return false;
  return true;
}

START_TEST(user_write_while_splicing) {
  fx_t f;
  fx_go(&f,
        (fx_spec_t){
            .total = 16u << 20, .on_a = pipe_a_to_b, .on_trigger = write_b});
  ck_assert_uint_eq(f.got_len, f.total + MARK);
  size_t k0 = 0;
  while (k0 < f.total && (unsigned char)f.got[k0] == pattern(k0)) k0++;
  bool found = false;
  for (size_t k = k0 >= 8 ? k0 - 8 : 0; k <= k0 && !found; k++)
    found = marker_at(&f, k);
  ck_assert_msg(found, "the write is not whole at %zu", k0);
  ck_assert_uint_eq(nnet_socket_bytes_written(f.s[B]), f.total + MARK);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- idle timeouts see the spliced traffic ----
 * P trickles 64 KiB every 40 ms for 2 s; A and B have a 1 s idle timeout.
 * Their only activity is what splice moves (B never reads anything), so a
 * 'timeout' would mean splice did not refresh them. The margin (25 times
 * the gap) makes this no timing test. */

enum { TRICKLE = 64u << 10, TRICKLES = 50 };
static uv_timer_t trickle_timer;
static int trickles;

static void trickle(uv_timer_t *t) {
  char *buf = malloc(TRICKLE);
  size_t off = (size_t)trickles * TRICKLE;
  for (size_t i = 0; i < TRICKLE; i++) buf[i] = (char)pattern(off + i);
  nnet_socket_write(g->s[P], buf, TRICKLE, NULL, NULL);
  free(buf);
  if (++trickles == TRICKLES) {
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, NULL);
    nnet_socket_end(g->s[P], NULL, 0, NULL, NULL);
  }
}

static void pipe_with_timeouts(fx_t *f) {
  pipe_a_to_b(f);
  ck_assert_int_eq(nnet_socket_set_timeout(f->s[A], 1000, NULL, NULL), 0);
  ck_assert_int_eq(nnet_socket_set_timeout(f->s[B], 1000, NULL, NULL), 0);
  uv_timer_init(&f->loop, &trickle_timer);
  uv_timer_start(&trickle_timer, trickle, 40, 40);
}

START_TEST(timeouts_refreshed_by_splice) {
  fx_t f;
  /* total 0: P sends from the trickle timer */
  fx_go(&f,
        (fx_spec_t){.total = 0, .p_open = true, .on_a = pipe_with_timeouts});
  size_t total = (size_t)TRICKLE * TRICKLES;
  check_k_got(&f, total);
  ck_assert_uint_ge(nnet_socket_bytes_spliced(f.s[A]), total - 2 * TRICKLE);
  ck_assert_int_eq(f.ev[A][NNET_EV_TIMEOUT], 0);
  ck_assert_int_eq(f.ev[B][NNET_EV_TIMEOUT], 0);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

/* ---- both ways: an echo through A <=> B, both directions spliced ---- */

static void start_duplex(fx_t *f) {
  ck_assert_int_eq(nnet_pipeline_duplex(f->s[A], f->s[B], pl_cb, NULL), 0);
}

START_TEST(duplex_echo_both_ways) {
  fx_t f;
  fx_go(&f, (fx_spec_t){.total = 8u << 20,
                        .half_open = true,
                        .k_echo = true,
                        .on_a = start_duplex});
  ck_assert_int_eq(f.cb_calls, 1);
  ck_assert_int_eq(f.cb_code, 0);
  check_k_got(&f, f.total);
  ck_assert_uint_eq(f.p_got, f.total);
  ck_assert_uint_gt(nnet_socket_bytes_spliced(f.s[A]), 0);
  ck_assert_uint_gt(nnet_socket_bytes_spliced(f.s[B]), 0);
  ck_assert_uint_eq(nnet_socket_bytes_read(f.s[B]), f.total);
  ck_assert_uint_eq(nnet_socket_bytes_written(f.s[A]), f.total);
  ck_assert_int_eq(f.ev[P][NNET_EV_END], 1);
  ck_assert_int_eq(f.ev[K][NNET_EV_END], 1);
  fx_finish(&f);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_pipe_splice");
  TCase *tc = tcase_create("splice");
  tcase_set_timeout(tc, 90);
  tcase_add_test(tc, bulk_tcp);
  tcase_add_test(tc, bulk_unix);
  tcase_add_test(tc, backpressure_slow_reader_tcp);
  tcase_add_test(tc, backpressure_slow_reader_unix);
  tcase_add_test(tc, end_false_keeps_dest_open);
  tcase_add_test(tc, source_reset_destroys_both);
  tcase_add_test(tc, dest_reset_destroys_both);
  tcase_add_test(tc, destroy_source_during_pipe);
  tcase_add_test(tc, destroy_dest_during_pipe);
  tcase_add_test(tc, unpipe_mid_stream_keeps_every_byte);
  tcase_add_test(tc, data_listener_mid_stream_falls_back);
  tcase_add_test(tc, no_splice_option_copies);
  tcase_add_test(tc, no_splice_env_copies);
  tcase_add_test(tc, dest_queue_goes_first);
  tcase_add_test(tc, user_write_while_splicing);
  tcase_add_test(tc, timeouts_refreshed_by_splice);
  tcase_add_test(tc, duplex_echo_both_ways);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
