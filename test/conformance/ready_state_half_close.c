/* Twin of ready_state_half_close.js: readyState through a half-close with
 * allowHalfOpen=true on both sides. */
#include "trace.h"

static nnet_server_t *server;

static const char *rs(const nnet_socket_t *s) {
  return nnet_socket_ready_state(s);
}

static void sconn_end_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("sconn", "end cb readyState %s", rs(s));
}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("sconn", "end readyState %s", rs(c));
  nnet_socket_end(c, "x", 1, sconn_end_cb, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "close readyState %s", rs(ev->target));
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn", "connection readyState %s", rs(c));
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
  nnet_socket_resume(c);
}

static void client_end_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("client", "end cb readyState %s", rs(s));
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client", "connect readyState %s", rs(c));
  nnet_socket_end(c, NULL, 0, client_end_cb, NULL);
  tr_log("client", "after end() readyState %s", rs(c));
}

static void client_data(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "data %s", tr_hex(ev->u.data.base, ev->u.data.len));
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "end readyState %s", rs(ev->target));
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "close readyState %s", rs(ev->target));
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(&so, &c) < 0) return;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  nnet_socket_connect(c, &o, NULL, NULL);
  tr_log("client", "initial readyState %s", rs(c));
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(c, NNET_EV_DATA, client_data, NULL);
  nnet_socket_on(c, NNET_EV_END, client_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
}

int main(void) {
  tr_init();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.allow_half_open = true;
  server = tr_create_server(&so, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
