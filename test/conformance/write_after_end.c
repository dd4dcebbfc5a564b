/* Twin of write_after_end.js: write() after end() fails asynchronously with
 * ERR_STREAM_WRITE_AFTER_END, 'error' follows, 'close' has hadError. */
#include "trace.h"

static nnet_server_t *server;
static bool sync_phase;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

/* The callback gets only a status; Node's err object is the socket's
 * error for that code, so print it as the sync error shape. */
static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("client", "write callback sync=%s %s", tr_bool(sync_phase),
         tr_sync_err(status, "ERR_STREAM_WRITE_AFTER_END", "write after end",
                     (char *)NULL));
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  nnet_socket_end(c, "x", 1, NULL, NULL);
  sync_phase = true;
  int r = nnet_socket_write(c, "more", 4, write_cb, NULL);
  sync_phase = false;
  tr_log("client", "write returned %s writableEnded %s destroyed %s",
         tr_bool(r == 1), tr_writable_ended(c),
         tr_bool(nnet_socket_is_destroyed(c)));
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
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
