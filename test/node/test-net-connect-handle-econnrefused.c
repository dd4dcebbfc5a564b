/* Node: test/sequential/test-net-connect-handle-econnrefused.js
 * A refused connect emits 'error' ECONNREFUSED (never 'connect'), and the
 * socket is no longer connecting then. common.PORT becomes a port found
 * free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *errors;
static nnet_socket_t *c;

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
  NT_HIT(errors);
  NT_EQ(nnet_socket_is_connecting(c), false);
  NT_STREQ(ev->u.error->code_name, "ECONNREFUSED");
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, free_port(), NULL, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_error, NULL));
  return nt_finish();
}
