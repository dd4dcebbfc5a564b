/* server.listen(port, host): Node looks every host up first (dns.lookup),
 * an IP literal included, so nothing is bound when listen() returns; an
 * already aborted signal then closes the server before anything is bound.
 * Without a host (or with "") the port is bound inside the call. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

typedef struct {
  int listening, errors, closes, close_cbs, close_status;
  bool listening_at_close;
  int addr_rc;
  nnet_socketaddress_t addr;
  char err_code[32], err_msg[160];
  bool err_has_port;
  int err_port;
  const char *err_address;
} counts_t;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  c->listening++;
  c->addr_rc = nnet_server_address(ev->target, &c->addr);
  nnet_server_close(ev->target, NULL, NULL);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  c->errors++;
  snprintf(c->err_code, sizeof c->err_code, "%s", ev->u.error->code_name);
  snprintf(c->err_msg, sizeof c->err_msg, "%s", ev->u.error->message);
  c->err_has_port = ev->u.error->has_port;
  c->err_port = ev->u.error->port;
  c->err_address = ev->u.error->address ? "set" : NULL;
  nnet_server_close(ev->target, NULL, NULL);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  c->closes++;
  c->listening_at_close = nnet_server_is_listening(ev->target);
  ck_assert(!ev->u.close.has_had_error); /* Node: server 'close' has none */
}

static void close_cb(nnet_server_t *srv, int status, void *ctx) {
  counts_t *c = ctx;
  c->close_cbs++;
  c->close_status = status;
}

static nnet_server_t *new_server(uv_loop_t *loop, counts_t *c) {
  nnet_server_opts_t o;
  nnet_server_t *srv = NULL;
  nnet_server_opts_init(&o);
  o.loop = loop;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &srv), 0);
  memset(c, 0, sizeof *c);
  c->addr_rc = 1;
  nnet_server_on(srv, NNET_EV_LISTENING, on_listening, c);
  nnet_server_on(srv, NNET_EV_ERROR, on_error, c);
  nnet_server_on(srv, NNET_EV_CLOSE, on_close, c);
  return srv;
}

/* Node v20: listen(0, '127.0.0.1'); server.listening === false and
 * server.address() === null right after; 'listening' later. */
START_TEST(ip_literal_is_looked_up_first) {
  static const char *const hosts[] = {"127.0.0.1", "::1", "0.0.0.0"};
  for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
    uv_loop_t loop;
    counts_t c;
    uv_loop_init(&loop);
    nnet_server_t *srv = new_server(&loop, &c);
    ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, hosts[i]), 0);
    ck_assert(!nnet_server_is_listening(srv));
    nnet_socketaddress_t sa;
    ck_assert_int_eq(nnet_server_address(srv, &sa), UV_ENOTCONN);
    /* Still a listen in progress: a second one is refused. */
    ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, hosts[i]),
                     NNET_ERR_SERVER_ALREADY_LISTEN);
    nnet_test_run(&loop, 5000);
    ck_assert_int_eq(c.listening, 1);
    ck_assert_int_eq(c.addr_rc, 0);
    ck_assert_str_eq(c.addr.address, hosts[i]);
    ck_assert_int_gt(c.addr.port, 0);
    ck_assert_int_eq(c.errors, 0);
    ck_assert_int_eq(c.closes, 1);
    ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  }
}
END_TEST

/* Node v20: listen(0) / listen(0, '') bind inside the call. */
START_TEST(no_host_binds_at_once) {
  static const char *const hosts[] = {NULL, ""};
  for (size_t i = 0; i < 2; i++) {
    uv_loop_t loop;
    counts_t c;
    uv_loop_init(&loop);
    nnet_server_t *srv = new_server(&loop, &c);
    ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, hosts[i]), 0);
    ck_assert(nnet_server_is_listening(srv));
    nnet_socketaddress_t sa;
    ck_assert_int_eq(nnet_server_address(srv, &sa), 0);
    ck_assert_int_gt(sa.port, 0);
    nnet_test_run(&loop, 5000);
    ck_assert_int_eq(c.listening, 1);
    ck_assert_int_eq(c.closes, 1);
    ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  }
}
END_TEST

/* Node v20: listen({port: 0, host: '127.0.0.1', signal}) with an aborted
 * signal: 'close', never 'listening', never listening at all. */
START_TEST(pre_aborted_signal_binds_nothing) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.port = 0;
  o.host = "127.0.0.1";
  o.signal = ac;
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL), 0);
  ck_assert(!nnet_server_is_listening(srv));
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert(!c.listening_at_close);
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20: close() while the literal is looked up: the callback gets
 * ERR_SERVER_NOT_RUNNING and 'listening' never comes. */
START_TEST(close_during_lookup) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  ck_assert_int_eq(nnet_server_close(srv, close_cb, &c), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.close_cbs, 1);
  ck_assert_int_eq(c.close_status, NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20: listen(0, '192.0.2.1') (not a local address): the error comes
 * after the lookup: "listen EADDRNOTAVAIL: address not available
 * 192.0.2.1", no port property. */
START_TEST(literal_bind_error_after_lookup) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "192.0.2.1"), 0);
  ck_assert(!nnet_server_is_listening(srv));
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.errors, 1);
  ck_assert_str_eq(c.err_code, "EADDRNOTAVAIL");
  ck_assert_str_eq(c.err_msg,
                   "listen EADDRNOTAVAIL: address not available 192.0.2.1");
  ck_assert(!c.err_has_port);
  ck_assert_int_eq(c.err_port, -1);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_listen_lookup");
  TCase *tc = tcase_create("listen_lookup");
  tcase_add_test(tc, ip_literal_is_looked_up_first);
  tcase_add_test(tc, no_host_binds_at_once);
  tcase_add_test(tc, pre_aborted_signal_binds_nothing);
  tcase_add_test(tc, close_during_lookup);
  tcase_add_test(tc, literal_bind_error_after_lookup);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
