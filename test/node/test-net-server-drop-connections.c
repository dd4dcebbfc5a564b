/* Node: test/parallel/test-net-server-drop-connections.js
 * maxConnections 0 drops every connection, 1 drops the second: each drop
 * emits 'drop' with the local/remote address, port and family set, and no
 * 'connection' for it. */
#include "common.h"

static nt_count_t *dormant_drops, *conns, *drops;
static nnet_server_t *dormant, *server;
static nnet_socket_t *first_socket;

static void check_drop(const nnet_event_t *ev) {
  NT_ASSERT(ev->u.drop.local_address && ev->u.drop.local_address[0]);
  NT_ASSERT(ev->u.drop.local_port > 0);
  NT_ASSERT(ev->u.drop.remote_address && ev->u.drop.remote_address[0]);
  NT_ASSERT(ev->u.drop.remote_port > 0);
  NT_ASSERT(ev->u.drop.remote_family && ev->u.drop.remote_family[0]);
}

static void dormant_on_drop(const nnet_event_t *ev, void *ctx) {
  NT_HIT(dormant_drops);
  check_drop(ev);
  NT_OK(nnet_server_close(dormant, NULL, NULL));
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  NT_HIT(drops);
  check_drop(ev);
  nnet_socket_destroy(first_socket, 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  first_socket = ev->u.connection.socket;
}

static void dormant_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(dormant), NULL, &c));
}

static void server_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
}

int main(void) {
  nt_init();
  dormant_drops = NT_MUST_CALL("dormantServer drop", 1);
  conns = NT_MUST_CALL("server connection", 1);
  drops = NT_MUST_CALL("server drop", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "dormant connection",
                           &dormant));
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_server_set_max_connections(dormant, 0);
  nnet_server_set_max_connections(server, 1);
  NT_OK(nnet_server_on(dormant, NNET_EV_DROP, dormant_on_drop, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_DROP, on_drop, NULL));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(dormant, &lo, dormant_listening, NULL));
  NT_OK(nnet_server_listen(server, &lo, server_listening, NULL));
  return nt_finish();
}
