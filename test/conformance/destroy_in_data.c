/* Twin of destroy_in_data.js: destroy() inside 'data'; later listeners of
 * that emit still run; no 'end'; 'close' once. */
#include "trace.h"

static nnet_server_t *server;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.no_total = true;
  tr_watch(c, "sconn", &o);
  nnet_socket_end(c, "abc", 3, NULL, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void data_destroy(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  nnet_socket_destroy(c, 0);
  tr_log("client", "destroyed in data %s readyState %s",
         tr_bool(nnet_socket_is_destroyed(c)), nnet_socket_ready_state(c));
}

static void data_second(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "second data listener destroyed %s len %zu",
         tr_bool(nnet_socket_is_destroyed(ev->target)), ev->u.data.len);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.each_data = true;
  tr_watch(c, "client", &o);
  nnet_socket_on(c, NNET_EV_DATA, data_destroy, NULL);
  nnet_socket_on(c, NNET_EV_DATA, data_second, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
