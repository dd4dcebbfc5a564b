/* server.close(): 'close' waits for every accepted connection; close
 * callbacks get ERR_SERVER_NOT_RUNNING when the server was not listening;
 * closing twice; closing inside the server's own listeners. Clients are
 * raw libuv so only the server is under test. */
#include <string.h>

#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  int port;
  int connections, closes, listening, errors;
  int cbs[4], statuses[4], ncb;
  int sock_closes;
  int srv_closes_at_sock_close;
  int srv_closes_at_sock_end, sock_ends;
  uv_tcp_t client;
  uv_connect_t creq;
  int client_connected, client_closed;
} ctx_t;

static void note_close(nnet_server_t *srv, int status, void *arg) {
  ctx_t *c = arg;
  c->statuses[c->ncb++] = status;
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->closes++;
}
static void on_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}

static void make(ctx_t *c, nnet_listener_fn on_conn) {
  nnet_server_opts_t o;
  memset(c, 0, sizeof(*c));
  uv_loop_init(&c->loop);
  nnet_server_opts_init(&o);
  o.loop = &c->loop;
  ck_assert_int_eq(nnet_create_server(&o, on_conn, c, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_close, c);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
}

static void client_closed(uv_handle_t *h) {
  ctx_t *c = h->data;
  c->client_closed++;
}

static void client_connected(uv_connect_t *req, int status) {
  ctx_t *c = req->data;
  /* 0, or ECANCELED when the test hung up inside 'connection' first. */
  ck_assert(status == 0 || status == UV_ECANCELED);
  c->client_connected++;
}

static void connect_client(ctx_t *c) {
  struct sockaddr_in sin;
  uv_ip4_addr("127.0.0.1", c->port, &sin);
  uv_tcp_init(&c->loop, &c->client);
  c->client.data = c;
  c->creq.data = c;
  ck_assert_int_eq(uv_tcp_connect(&c->creq, &c->client, (struct sockaddr *)&sin,
                                  client_connected),
                   0);
}

static void start_client(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  c->listening++;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  connect_client(c);
}

static void sock_closed(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->sock_closes++;
  c->srv_closes_at_sock_close = c->closes;
}

static void sock_ended(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->sock_ends++;
  c->srv_closes_at_sock_end = c->closes;
}

static void count_cb(nnet_server_t *srv, int err, size_t n, void *arg) {
  ctx_t *c = arg;
  c->cbs[0]++;
  ck_assert_int_eq(err, 0);
  ck_assert_int_eq((int)n, 1);
}

/* The server closes while a connection is open; the client then hangs up,
 * which ends the accepted socket (allowHalfOpen false). 'close' must wait
 * for that socket's destroy; as in Node (server._connections drops in the
 * socket's _destroy) it is emitted before the socket's own 'close'. */
static void close_with_open_conn(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connections++;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, sock_closed, c);
  nnet_socket_on(ev->u.connection.socket, NNET_EV_END, sock_ended, c);
  ck_assert_int_eq(nnet_server_close(c->srv, note_close, c), 0);
  ck_assert(!nnet_server_is_listening(c->srv));
  ck_assert_int_eq(nnet_server_get_connections(c->srv, count_cb, c), 0);
  ck_assert_int_eq(c->cbs[0], 0); /* never synchronous */
  uv_close((uv_handle_t *)&c->client, client_closed);
}

START_TEST(close_waits_for_connections) {
  ctx_t c;
  make(&c, close_with_open_conn);
  ck_assert_int_eq(
      nnet_server_listen(
          c.srv,
          &(nnet_listen_opts_t){
              .port = 0, .host = "127.0.0.1", .backlog = 511, .fd = -1},
          start_client, &c),
      0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.cbs[0], 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(c.srv_closes_at_sock_close, 1); /* Node's order */
  ck_assert_int_eq(c.sock_ends, 1);
  ck_assert_int_eq(c.srv_closes_at_sock_end, 0); /* still open: waits */
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.ncb, 1);
  ck_assert_int_eq(c.statuses[0], 0);
  ck_assert_int_eq(c.client_connected, 1);
  ck_assert_int_eq(c.client_closed, 1);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(close_not_listening) {
  ctx_t c;
  make(&c, NULL);
  ck_assert_int_eq(nnet_server_close(c.srv, note_close, &c), 0);
  ck_assert_int_eq(c.ncb, 0);
  ck_assert_int_eq(c.closes, 0);
  nnet_test_run(&c.loop, 5000);
  /* Node: the callback gets ERR_SERVER_NOT_RUNNING and 'close' fires. */
  ck_assert_int_eq(c.ncb, 1);
  ck_assert_int_eq(c.statuses[0], NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* Node: close(cb1); close(cb2) -> 'close' twice, cb1 ok, cb2 NOT_RUNNING. */
static void close_twice(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->listening++;
  nnet_server_close(c->srv, note_close, c);
  nnet_server_close(c->srv, note_close, c);
}

START_TEST(close_twice_like_node) {
  ctx_t c;
  make(&c, NULL);
  ck_assert_int_eq(nnet_server_listen(c.srv, NULL, close_twice, &c), 0);
  nnet_test_run(&c.loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.ncb, 2);
  ck_assert_int_eq(c.statuses[0], 0);
  ck_assert_int_eq(c.statuses[1], NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(c.closes, 2);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* Closing from inside 'close' (the server is still valid there). */
static void close_again_in_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (c->closes == 1) nnet_server_close(ev->target, note_close, c);
}

START_TEST(close_inside_close_listener) {
  ctx_t c;
  make(&c, NULL);
  nnet_server_on(c.srv, NNET_EV_CLOSE, close_again_in_close, &c);
  nnet_server_close(c.srv, NULL, NULL);
  nnet_test_run(&c.loop, 5000);
  ck_assert_int_eq(c.closes, 2);
  ck_assert_int_eq(c.ncb, 1);
  ck_assert_int_eq(c.statuses[0], NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* Closing inside 'connection' and destroying the new socket there too. */
static void destroy_all_in_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connections++;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, sock_closed, c);
  nnet_server_close(c->srv, note_close, c);
  nnet_socket_destroy(ev->u.connection.socket, 0);
  uv_close((uv_handle_t *)&c->client, client_closed);
}

START_TEST(close_and_destroy_inside_connection) {
  ctx_t c;
  make(&c, destroy_all_in_connection);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.port = 0;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c.srv, &o, start_client, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(c.srv_closes_at_sock_close, 1); /* Node's order */
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.ncb, 1);
  ck_assert_int_eq(c.statuses[0], 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_close");
  TCase *tc = tcase_create("close");
  tcase_add_test(tc, close_waits_for_connections);
  tcase_add_test(tc, close_not_listening);
  tcase_add_test(tc, close_twice_like_node);
  tcase_add_test(tc, close_inside_close_listener);
  tcase_add_test(tc, close_and_destroy_inside_connection);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
