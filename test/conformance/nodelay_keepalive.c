/* Twin of nodelay_keepalive.js: noDelay/keepAlive options, and
 * setNoDelay/setKeepAlive before connect, while connecting, after close. */
#include "trace.h"

static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn", "connection");
  int a = nnet_socket_set_no_delay(c, true);
  int b = nnet_socket_set_keep_alive(c, true, 500);
  tr_log("sconn", "setNoDelay returns this %s setKeepAlive returns this %s",
         tr_bool(a >= 0), tr_bool(b >= 0));
  nnet_socket_end(c, "ok", 2, NULL, NULL);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  int a = nnet_socket_set_no_delay(c, true);
  int b = nnet_socket_set_keep_alive(c, true, 1000);
  tr_log("client", "connect setNoDelay %s setKeepAlive %s", tr_bool(a >= 0),
         tr_bool(b >= 0));
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  int a = nnet_socket_set_no_delay(c, true);
  int b = nnet_socket_set_keep_alive(c, true, 0);
  /* bufferSize is undefined once the handle is gone (Node's getter). */
  const char *bs = nnet_socket_is_destroyed(c)
                       ? "undefined"
                       : tr_fmt("%zu", nnet_socket_writable_length(c));
  const char *ra = tr_remote_address(c);
  tr_log("client",
         "after close setNoDelay %s setKeepAlive %s address() %s bufferSize "
         "%s remoteAddress %s",
         tr_bool(a >= 0), tr_bool(b >= 0), tr_socket_address(c), bs,
         ra[0] == 'u' ? ra : tr_q(ra));
  nnet_socket_pause(c);
  nnet_socket_resume(c);
  tr_log("client", "pause/resume after close ok");
  nnet_server_close(server, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *pre = NULL;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  if (nnet_socket_new(&so, &pre) == 0) {
    int a = nnet_socket_set_no_delay(pre, true);
    int b = nnet_socket_set_keep_alive(pre, true, 100);
    tr_log("client", "pre-connect setNoDelay %s setKeepAlive %s",
           tr_bool(a >= 0), tr_bool(b >= 0));
    nnet_socket_destroy(pre, 0); /* Node lets it be collected */
  }
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  o.no_delay = true;
  o.keep_alive = true;
  o.keep_alive_initial_delay = 2000;
  nnet_socket_t *c = NULL;
  if (nnet_create_connection(NULL, &o, NULL, NULL, &c) < 0) {
    tr_log("main", "CONNECT-FAILED");
    return;
  }
  int a = nnet_socket_set_no_delay(c, false);
  int b = nnet_socket_set_keep_alive(c, false, 0);
  tr_log("client",
         "setNoDelay while connecting %s setKeepAlive while connecting %s",
         tr_bool(a >= 0), tr_bool(b >= 0));
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
}

int main(void) {
  tr_init();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.no_delay = true;
  so.keep_alive = true;
  so.keep_alive_initial_delay = 1000;
  server = tr_create_server(&so, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
