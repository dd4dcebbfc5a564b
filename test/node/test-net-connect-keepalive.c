/* Node: test/parallel/test-net-connect-keepalive.js
 * connect({keepAlive, keepAliveInitialDelay}) turns keep-alive on with the
 * delay in whole seconds (123 ms -> 0, 456123 ms -> 456, unset -> 0), and
 * keepAlive false leaves it off. Node spies on the handle's setKeepAlive();
 * C has no handle to spy on, so the port reads the client socket's options
 * from the kernel once connected: SO_KEEPALIVE, and TCP_KEEPIDLE 456, or
 * for a delay of 0 s the kernel default (Node's libuv asks for 0 s, which
 * Linux refuses, leaving the default). Left out: the JS truthy/falsy
 * variants (1, 'true', {}, [], 0, '') and the negative delay (-123000, a
 * JS number; the C field is unsigned). */
#define _GNU_SOURCE
#include "common.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

typedef struct {
  bool keep_alive;
  unsigned delay; /* ms given */
  int idle;       /* TCP_KEEPIDLE expected; -1: the kernel default */
  nnet_server_t *server;
  nt_count_t *listens, *connects, *ends;
} case_t;

static case_t cases[] = {
    {.keep_alive = true, .delay = 123, .idle = -1},
    {.keep_alive = true, .delay = 456123, .idle = 456},
    {.keep_alive = true, .delay = 0, .idle = -1}, /* undefined */
    {.keep_alive = false},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))
static int default_idle;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  case_t *c = ctx;
  nnet_socketaddress_t local;
  NT_HIT(c->connects);
  NT_OK(nnet_socket_address(ev->target, &local));
  int fd = nt_fd_by_ports(local.port, nt_server_port(c->server));
  NT_EQ(nt_sockopt(fd, SOL_SOCKET, SO_KEEPALIVE), c->keep_alive);
  if (c->keep_alive)
    NT_EQ(nt_sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE),
          c->idle < 0 ? default_idle : c->idle);
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
  o.keep_alive = c->keep_alive;
  o.keep_alive_initial_delay = c->delay;
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, c, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, c));
}

int main(void) {
  FILE *f = fopen("/proc/sys/net/ipv4/tcp_keepalive_time", "r");
  nt_init();
  NT_ASSERT(f != NULL && fscanf(f, "%d", &default_idle) == 1);
  fclose(f);
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
