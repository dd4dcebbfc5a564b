/* Twin of get_connections.js: getConnections(cb) is asynchronous and
 * counts open connections: 2, then 1, then 0. */
#include "trace.h"

static nnet_server_t *server;
static nnet_socket_t *clients[2];
static int accepted, closed;
static bool sync_phase;

static void count_cb(nnet_server_t *srv, int err, size_t n, void *ctx) {
  const char *const *what = ctx;
  tr_log("server", "%s getConnections %s %zu sync %s", what[0],
         err == 0 ? "err=null" : tr_sync_err(err, (char *)NULL), n,
         tr_bool(sync_phase));

  if (what[1][0] == '0')
    nnet_socket_end(clients[0], NULL, 0, NULL, NULL);
  else if (what[1][0] == '1')
    nnet_socket_end(clients[1], NULL, 0, NULL, NULL);
  else
    nnet_server_close(server, NULL, NULL);
}

static const char *const both[] = {"both open", "0"};
static const char *const one[] = {"one closed", "1"};
static const char *const none[] = {"none open", "s"};

static void count(const char *const *what) {
  sync_phase = true;
  int rc = nnet_server_get_connections(server, count_cb, (void *)what);
  sync_phase = false;
  if (rc < 0) tr_log("server", "getConnections returned %s", nnet_err_name(rc));
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  count(++closed == 1 ? one : none);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  if (++accepted == 2) count(both);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  for (int i = 0; i < 2; i++) {
    clients[i] = tr_connect(port, "127.0.0.1");
    nnet_socket_resume(clients[i]);
  }
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
