/* Node: test/parallel/test-net-socket-local-address.js
 * One socket connects twice in a row (again from its 'close'); each time
 * the client's local port is the remote port the server sees. The socket
 * is retained so it may connect again after 'close' (Node: the object
 * lives on). */
#include "common.h"

static nt_count_t *server_closes, *connects;
static nnet_server_t *server;
static nnet_socket_t *client;
static int conns;
static int client_ports[2], server_ports[2];
static int n_client, n_server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  nnet_socketaddress_t sa;
  NT_OK(nnet_socket_remote_address(socket, &sa));
  NT_ASSERT(n_server < 2);
  server_ports[n_server++] = sa.port;
  NT_OK(nnet_socket_end(socket, NULL, 0, NULL, NULL));
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_closes);
  NT_EQ(n_server, n_client);
  for (int i = 0; i < n_server; i++) NT_EQ(server_ports[i], client_ports[i]);
  NT_EQ(conns, 2);
  nnet_socket_release(client);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  NT_HIT(connects);
  NT_OK(nnet_socket_address(client, &sa));
  NT_ASSERT(n_client < 2);
  client_ports[n_client++] = sa.port;
}

static void connect_(void);

static void on_client_close(const nnet_event_t *ev, void *ctx) {
  connect_();
}

static void connect_(void) {
  nnet_connect_opts_t o;
  if (conns == 2) {
    NT_OK(nnet_server_close(server, NULL, NULL));
    return;
  }
  conns++;
  NT_OK(nnet_socket_once(client, NNET_EV_CLOSE, on_client_close, NULL));
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  o.host = "127.0.0.1";
  NT_OK(nnet_socket_connect(client, &o, on_connect, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  connect_();
}

int main(void) {
  nt_init();
  server_closes = NT_MUST_CALL("server close", 1);
  connects = NT_MUST_CALL("connect", 2);
  NT_OK(nnet_socket_new(NULL, &client));
  nnet_socket_retain(client);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  NT_OK(nnet_server_listen_tcp(server, 0, "127.0.0.1"));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
