/* Node: test/sequential/test-net-server-bind.js
 * listen() picks a port > 100; listen(port) binds it (checked 100 ms
 * later, on "::" as IPv6 or else "0.0.0.0" as IPv4: what Node's
 * _connectionKey encodes); listen(port, cb); listen(port, "0.0.0.0",
 * backlog 127, cb) and listen(port, backlog 127, cb) bind their ports. No
 * connection arrives. common.PORT+n become ports found free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *l0, *l1, *l2, *l3, *timer_hits;
static nnet_server_t *s0, *s1, *s2, *s3, *s4;
static int port1, port2, port3, port4;

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

static nnet_server_t *new_server(void) {
  nnet_server_t *s;
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &s));
  return s;
}

static void on_l0(const nnet_event_t *ev, void *ctx) {
  NT_HIT(l0);
  NT_ASSERT(nt_server_port(s0) > 100);
  NT_OK(nnet_server_close(s0, NULL, NULL));
}

static void timer_cb(void *ctx) {
  nnet_socketaddress_t a;
  NT_HIT(timer_hits);
  NT_OK(nnet_server_address(s1, &a));
  NT_EQ(a.port, port1);
  if (a.family == NNET_IPV6)
    NT_STREQ(a.address, "::");
  else
    NT_STREQ(a.address, "0.0.0.0");
  NT_OK(nnet_server_close(s1, NULL, NULL));
}

static void on_port(const nnet_event_t *ev, void *ctx) {
  nt_count_t **counter = ctx;
  nnet_server_t *s = ev->target;
  NT_HIT(*counter);
  int want = counter == &l1 ? port2 : counter == &l2 ? port3 : port4;
  NT_EQ(nt_server_port(s), want);
  NT_OK(nnet_server_close(s, NULL, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  l0 = NT_MUST_CALL("listen()", 1);
  timer_hits = NT_MUST_CALL("timer", 1);
  l1 = NT_MUST_CALL("listen(PORT+1)", 1);
  l2 = NT_MUST_CALL("listen(PORT+2, '0.0.0.0', 127)", 1);
  l3 = NT_MUST_CALL("listen(PORT+3, 127)", 1);
  port1 = free_port();
  port2 = free_port();
  port3 = free_port();
  port4 = free_port();

  s0 = new_server();
  NT_OK(nnet_server_listen(s0, NULL, on_l0, NULL));

  s1 = new_server();
  NT_OK(nnet_server_listen_tcp(s1, port1, NULL));
  nt_set_timeout(timer_cb, NULL, 100);

  s2 = new_server();
  nnet_listen_opts_init(&lo);
  lo.port = port2;
  NT_OK(nnet_server_listen(s2, &lo, on_port, &l1));

  s3 = new_server();
  nnet_listen_opts_init(&lo);
  lo.port = port3;
  lo.host = "0.0.0.0";
  lo.backlog = 127;
  NT_OK(nnet_server_listen(s3, &lo, on_port, &l2));

  s4 = new_server();
  nnet_listen_opts_init(&lo);
  lo.port = port4;
  lo.backlog = 127;
  NT_OK(nnet_server_listen(s4, &lo, on_port, &l3));
  return nt_finish();
}
