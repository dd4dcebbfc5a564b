/* The 'close' payload as Node v20 (and 26) emits it: hadError true/false
 * once the socket had a connection handle, no argument at all
 * (has_had_error false) when it never had one: destroyed before connect(),
 * destroy(err) before connect(), an already aborted signal. A socket whose
 * pre-aborted signal fired and whose connect() then failed gets ONE 'close'
 * (Node emits two: a Node bug we do not copy). Servers: no argument. */
#include <stdio.h>
#include <string.h>

#include "test_connect_util.h"

typedef struct {
  char trace[256];
  int closes, errors, attempts;
  bool had_error, has_had_error;
  char err_code[32];
} rec_t;

static void rec_fn(const nnet_event_t *ev, void *ctx) {
  rec_t *r = ctx;
  char item[64];
  if (ev->type == NNET_EV_CLOSE) {
    r->closes++;
    r->had_error = ev->u.close.had_error;
    r->has_had_error = ev->u.close.has_had_error;
    snprintf(item, sizeof item, "close:%s",
             !r->has_had_error ? "undefined"
             : r->had_error    ? "true"
                               : "false");
  } else if (ev->type == NNET_EV_ERROR) {
    r->errors++;
    snprintf(r->err_code, sizeof r->err_code, "%s", ev->u.error->code_name);
    snprintf(item, sizeof item, "error:%s", ev->u.error->code_name);
  } else {
    if (ev->type == NNET_EV_CONNECTION_ATTEMPT) r->attempts++;
    snprintf(item, sizeof item, "%s", nnet_event_name(ev->type));
  }
  if (r->trace[0]) strcat(r->trace, ",");
  strcat(r->trace, item);
}

static void rec(nnet_socket_t *s, rec_t *r) {
  memset(r, 0, sizeof *r);
  static const nnet_event_type_t types[] = {NNET_EV_CONNECTION_ATTEMPT,
                                            NNET_EV_CONNECT, NNET_EV_ERROR,
                                            NNET_EV_CLOSE};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    nnet_socket_on(s, types[i], rec_fn, r);
}

static nnet_socket_t *new_socket(uv_loop_t *loop, nnet_abort_controller_t *ac) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  so.signal = ac;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  return s;
}

static int closed_port(void) {
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  cu_close(&l);
  return port;
}

static void connect_tcp(nnet_socket_t *s, int port) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(s, &o, NULL, NULL), 0);
}

/* Node: new net.Socket().destroy() -> 'close' undefined. */
START_TEST(destroy_before_connect) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s = new_socket(&loop, NULL);
  rec_t r;
  rec(s, &r);
  nnet_socket_destroy(s, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "close:undefined");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: new net.Socket().destroy(err) -> 'error', then 'close' undefined. */
START_TEST(destroy_error_before_connect) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s = new_socket(&loop, NULL);
  rec_t r;
  rec(s, &r);
  nnet_socket_destroy(s, UV_ECANCELED);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error:ECANCELED,close:undefined");
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: new net.Socket({signal: aborted}) -> ABORT_ERR, 'close' undefined. */
START_TEST(pre_aborted_signal) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_socket_t *s = new_socket(&loop, ac);
  rec_t r;
  rec(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error:ABORT_ERR,close:undefined");
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20/26: net.connect({port: <refused>, host, signal: aborted}) emits
 * error ABORT_ERR, close undefined, connectionAttempt, close true. We emit
 * the first two only: one 'close', no connection attempt. */
START_TEST(pre_aborted_then_connect_fails_tcp) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_socket_t *s = new_socket(&loop, ac);
  rec_t r;
  rec(s, &r);
  connect_tcp(s, closed_port());
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error:ABORT_ERR,close:undefined");
  ck_assert_int_eq(r.closes, 1);
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Same with a Unix path that does not exist (Node: error ABORT_ERR, close
 * undefined, close true). */
START_TEST(pre_aborted_then_connect_fails_unix) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  nnet_socket_t *s = new_socket(&loop, ac);
  rec_t r;
  rec(s, &r);
  char path[300];
  snprintf(path, sizeof path, "%s/none.sock", nnet_test_tmpdir());
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = path;
  ck_assert_int_eq(nnet_socket_connect(s, &o, NULL, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace, "error:ABORT_ERR,close:undefined");
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: a handle existed -> hadError is a boolean: connect then destroy()
 * (false), refused (true), aborted while connecting (true). */
static void abort_now(const nnet_event_t *ev, void *ctx) {
  nnet_abort_controller_abort(ctx);
}

START_TEST(with_handle_boolean) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int port = closed_port();
  nnet_socket_t *a = new_socket(&loop, NULL);
  rec_t ra;
  rec(a, &ra);
  connect_tcp(a, port);
  nnet_socket_destroy(a, 0);
  nnet_socket_t *b = new_socket(&loop, NULL);
  rec_t rb;
  rec(b, &rb);
  connect_tcp(b, port);
  nnet_abort_controller_t *ac = nnet_abort_controller_new();
  nnet_socket_t *c = new_socket(&loop, ac);
  rec_t rc;
  rec(c, &rc);
  nnet_socket_on(c, NNET_EV_CONNECTION_ATTEMPT, abort_now, ac);
  connect_tcp(c, port);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(ra.trace, "close:false");
  ck_assert_str_eq(rb.trace, "connectionAttempt,error:ECONNREFUSED,close:true");
  ck_assert_str_eq(rc.trace, "connectionAttempt,error:ABORT_ERR,close:true");
  nnet_abort_controller_free(ac);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: destroyed before connect ('close' undefined), then connect() again
 * and refused: 'close' true. The "no argument" does not stick. */
static void reconnect(const nnet_event_t *ev, void *ctx) {
  int *port = ctx;
  if (*port == 0) return;
  connect_tcp(ev->target, *port);
  *port = 0;
}

START_TEST(reconnect_after_close_without_argument) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  int port = closed_port();
  nnet_socket_t *s = new_socket(&loop, NULL);
  rec_t r;
  rec(s, &r);
  nnet_socket_retain(s);
  nnet_socket_on(s, NNET_EV_CLOSE, reconnect, &port);
  nnet_socket_destroy(s, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(r.trace,
                   "close:undefined,connectionAttempt,error:ECONNREFUSED,"
                   "close:true");
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: server 'close' has no argument. */
static void srv_close(const nnet_event_t *ev, void *ctx) {
  int *n = ctx;
  (*n)++;
  ck_assert(!ev->u.close.has_had_error);
  ck_assert(!ev->u.close.had_error);
}

START_TEST(server_close_has_no_argument) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &loop;
  nnet_server_t *srv;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &srv), 0);
  int closes = 0;
  nnet_server_on(srv, NNET_EV_CLOSE, srv_close, &closes);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, NULL), 0);
  nnet_server_close(srv, NULL, NULL);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_close_payload");
  TCase *tc = tcase_create("close_payload");
  tcase_add_test(tc, destroy_before_connect);
  tcase_add_test(tc, destroy_error_before_connect);
  tcase_add_test(tc, pre_aborted_signal);
  tcase_add_test(tc, pre_aborted_then_connect_fails_tcp);
  tcase_add_test(tc, pre_aborted_then_connect_fails_unix);
  tcase_add_test(tc, with_handle_boolean);
  tcase_add_test(tc, reconnect_after_close_without_argument);
  tcase_add_test(tc, server_close_has_no_argument);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
