/* Node: test/parallel/test-net-timeout-no-handle.js
 * A socket that never connects still emits 'timeout' (it has no handle:
 * pending) and never 'connect'; a 200 ms timer keeps the loop alive
 * meanwhile (the socket's own timer does not). */
#include "common.h"

static nt_count_t *timeouts;
static nnet_socket_t *socket_;

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  NT_HIT(timeouts);
  NT_ASSERT(nnet_socket_is_pending(socket_)); /* _handle === null */
}

static void nothing(void *ctx) {}

int main(void) {
  nt_init();
  timeouts = NT_MUST_CALL("timeout", 1);
  NT_OK(nnet_socket_new(NULL, &socket_));
  NT_OK(nnet_socket_set_timeout(socket_, 50, NULL, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_TIMEOUT, on_timeout, NULL));
  NT_OK(nnet_socket_on(socket_, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  nt_set_timeout(nothing, NULL, 200);
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process exit */
  nnet_socket_destroy(socket_, 0);
  return nt_finish();
}
