/* nnet_server_shutdown(): close() with a deadline. Connections that finish
 * in time are left alone (0/0); an idle peer is end()ed at the deadline and
 * answers the FIN; a peer that ignores the FIN is destroyed a grace later;
 * shutdown inside 'connection', twice, after close() and on a server that
 * never listened. The deadline timer must neither keep the loop alive
 * (deadlines of a minute would trip the watchdog) nor leak
 * (uv_loop_close() == 0). Clients are raw libuv. */
#include <string.h>

#include "testutil.h"

enum { CL_CLOSE_NOW, CL_CLOSE_ON_EOF, CL_IGNORE };

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  int mode;
  unsigned deadline, grace;
  int connections, sock_closes, closes, errors;
  int ncb, statuses[4];
  size_t ended[4], destroyed[4];
  int closes_at_cb; /* server 'close' listeners run after the callbacks */
  int listening_after;
  uv_tcp_t client;
  uv_connect_t creq;
  uv_timer_t later;
  int client_eof, client_closed;
} ctx_t;

static void on_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->closes++;
}
static void on_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}

static void client_closed(uv_handle_t *h) {
  ((ctx_t *)h->data)->client_closed++;
}

static void close_client(ctx_t *c) {
  if (!uv_is_closing((uv_handle_t *)&c->client))
    uv_close((uv_handle_t *)&c->client, client_closed);
}

static void done(nnet_server_t *srv, int status, size_t ended, size_t destroyed,
                 void *arg) {
  ctx_t *c = arg;
  ck_assert_ptr_eq(srv, c->srv);
  c->statuses[c->ncb] = status;
  c->ended[c->ncb] = ended;
  c->destroyed[c->ncb] = destroyed;
  c->closes_at_cb = c->closes;
  c->ncb++;
  if (c->mode == CL_IGNORE && c->client.data != NULL) close_client(c);
}

static void make(ctx_t *c, int mode, nnet_listener_fn on_conn) {
  nnet_server_opts_t o;
  memset(c, 0, sizeof(*c));
  c->mode = mode;
  uv_loop_init(&c->loop);
  nnet_server_opts_init(&o);
  o.loop = &c->loop;
  ck_assert_int_eq(nnet_create_server(&o, on_conn, c, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_close, c);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
}

static void client_alloc(uv_handle_t *h, size_t size, uv_buf_t *b) {
  static char buf[256];
  b->base = buf;
  b->len = sizeof(buf);
}

static void client_read(uv_stream_t *st, ssize_t n, const uv_buf_t *b) {
  ctx_t *c = st->data;
  if (n >= 0) return;
  c->client_eof++;
  close_client(c); /* answers the server's FIN */
}

static void client_connected(uv_connect_t *req, int status) {
  ctx_t *c = req->data;
  ck_assert_int_eq(status, 0);
  if (c->mode == CL_CLOSE_NOW)
    close_client(c);
  else if (c->mode == CL_CLOSE_ON_EOF)
    uv_read_start((uv_stream_t *)&c->client, client_alloc, client_read);
  /* CL_IGNORE: never reads, so never sees the FIN; closed in done() */
}

static void start_client(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  struct sockaddr_in sin;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  uv_ip4_addr("127.0.0.1", sa.port, &sin);
  uv_tcp_init(&c->loop, &c->client);
  c->client.data = c;
  c->creq.data = c;
  ck_assert_int_eq(uv_tcp_connect(&c->creq, &c->client, (struct sockaddr *)&sin,
                                  client_connected),
                   0);
}

static void listen_local(ctx_t *c) {
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.port = 0;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c->srv, &o, start_client, c), 0);
}

static void sock_closed(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->sock_closes++;
}
static void sock_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}

static void track(ctx_t *c, nnet_socket_t *s) {
  c->connections++;
  nnet_socket_on(s, NNET_EV_CLOSE, sock_closed, c);
  nnet_socket_on(s, NNET_EV_ERROR, sock_error, c);
}

/* Shut down from inside the 'connection' listener. */
static void shutdown_in_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  track(c, ev->u.connection.socket);
  ck_assert_int_eq(nnet_server_shutdown(c->srv, c->deadline, c->grace, done, c),
                   0);
  c->listening_after = nnet_server_is_listening(c->srv);
}

static void shutdown_later_cb(uv_timer_t *t) {
  ctx_t *c = t->data;
  ck_assert_int_eq(nnet_server_shutdown(c->srv, c->deadline, c->grace, done, c),
                   0);
  uv_close((uv_handle_t *)t, NULL);
}

/* Shut down on a later turn, outside any listener. */
static void shutdown_later(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  track(c, ev->u.connection.socket);
  uv_timer_init(&c->loop, &c->later);
  c->later.data = c;
  uv_timer_start(&c->later, shutdown_later_cb, 0, 0);
}

static void assert_one_cb(ctx_t *c, int status, size_t ended,
                          size_t destroyed) {
  ck_assert_int_eq(c->ncb, 1);
  ck_assert_int_eq(c->statuses[0], status);
  ck_assert_uint_eq(c->ended[0], ended);
  ck_assert_uint_eq(c->destroyed[0], destroyed);
  ck_assert_int_eq(c->closes_at_cb, 0);
  ck_assert_int_eq(c->closes, 1);
}

