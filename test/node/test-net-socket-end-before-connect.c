/* Node: test/parallel/test-net-socket-end-before-connect.js
 * end() right after createConnection(), before it connected, still lets
 * the socket close ('close' once). */
#include "common.h"

static nt_count_t *listens, *closes;
static nnet_server_t *server;

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket;
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_socket_end(socket, NULL, 0, NULL, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  closes = NT_MUST_CALL("close", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
