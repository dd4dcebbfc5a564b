/* Twin of half_open_true.js: the server (allowHalfOpen=true) keeps writing
 * after 'end'; the client (false) still receives the late data. */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t late_timer;

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("sconn", "end callback");
}

static void late(uv_timer_t *t) {
  nnet_socket_t *c = t->data;
  int r = nnet_socket_write(c, "late-data", 9, NULL, NULL);
  tr_log("sconn", "late write returned %s", tr_bool(r == 1));
  nnet_socket_end(c, "bye", 3, end_cb, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("sconn", "after-end readyState %s writable %s readable %s",
         nnet_socket_ready_state(c), tr_writable(c), tr_readable(c));
  uv_timer_init(tr_loop(), &late_timer);
  late_timer.data = c;
  uv_timer_start(&late_timer, late, 50, 0);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn", "allowHalfOpen %s", tr_allow_half_open(c));
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  nnet_socket_end(c, "ping", 4, NULL, NULL);
  tr_log("client", "after-end() readyState %s writable %s writableEnded %s",
         nnet_socket_ready_state(c), tr_writable(c), tr_writable_ended(c));
}

static void client_finish(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "finish readyState %s", nnet_socket_ready_state(ev->target));
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_log("client", "allowHalfOpen %s", tr_allow_half_open(c));
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(c, NNET_EV_FINISH, client_finish, NULL);
}

int main(void) {
  tr_init();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.allow_half_open = true;
  server = tr_create_server(&so, on_connection, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
