/* Node: test/parallel/test-net-remote-address.js
 * While connecting, socket.connecting is true and remoteAddress undefined;
 * at 'connect' remoteAddress is set. */
#include "common.h"

static nt_count_t *listening, *connects, *ends;
static nnet_server_t *server;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t ra;
  NT_HIT(connects);
  NT_OK(nnet_socket_remote_address(ev->target, &ra));
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket;
  nnet_socketaddress_t ra;
  NT_HIT(listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &socket));
  NT_ASSERT(nnet_socket_is_connecting(socket));
  NT_ERR(nnet_socket_remote_address(socket, &ra), UV_ENOTCONN);
  NT_OK(nnet_socket_on(socket, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
