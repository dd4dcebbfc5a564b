/* Node: test/parallel/test-net-connect-options-path.js
 * Twelve ways of connecting to a Unix socket path (net.connect,
 * net.createConnection, new Socket().connect; path string or {path}; with
 * a connect callback or a 'connect' listener) all connect once. In C,
 * net.connect and net.createConnection are one call, and the string form
 * is nnet_create_connection_path(). */
#include "common.h"

#define CLIENT_VARIANTS 12

static nnet_server_t *server;
static char server_path[512];
static int counter;
static nt_count_t *connections, *connect_cbs, *closes;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connections);
  NT_OK(nnet_socket_end(ev->u.connection.socket, "ok", 2, NULL, NULL));
}

static void client_on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  if (++counter == CLIENT_VARIANTS)
    NT_OK(nnet_server_close(server, NULL, NULL));
}

static void connect_cb(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  NT_HIT(connect_cbs);
  NT_OK(nnet_socket_end(s, NULL, 0, NULL, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, client_on_close, NULL));
}

/* form: 0 net.connect/createConnection(path), 1 the same with {path},
 * 2 new Socket().connect(...). with_cb: callback argument or .on('connect'). */
static void connect_variant(int form, bool with_cb) {
  nnet_socket_t *s = NULL;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = server_path;
  switch (form) {
    case 0:
      NT_OK(nnet_create_connection_path(NT_LOOP, server_path, &s));
      if (with_cb) /* the callback is a once('connect') listener */
        NT_OK(nnet_socket_once(s, NNET_EV_CONNECT, connect_cb, NULL));
      break;
    case 1:
      NT_OK(nnet_create_connection(NT_LOOP, &o, with_cb ? connect_cb : NULL,
                                   NULL, &s));
      break;
    default:
      NT_OK(nnet_socket_new(NULL, &s));
      NT_OK(nnet_socket_connect(s, &o, with_cb ? connect_cb : NULL, NULL));
      break;
  }
  if (!with_cb) NT_OK(nnet_socket_on(s, NNET_EV_CONNECT, connect_cb, NULL));
  nnet_socket_resume(s);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  /* string forms, then option forms; net.connect and net.createConnection
   * each: 2 x (2 + 2) + 2 x 2 = 12 */
  for (int alias = 0; alias < 2; alias++) {
    connect_variant(0, true);
    connect_variant(0, false);
  }
  connect_variant(2, true);
  connect_variant(2, false);
  for (int alias = 0; alias < 2; alias++) {
    connect_variant(1, true);
    connect_variant(1, false);
  }
  connect_variant(2, true);
  connect_variant(2, false);
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("server connection", CLIENT_VARIANTS);
  connect_cbs = NT_MUST_CALL("connect callback", CLIENT_VARIANTS);
  closes = NT_MUST_CALL("client close", CLIENT_VARIANTS);
  snprintf(server_path, sizeof(server_path),
           "%s-net-connect-options-path-server", nt_pipe_path());
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.path = server_path;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
