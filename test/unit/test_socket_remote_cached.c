/* Node's _peername cache (values printed by Node v20 on the same steps):
 * remoteAddress/remotePort/remoteFamily read while connected are still
 * there in 'close', on the client and on an accepted socket; a peer never
 * read while connected is undefined in 'close'; connect() on the closed
 * socket forgets the old peer. address() is {} after destroy (Node's
 * _sockname is dropped with the handle). */
#include <check.h>
#include <string.h>

#include "nodenet.h"
#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client;
  int port, client_local_port;
  int connections, acc_closes, connects, closes;
  int acc_remote_ok, acc_remote_gone, reconnect_rc, after_connect_rc;
} ctx_t;

static void expect_peer(const nnet_socket_t *s, int port) {
  nnet_socketaddress_t ra;
  ck_assert_int_eq(nnet_socket_remote_address(s, &ra), 0);
  ck_assert_str_eq(ra.address, "127.0.0.1");
  ck_assert_int_eq(ra.family, NNET_IPV4);
  ck_assert_int_eq(ra.port, port);
}

/* The first accepted socket read its peer in 'connection', the second
 * never did. */
static void on_acc_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t ra;
  if (c->acc_closes++ == 0) {
    expect_peer(ev->target, c->client_local_port);
    c->acc_remote_ok++;
  } else {
    ck_assert_int_eq(nnet_socket_remote_address(ev->target, &ra), UV_EBADF);
    c->acc_remote_gone++;
  }
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t ra;
  if (c->connections++ == 0)
    ck_assert_int_eq(nnet_socket_remote_address(s, &ra), 0);
  nnet_socket_on(s, NNET_EV_CLOSE, on_acc_close, c);
  nnet_socket_resume(s);
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

static void on_connect(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t la;
  if (c->connects++ > 0) return; /* the second connection never reads it */
  expect_peer(ev->target, c->port);
  ck_assert_int_eq(nnet_socket_address(ev->target, &la), 0);
  c->client_local_port = la.port;
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  /* Node: address() {} once the handle is gone */
  ck_assert_int_eq(nnet_socket_address(c->client, &sa), UV_EBADF);
  if (c->closes++ > 0) {
    ck_assert_int_eq(nnet_socket_remote_address(c->client, &sa), UV_EBADF);
    nnet_socket_release(c->client);
    nnet_server_close(c->srv, NULL, NULL);
    return;
  }
  expect_peer(c->client, c->port);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = c->port;
  o.host = "127.0.0.1";
  c->reconnect_rc = nnet_socket_connect(c->client, &o, NULL, NULL);
  /* Node: connect() on a destroyed socket sets _peername = null */
  c->after_connect_rc = nnet_socket_remote_address(c->client, &sa);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  ck_assert_int_eq(
      nnet_create_connection_tcp(&c->loop, c->port, "127.0.0.1", &c->client),
      0);
  nnet_socket_retain(c->client);
  nnet_socket_resume(c->client);
  nnet_socket_on(c->client, NNET_EV_CONNECT, on_connect, c);
  nnet_socket_on(c->client, NNET_EV_CLOSE, on_close, c);
}

START_TEST(remote_address_cached_until_reconnect) {
  ctx_t c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &c.loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &c.srv), 0);
  nnet_server_on(c.srv, NNET_EV_CONNECTION, on_connection, &c);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c.srv, &lo, on_listening, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 2);
  ck_assert_int_eq(c.connects, 2);
  ck_assert_int_eq(c.closes, 2);
  ck_assert_int_eq(c.acc_closes, 2);
  ck_assert_int_eq(c.acc_remote_ok, 1);
  ck_assert_int_eq(c.acc_remote_gone, 1);
  ck_assert_int_eq(c.reconnect_rc, 0);
  ck_assert_int_eq(c.after_connect_rc, UV_ENOTCONN);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_remote_cached");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, remote_address_cached_until_reconnect);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
