/* Node: test/parallel/test-net-socket-reset-twice.js
 * A connection refused (the server closed before it could accept) emits
 * 'error'; resetAndDestroy() inside 'error' is harmless and 'close' comes
 * exactly once. */
#include "common.h"

static nt_count_t *errors, *closes;
static nnet_socket_t *conn;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  /* Already destroyed: left alone (Node: destroy(ERR_SOCKET_CLOSED), a
   * no-op now), no throw. */
  NT_OK(nnet_socket_reset_and_destroy(conn));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  errors = NT_MUST_CALL("conn error", 1);
  closes = NT_MUST_CALL("conn close", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  int port = nt_server_port(server);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, NULL, &conn));
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
