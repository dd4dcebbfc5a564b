/* Flowing reads take 64 KiB, more while reads fill the buffer, and less
 * again once they do not, per socket (socket_read.c): a bulk stream gets
 * 'data' chunks above 64 KiB (never above the maximum), a ping-pong socket
 * on the same loop keeps the smallest size, the bulk socket shrinks back
 * when it turns to ping-pong, a paused socket still buffers only up to
 * highWaterMark (Node: one read past it), and a unix socket stays at
 * 64 KiB. Real loopback sockets through an echo server with backpressure;
 * every echoed byte is compared. */
#include <stdio.h>
#include <string.h>

#include "net/socket_internal.h"
#include "testutil.h"

#define BULK     (8u << 20)
#define READ_MAX ((size_t)NNET__READ_MIN << NNET__READ_MAX_SHIFT)
#define MSG      8

static unsigned char bulk_buf[BULK];

typedef struct fx_s fx_t;

typedef struct {
  fx_t *f;
  bool bulk;       /* sends BULK bytes first, then pings */
  bool pause_once; /* pauses once mid-bulk; the timer checks, resumes */
  int pings_want;
  size_t total;            /* bulk bytes received */
  size_t max_chunk, big;   /* bulk 'data': largest, how many > 64 KiB */
  size_t bad;              /* bulk chunks that differ from what was sent */
  size_t ping_max_chunk;   /* largest ping-phase 'data' */
  char sent[16], got[MSG]; /* the ping in flight (MSG bytes), its echo */
  size_t got_len;
  int pings, ping_bad, shift_seen; /* shift_seen: nonzero shift in a ping */
  unsigned shift_end;              /* read_shift after the last ping */
  int ends, closes, errors, write_cbs, checks;
  size_t paused_len;
  uv_timer_t timer;
} cli_t;

struct fx_s {
  uv_loop_t loop;
  char path[256]; /* a unix socket, or "": TCP */
  nnet_server_t *srv;
  cli_t c[2];
  int nclients;
  int connections, sconn_ends, sconn_closes, sconn_errors;
};

/* ---- the echo server: pause on a full write queue, resume on 'drain' ---- */

static void echo_data(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_t *s = ev->target;
  if (nnet_socket_write(s, ev->u.data.base, ev->u.data.len, NULL, NULL) == 0)
    nnet_socket_pause(s);
}

static void echo_drain(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_resume(ev->target);
}

static void sconn_event(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->type == NNET_EV_END) f->sconn_ends++;
  if (ev->type == NNET_EV_CLOSE) f->sconn_closes++;
  if (ev->type == NNET_EV_ERROR) f->sconn_errors++;
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_DATA, echo_data, f);
  nnet_socket_on(s, NNET_EV_DRAIN, echo_drain, f);
  nnet_socket_on(s, NNET_EV_END, sconn_event, f);
  nnet_socket_on(s, NNET_EV_CLOSE, sconn_event, f);
  nnet_socket_on(s, NNET_EV_ERROR, sconn_event, f);
  if (++f->connections == f->nclients) nnet_server_close(f->srv, NULL, NULL);
}

/* ---- clients ---- */

static void wrote(nnet_socket_t *s, int status, void *ctx) {
  (void)s;
  cli_t *c = ctx;
  ck_assert_int_eq(status, 0);
  c->write_cbs++;
}

static void send_ping(cli_t *c, nnet_socket_t *s) {
  snprintf(c->sent, sizeof c->sent, "p%06d", c->pings);
  c->got_len = 0;
  nnet_socket_write(s, c->sent, MSG, wrote, c);
}

static void resume_cb(uv_timer_t *t) {
  nnet_socket_t *s = t->data;
  cli_t *c = nnet_socket_get_data(s);
  c->checks++;
  c->paused_len = nnet_socket_readable_length(s);
  nnet_socket_resume(s);
  uv_close((uv_handle_t *)t, NULL);
}

static void bulk_data(cli_t *c, nnet_socket_t *s, const char *p, size_t n) {
  ck_assert_uint_le(c->total + n, BULK);
  if (memcmp(p, bulk_buf + c->total, n) != 0) c->bad++;
  c->total += n;
  if (n > c->max_chunk) c->max_chunk = n;
  if (n > NNET__READ_MIN) c->big++;
  if (c->pause_once && c->checks == 0 && c->total >= BULK / 2 &&
      !nnet_socket_is_paused(s)) {
    nnet_socket_pause(s);
    ck_assert_int_eq(uv_timer_init(&c->f->loop, &c->timer), 0);
    c->timer.data = s;
    ck_assert_int_eq(uv_timer_start(&c->timer, resume_cb, 100, 0), 0);
  }
  if (c->total == BULK) send_ping(c, s);
}

