/* Node: test/parallel/test-net-server-keepalive.js
 * createServer({keepAlive: true, keepAliveInitialDelay: 1000}) turns
 * keep-alive on for each accepted socket with a 1 s initial delay before
 * 'connection'; later setKeepAlive(true, 2000/3000) calls change the delay.
 * Node spies on the handle's setKeepAlive calls (JS internals, incl. that
 * a repeated identical call is skipped); here the effect on the accepted
 * descriptor is checked instead: SO_KEEPALIVE and TCP_KEEPIDLE. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "common.h"

static nt_count_t *conns, *listening;
static nnet_server_t *server;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t ra;
  NT_HIT(conns);
  NT_OK(nnet_socket_remote_address(s, &ra));
  int fd = nt_fd_by_ports(nt_server_port(server), ra.port);
  NT_ASSERT(fd >= 0);
  /* Applied by the server before 'connection'. */
  NT_EQ(nt_sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 1);
  NT_OK(nnet_socket_set_keep_alive(s, true, 1000));
  NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 1);
  NT_OK(nnet_socket_set_keep_alive(s, true, 2000));
  NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 2);
  NT_OK(nnet_socket_set_keep_alive(s, true, 3000));
  NT_EQ(nt_sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), 1);
  NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE), 3);
  nnet_socket_destroy(s, 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listening = NT_MUST_CALL("listening", 1);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.keep_alive = true;
  so.keep_alive_initial_delay = 1000;
  NT_OK(nnet_create_server(&so, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
