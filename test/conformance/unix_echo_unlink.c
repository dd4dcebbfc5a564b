/* Twin of unix_echo_unlink.js: a Unix-socket server; address() is the path,
 * the file exists while listening and close() unlinks it; pipe sockets have
 * no remote/local address. */
#include <sys/stat.h>

#include "trace.h"

static nnet_server_t *server;
static const char *path;

static bool exists(void) {
  struct stat st;
  return stat(path, &st) == 0;
}

static void closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("server", "close cb: socket file exists %s address %s",
         tr_bool(exists()), tr_server_address(srv));
}

static void sconn_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, closed, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn",
         "remoteAddress %s remotePort %s localAddress %s remoteFamily %s "
         "address() %s",
         tr_remote_address(c), tr_remote_port(c), tr_local_address(c),
         tr_remote_family(c), tr_socket_address(c));
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_DATA, sconn_data, NULL);
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  struct stat st;
  bool sock = stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
  tr_log("server", "listening address %s file exists %s isSocket %s",
         tr_server_address(server), tr_bool(exists()), tr_bool(sock));
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client",
         "remoteAddress %s remotePort %s remoteFamily %s localAddress %s "
         "localPort %s address() %s",
         tr_remote_address(c), tr_remote_port(c), tr_remote_family(c),
         tr_local_address(c), tr_local_port(c), tr_socket_address(c));
  nnet_socket_end(c, "over-unix", 9, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = NULL;
  if (nnet_create_connection_path(NULL, path, &c) < 0) {
    tr_log("main", "CONNECT-FAILED");
    return;
  }
  tr_log("client", "connecting %s", tr_bool(nnet_socket_is_connecting(c)));
  tr_watch(c, "client", NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
}

int main(void) {
  tr_init();
  path = tr_tmp_path("echo.sock");
  server = tr_create_server(NULL, on_connection, NULL);
  nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL);
  tr_listen_path(server, path, listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
