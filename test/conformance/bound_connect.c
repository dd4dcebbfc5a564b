/* Twin of bound_connect.js: nnet_socket_opts_t.bound — connect() from the
 * bound address and port, in the call for an IP literal; refused local
 * options; ECONNREFUSED, a lookup, a family mismatch; a Unix one. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "trace.h"

static const char *adopted_msg =
    "The bound socket has already been adopted by a server or socket";
static nnet_server_t *server, *us;
static int port;
static const char *sp, *cp, *cp0;

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static nnet_bound_socket_t *bound(const char *host, const char *path) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.host = host;
  o.path = path;
  nnet_bound_socket_t *b;
  if (nnet_bound_socket_new(&o, &b) != 0) tr_exit(97);
  return b;
}

static int bound_port(nnet_bound_socket_t *b) {
  nnet_socketaddress_t sa;
  return nnet_bound_socket_address(b, &sa) == 0 ? sa.port : -1;
}

static int adopt(nnet_bound_socket_t *b, nnet_socket_t **out) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.bound = b;
  return nnet_socket_new(&so, out);
}

/* new net.Socket({handle: b}); b is freed (the socket has what it needs). */
static nnet_socket_t *adopted(nnet_bound_socket_t *b) {
  nnet_socket_t *s;
  if (adopt(b, &s) != 0) tr_exit(97);
  nnet_bound_socket_free(b);
  return s;
}

static void watch(nnet_socket_t *s, const char *who) {
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(s, who, &o);
}

static void on_attempt(const nnet_event_t *ev, void *ctx) {
  tr_log(ctx, "connectionAttempt %s %d %d", ev->u.attempt.address,
         ev->u.attempt.port, ev->u.attempt.family);
}

static int connect_tcp(nnet_socket_t *s, int p, const char *host, int family,
                       int local_port, const char *local_address) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = p;
  o.host = host;
  o.family = family;
  o.local_port = local_port;
  o.local_address = local_address;
  return nnet_socket_connect(s, &o, NULL, NULL);
}

static void local_throw(const char *what, int rc, const char *rest) {
  tr_throws("main", what, rc, "ERR_INVALID_ARG_VALUE",
            tr_fmt("The argument 'options' localAddress and localPort cannot "
                   "be used with an adopted bound socket. Received { port: "
                   "%d, host: '127.0.0.1', %s }",
                   port, rest),
            NULL);
}

/* ---- Unix ---- */

static void unix_close(const nnet_event_t *ev, void *ctx) {
  tr_log("unix", "after close: bound file exists %s %s", tr_bool(exists(cp)),
         tr_bool(exists(cp0)));
  nnet_server_close(us, NULL, NULL);
}

static void us_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, "x", 1, NULL, NULL);
}

static void us_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s0 = adopted(bound(NULL, cp0));
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = 80;
  int rc = nnet_socket_connect(s0, &o, NULL, NULL);
  if (rc == 0)
    tr_ok("main", "unix connect without path", "[Socket]");
  else
    tr_throws("main", "unix connect without path", rc, "ERR_INVALID_ARG_TYPE",
              "The \"options.path\" property must be of type string. "
              "Received undefined",
              NULL);
  nnet_socket_destroy(s0, 0);
  nnet_socket_t *s = adopted(bound(NULL, cp));
  tr_log("unix", "bound file exists %s", tr_bool(exists(cp)));
  watch(s, "unix");
  nnet_connect_opts_init(&o);
  o.path = sp;
  if (nnet_socket_connect(s, &o, NULL, NULL) != 0) tr_exit(97);
  nnet_socket_on(s, NNET_EV_CLOSE, unix_close, NULL);
}

static void unix_part(nnet_server_t *srv, int status, void *ctx) {
  sp = tr_tmp_path("srv.sock");
  cp = tr_fmt("%.*scli.sock", (int)(strlen(sp) - 8), sp);
  static char cpbuf[256], cp0buf[256];
  snprintf(cpbuf, sizeof cpbuf, "%s", cp);
  snprintf(cp0buf, sizeof cp0buf, "%s0", cp);
  cp = cpbuf;
  cp0 = cp0buf;
  us = tr_create_server(NULL, us_conn, NULL);
  tr_listen_path(us, sp, us_listening, NULL);
}

