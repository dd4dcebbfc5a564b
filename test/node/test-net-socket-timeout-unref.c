/* Node: test/parallel/test-net-socket-timeout-unref.js
 * Six connected sockets given idle timeouts of 2-8 s and unref'd (the
 * server and its accepted sockets unref'd too) do not keep the loop
 * alive: it ends at once and no timeout fires. C then closes everything
 * that is left (Node simply exits). */
#include "common.h"

#define N 6
static const unsigned delays[N] = {8, 5, 3, 6, 2, 4};
static nt_count_t *connects;
static nnet_server_t *server;
static nnet_socket_t *sockets[N], *accepted[N];
static int n_accepted, connections;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  NT_ASSERT(n_accepted < N);
  nnet_socket_retain(c);
  accepted[n_accepted++] = c;
  NT_OK(nnet_socket_write(c, "hello", 5, NULL, NULL));
  nnet_socket_unref(c);
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  nnet_socket_destroy(ev->target, 0);
  NT_FAIL("socket timed out unexpectedly");
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  if (++connections == N) {
    for (int i = 0; i < N; i++) {
      NT_OK(nnet_socket_set_timeout(sockets[i], delays[i] * 1000, on_timeout,
                                    NULL));
      nnet_socket_unref(sockets[i]);
    }
  }
}

int main(void) {
  nt_init();
  connects = NT_MUST_CALL("connect", N);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  nnet_server_unref(server);
  for (int i = 0; i < N; i++) {
    NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server),
                                     "localhost", &sockets[i]));
    nnet_socket_retain(sockets[i]);
    NT_OK(nnet_socket_on(sockets[i], NNET_EV_CONNECT, on_connect, NULL));
  }
  uint64_t start = uv_now(NT_LOOP);
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* Node: the process exits here */
  NT_EQ(connections, N);
  NT_ASSERT(uv_now(NT_LOOP) - start < 2000); /* before the first timeout */
  for (int i = 0; i < N; i++) {
    nnet_socket_destroy(sockets[i], 0);
    nnet_socket_release(sockets[i]);
  }
  for (int i = 0; i < n_accepted; i++) {
    nnet_socket_destroy(accepted[i], 0);
    nnet_socket_release(accepted[i]);
  }
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
