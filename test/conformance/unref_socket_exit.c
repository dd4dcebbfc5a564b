/* Twin of unref_socket_exit.js: unref() on the server and both ends of an
 * idle connection lets uv_run return with everything still open. */
#include "trace.h"

static nnet_server_t *server;
static nnet_socket_t *client, *sconn;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  sconn = ev->u.connection.socket;
  nnet_socket_unref(sconn); /* returns void: `=== c` holds */
  tr_log("sconn", "unref returns this true");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_unref(client);
  tr_log("client", "connect; unref returns this true");
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_server_unref(server);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  if (nnet_create_connection(NULL, &o, client_connect, NULL, &client) < 0)
    tr_log("main", "CONNECT-FAILED");
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  tr_log("main",
         "beforeExit server.listening %s client readyState %s sconn destroyed "
         "%s",
         tr_bool(nnet_server_is_listening(server)),
         client ? nnet_socket_ready_state(client) : "none",
         sconn ? tr_bool(nnet_socket_is_destroyed(sconn)) : "none");
  int code = tr_finish(0);
  /* Node exits with all three open; close them for the leak check. */
  if (client) nnet_socket_destroy(client, 0);
  if (sconn) nnet_socket_destroy(sconn, 0);
  nnet_server_close(server, NULL, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  return tr_teardown() ? 1 : code;
}
