/* Writes made while connecting: Node sends them from an internal 'connect'
 * listener registered by the first such write, so 'connect' listeners
 * added before that write still see them queued, listeners added after it
 * see writableLength 0 and the first write's callback already ran; the
 * writes buffered behind the first complete on the next tick, after
 * 'ready'. Expected traces are Node v20's (same steps in JS). */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client;
  char trace[512];
  size_t connect_listeners_after_write;
  int big_write_ret;
  bool destroy_in_drain;
} fx_t;

static void add(fx_t *f, const char *item, nnet_socket_t *s) {
  size_t n = strlen(f->trace);
  if (s)
    snprintf(f->trace + n, sizeof(f->trace) - n, "%s%s:%zu", n ? "," : "", item,
             nnet_socket_writable_length(s));
  else
    snprintf(f->trace + n, sizeof(f->trace) - n, "%s%s", n ? "," : "", item);
}

static void on_sconn_end(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_resume(s);
  nnet_socket_on(s, NNET_EV_END, on_sconn_end, f);
  nnet_server_close(f->srv, NULL, NULL);
}

#define LISTENER(name, label)                           \
  static void name(const nnet_event_t *ev, void *ctx) { \
    add(ctx, label, ev->target);                        \
  }
LISTENER(connect_a, "connectA")
LISTENER(connect_cb, "connectCb")
LISTENER(connect_b, "connectB")
LISTENER(connect_c, "connectC")
LISTENER(connect_d, "connectD")
LISTENER(on_ready, "ready")
LISTENER(on_finish, "finish")
LISTENER(on_close, "close")

static void on_drain(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  add(f, "drain", ev->target);
  if (f->destroy_in_drain) nnet_socket_destroy(ev->target, 0);
}

static void write1_cb(nnet_socket_t *s, int status, void *ctx) {
  ck_assert_int_eq(status, 0);
  add(ctx, "write1cb", s);
}

static void write2_cb(nnet_socket_t *s, int status, void *ctx) {
  ck_assert_int_eq(status, 0);
  add(ctx, "write2cb", NULL);
}

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)s;
  ck_assert_int_eq(status, 0);
  add(ctx, "endcb", NULL);
}

static int server_port(fx_t *f) {
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  return sa.port;
}

/* wbc.js: listeners before connect(), the connect() listener, before the
 * first write, between the writes, after them. */
static void start_order(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  nnet_socket_t *c = f->client;
  nnet_socket_on(c, NNET_EV_CONNECT, connect_a, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = server_port(f);
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(c, &o, connect_cb, f), 0);
  nnet_socket_on(c, NNET_EV_CONNECT, connect_b, f);
  ck_assert_int_eq(nnet_socket_write(c, "one", 3, write1_cb, f), 1);
  f->connect_listeners_after_write =
      nnet_socket_listener_count(c, NNET_EV_CONNECT);
  nnet_socket_on(c, NNET_EV_CONNECT, connect_c, f);
  ck_assert_int_eq(nnet_socket_write(c, "two", 3, write2_cb, f), 1);
  nnet_socket_on(c, NNET_EV_CONNECT, connect_d, f);
  nnet_socket_on(c, NNET_EV_READY, on_ready, f);
  nnet_socket_on(c, NNET_EV_DRAIN, on_drain, f);
  nnet_socket_on(c, NNET_EV_FINISH, on_finish, f);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, f);
  ck_assert_int_eq(nnet_socket_end(c, NULL, 0, end_cb, f), 0);
}

static void run(fx_t *f, nnet_listener_fn start) {
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, f, &f->srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_server_once(f->srv, NNET_EV_LISTENING, start, f);
  nnet_test_run(&f->loop, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}

START_TEST(flushed_by_listener_of_first_write) {
  fx_t f;
  memset(&f, 0, sizeof f);
  run(&f, start_order);
  /* Node v20 prints the same order and writableLength values. */
  ck_assert_str_eq(f.trace,
                   "connectA:6,connectCb:6,connectB:6,write1cb:0,connectC:0,"
                   "connectD:0,ready:0,write2cb,endcb,finish:0,close:0");
  /* Node: listenerCount('connect') counts the internal listener. */
  ck_assert_uint_eq(f.connect_listeners_after_write, 4);
}
END_TEST

/* props2.js 'G': a write over highWaterMark while connecting; a 'connect'
 * listener added after it runs after 'drain' (emitted by the internal
 * listener). Destroying in 'drain' does not stop the 'connect' emit. */
static char big[20000];

static void start_big(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  ck_assert_int_eq(nnet_create_connection_tcp(&f->loop, server_port(f),
                                              "127.0.0.1", &f->client),
                   0);
  nnet_socket_t *c = f->client;
  f->big_write_ret = nnet_socket_write(c, big, sizeof big, NULL, NULL);
  ck_assert(nnet_socket_writable_need_drain(c));
  nnet_socket_on(c, NNET_EV_CONNECT, connect_a, f);
  nnet_socket_on(c, NNET_EV_DRAIN, on_drain, f);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, f);
}

START_TEST(drain_before_later_connect_listener) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.destroy_in_drain = true;
  run(&f, start_big);
  ck_assert_int_eq(f.big_write_ret, 0);
  ck_assert_str_eq(f.trace, "drain:0,connectA:0,close:0");
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_write_before_connect");
  TCase *tc = tcase_create("order");
  tcase_add_test(tc, flushed_by_listener_of_first_write);
  tcase_add_test(tc, drain_before_later_connect_listener);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
