/* Twin of bound_basic.js: nnet_bound_socket_new() validation, address(),
 * close(), synchronous EADDRINUSE (TCP and paths), the adopted shell. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trace.h"

static const char *adopted_msg =
    "The bound socket has already been adopted by a server or socket";
static nnet_server_t *server, *rs;
static const char *p;
static int port, rport;

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static int make(nnet_bound_socket_opts_t *o, nnet_bound_socket_t **out) {
  return nnet_bound_socket_new(o, out);
}

static void sys_result(const char *what, int rc) {
  if (rc == 0)
    tr_log("main", "%s ok", what);
  else
    tr_log("main", "%s throws code=%s", what, nnet_err_name(rc));
}

/* sysThrow(what, () => new net.BoundSocket(o)[.close()]) */
static void sys_throw(const char *what, nnet_bound_socket_opts_t *o) {
  nnet_bound_socket_t *b = NULL;
  int rc = make(o, &b);
  nnet_bound_socket_free(b);
  sys_result(what, rc);
}

static void adopted_result(const char *what, int rc) {
  if (rc >= 0)
    tr_ok("main", what, "");
  else
    tr_throws("main", what, rc, "ERR_SOCKET_HANDLE_ADOPTED", adopted_msg, NULL);
}

static nnet_bound_socket_opts_t tcp_opts(const char *host, int port_) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.host = host;
  o.port = port_;
  return o;
}

static void server_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("server", "close");
}

static void rs_listening(const nnet_event_t *ev, void *ctx) {
  nnet_bound_socket_opts_t o = tcp_opts("127.0.0.1", rport);
  o.reuse_port = true;
  sys_throw("reusePort on both", &o);
  nnet_server_close(rs, NULL, NULL);
}

static void pipe_part(void) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.path = p;
  nnet_bound_socket_t *pb;
  if (make(&o, &pb) != 0) tr_exit(97);
  char got[256];
  int n = nnet_bound_socket_address_path(pb, got, sizeof got);
  tr_log("main", "path address %s isPipe %s exists %s",
         n >= 0 ? tr_qn(got, (size_t)n) : "?",
         tr_bool(nnet_bound_socket_is_pipe(pb)), tr_bool(exists(p)));
  sys_throw("path in use", &o);
  adopted_result("close path", nnet_bound_socket_close(pb));
  tr_log("main", "after close exists %s isPipe %s", tr_bool(exists(p)),
         tr_bool(nnet_bound_socket_is_pipe(pb)));
  adopted_result("path address after close",
                 nnet_bound_socket_address_path(pb, got, sizeof got));
  nnet_bound_socket_free(pb);

  char longp[112];
  memset(longp, 'x', sizeof longp);
  longp[0] = '/';
  longp[109] = '\0';
  o.path = longp;
  sys_throw("path too long", &o);
  o.path = "/tmp/a\0b";
  o.path_len = 8;
  sys_throw("path with NUL", &o);
  o.path = tr_fmt("%s.d/x.sock", p);
  o.path_len = 0;
  sys_throw("missing directory", &o);

  char abs[64];
  int len = snprintf(abs, sizeof abs, "@nnet-bound-basic-%d", (int)getpid());
  abs[0] = '\0';
  tr_label(tr_fmt("%d", (int)getpid()), "PID");
  o.path = abs;
  o.path_len = (size_t)len;
  nnet_bound_socket_t *ab;
  if (make(&o, &ab) != 0) tr_exit(97);
  n = nnet_bound_socket_address_path(ab, got, sizeof got);
  tr_log("main", "abstract address %s", n >= 0 ? tr_qn(got, (size_t)n) : "?");
  sys_throw("abstract in use", &o);
  nnet_bound_socket_close(ab);
  nnet_bound_socket_free(ab);

  o.path = "";
  o.path_len = 0;
  nnet_bound_socket_t *autob;
  if (make(&o, &autob) != 0) tr_exit(97);
  n = nnet_bound_socket_address_path(autob, got, sizeof got);
  tr_log("main", "autobind address %s", n >= 0 ? tr_qn(got, (size_t)n) : "?");
  nnet_bound_socket_close(autob);
  nnet_bound_socket_free(autob);
}

