/* Node: test/parallel/test-net-end-without-connect.js
 * end(callback) on a socket that never connects still calls the callback,
 * and the socket is no longer writable then (Node >= 25; Node 20 never
 * calls it). The never-connected socket is destroyed at exit (Node:
 * garbage). */
#include "common.h"

static nnet_socket_t *sock;
static nt_count_t *end_cbs;

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(end_cbs);
  NT_EQ(nnet_socket_is_writable(sock), false);
}

int main(void) {
  nt_init();
  end_cbs = NT_MUST_CALL("end callback", 1);
  NT_OK(nnet_socket_new(NULL, &sock));
  NT_OK(nnet_socket_end(sock, NULL, 0, end_cb, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process exit */
  nnet_socket_destroy(sock, 0);
  return nt_finish();
}
