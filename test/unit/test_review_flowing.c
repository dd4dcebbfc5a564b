/* Review of the flowing-mode read path and the deferred queue: cases that
 * differ from Node. All three fail now (reviewer's report):
 *   paused_decoder_tail_waits    socket_read.c end_readable()/on_eof()
 *   nested_drain_in_listener     lookup.c lookup_release() drain
 *   pause_in_connect_reads_nothing  connect.c nnet__connect_established()
 *
 * paused_decoder_tail_waits: setEncoding('utf8'), flowing; the peer sends
 * the first 2 bytes of a 3-byte character (the decoder holds them, no
 * 'data'); the socket is paused; the peer ends. Node's onEofChunk pushes
 * decoder.end() ('\ufffd') into the readable buffer, so a paused socket
 * emits neither 'data' nor 'end' until resume(). socket_read.c's
 * end_readable() emits the decoder's tail as 'data' at once from on_eof
 * (and then 'end'), while the socket is paused. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  uv_timer_t poll;
  int phase;
  int data_paused, end_paused; /* events seen while paused */
  int data, end, closes;
  char got[16];
  size_t got_len;
} fx_t;

static void cdata(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  if (ev->type == NNET_EV_DATA) {
    f->data++;
    if (nnet_socket_is_paused(s)) f->data_paused++;
    size_t n = ev->u.data.len;
    if (f->got_len + n <= sizeof f->got) {
      memcpy(f->got + f->got_len, ev->u.data.base, n);
      f->got_len += n;
    }
  } else if (ev->type == NNET_EV_END) {
    f->end++;
    if (nnet_socket_is_paused(s)) f->end_paused++;
  } else if (ev->type == NNET_EV_CLOSE) {
    f->closes++;
  }
}

static void sclose(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  (void)ev;
  f->closes++;
}

static void on_conn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  f->sconn = ev->u.connection.socket;
  nnet_socket_on(f->sconn, NNET_EV_CLOSE, sclose, f);
  nnet_socket_resume(f->sconn);
  nnet_socket_write(f->sconn, "\xE2\x82", 2, NULL, NULL);
  nnet_server_close(f->srv, NULL, NULL);
}

static void poll_cb(uv_timer_t *t) {
  fx_t *f = t->data;
  if (f->phase == 0 && nnet_socket_bytes_read(f->client) == 2) {
    nnet_socket_pause(f->client);
    nnet_socket_end(f->sconn, NULL, 0, NULL, NULL);
    f->phase = 1;
  } else if (f->phase >= 1 && f->phase++ == 20) { /* ~100 ms paused */
    nnet_socket_resume(f->client);
    uv_close((uv_handle_t *)t, NULL);
  }
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  (void)ev;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  nnet_socket_retain(f->client);
  ck_assert_int_eq(nnet_socket_set_encoding(f->client, NNET_ENC_UTF8), 0);
  nnet_socket_on(f->client, NNET_EV_DATA, cdata, f);
  nnet_socket_on(f->client, NNET_EV_END, cdata, f);
  nnet_socket_on(f->client, NNET_EV_CLOSE, cdata, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(f->client, &o, NULL, NULL), 0);
  uv_timer_init(&f->loop, &f->poll);
  f->poll.data = f;
  uv_timer_start(&f->poll, poll_cb, 5, 5);
}

START_TEST(paused_decoder_tail_waits) {
  static fx_t fx;
  fx_t *f = &fx;
  memset(f, 0, sizeof *f);
  nnet_test_install_uncaught_handler();
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &f->srv), 0);
  nnet_server_on(f->srv, NNET_EV_LISTENING, on_listening, f);
  nnet_server_on(f->srv, NNET_EV_CONNECTION, on_conn, f);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&f->loop, 5000);
  fprintf(stderr, "data=%d (paused %d) end=%d (paused %d) closes=%d\n", f->data,
          f->data_paused, f->end, f->end_paused, f->closes);
  ck_assert_int_eq(f->closes, 2);
  /* after resume(): the replacement character, then 'end' */
  ck_assert_int_eq(f->data, 1);
  ck_assert_int_eq(f->end, 1);
  ck_assert_int_eq((int)f->got_len, 3);
  ck_assert(memcmp(f->got, "\xEF\xBF\xBD", 3) == 0);
  /* Node: nothing while paused */
  ck_assert_int_eq(f->data_paused, 0);
  ck_assert_int_eq(f->end_paused, 0);
  nnet_socket_release(f->client);
  uv_run(&f->loop, UV_RUN_DEFAULT); /* the loop state's handles close */
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}
END_TEST

