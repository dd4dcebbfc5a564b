/* Node: test/sequential/test-net-reconnect-error.js
 * A socket refused 21 times in a row, reconnecting from each 'close'
 * (20 reconnects): 21 'error' ECONNREFUSED, 21 'close', never 'connect'.
 * The socket is retained so it may connect again after 'close' (Node: the
 * object lives on). common.PORT becomes a port found free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define N 20
static nt_count_t *errors, *closes;
static nnet_socket_t *c;
static int disconnect_count, port;

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
  const nnet_error_t *e = ev->u.error;
  const nnet_error_t *actual = e->n_errors ? &e->errors[0] : e;
  NT_HIT(errors);
  NT_STREQ(actual->code_name, "ECONNREFUSED");
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  if (disconnect_count++ < N) {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = port;
    NT_OK(nnet_socket_connect(c, &o, NULL, NULL)); /* reconnect */
  } else {
    nnet_socket_release(c);
  }
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("error", N + 1);
  closes = NT_MUST_CALL("close", N + 1);
  port = free_port();
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, NULL, &c));
  nnet_socket_retain(c);
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL));
  return nt_finish();
}
