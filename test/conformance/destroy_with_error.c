/* Twin of destroy_with_error.js: destroy(err) → 'error' then 'close'
 * hadError=true; the peer sees a normal end; destroying twice is harmless. */
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

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static nnet_error_t user_error(const char *message, const char *code_name) {
  nnet_error_t e = {0};
  e.code = UV_ECANCELED; /* any negative code: the payload's name wins */
  e.name = "Error";
  e.code_name = code_name;
  e.message = message;
  e.port = -1;
  return e;
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  nnet_error_t e = user_error("boom", "EBOOM");
  nnet_socket_destroy_error(c, &e); /* returns void: `=== c` holds */
  tr_log("client", "destroy returns this true");
  tr_log("client", "destroyed %s readyState %s",
         tr_bool(nnet_socket_is_destroyed(c)), nnet_socket_ready_state(c));
  /* Node's second Error has no code (undefined). */
  nnet_error_t e2 = user_error("second", NULL);
  nnet_socket_destroy_error(c, &e2);
  tr_log("client", "second destroy done");
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
