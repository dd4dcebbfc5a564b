/* Twin of half_open_false.js: allowHalfOpen=false on both sides; FIN makes
 * the server end its side automatically, then both close. */
#include "trace.h"

static nnet_server_t *server;

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("sconn", "end: writableEnded %s destroyed %s", tr_writable_ended(c),
         tr_bool(nnet_socket_is_destroyed(c)));
}

static void sconn_finish(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "finish: destroyed %s",
         tr_bool(nnet_socket_is_destroyed(ev->target)));
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn", "allowHalfOpen %s", tr_allow_half_open(c));
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_FINISH, sconn_finish, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, "abc", 3, NULL, NULL);
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client", "end: destroyed %s readyState %s",
         tr_bool(nnet_socket_is_destroyed(c)), nnet_socket_ready_state(c));
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  nnet_socket_t *c = NULL;
  if (nnet_create_connection(NULL, &o, NULL, NULL, &c) < 0) {
    tr_log("main", "CONNECT-FAILED");
    return;
  }
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(c, NNET_EV_END, client_end, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
