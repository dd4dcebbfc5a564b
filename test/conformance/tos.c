/* Twin of tos.js: nnet_socket_set_type_of_service / get on a socket never
 * connected, on connected TCP sockets over 127.0.0.1 and ::1, out-of-range
 * values, and the type_of_service connect option. Errors: code name only.
 * Left out (see tos.js): get between connect() and 'connect'. */
#include "trace.h"

static const int values[] = {0, 0x10, 0xb8, 255};
static nnet_server_t *server;
static nnet_socket_t *cli;
static const char *host, *fam;
static int port;
static void phase(const char *h, const char *f);

static const char *code(int rc) {
  return rc < 0 ? tr_fmt("code=%s", nnet_err_name(rc)) : "ok";
}

static const char *tos(const nnet_socket_t *s) {
  int v = nnet_socket_get_type_of_service(s);
  return v < 0 ? tr_fmt("<get %s>", nnet_err_name(v)) : tr_fmt("%d", v);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "%s accepted tos %s", fam, tos(ev->u.connection.socket));
}

static void server_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("server", "%s close", fam);
  if (host[0] != ':') phase("::1", "IPv6");
}

static void opt_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *o = ev->target;
  tr_log("client", "%s option 0x28 connect tos %s", fam, tos(o));
  nnet_socket_destroy(o, 0);
  nnet_socket_destroy(cli, 0);
  const char *before = tos(cli);
  int rc = nnet_socket_set_type_of_service(cli, 0x10);
  tr_log("client", "%s after destroy get %s set 16 %s get %s", fam, before,
         code(rc), tos(cli));
  nnet_server_close(server, server_closed, NULL);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "%s connect tos %s", fam, tos(cli));
  for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
    int rc = nnet_socket_set_type_of_service(cli, values[i]);
    tr_log("client", "%s set %d %s get %s", fam, values[i], code(rc), tos(cli));
  }
  static const int bad[] = {-1, 256};
  for (size_t i = 0; i < 2; i++) {
    int rc = nnet_socket_set_type_of_service(cli, bad[i]);
    tr_log("client", "%s set %d %s get %s", fam, bad[i], code(rc), tos(cli));
  }
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = host;
  o.type_of_service = 0x28;
  nnet_socket_t *s = NULL;
  if (nnet_create_connection(NULL, &o, opt_connect, NULL, &s) < 0) tr_exit(97);
}

static void listening(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(server);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = host;
  nnet_socket_t *s = NULL;
  o.type_of_service = 256;
  tr_log("main", "%s connect option 256 %s", fam,
         code(nnet_create_connection(NULL, &o, NULL, NULL, &s)));
  o.type_of_service = -1;
  tr_log("main", "%s connect option -1 %s", fam,
         code(nnet_create_connection(NULL, &o, NULL, NULL, &s)));
  o.type_of_service = 0;
  cli = tr_connect(port, host);
  nnet_socket_retain(cli); /* read after its destroy, as JS keeps it */
  nnet_socket_on(cli, NNET_EV_CONNECT, client_connect, NULL);
}

static void phase(const char *h, const char *f) {
  host = h;
  fam = f;
  if (cli) nnet_socket_release(cli);
  cli = NULL;
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, host, listening, NULL);
}

int main(void) {
  tr_init();
  nnet_socket_t *pre = NULL;
  if (nnet_socket_new(NULL, &pre) != 0) tr_exit(97);
  tr_log("main", "pre get %s", tos(pre));
  int rc = nnet_socket_set_type_of_service(pre, 0x10);
  tr_log("main", "pre set 16 %s get %s", code(rc), tos(pre));
  rc = nnet_socket_set_type_of_service(pre, 256);
  tr_log("main", "pre set 256 %s get %s", code(rc), tos(pre));
  nnet_socket_destroy(pre, 0);

  phase("127.0.0.1", "IPv4");
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  if (cli) nnet_socket_release(cli);
  int code_ = tr_finish(0);
  return tr_teardown() ? 1 : code_;
}
