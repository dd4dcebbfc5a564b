/* Twin of bound_listen.js: nnet_listen_opts_t.bound (TCP and Unix), the
 * adopted shell, ERR_SERVER_ALREADY_LISTEN, a signal that is not looked
 * at. */
#include <sys/stat.h>

#include "trace.h"

static const char *adopted_msg =
    "The bound socket has already been adopted by a server or socket";
static nnet_server_t *server, *us, *ss;
static const char *p;
static nnet_abort_controller_t *ac;
static uv_timer_t timer;

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static nnet_bound_socket_t *bound_tcp(void) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.host = "127.0.0.1";
  nnet_bound_socket_t *b;
  if (nnet_bound_socket_new(&o, &b) != 0) tr_exit(97);
  return b;
}

static int listen_bound(nnet_server_t *srv, nnet_bound_socket_t *b,
                        nnet_listener_fn cb) {
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = b;
  lo.signal = srv == ss ? ac : NULL;
  return nnet_server_listen(srv, &lo, cb, NULL);
}

static void adopted_result(const char *what, int rc, const char *ok) {
  if (rc >= 0)
    tr_ok("main", what, ok);
  else
    tr_throws("main", what, rc, "ERR_SOCKET_HANDLE_ADOPTED", adopted_msg,
              "ERR_SERVER_ALREADY_LISTEN",
              "Listen method has been called more than once without closing.",
              NULL);
}

/* ---- the aborted signal ---- */

static void ss_close(const nnet_event_t *ev, void *ctx) {
  tr_log("signal", "close");
}

static void ss_later(uv_timer_t *t) {
  tr_log("signal", "still listening %s", tr_bool(nnet_server_is_listening(ss)));
  nnet_server_close(ss, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
  nnet_abort_controller_free(ac);
}

static void ss_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("signal", "listening %s", tr_bool(nnet_server_is_listening(ss)));
  uv_timer_init(tr_loop(), &timer);
  uv_timer_start(&timer, ss_later, 20, 0);
}

static void signal_part(void) {
  ac = nnet_abort_controller_new();
  nnet_abort_controller_abort(ac);
  ss = tr_create_server(NULL, NULL, NULL);
  nnet_server_on(ss, NNET_EV_CLOSE, ss_close, NULL);
  nnet_bound_socket_t *b = bound_tcp();
  if (listen_bound(ss, b, ss_listening) != 0) tr_exit(97);
  nnet_bound_socket_free(b);
}

/* ---- Unix ---- */

static void us_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("unix", "closed, exists %s", tr_bool(exists(p)));
  signal_part();
}

static void uc_end(const nnet_event_t *ev, void *ctx) {
  tr_log("unix", "client end");
}

static void uc_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(us, us_closed, NULL);
}

static void us_conn(const nnet_event_t *ev, void *ctx) {
  tr_log("unix", "connection");
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static void us_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("unix", "listening %s exists %s", tr_server_address(us),
         tr_bool(exists(p)));
  nnet_socket_t *uc;
  if (nnet_create_connection_path(tr_loop(), p, &uc) != 0) tr_exit(97);
  nnet_socket_resume(uc);
  nnet_socket_on(uc, NNET_EV_END, uc_end, NULL);
  nnet_socket_on(uc, NNET_EV_CLOSE, uc_close, NULL);
}

static void unix_part(nnet_server_t *srv, int status, void *ctx) {
  p = tr_tmp_path("srv.sock");
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.path = p;
  nnet_bound_socket_t *pb;
  if (nnet_bound_socket_new(&o, &pb) != 0) tr_exit(97);
  us = tr_create_server(NULL, us_conn, NULL);
  if (listen_bound(us, pb, us_listening) != 0) tr_exit(97);
  nnet_bound_socket_free(pb);
}

/* ---- TCP ---- */

static void on_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("server", "connection");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "sconn", &o);
  nnet_socket_end(c, "hi", 2, NULL, NULL);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "listening event");
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, unix_part, NULL);
}

int main(void) {
  tr_init();
  nnet_bound_socket_t *b = bound_tcp();
  nnet_socketaddress_t sa;
  nnet_bound_socket_address(b, &sa);
  int port = sa.port;
  tr_label_port(port);
  server = tr_create_server(NULL, on_conn, NULL);
  nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_close, NULL);
  adopted_result("listen(bound)", listen_bound(server, b, NULL), "[Server]");
  tr_log("main", "listening %s address %s",
         tr_bool(nnet_server_is_listening(server)), tr_server_address(server));
  adopted_result("bound.address()", nnet_bound_socket_address(b, &sa), "");
  adopted_result("bound.fd()", nnet_bound_socket_fd(b), "");
  adopted_result("bound.close()", nnet_bound_socket_close(b), "");
  nnet_server_t *other = tr_create_server(NULL, NULL, NULL);
  adopted_result("other.listen(adopted)", listen_bound(other, b, NULL),
                 "[Server]");
  tr_log("main", "other listening %s",
         tr_bool(nnet_server_is_listening(other)));
  nnet_server_close(other, NULL, NULL);
  nnet_bound_socket_free(b);
  nnet_bound_socket_t *fresh = bound_tcp();
  adopted_result("listen again", listen_bound(server, fresh, NULL), "[Server]");
  if (nnet_bound_socket_address(fresh, &sa) == 0)
    tr_log("main", "fresh still usable %s", sa.address);
  nnet_bound_socket_free(fresh);

  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "client", &o);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
