/* Node: test/parallel/test-net-connect-destroy.js
 * Destroying a socket that was never connected emits 'close' once. */
#include "common.h"

static nt_count_t *closes;

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
}

int main(void) {
  nnet_socket_t *socket_;
  nt_init();
  closes = NT_MUST_CALL("close", 1);
  NT_OK(nnet_socket_new(NULL, &socket_));
  NT_OK(nnet_socket_on(socket_, NNET_EV_CLOSE, on_close, NULL));
  nnet_socket_destroy(socket_, 0);
  return nt_finish();
}