static void listening(const nnet_event_t *ev, void *ctx) {
  nnet_bound_socket_opts_t o = tcp_opts("127.0.0.1", port);
  sys_throw("listening port", &o);
  o.reuse_port = true;
  sys_throw("listening port, reusePort", &o);
  nnet_server_close(server, server_closed, NULL);

  o = tcp_opts("127.0.0.1", 0);
  o.reuse_port = true;
  nnet_bound_socket_t *r;
  if (make(&o, &r) != 0) tr_exit(97);
  nnet_socketaddress_t sa;
  nnet_bound_socket_address(r, &sa);
  rport = sa.port;
  tr_label(tr_fmt("%d", rport), "RPORT");
  rs = tr_create_server(NULL, NULL, NULL);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = r;
  if (nnet_server_listen(rs, &lo, rs_listening, NULL) != 0) tr_exit(97);
  nnet_bound_socket_free(r);

  pipe_part();
}

int main(void) {
  tr_init();
  nnet_bound_socket_t *b;
  nnet_socketaddress_t sa;
  if (make(NULL, &b) != 0) tr_exit(97);
  nnet_bound_socket_address(b, &sa);
  tr_label(tr_fmt("%d", sa.port), "BPORT");
  tr_log("main", "default address %s isPipe %s fd>=0 %s", tr_addr_json(&sa),
         tr_bool(nnet_bound_socket_is_pipe(b)),
         tr_bool(nnet_bound_socket_fd(b) >= 0));
  adopted_result("close", nnet_bound_socket_close(b));
  adopted_result("close again", nnet_bound_socket_close(b));
  adopted_result("address after close", nnet_bound_socket_address(b, &sa));
  adopted_result("fd after close", nnet_bound_socket_fd(b));
  nnet_bound_socket_free(b);

  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.ipv6_only = true;
  if (make(&o, &b) != 0) tr_exit(97);
  nnet_bound_socket_address(b, &sa);
  tr_label(tr_fmt("%d", sa.port), "V6PORT");
  tr_log("main", "ipv6Only address %s", tr_addr_json(&sa));
  nnet_bound_socket_free(b);

  const char *host_msg =
      "The property 'options.host' must be a numeric IP address; "
      "net.BoundSocket does not perform DNS resolution. Received ";
  o = tcp_opts("localhost", -1);
  tr_throws("main", "host localhost", make(&o, &b), "ERR_INVALID_ARG_VALUE",
            tr_fmt("%s'localhost'", host_msg), NULL);
  o = tcp_opts("", -1);
  tr_throws("main", "host empty", make(&o, &b), "ERR_INVALID_ARG_VALUE",
            tr_fmt("%s''", host_msg), NULL);
  o = tcp_opts(NULL, 65536);
  tr_throws("main", "port 65536", make(&o, &b), "ERR_SOCKET_BAD_PORT",
            "options.port should be >= 0 and < 65536. Received type number "
            "(65536).",
            NULL);
  p = tr_tmp_path("b.sock");
  const char *excl =
      "The argument 'options' path is mutually exclusive with "
      "host, port, ipv6Only, and reusePort. Received ";
  nnet_bound_socket_opts_init(&o);
  o.path = p;
  o.port = 0;
  tr_throws("main", "path and port", make(&o, &b), "ERR_INVALID_ARG_VALUE",
            tr_fmt("%s{ path: '%s', port: 0 }", excl, p), NULL);
  o.port = -1;
  o.reuse_port = true;
  tr_throws("main", "path and reusePort", make(&o, &b), "ERR_INVALID_ARG_VALUE",
            tr_fmt("%s{ path: '%s', reusePort: true }", excl, p), NULL);

  nnet_bound_socket_t *a;
  o = tcp_opts("127.0.0.1", 0);
  if (make(&o, &a) != 0) tr_exit(97);
  nnet_bound_socket_address(a, &sa);
  port = sa.port;
  tr_label_port(port);
  o = tcp_opts("127.0.0.1", port);
  sys_throw("bound-only port", &o);
  server = tr_create_server(NULL, NULL, NULL);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = a;
  if (nnet_server_listen(server, &lo, listening, NULL) != 0) tr_exit(97);
  nnet_bound_socket_free(a);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
