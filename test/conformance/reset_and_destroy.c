/* Twin of reset_and_destroy.js: resetAndDestroy() closes without error
 * locally; the peer sees ECONNRESET then 'close' hadError=true. */
#include "trace.h"

static nnet_server_t *server;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  int rc = nnet_socket_reset_and_destroy(c);
  tr_log("client", "resetAndDestroy returns this %s", tr_bool(rc >= 0));
  tr_log("client", "destroyed %s", tr_bool(nnet_socket_is_destroyed(c)));
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
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
