/* Twin of address_shapes.js: server.address() / socket.address() for IPv4,
 * IPv6, the default host, 0.0.0.0, ::, a Unix path; before listen and after
 * close. */
#include <string.h>

#include "trace.h"

static const char *const hosts[] = {"127.0.0.1", "::1", "default", "0.0.0.0",
                                    "::"};
static int hi;
static nnet_server_t *cur;
static const char *upath;

static const char *shape_sa(const nnet_socketaddress_t *sa) {
  return tr_fmt("{address:%s,family:\"%s\",port:%s,keys:address|family|port}",
                tr_q(sa->address), tr_family((int)sa->family),
                sa->port > 0 ? "N>0" : "0");
}

static const char *shape_server(const nnet_server_t *s) {
  nnet_socketaddress_t sa;
  return nnet_server_address(s, &sa) == 0 ? shape_sa(&sa) : "null";
}

static const char *shape_socket(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  return nnet_socket_address(s, &sa) == 0 ? shape_sa(&sa) : "{}";
}

static const char *host(void) {
  return hosts[hi];
}

static void next(void);

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("main",
         "[%s] accepted address() %s remoteFamily %s remoteAddress %s "
         "localAddress %s",
         host(), shape_socket(c), tr_remote_family(c), tr_remote_address(c),
         tr_local_address(c));
  nnet_socket_end(c, NULL, 0, NULL, NULL);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  nnet_socketaddress_t ra;
  bool same = nnet_socket_remote_address(c, &ra) == 0 &&
              (int)ra.port == tr_server_port(cur);
  tr_log("main",
         "[%s] client address() %s localFamily %s remoteAddress %s "
         "remoteFamily %s remotePort==server %s",
         host(), shape_socket(c), tr_local_family(c), tr_remote_address(c),
         tr_remote_family(c), tr_bool(same));
}

static void tcp_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("main", "[%s] after close %s", host(), shape_server(srv));
  hi++;
  next();
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(cur, tcp_closed, NULL);
}

static void tcp_listening(const nnet_event_t *ev, void *ctx) {
  const char *h = host();
  tr_log("main", "[%s] server.address() %s", h, shape_server(cur));
  const char *target = strcmp(h, "default") == 0 || strcmp(h, "0.0.0.0") == 0
                           ? "127.0.0.1"
                       : strcmp(h, "::") == 0 ? "::1"
                                              : h;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = tr_server_port(cur);
  o.host = target;
  nnet_socket_t *c = NULL;
  if (nnet_create_connection(NULL, &o, client_connect, NULL, &c) < 0) {
    tr_log("main", "CONNECT-FAILED");
    return;
  }
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
}

/* ---- unix ---- */

static void unix_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("main", "[unix] after close %s", tr_server_address(srv));
}

static void unix_client_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(cur, unix_closed, NULL);
}

static void unix_client_connect(const nnet_event_t *ev, void *ctx) {
  tr_log("main", "[unix] client address() %s", tr_socket_address(ev->target));
}

static void unix_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static void unix_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("main", "[unix] server.address() %s", tr_server_address(cur));
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = upath;
  nnet_socket_t *c = NULL;
  if (nnet_create_connection(NULL, &o, unix_client_connect, NULL, &c) < 0) {
    tr_log("main", "CONNECT-FAILED");
    return;
  }
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, unix_client_close, NULL);
}

static void next(void) {
  if (hi < 5) {
    cur = tr_create_server(NULL, on_connection, NULL);
    bool dflt = strcmp(host(), "default") == 0;
    tr_listen(cur, 0, dflt ? NULL : host(), tcp_listening, NULL);
    return;
  }
  upath = tr_tmp_path("addr.sock");
  cur = tr_create_server(NULL, unix_conn, NULL);
  tr_listen_path(cur, upath, unix_listening, NULL);
}

int main(void) {
  tr_init();
  nnet_server_t *s0 = tr_create_server(NULL, NULL, NULL);
  tr_log("main", "before listen %s", shape_server(s0));
  /* Node lets s0 be collected; closing a never-listening server emits
   * 'close' with nothing listening. */
  nnet_server_close(s0, NULL, NULL);
  next();
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
