/* Node's stream properties of a socket at key moments: writable/readable
 * HighWaterMark, writableNeedDrain, readableEncoding, readableFlowing,
 * readableEnded, writableFinished, writableCorked, closed, errored. The
 * expected values are Node v20's (props.js / props2.js in the report:
 * same steps in JS, printed at the same moments). */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

/* One line per moment: "tag whwm/rhwm needDrain enc flowing rended
 * wfinished corked closed errored". */
static void snap(char *out, size_t size, const char *tag,
                 const nnet_socket_t *s) {
  const nnet_error_t *e = nnet_socket_errored(s);
  size_t n = strlen(out);
  snprintf(out + n, size - n,
           "%s%s hwm=%zu/%zu nd=%d enc=%d fl=%d re=%d wf=%d ck=%u cl=%d "
           "err=%s",
           n ? "\n" : "", tag, nnet_socket_writable_high_water_mark(s),
           nnet_socket_readable_high_water_mark(s),
           nnet_socket_writable_need_drain(s), nnet_socket_readable_encoding(s),
           nnet_socket_readable_flowing(s), nnet_socket_readable_ended(s),
           nnet_socket_writable_finished(s), nnet_socket_writable_corked(s),
           nnet_socket_is_closed(s),
           e ? (e->code_name ? e->code_name : e->message) : "null");
}

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  char c[2048], s[2048];
} fx_t;

static void nop(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  (void)ctx;
}

#define SNAP(side, tag, label)                                  \
  static void side##_##tag(const nnet_event_t *ev, void *ctx) { \
    fx_t *f = ctx;                                              \
    snap(f->side, sizeof f->side, label, ev->target);           \
  }
SNAP(s, end, "S end")
SNAP(s, finish, "S finish")
SNAP(s, close, "S close")
SNAP(c, finish, "C finish")
SNAP(c, end, "C end")
SNAP(c, close, "C close")

static void on_connection(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_server_close(f->srv, NULL, NULL);
  snap(f->s, sizeof f->s, "S conn", s);
  ck_assert_int_eq(nnet_socket_set_encoding(s, NNET_ENC_HEX), 0);
  snap(f->s, sizeof f->s, "S enc", s);
  nnet_socket_cork(s);
  nnet_socket_cork(s);
  snap(f->s, sizeof f->s, "S cork2", s);
  nnet_socket_uncork(s);
  nnet_socket_uncork(s);
  nnet_socket_on(s, NNET_EV_DATA, nop, f);
  nnet_socket_on(s, NNET_EV_END, s_end, f);
  nnet_socket_on(s, NNET_EV_FINISH, s_finish, f);
  nnet_socket_on(s, NNET_EV_CLOSE, s_close, f);
}

static void c_connect(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  snap(f->c, sizeof f->c, "C connect", ev->target);
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
  snap(f->c, sizeof f->c, "C ended", ev->target);
}

static void start_client(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  nnet_socket_t *c;
  ck_assert_int_eq(nnet_socket_new(&so, &c), 0);
  snap(f->c, sizeof f->c, "C new", c);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(c, &o, c_connect, f), 0);
  snap(f->c, sizeof f->c, "C connecting", c);
  nnet_socket_on(c, NNET_EV_DATA, nop, f);
  nnet_socket_on(c, NNET_EV_FINISH, c_finish, f);
  nnet_socket_on(c, NNET_EV_END, c_end, f);
  nnet_socket_on(c, NNET_EV_CLOSE, c_close, f);
}

START_TEST(lifecycle) {
  fx_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f.loop;
  so.high_water_mark = 1000;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, &f, &f.srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f.srv, 0, "127.0.0.1"), 0);
  nnet_server_once(f.srv, NNET_EV_LISTENING, start_client, &f);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
  ck_assert_str_eq(
      f.c,
      "C new hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=0 err=null\n"
      "C connecting hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=0 "
      "err=null\n"
      "C connect hwm=16384/16384 nd=0 enc=-1 fl=1 re=0 wf=0 ck=0 cl=0 "
      "err=null\n"
      "C ended hwm=16384/16384 nd=0 enc=-1 fl=1 re=0 wf=0 ck=0 cl=0 "
      "err=null\n"
      "C finish hwm=16384/16384 nd=0 enc=-1 fl=1 re=0 wf=1 ck=0 cl=0 "
      "err=null\n"
      "C end hwm=16384/16384 nd=0 enc=-1 fl=1 re=1 wf=1 ck=0 cl=0 err=null\n"
      "C close hwm=16384/16384 nd=0 enc=-1 fl=1 re=1 wf=1 ck=0 cl=1 err=null");
  ck_assert_str_eq(
      f.s,
      "S conn hwm=1000/1000 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=0 err=null\n"
      /* enc=7: NNET_ENC_HEX */
      "S enc hwm=1000/1000 nd=0 enc=7 fl=-1 re=0 wf=0 ck=0 cl=0 err=null\n"
      "S cork2 hwm=1000/1000 nd=0 enc=7 fl=-1 re=0 wf=0 ck=2 cl=0 err=null\n"
      "S end hwm=1000/1000 nd=0 enc=7 fl=1 re=1 wf=0 ck=0 cl=0 err=null\n"
      "S finish hwm=1000/1000 nd=0 enc=7 fl=1 re=1 wf=1 ck=0 cl=0 err=null\n"
      "S close hwm=1000/1000 nd=0 enc=7 fl=1 re=1 wf=1 ck=0 cl=1 err=null");
}
END_TEST