static void cli_data(const nnet_event_t *ev, void *ctx) {
  cli_t *c = ctx;
  nnet_socket_t *s = ev->target;
  const char *p = ev->u.data.base;
  size_t n = ev->u.data.len;
  if (c->bulk && c->total < BULK) {
    bulk_data(c, s, p, n);
    return;
  }
  if (n > c->ping_max_chunk) c->ping_max_chunk = n;
  if (!c->bulk && s->read_shift != 0) c->shift_seen++;
  ck_assert_uint_le(c->got_len + n, MSG);
  memcpy(c->got + c->got_len, p, n);
  c->got_len += n;
  if (c->got_len < MSG) return;
  if (memcmp(c->got, c->sent, MSG) != 0) c->ping_bad++;
  if (++c->pings < c->pings_want) {
    send_ping(c, s);
    return;
  }
  c->shift_end = s->read_shift;
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

static void cli_event(const nnet_event_t *ev, void *ctx) {
  cli_t *c = ctx;
  if (ev->type == NNET_EV_END) c->ends++;
  if (ev->type == NNET_EV_CLOSE) c->closes++;
  if (ev->type == NNET_EV_ERROR) c->errors++;
}

static void cli_connect(const nnet_event_t *ev, void *ctx) {
  cli_t *c = ctx;
  if (c->bulk)
    nnet_socket_write(ev->target, bulk_buf, BULK, wrote, c);
  else
    send_ping(c, ev->target);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socketaddress_t sa;
  memset(&sa, 0, sizeof sa);
  if (f->path[0] == 0) ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  for (int i = 0; i < f->nclients; i++) {
    cli_t *c = &f->c[i];
    nnet_socket_t *s;
    c->f = f;
    if (f->path[0])
      ck_assert_int_eq(nnet_create_connection_path(&f->loop, f->path, &s), 0);
    else
      ck_assert_int_eq(
          nnet_create_connection_tcp(&f->loop, sa.port, "127.0.0.1", &s), 0);
    nnet_socket_set_data(s, c);
    nnet_socket_on(s, NNET_EV_CONNECT, cli_connect, c);
    nnet_socket_on(s, NNET_EV_DATA, cli_data, c);
    nnet_socket_on(s, NNET_EV_END, cli_event, c);
    nnet_socket_on(s, NNET_EV_CLOSE, cli_event, c);
    nnet_socket_on(s, NNET_EV_ERROR, cli_event, c);
  }
}

static void run(fx_t *f) {
  for (size_t i = 0; i < BULK; i++)
    bulk_buf[i] = (unsigned char)(i * 7 + (i >> 13));
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, f, &f->srv), 0);
  if (f->path[0])
    ck_assert_int_eq(nnet_server_listen_path(f->srv, f->path), 0);
  else
    ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_server_once(f->srv, NNET_EV_LISTENING, on_listening, f);
  nnet_test_run(&f->loop, 60000);
  ck_assert_int_eq(f->connections, f->nclients);
  ck_assert_int_eq(f->sconn_ends, f->nclients);
  ck_assert_int_eq(f->sconn_closes, f->nclients);
  ck_assert_int_eq(f->sconn_errors, 0);
  for (int i = 0; i < f->nclients; i++) {
    cli_t *c = &f->c[i];
    ck_assert_int_eq(c->pings, c->pings_want);
    ck_assert_int_eq(c->ping_bad, 0);
    ck_assert_uint_le(c->ping_max_chunk, MSG);
    ck_assert_int_eq(c->write_cbs, (c->bulk ? 1 : 0) + c->pings_want);
    ck_assert_int_eq(c->ends, 1);
    ck_assert_int_eq(c->closes, 1);
    ck_assert_int_eq(c->errors, 0);
  }
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}

/* A bulk stream and a ping-pong socket on one loop, each with its size. */
START_TEST(bulk_grows_ping_pong_stays) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.nclients = 2;
  f.c[0].bulk = true;
  f.c[0].pings_want = 8;
  f.c[1].pings_want = 200;
  run(&f);
  cli_t *b = &f.c[0], *pp = &f.c[1];
  ck_assert_uint_eq(b->total, BULK);
  ck_assert_uint_eq(b->bad, 0);
  ck_assert_uint_gt(b->max_chunk, NNET__READ_MIN); /* grew */
  ck_assert_uint_ge(b->big, 1);
  ck_assert_uint_le(b->max_chunk, READ_MAX);
  /* 8 reads of 8 bytes: two short reads in a row halve the size */
  ck_assert_uint_eq(b->shift_end, 0);
  ck_assert_int_eq(pp->shift_seen, 0);
  ck_assert_uint_eq(pp->shift_end, 0);
}
END_TEST

/* Paused after its reads grew: the buffer still stops near highWaterMark
 * (Node: reading stops once a read took it to 16384 or more). */
START_TEST(paused_after_growth_keeps_high_water_mark) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.nclients = 1;
  f.c[0].bulk = true;
  f.c[0].pause_once = true;
  f.c[0].pings_want = 1;
  run(&f);
  cli_t *c = &f.c[0];
  ck_assert_int_eq(c->checks, 1);
  ck_assert_uint_ge(c->paused_len, NNET__DEFAULT_HWM);
  ck_assert_uint_le(c->paused_len, NNET__DEFAULT_HWM + NNET__READ_MIN);
  ck_assert_uint_eq(c->total, BULK);
  ck_assert_uint_eq(c->bad, 0);
  ck_assert_uint_le(c->max_chunk, READ_MAX);
}
END_TEST

/* A unix socket keeps 64 KiB reads (its peer's send buffer bounds what
 * is queued; see socket_read.c). */
START_TEST(unix_socket_stays_at_64k) {
  fx_t f;
  memset(&f, 0, sizeof f);
  snprintf(f.path, sizeof f.path, "%s/rs.sock", nnet_test_tmpdir());
  f.nclients = 1;
  f.c[0].bulk = true;
  f.c[0].pings_want = 1;
  run(&f);
  cli_t *c = &f.c[0];
  ck_assert_uint_eq(c->total, BULK);
  ck_assert_uint_eq(c->bad, 0);
  ck_assert_uint_le(c->max_chunk, NNET__READ_MIN);
  ck_assert_uint_eq(c->big, 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_read_size");
  TCase *tc = tcase_create("read_size");
  tcase_set_timeout(tc, 90);
  tcase_add_test(tc, bulk_grows_ping_pong_stays);
  tcase_add_test(tc, paused_after_growth_keeps_high_water_mark);
  tcase_add_test(tc, unix_socket_stays_at_64k);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
