/* Node: test/sequential/test-net-server-address.js
 * server.address() after listen: 127.0.0.1 (IPv4) and ::1 (IPv6) as
 * given with their ports; with no host (port given, none, or 0) the
 * dual-stack "::" (IPv6). common.PORT+n become ports found free just
 * before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

typedef struct {
  const char *host; /* NULL: no host */
  int port;         /* -1: listen() without a port */
  const char *want_address;
  nnet_family_t want_family;
  nt_count_t *listening;
  nnet_server_t *server;
} case_t;

/* A port free on every address (bound on [::], dual-stack, then closed). */
static int free_port(void) {
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  NT_ASSERT(fd >= 0);
  NT_ASSERT(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
  NT_ASSERT(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
  close(fd);
  return ntohs(sa.sin6_port);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  case_t *c = ctx;
  nnet_socketaddress_t a;
  NT_HIT(c->listening);
  NT_OK(nnet_server_address(c->server, &a));
  NT_STREQ(a.address, c->want_address);
  if (c->port > 0) NT_EQ(a.port, c->port);
  NT_EQ(a.family, c->want_family);
  NT_OK(nnet_server_close(c->server, NULL, NULL));
}

static void run(case_t *c) {
  nnet_listen_opts_t lo;
  c->listening = NT_MUST_CALL(c->want_address, 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &c->server));
  NT_OK(nnet_server_on(c->server, NNET_EV_ERROR, nt_must_not_call, "error"));
  nnet_listen_opts_init(&lo);
  lo.host = c->host;
  lo.port = c->port;
  /* listen(cb): opts NULL, a random port */
  NT_OK(
      nnet_server_listen(c->server, c->port < 0 ? NULL : &lo, on_listening, c));
}

int main(void) {
  static case_t cases[5];
  nt_init();
  cases[0] =
      (case_t){"127.0.0.1", free_port(), "127.0.0.1", NNET_IPV4, NULL, NULL};
  cases[1] = (case_t){"::1", free_port(), "::1", NNET_IPV6, NULL, NULL};
  cases[2] =
      (case_t){NULL, free_port(), "::", NNET_IPV6, NULL, NULL}; /* port given */
  cases[3] = (case_t){NULL, -1, "::", NNET_IPV6, NULL, NULL};   /* no port */
  cases[4] = (case_t){NULL, 0, "::", NNET_IPV6, NULL, NULL};    /* port 0 */
  for (int i = 0; i < 5; i++) run(&cases[i]);
  return nt_finish();
}
