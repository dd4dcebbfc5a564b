/* Node: test/parallel/test-net-persistent-nodelay.js
 * setNoDelay() on a socket that has no handle yet is remembered and applied
 * once the connection exists. Node counts TCPWrap.setNoDelay calls (a JS
 * internals hook); here the effect is checked: TCP_NODELAY is set on the
 * client's descriptor (found by its local port) when 'end' arrives. The
 * `instanceof net.Socket` chaining check is JS-only. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common.h"

static nt_count_t *listening_calls, *end_calls;
static nnet_server_t *echo_server;
static nnet_socket_t *sock1;

static void on_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(end_calls);
  nnet_socketaddress_t local;
  NT_OK(nnet_socket_address(sock1, &local));
  int fd = nt_fd_by_ports(local.port, nt_server_port(echo_server));
  NT_ASSERT(fd >= 0);
  int on = 0;
  socklen_t len = sizeof(on);
  NT_OK(getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, &len));
  NT_ASSERT(on != 0);
  NT_OK(nnet_server_close(echo_server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening_calls);
  NT_OK(nnet_socket_new(NULL, &sock1));
  /* setNoDelay before the handle is created */
  NT_OK(nnet_socket_set_no_delay(sock1, true));
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(echo_server);
  NT_OK(nnet_socket_connect(sock1, &o, NULL, NULL));
  NT_OK(nnet_socket_on(sock1, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listening_calls = NT_MUST_CALL("listening", 1);
  end_calls = NT_MUST_CALL("sock1 end", 1);
  NT_OK(nnet_create_server(NULL, on_conn, NULL, &echo_server));
  NT_OK(nnet_server_listen_tcp(echo_server, 0, NULL));
  NT_OK(nnet_server_on(echo_server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