/* ---- TCP ---- */

static void v6_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, unix_part, NULL);
}

static void wrong_family(const nnet_event_t *ev, void *ctx) {
  nnet_bound_socket_t *b = bound("::1", NULL);
  tr_label(tr_fmt("%d", bound_port(b)), "V6PORT");
  nnet_socket_t *s = adopted(b);
  watch(s, "v6");
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, "v6");
  connect_tcp(s, port, "127.0.0.1", 0, 0, NULL);
  nnet_socket_on(s, NNET_EV_CLOSE, v6_close, NULL);
}

static void by_name(const nnet_event_t *ev, void *ctx) {
  nnet_bound_socket_t *b = bound("127.0.0.1", NULL);
  tr_label(tr_fmt("%d", bound_port(b)), "NPORT");
  nnet_socket_t *s = adopted(b);
  watch(s, "byname");
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, "byname");
  connect_tcp(s, port, "localhost", 4, 0, NULL);
  size_t n = nnet_socket_attempted_address_count(s);
  tr_log("byname", "attempted %s", n == 0 ? "undefined" : "[...]");
  nnet_socket_on(s, NNET_EV_CLOSE, wrong_family, NULL);
}

static void refused(const nnet_event_t *ev, void *ctx) {
  nnet_bound_socket_t *t = bound("127.0.0.1", NULL);
  int cport = bound_port(t);
  tr_label(tr_fmt("%d", cport), "CPORT");
  nnet_bound_socket_free(t);
  nnet_socket_t *s = adopted(bound("127.0.0.1", NULL));
  watch(s, "refused");
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, "refused");
  connect_tcp(s, cport, "127.0.0.1", 0, 0, NULL);
  nnet_socket_on(s, NNET_EV_CLOSE, by_name, NULL);
}

static void on_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("server", "connection remotePort %s", tr_remote_port(c));
  nnet_socket_end(c, "hi", 2, NULL, NULL);
}

static void listening(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(server);
  tr_label_port(port);
  nnet_bound_socket_t *b = bound("127.0.0.1", NULL);
  tr_label(tr_fmt("%d", bound_port(b)), "BPORT");
  nnet_socket_t *s;
  if (adopt(b, &s) != 0) tr_exit(97);
  tr_log("client",
         "before connect: pending %s connecting %s readyState %s address %s",
         tr_bool(nnet_socket_is_pending(s)),
         tr_bool(nnet_socket_is_connecting(s)), nnet_socket_ready_state(s),
         tr_socket_address(s));
  nnet_socketaddress_t sa;
  int rc = nnet_bound_socket_address(b, &sa);
  if (rc == 0)
    tr_ok("main", "bound.address()", tr_addr_json(&sa));
  else
    tr_throws("main", "bound.address()", rc, "ERR_SOCKET_HANDLE_ADOPTED",
              adopted_msg, NULL);
  nnet_socket_t *s2 = NULL;
  rc = adopt(b, &s2);
  if (rc == 0)
    tr_ok("main", "second adopter", "[Socket]");
  else
    tr_throws("main", "second adopter", rc, "ERR_SOCKET_HANDLE_ADOPTED",
              adopted_msg, NULL);
  nnet_bound_socket_free(b);

  nnet_socket_t *s0 = adopted(bound("127.0.0.1", NULL));
  local_throw("connect with localPort",
              connect_tcp(s0, port, "127.0.0.1", 0, 5, NULL), "localPort: 5");
  local_throw("connect with localAddress",
              connect_tcp(s0, port, "127.0.0.1", 0, 0, "127.0.0.1"),
              "localAddress: '127.0.0.1'");
  nnet_socket_destroy(s0, 0);

  watch(s, "client");
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, "client");
  connect_tcp(s, port, "127.0.0.1", 0, 0, NULL);
  tr_log("client", "connect() returned: localPort %s connecting %s",
         tr_local_port(s), tr_bool(nnet_socket_is_connecting(s)));
  nnet_socket_on(s, NNET_EV_CLOSE, refused, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_conn, NULL);
  tr_listen(server, 0, "127.0.0.1", listening, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
