/* Node: test/parallel/test-net-server-unref-persistent.js
 * unref() before listen() is remembered: the listening server does not
 * keep the loop alive, so the loop ends at once (an unref'd 1 s timer never
 * fires). Node's process then just exits; here the loop's end is observed
 * and the still listening server closed afterwards. */
#include "common.h"

static void must_not_call(void *ctx) {
  NT_FAIL("timer fired: the unref'd server kept the loop alive");
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_server_unref(server);
  NT_OK(nnet_server_listen(server, NULL, NULL, NULL));
  nt_timer_t *t = nt_set_timeout(must_not_call, NULL, 1000);
  nt_timer_unref(t);
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* returns: nothing keeps it alive */
  NT_ASSERT(nnet_server_is_listening(server));
  nt_clear_timeout(t);
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