START_TEST(all_finish_before_deadline) {
  ctx_t c;
  make(&c, CL_CLOSE_NOW, shutdown_in_connection);
  c.deadline = c.grace = 60000; /* the watchdog fires long before */
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(c.client_closed, 1);
  assert_one_cb(&c, 0, 0, 0);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(idle_peer_ended_at_deadline) {
  ctx_t c;
  make(&c, CL_CLOSE_ON_EOF, shutdown_later);
  c.deadline = 50;
  c.grace = 60000; /* the peer answers the FIN: no waiting for it */
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.client_eof, 1); /* the server's FIN */
  ck_assert_int_eq(c.sock_closes, 1);
  assert_one_cb(&c, 0, 1, 0);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(fin_ignored_destroyed_after_grace) {
  ctx_t c;
  make(&c, CL_IGNORE, shutdown_later);
  c.deadline = 20;
  c.grace = 50;
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(c.client_closed, 1);
  assert_one_cb(&c, 0, 1, 1);
  ck_assert_int_eq(c.errors, 0); /* destroyed without an error */
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(inside_connection_listener) {
  ctx_t c;
  make(&c, CL_CLOSE_ON_EOF, shutdown_in_connection);
  c.deadline = 0; /* end at once (on a later turn) */
  c.grace = 60000;
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.listening_after, 0); /* stopped accepting at once */
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.client_eof, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  assert_one_cb(&c, 0, 1, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

static void shutdown_twice_cb(uv_timer_t *t) {
  ctx_t *c = t->data;
  /* The second call's earlier deadline and shorter grace take over. */
  ck_assert_int_eq(nnet_server_shutdown(c->srv, 60000, 60000, done, c), 0);
  ck_assert_int_eq(nnet_server_shutdown(c->srv, 20, 50, done, c), 0);
  uv_close((uv_handle_t *)t, NULL);
}

static void twice_later(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  track(c, ev->u.connection.socket);
  uv_timer_init(&c->loop, &c->later);
  c->later.data = c;
  uv_timer_start(&c->later, shutdown_twice_cb, 0, 0);
}

START_TEST(twice_joins_and_hurries) {
  ctx_t c;
  make(&c, CL_IGNORE, twice_later);
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(c.ncb, 2); /* both, same counts, one 'close' */
  for (int i = 0; i < 2; i++) {
    ck_assert_int_eq(c.statuses[i], 0);
    ck_assert_uint_eq(c.ended[i], 1);
    ck_assert_uint_eq(c.destroyed[i], 1);
  }
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

static int close_cb_status = 1;
static void note_close(nnet_server_t *srv, int status, void *arg) {
  close_cb_status = status;
}

static void close_then_shutdown_cb(uv_timer_t *t) {
  ctx_t *c = t->data;
  ck_assert_int_eq(nnet_server_close(c->srv, note_close, c), 0);
  ck_assert_int_eq(nnet_server_shutdown(c->srv, 20, 60000, done, c), 0);
  uv_close((uv_handle_t *)t, NULL);
}

static void close_then_shutdown(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  track(c, ev->u.connection.socket);
  uv_timer_init(&c->loop, &c->later);
  c->later.data = c;
  uv_timer_start(&c->later, close_then_shutdown_cb, 0, 0);
}

START_TEST(after_close) {
  ctx_t c;
  make(&c, CL_CLOSE_ON_EOF, close_then_shutdown);
  listen_local(&c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(close_cb_status, 0);
  /* The close() before it stopped the listener: as close() twice. */
  assert_one_cb(&c, NNET_ERR_SERVER_NOT_RUNNING, 1, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(never_listening) {
  ctx_t c;
  make(&c, CL_CLOSE_NOW, NULL);
  ck_assert_int_eq(nnet_server_shutdown(c.srv, 60000, 60000, done, &c), 0);
  ck_assert_int_eq(nnet_server_shutdown(c.srv, 0, 0, done, &c), 0);
  ck_assert_int_eq(nnet_server_shutdown(c.srv, 0, 0, NULL, NULL), 0);
  ck_assert_int_eq(c.ncb, 0); /* on a later turn */
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.ncb, 2);
  for (int i = 0; i < 2; i++) {
    ck_assert_int_eq(c.statuses[i], NNET_ERR_SERVER_NOT_RUNNING);
    ck_assert_uint_eq(c.ended[i], 0);
    ck_assert_uint_eq(c.destroyed[i], 0);
  }
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_server_shutdown(NULL, 0, 0, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* A retained server shut down again from its own 'close' listener: a
 * fresh shutdown, a second 'close'. */
static void again_in_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (c->closes == 1)
    ck_assert_int_eq(nnet_server_shutdown(c->srv, 0, 0, done, c), 0);
}

START_TEST(again_inside_close_listener) {
  ctx_t c;
  make(&c, CL_CLOSE_NOW, NULL);
  nnet_server_retain(c.srv);
  nnet_server_on(c.srv, NNET_EV_CLOSE, again_in_close, &c);
  ck_assert_int_eq(nnet_server_shutdown(c.srv, 10, 10, done, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.ncb, 2);
  ck_assert_int_eq(c.closes, 2);
  nnet_server_release(c.srv); /* frees it; the loop state closes on a run */
  ck_assert_int_eq(uv_run(&c.loop, UV_RUN_DEFAULT), 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_shutdown");
  TCase *tc = tcase_create("shutdown");
  tcase_add_test(tc, all_finish_before_deadline);
  tcase_add_test(tc, idle_peer_ended_at_deadline);
  tcase_add_test(tc, fin_ignored_destroyed_after_grace);
  tcase_add_test(tc, inside_connection_listener);
  tcase_add_test(tc, twice_joins_and_hurries);
  tcase_add_test(tc, after_close);
  tcase_add_test(tc, never_listening);
  tcase_add_test(tc, again_inside_close_listener);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
