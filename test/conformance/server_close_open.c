/* Twin of server_close_open.js: close() with a connection open stops
 * listening at once; 'close' and its callback wait for the connection. */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t timer;

static void close_cb(nnet_server_t *srv, int status, void *ctx) {
  tr_log("server", "close callback %s",
         status == 0 ? "err=undefined" : tr_sync_err(status, (char *)NULL));
}

static void second_close_cb(nnet_server_t *srv, int status, void *ctx) {
  tr_log("main", "second close %s",
         status == 0 ? "err=undefined"
                     : tr_sync_err(status, "ERR_SERVER_NOT_RUNNING",
                                   "Server is not running.", (char *)NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch(c, "sconn", NULL);
  nnet_server_close(server, close_cb, NULL);
  tr_log("server", "close() called, listening %s",
         tr_bool(nnet_server_is_listening(server)));
  nnet_socket_end(c, "bye", 3, NULL, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close event");
}

/* The client has closed by now (allowHalfOpen false): JS keeps the object
 * alive for the timer; C must retain it (it is freed after 'close'). */
static void later_end(uv_timer_t *t) {
  nnet_socket_end(t->data, NULL, 0, NULL, NULL);
  nnet_socket_release(t->data);
  uv_close((uv_handle_t *)t, NULL);
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  uv_timer_init(tr_loop(), &timer);
  timer.data = ev->target;
  nnet_socket_retain(ev->target);
  uv_timer_start(&timer, later_end, 50, 0);
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, second_close_cb, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_END, client_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
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
