/* Node: test/parallel/test-net-keepalive.js
 * setKeepAlive(true, 50 ms) on an accepted connection (idle timeout off on
 * both ends): after 100 ms both ends are still 'open'. */
#include "common.h"

static nnet_server_t *echo_server;
static nnet_socket_t *server_connection, *client_connection;
static nt_count_t *connections, *timeouts;

static void check_open(void *ctx) {
  NT_HIT(timeouts);
  NT_STREQ(nnet_socket_ready_state(server_connection), "open");
  NT_STREQ(nnet_socket_ready_state(client_connection), "open");
  NT_OK(nnet_socket_end(server_connection, NULL, 0, NULL, NULL));
  NT_OK(nnet_socket_end(client_connection, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(echo_server, NULL, NULL));
}

static void conn_on_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *connection = ev->u.connection.socket;
  NT_HIT(connections);
  server_connection = connection;
  nt_set_timeout(check_open, NULL, 100);
  NT_OK(nnet_socket_set_timeout(connection, 0, NULL, NULL));
  NT_OK(nnet_socket_set_keep_alive(connection, true, 50));
  NT_OK(nnet_socket_on(connection, NNET_EV_END, conn_on_end, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(echo_server), NULL,
                                   &client_connection));
  NT_OK(nnet_socket_set_timeout(client_connection, 0, NULL, NULL));
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("connection", 1);
  timeouts = NT_MUST_CALL("check after 100 ms", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &echo_server));
  NT_OK(nnet_server_listen_tcp(echo_server, 0, NULL));
  NT_OK(nnet_server_on(echo_server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
