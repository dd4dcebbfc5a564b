/* Node: test/sequential/test-net-better-error-messages-port.js
 * Connecting to a port nobody listens on (host localhost) fails with
 * ECONNREFUSED naming the port and 127.0.0.1 or ::1 (the first attempt's
 * error when every family was tried: an AggregateError). common.PORT
 * becomes a port found free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *errors;

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
  int port = (int)(intptr_t)ctx;
  const nnet_error_t *e = ev->u.error;
  NT_HIT(errors);
  const nnet_error_t *failed = e->n_errors ? &e->errors[0] : e;
  NT_STREQ(failed->code_name, "ECONNREFUSED");
  NT_EQ(failed->port, port);
  NT_ASSERT(failed->address != NULL);
  NT_ASSERT(strcmp(failed->address, "127.0.0.1") == 0 ||
            strcmp(failed->address, "::1") == 0);
}

int main(void) {
  nnet_socket_t *c;
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  int port = free_port();
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, NULL, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_error, (void *)(intptr_t)port));
  return nt_finish();
}
