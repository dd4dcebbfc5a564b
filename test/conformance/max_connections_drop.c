/* Twin of max_connections_drop.js: maxConnections=1 drops the second
 * connection with a 'drop' event carrying its addresses. */
#include "trace.h"

static nnet_server_t *server;
static nnet_socket_t *first;
static int port;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("server", "connection");
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static const char *str(const char *s) {
  return s ? s : "undefined";
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  tr_log("server",
         "drop localAddress %s localPort %d localFamily %s remoteAddress %s "
         "remotePort>0 %s remoteFamily %s",
         str(ev->u.drop.local_address), ev->u.drop.local_port,
         str(ev->u.drop.local_family), str(ev->u.drop.remote_address),
         tr_bool(ev->u.drop.remote_port > 0), str(ev->u.drop.remote_family));
  nnet_socket_end(first, NULL, 0, NULL, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void first_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *second = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.no_total = true;
  o.skip = (1u << NNET_EV_CONNECT) | (1u << NNET_EV_READY);
  tr_watch(second, "second", &o);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(server);
  tr_label_port(port);
  tr_log("server", "maxConnections %d",
         nnet_server_get_max_connections(server));
  first = tr_connect(port, "127.0.0.1");
  tr_watch(first, "client", NULL);
  nnet_socket_on(first, NNET_EV_CONNECT, first_connect, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  nnet_server_set_max_connections(server, 1);
  nnet_server_on(server, NNET_EV_DROP, on_drop, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
