/* Node: test/parallel/test-net-connect-nodelay.js
 * connect({noDelay: true}) turns TCP_NODELAY on once connected; noDelay
 * false leaves it off. Node spies on the handle's setNoDelay(); C has no
 * handle to spy on, so the port reads TCP_NODELAY of the client socket
 * from the kernel in the connect listener. Left out: the JS truthy/falsy
 * variants (1, 'true', {}, [], 0, ''). */
#define _GNU_SOURCE
#include "common.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef struct {
  bool no_delay;
  nnet_server_t *server;
  nt_count_t *listens, *connects, *ends;
} case_t;

static case_t cases[] = {{.no_delay = true}, {.no_delay = false}};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void on_connect(const nnet_event_t *ev, void *ctx) {
  case_t *c = ctx;
  nnet_socketaddress_t local;
  NT_HIT(c->connects);
  NT_OK(nnet_socket_address(ev->target, &local));
  int fd = nt_fd_by_ports(local.port, nt_server_port(c->server));
  NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_NODELAY) != 0, c->no_delay);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  case_t *c = ctx;
  NT_HIT(c->ends);
  NT_OK(nnet_server_close(c->server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  case_t *c = ctx;
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(c->listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(c->server);
  o.no_delay = c->no_delay;
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, c, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, c));
}

int main(void) {
  nt_init();
  for (size_t i = 0; i < NCASES; i++) {
    case_t *c = &cases[i];
    c->listens = NT_MUST_CALL("listening", 1);
    c->connects = NT_MUST_CALL("connect", 1);
    c->ends = NT_MUST_CALL("end", 1);
    NT_OK(nnet_create_server(NULL, NULL, NULL, &c->server));
    NT_OK(nnet_server_listen(c->server, NULL, on_listening, c));
  }
  return nt_finish();
}