/* ---- destroyed, errored, needDrain (props2.js) ---- */

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  char t[4][1024]; /* per socket: D, F, G, E (cross-socket order varies) */
} fx2_t;

#define SNAP2(tag, i)                                                      \
  static void tag##_ev(const nnet_event_t *ev, void *ctx) {                \
    fx2_t *f = ctx;                                                        \
    char name[64];                                                         \
    snprintf(name, sizeof name, "%s %s", #tag, nnet_event_name(ev->type)); \
    snap(f->t[i], sizeof f->t[i], name, ev->target);                       \
    if (ev->type == NNET_EV_DRAIN) nnet_socket_destroy(ev->target, 0);     \
  }
SNAP2(D, 0)
SNAP2(F, 1)
SNAP2(G, 2)
SNAP2(E, 3)

static void sconn(const nnet_event_t *ev, void *ctx) {
  fx2_t *f = ctx;
  nnet_socket_resume(ev->u.connection.socket);
  nnet_server_close(f->srv, NULL, NULL);
}

static char big[20000];

static void start2(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx2_t *f = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  /* D: never connected, destroyed: closed at once, 'close' later. */
  nnet_socket_t *d;
  ck_assert_int_eq(nnet_socket_new(&so, &d), 0);
  nnet_socket_destroy(d, 0);
  snap(f->t[0], sizeof f->t[0], "D destroyed", d);
  nnet_socket_on(d, NNET_EV_CLOSE, D_ev, f);
  /* F: destroy(err) while connecting: errored at once. */
  nnet_socket_t *fs;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&f->loop, sa.port, "127.0.0.1", &fs), 0);
  nnet_socket_on(fs, NNET_EV_ERROR, F_ev, f);
  nnet_socket_on(fs, NNET_EV_CLOSE, F_ev, f);
  nnet_socket_destroy(fs, NNET_ERR_SOCKET_CLOSED);
  snap(f->t[1], sizeof f->t[1], "F destroyed(err)", fs);
  /* G: a write over highWaterMark while connecting. */
  nnet_socket_t *g;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&f->loop, sa.port, "127.0.0.1", &g), 0);
  ck_assert_int_eq(nnet_socket_write(g, big, sizeof big, NULL, NULL), 0);
  snap(f->t[2], sizeof f->t[2], "G connecting", g);
  nnet_socket_on(g, NNET_EV_DRAIN, G_ev, f);
  nnet_socket_on(g, NNET_EV_CLOSE, G_ev, f);
}

START_TEST(destroyed_errored_need_drain) {
  fx2_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f.loop;
  ck_assert_int_eq(nnet_create_server(&so, sconn, &f, &f.srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f.srv, 0, "127.0.0.1"), 0);
  nnet_server_once(f.srv, NNET_EV_LISTENING, start2, &f);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
  ck_assert_str_eq(
      f.t[0],
      "D destroyed hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=null\n"
      "D close hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=null");
  ck_assert_str_eq(
      f.t[1],
      "F destroyed(err) hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 "
      "cl=1 err=ERR_SOCKET_CLOSED\n"
      "F error hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=ERR_SOCKET_CLOSED\n"
      "F close hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=ERR_SOCKET_CLOSED");
  ck_assert_str_eq(
      f.t[2],
      "G connecting hwm=16384/16384 nd=1 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=0 "
      "err=null\n"
      "G drain hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=0 "
      "err=null\n"
      "G close hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=null");
}
END_TEST

/* E: a refused connection: errored is the 'error' payload. */
static void e_error(const nnet_event_t *ev, void *ctx) {
  fx2_t *f = ctx;
  ck_assert_ptr_eq(nnet_socket_errored(ev->target), ev->u.error);
  E_ev(ev, f);
}

START_TEST(refused) {
  fx2_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  /* a port nobody listens on: bind one, close it */
  uv_tcp_t t;
  struct sockaddr_in a;
  int alen = sizeof a;
  uv_ip4_addr("127.0.0.1", 0, &a);
  uv_tcp_init(&f.loop, &t);
  ck_assert_int_eq(uv_tcp_bind(&t, (struct sockaddr *)&a, 0), 0);
  uv_tcp_getsockname(&t, (struct sockaddr *)&a, &alen);
  uv_close((uv_handle_t *)&t, NULL);
  uv_run(&f.loop, UV_RUN_DEFAULT);
  nnet_socket_t *e;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&f.loop, ntohs(a.sin_port), "127.0.0.1", &e),
      0);
  nnet_socket_on(e, NNET_EV_ERROR, e_error, &f);
  nnet_socket_on(e, NNET_EV_CLOSE, E_ev, &f);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
  ck_assert_str_eq(
      f.t[3],
      "E error hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=ECONNREFUSED\n"
      "E close hwm=16384/16384 nd=0 enc=-1 fl=-1 re=0 wf=0 ck=0 cl=1 "
      "err=ECONNREFUSED");
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_stream_props");
  TCase *tc = tcase_create("props");
  tcase_add_test(tc, lifecycle);
  tcase_add_test(tc, destroyed_errored_need_drain);
  tcase_add_test(tc, refused);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
