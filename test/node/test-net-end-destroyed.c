/* Node: test/parallel/test-net-end-destroyed.js
 * A client that end()s gets the server's 'end' back while it is not
 * destroyed yet (client.destroyed is false inside 'end'). */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *client;
static nt_count_t *connections, *listening, *connects, *ends;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connections);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_EQ(nnet_socket_is_destroyed(client), false);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("connection", 1);
  listening = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CONNECTION, on_connection, NULL));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
