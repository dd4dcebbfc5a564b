/* Node: test/sequential/test-net-response-size.js
 * The client writes 100 x 1 KB, blocks its loop for 1 s, writes 1 more
 * byte and destroySoon()s; the server receives all 102401 bytes, then the
 * connection closes and the server closes. Node runs the server in a
 * child process (it only logs the counts); here both run on one loop and
 * the count is asserted. common.PORT becomes port 0. */
#include <unistd.h>

#include "common.h"

static nt_count_t *listens, *conn_closes, *connects;
static nnet_server_t *server;
static nnet_socket_t *client;
static size_t received;

static void on_server_data(const nnet_event_t *ev, void *ctx) {
  received += ev->u.data.len;
}

static void on_conn_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conn_closes);
  NT_EQ(received, 100 * 1024 + 1);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *conn = ev->u.connection.socket;
  NT_OK(nnet_socket_on(conn, NNET_EV_DATA, on_server_data, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CLOSE, on_conn_close, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  static char alot[1024], alittle[1];
  NT_HIT(connects);
  for (int i = 0; i < 100; i++)
    NT_OK(nnet_socket_write(client, alot, sizeof alot, NULL, NULL));
  sleep(1); /* block the event loop for 1 second */
  NT_OK(nnet_socket_write(client, alittle, sizeof alittle, NULL, NULL));
  nnet_socket_destroy_soon(client);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "127.0.0.1",
                                   &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  conn_closes = NT_MUST_CALL("server connection close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, "127.0.0.1"));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
