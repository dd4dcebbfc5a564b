/* socket.resetAndDestroy() in each state, as Node v20 does it: a socket that
 * never had a connection gets 'error' ERR_SOCKET_CLOSED then 'close' (no
 * hadError); a destroyed one is left alone; a connecting one is reset once
 * connected ('connect', 'ready', then 'close' false; the peer sees
 * ECONNRESET); a connecting one whose connect fails reports that failure;
 * a Unix socket is refused. */
#include <stdio.h>
#include <string.h>

#include "test_connect_util.h"

typedef struct {
  char trace[512];
  int closes, errors;
  int err_code;
  char err_msg[128];
  bool had_error, has_had_error;
} rec_t;

static void rec_fn(const nnet_event_t *ev, void *ctx) {
  rec_t *r = ctx;
  if (r->trace[0]) strcat(r->trace, ",");
  strcat(r->trace, nnet_event_name(ev->type));
  if (ev->type == NNET_EV_ERROR) {
    r->errors++;
    r->err_code = ev->u.error->code;
    snprintf(r->err_msg, sizeof r->err_msg, "%s", ev->u.error->message);
    strcat(r->trace, ":");
    strcat(r->trace, ev->u.error->code_name);
  }
  if (ev->type == NNET_EV_CLOSE) {
    r->closes++;
    r->had_error = ev->u.close.had_error;
    r->has_had_error = ev->u.close.has_had_error;
  }
}

static void rec(nnet_socket_t *s, rec_t *r) {
  static const nnet_event_type_t types[] = {NNET_EV_CONNECTION_ATTEMPT,
                                            NNET_EV_CONNECT,
                                            NNET_EV_READY,
                                            NNET_EV_DATA,
                                            NNET_EV_END,
                                            NNET_EV_ERROR,
                                            NNET_EV_CLOSE};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    nnet_socket_on(s, types[i], rec_fn, r);
}

static nnet_socket_t *new_socket(uv_loop_t *loop) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  return s;
}

START_TEST(never_connected) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s = new_socket(&loop);
  rec_t r = {0};
  rec(s, &r);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0);
  ck_assert(nnet_socket_is_destroyed(s));
  ck_assert_str_eq(r.trace, ""); /* nothing inside the call */
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error:ERR_SOCKET_CLOSED,close");
  ck_assert_int_eq(r.err_code, NNET_ERR_SOCKET_CLOSED);
  ck_assert_str_eq(r.err_msg, "Socket is closed");
  ck_assert(!r.has_had_error); /* Node: 'close' with no argument */
  ck_assert(!r.had_error);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(already_destroyed) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s = new_socket(&loop);
  nnet_socket_retain(s);
  rec_t r = {0};
  rec(s, &r);
  nnet_socket_destroy(s, 0);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0); /* before 'close' */
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0); /* after 'close' */
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "close");
  ck_assert_int_eq(r.errors, 0);
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* The accepted side: an RST shows as ECONNRESET, a FIN as 'end'. */
typedef struct {
  nnet_server_t *srv;
  rec_t conn;
  int port;
} srv_t;

static void srv_conn_close(const nnet_event_t *ev, void *ctx) {
  srv_t *sv = ctx;
  nnet_server_close(sv->srv, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  srv_t *sv = ctx;
  rec(ev->u.connection.socket, &sv->conn);
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, srv_conn_close, sv);
}

static void srv_start(uv_loop_t *loop, srv_t *sv) {
  memset(sv, 0, sizeof *sv);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, sv, &sv->srv), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(sv->srv, 0, NULL), 0);
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(sv->srv, &sa), 0);
  sv->port = sa.port;
}

static void ready_once(const nnet_event_t *ev, void *ctx) {
  int *n = ctx;
  (*n)++;
  /* Node runs resetAndDestroy's 'connect' listener after this one. */
  ck_assert(!nnet_socket_is_destroyed(ev->target));
}

START_TEST(while_connecting_waits_for_connect) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  srv_t sv;
  srv_start(&loop, &sv);
  nnet_socket_t *s;
  int connects = 0;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sv.port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_create_connection(&loop, &o, ready_once, &connects, &s),
                   0);
  rec_t r = {0};
  rec(s, &r);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0);
  /* Node: still connecting, not destroyed, until 'connect'. */
  ck_assert(!nnet_socket_is_destroyed(s));
  ck_assert(nnet_socket_is_connecting(s));
  ck_assert_uint_eq(nnet_socket_listener_count(s, NNET_EV_CONNECT), 3);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(connects, 1);
  ck_assert_str_eq(r.trace, "connectionAttempt,connect,ready,close");
  ck_assert(r.has_had_error);
  ck_assert(!r.had_error);
  /* The peer got an RST, not a FIN. */
  ck_assert_str_eq(sv.conn.trace, "error:ECONNRESET,close");
  ck_assert(sv.conn.had_error);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(while_connecting_then_refused) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  cu_close(&l); /* nothing listens there now */
  nnet_socket_t *s;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s), 0);
  rec_t r = {0};
  rec(s, &r);
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "connectionAttempt,error:ECONNREFUSED,close");
  ck_assert(r.has_had_error);
  ck_assert(r.had_error);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void reset_open_pipe(const nnet_event_t *ev, void *ctx) {
  int *rc = ctx;
  *rc = nnet_socket_reset_and_destroy(ev->target);
  ck_assert(!nnet_socket_is_destroyed(ev->target));
  nnet_socket_destroy(ev->target, 0);
}

START_TEST(unix_socket_refused) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  char path[300];
  snprintf(path, sizeof path, "%s/rad.sock", nnet_test_tmpdir());
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &loop;
  nnet_server_t *srv;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &srv), 0);
  ck_assert_int_eq(nnet_server_listen_path(srv, path), 0);
  nnet_socket_t *s;
  int open_rc = 1;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = path;
  ck_assert_int_eq(
      nnet_create_connection(&loop, &o, reset_open_pipe, &open_rc, &s), 0);
  rec_t r = {0};
  rec(s, &r);
  /* Connecting, then open: Node throws ERR_INVALID_HANDLE_TYPE both times
   * and nothing changes. */
  ck_assert_int_eq(nnet_socket_reset_and_destroy(s),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  ck_assert(!nnet_socket_is_destroyed(s));
  ck_assert(nnet_socket_is_connecting(s));
  nnet_server_close(srv, NULL, NULL);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(open_rc, NNET_ERR_INVALID_HANDLE_TYPE);
  ck_assert_str_eq(r.trace, "connect,ready,close");
  ck_assert(r.has_had_error);
  ck_assert(!r.had_error);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_reset_and_destroy");
  TCase *tc = tcase_create("reset_and_destroy");
  tcase_add_test(tc, never_connected);
  tcase_add_test(tc, already_destroyed);
  tcase_add_test(tc, while_connecting_waits_for_connect);
  tcase_add_test(tc, while_connecting_then_refused);
  tcase_add_test(tc, unix_socket_refused);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
