/* Node: test/sequential/test-net-connect-local-error.js
 * A connect from a given local address and port (IPv4 and IPv6) to a port
 * nobody listens on fails with ECONNREFUSED (or EADDRINUSE), syscall
 * connect, and the message "connect CODE ADDR:PORT - Local (LADDR:LPORT)".
 * Node's err.localAddress / err.localPort are only in the message here:
 * nnet_error_t has no such fields. common.PORT .. PORT+3 become ports
 * found free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *errors4, *errors6;

typedef struct {
  const char *local_address;
  int local_port;
} local_t;

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

static void on_error(const nnet_event_t *ev, void *ctx) {
  const local_t *l = ctx;
  const nnet_error_t *err = ev->u.error;
  char want[256];
  NT_HIT(l->local_address[0] == ':' ? errors6 : errors4);
  NT_ASSERT(strcmp(err->code_name, "ECONNREFUSED") == 0 ||
            strcmp(err->code_name, "EADDRINUSE") == 0);
  NT_STREQ(err->syscall, "connect");
  snprintf(want, sizeof want, "connect %s %s:%d - Local (%s:%d)",
           err->code_name, err->address, err->port, l->local_address,
           l->local_port);
  NT_STREQ(err->message, want);
}

int main(void) {
  static local_t l4, l6;
  nnet_connect_opts_t o4, o6;
  nnet_socket_t *c4, *c6;
  nt_init();
  errors4 = NT_MUST_CALL("IPv4 error", 1);
  errors6 = NT_MUST_CALL("IPv6 error", 1);

  nnet_connect_opts_init(&o4);
  o4.port = free_port();
  o4.family = 4;
  o4.local_port = free_port();
  o4.local_address = "127.0.0.1";
  l4 = (local_t){o4.local_address, o4.local_port};
  NT_OK(nnet_create_connection(NT_LOOP, &o4, NULL, NULL, &c4));
  NT_OK(nnet_socket_on(c4, NNET_EV_ERROR, on_error, &l4));

  nnet_connect_opts_init(&o6);
  o6.host = "::1";
  o6.family = 6;
  o6.port = free_port();
  o6.local_port = free_port();
  o6.local_address = "::1";
  l6 = (local_t){o6.local_address, o6.local_port};
  NT_OK(nnet_create_connection(NT_LOOP, &o6, NULL, NULL, &c6));
  NT_OK(nnet_socket_on(c6, NNET_EV_ERROR, on_error, &l6));
  return nt_finish();
}
