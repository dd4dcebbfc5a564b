/* Twin of echo_basic.js: TCP echo over 127.0.0.1, allowHalfOpen=false. */
#include "trace.h"

static nnet_server_t *server;

static void sconn_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("server",
         "connection remoteAddress=%s remoteFamily=%s localAddress=%s "
         "localPort=%s",
         tr_remote_address(c), tr_remote_family(c), tr_local_address(c),
         tr_local_port(c));
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.each_data = true;
  tr_watch(c, "sconn", &o);
  nnet_socket_on(c, NNET_EV_DATA, sconn_data, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "listening");
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client", "remote %s %s %s", tr_remote_address(c), tr_remote_port(c),
         tr_remote_family(c));
  nnet_socket_write(c, "hello", 5, NULL, NULL);
}

static void client_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  tr_log("server", "listen-callback %s", tr_server_address(server));
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.each_data = true;
  tr_watch(c, "client", &o);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(c, NNET_EV_DATA, client_data, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
