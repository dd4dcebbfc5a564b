/* Node: test/parallel/test-net-server-nodelay.js
 * createServer({noDelay: true}) sets TCP_NODELAY on each accepted socket
 * before 'connection'; a later setNoDelay(true) keeps it. Node spies on the
 * handle's setNoDelay calls (JS internals, incl. that the redundant call
 * is skipped); here the effect on the accepted descriptor is checked. */
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
  NT_ASSERT(nt_sockopt(fd, IPPROTO_TCP, TCP_NODELAY) != 0);
  NT_OK(nnet_socket_set_no_delay(s, true));
  NT_ASSERT(nt_sockopt(fd, IPPROTO_TCP, TCP_NODELAY) != 0);
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
  so.no_delay = true;
  NT_OK(nnet_create_server(&so, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