/* nested_drain_in_listener: a custom lookup answered asynchronously
 * (done() called later, from user code) ends in lookup_settled() ->
 * nnet__tick_drain() (src/net/lookup.c:291). When the user calls done()
 * from inside a listener of another socket (a lookup implemented over an
 * nnet socket, say), the whole nextTick queue runs nested inside that
 * emit: a nnet_next_tick() queued earlier in the same listener runs
 * before the emit's next listener, unlike Node's process.nextTick (and
 * deferred 'error'/'end' jobs likewise land in the middle of an emit). */
typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *a, *b;
  void *req;
  nnet_lookup_done_fn done;
  int tick_ran, tick_ran_at_second_listener, second_listener_calls;
  int closes;
} nd_t;

static void nd_tick(void *ctx) {
  ((nd_t *)ctx)->tick_ran++;
}

static void nd_pending_lookup(const char *host, int family, int hints, bool all,
                              void *req, nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all;
  nd_t *f = ctx;
  f->req = req;
  f->done = done;
}

static void nd_first(const nnet_event_t *ev, void *ctx) {
  nd_t *f = ctx;
  (void)ev;
  ck_assert_int_eq(nnet_next_tick(&f->loop, nd_tick, f), 0);
  f->done(f->req, UV_EAI_NONAME, NULL, NULL, 0); /* answers b's lookup */
}

static void nd_second(const nnet_event_t *ev, void *ctx) {
  nd_t *f = ctx;
  f->second_listener_calls++;
  f->tick_ran_at_second_listener = f->tick_ran;
  nnet_socket_destroy(ev->target, 0);
}

static void nd_close(const nnet_event_t *ev, void *ctx) {
  nd_t *f = ctx;
  (void)ev;
  if (++f->closes == 2) nnet_server_close(f->srv, NULL, NULL);
}

static void nd_ignore(const nnet_event_t *ev, void *ctx) {
  (void)ev, (void)ctx;
}

static void nd_listening(const nnet_event_t *ev, void *ctx) {
  nd_t *f = ctx;
  (void)ev;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  nnet_connect_opts_t o;
  /* b: a lookup that answers only when told */
  ck_assert_int_eq(nnet_socket_new(&so, &f->b), 0);
  nnet_socket_on(f->b, NNET_EV_ERROR, nd_ignore, f);
  nnet_socket_on(f->b, NNET_EV_CLOSE, nd_close, f);
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "b.test";
  o.lookup = nd_pending_lookup;
  o.lookup_ctx = f;
  ck_assert_int_eq(nnet_socket_connect(f->b, &o, NULL, NULL), 0);
  /* a: connects; its 'connect' listeners answer b's lookup */
  ck_assert_int_eq(nnet_socket_new(&so, &f->a), 0);
  nnet_socket_on(f->a, NNET_EV_CONNECT, nd_first, f);
  nnet_socket_on(f->a, NNET_EV_CONNECT, nd_second, f);
  nnet_socket_on(f->a, NNET_EV_CLOSE, nd_close, f);
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(f->a, &o, NULL, NULL), 0);
}

static void nd_conn(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_destroy(ev->u.connection.socket, 0);
}

