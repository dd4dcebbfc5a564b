/* Node: test/parallel/test-net-listen-after-destroying-stdin.js
 * A server still accepts after stdin was destroyed; end(cb) and close(cb)
 * complete. Left out (JS-only): process.stdin.destroy(). (Closing fd 0
 * instead is no equivalent: libuv then takes fd 0 for its EMFILE reserve
 * descriptor and asserts in uv_loop_close(); Node keeps fds 0-2 open.) */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *connections, *end_cbs, *close_cbs, *listening;

static void on_finished(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(end_cbs);
  printf("finished...\n");
}

static void on_closed(nnet_server_t *srv, int status, void *ctx) {
  NT_HIT(close_cbs);
  printf("closed\n");
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connections);
  printf("accepted...\n");
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, on_finished, NULL));
  NT_OK(nnet_server_close(server, on_closed, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  NT_HIT(listening);
  printf("listening...\n");
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
}

int main(void) {
  nt_init();
  connections = NT_MUST_CALL("connection", 1);
  end_cbs = NT_MUST_CALL("end callback", 1);
  close_cbs = NT_MUST_CALL("close callback", 1);
  listening = NT_MUST_CALL("listening", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
