/* An accepted socket reused after its 'close' (Node: socket.connect() on a
 * destroyed socket). Accepted TCP sockets are allocated with room for a
 * uv_tcp_t only (idle memory, bench/RESULTS.md): connecting one to a Unix
 * path is refused with ERR_INVALID_HANDLE_TYPE instead of overrunning it,
 * and a TCP connect still works. Also: socket.timeout stays readable after
 * destroy, and setTimeout() works again after the reconnect (the closed
 * timer's memory is reused). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "nodenet.h"
#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client, *acc;
  int port;
  int connections, acc_closes, acc_connects, acc_timeouts, client_closes;
  int path_rc, tcp_rc;
  unsigned timeout_after_destroy;
} ctx_t;

static void on_acc_timeout(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->acc_timeouts++;
  nnet_socket_destroy(ev->target, 0);
  nnet_server_close(c->srv, NULL, NULL);
}

static void on_acc_connect(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->acc_connects++;
  /* Fires: nothing is sent on this connection. */
  ck_assert_int_eq(nnet_socket_set_timeout(ev->target, 1, NULL, NULL), 0);
}

static void on_acc_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (c->acc_closes++ > 0) return;
  c->timeout_after_destroy = nnet_socket_timeout(c->acc);
  char path[512];
  snprintf(path, sizeof path, "%s/reuse.sock", nnet_test_tmpdir());
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = path;
  c->path_rc = nnet_socket_connect(c->acc, &o, NULL, NULL);
  nnet_connect_opts_init(&o);
  o.port = c->port;
  o.host = "127.0.0.1";
  c->tcp_rc = nnet_socket_connect(c->acc, &o, on_acc_connect, c);
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->u.connection.socket;
  if (c->connections++ > 0) return; /* the reused socket's own connection */
  c->acc = s;
  nnet_socket_retain(s);
  nnet_socket_on(s, NNET_EV_CLOSE, on_acc_close, c);
  nnet_socket_on(s, NNET_EV_TIMEOUT, on_acc_timeout, c);
  ck_assert_int_eq(nnet_socket_set_timeout(s, 60000, NULL, NULL), 0);
  nnet_socket_destroy(s, 0);
}

static void on_client_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->client_closes++;
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&c->loop, c->port, "127.0.0.1", &c->client),
      0);
  nnet_socket_on(c->client, NNET_EV_CLOSE, on_client_close, c);
}

START_TEST(accepted_tcp_socket_reconnects) {
  ctx_t c;
  memset(&c, 0, sizeof c);
  c.path_rc = c.tcp_rc = 1;
  uv_loop_init(&c.loop);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &c.loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, &c, &c.srv), 0);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c.srv, &lo, on_listening, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 2);
  ck_assert_uint_eq(c.timeout_after_destroy, 60000);
  ck_assert_int_eq(c.path_rc, NNET_ERR_INVALID_HANDLE_TYPE);
  ck_assert_int_eq(c.tcp_rc, 0);
  ck_assert_int_eq(c.acc_connects, 1);
  ck_assert_int_eq(c.acc_timeouts, 1);
  ck_assert_int_eq(c.acc_closes, 2);
  ck_assert_int_eq(c.client_closes, 1);
  nnet_socket_release(c.acc);
  uv_run(&c.loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_accepted_reuse");
  TCase *tc = tcase_create("reuse");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, accepted_tcp_socket_reconnects);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