START_TEST(nested_drain_in_listener) {
  static nd_t fx;
  nd_t *f = &fx;
  memset(f, 0, sizeof *f);
  nnet_test_install_uncaught_handler();
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &f->srv), 0);
  nnet_server_on(f->srv, NNET_EV_LISTENING, nd_listening, f);
  nnet_server_on(f->srv, NNET_EV_CONNECTION, nd_conn, f);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&f->loop, 5000);
  ck_assert_int_eq(f->closes, 2);
  ck_assert_int_eq(f->second_listener_calls, 1);
  ck_assert_int_eq(f->tick_ran, 1);
  /* Node: nextTick work waits until the emit is over */
  ck_assert_int_eq(f->tick_ran_at_second_listener, 0);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}
END_TEST

/* pause_in_connect_reads_nothing: Node's afterConnect emits 'connect' and
 * 'ready', then starts reading (read(0)) only `if (readable &&
 * !self.isPaused())`: a socket paused in a 'connect' listener does not
 * read at all, so a peer's FIN is not seen and 'end' does not come until
 * resume(). nnet__socket_on_connected() (socket_read.c, called by
 * nnet__connect_established() before the 'connect' emit) starts reading
 * first, so the FIN is read, the buffer is empty and 'end' (then the
 * automatic end() and 'close') comes while the socket is paused. */
typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *c;
  uv_timer_t t;
  int end_paused, end, closes;
} pc_t;

static void pc_client(const nnet_event_t *ev, void *ctx) {
  pc_t *f = ctx;
  nnet_socket_t *s = ev->target;
  if (ev->type == NNET_EV_CONNECT) nnet_socket_pause(s);
  if (ev->type == NNET_EV_END) {
    f->end++;
    if (nnet_socket_is_paused(s)) f->end_paused++;
  }
  if (ev->type == NNET_EV_CLOSE) f->closes++;
}

static void pc_resume(uv_timer_t *t) {
  pc_t *f = t->data;
  nnet_socket_resume(f->c);
  uv_close((uv_handle_t *)t, NULL);
}

static void pc_sclose(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  ((pc_t *)ctx)->closes++;
}

static void pc_conn(const nnet_event_t *ev, void *ctx) {
  pc_t *f = ctx;
  nnet_socket_t *sc = ev->u.connection.socket;
  nnet_socket_on(sc, NNET_EV_CLOSE, pc_sclose, f);
  nnet_socket_resume(sc);
  nnet_socket_end(sc, NULL, 0, NULL, NULL); /* FIN, no data */
  nnet_server_close(f->srv, NULL, NULL);
}

static void pc_listening(const nnet_event_t *ev, void *ctx) {
  pc_t *f = ctx;
  (void)ev;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->c), 0);
  nnet_socket_retain(f->c);
  nnet_socket_on(f->c, NNET_EV_CONNECT, pc_client, f);
  nnet_socket_on(f->c, NNET_EV_END, pc_client, f);
  nnet_socket_on(f->c, NNET_EV_CLOSE, pc_client, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(f->c, &o, NULL, NULL), 0);
  uv_timer_init(&f->loop, &f->t);
  f->t.data = f;
  uv_timer_start(&f->t, pc_resume, 150, 0);
}

START_TEST(pause_in_connect_reads_nothing) {
  static pc_t fx;
  pc_t *f = &fx;
  memset(f, 0, sizeof *f);
  nnet_test_install_uncaught_handler();
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &f->srv), 0);
  nnet_server_on(f->srv, NNET_EV_LISTENING, pc_listening, f);
  nnet_server_on(f->srv, NNET_EV_CONNECTION, pc_conn, f);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&f->loop, 5000);
  ck_assert_int_eq(f->closes, 2);
  ck_assert_int_eq(f->end, 1);
  ck_assert_int_eq(f->end_paused, 0); /* Node: 'end' only after resume() */
  nnet_socket_release(f->c);
  uv_run(&f->loop, UV_RUN_DEFAULT); /* the loop state's handles close */
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("review_flowing");
  TCase *tc = tcase_create("read_path");
  tcase_add_test(tc, paused_decoder_tail_waits);
  tcase_add_test(tc, nested_drain_in_listener);
  tcase_add_test(tc, pause_in_connect_reads_nothing);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
