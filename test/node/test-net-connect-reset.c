/* Node: test/parallel/test-net-connect-reset.js
 * resetAndDestroy() on a socket that is neither connecting nor connected
 * destroys it with 'error' ERR_SOCKET_CLOSED. (Node returns the socket;
 * here the call returns 0 and the error comes as the event.) */
#include "common.h"

static nt_count_t *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_EXPECT_ERROR(ev->u.error, "ERR_SOCKET_CLOSED", NULL);
  NT_STREQ(ev->u.error->name, "Error");
}

int main(void) {
  nnet_socket_t *socket;
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  NT_OK(nnet_socket_new(NULL, &socket));
  NT_OK(nnet_socket_reset_and_destroy(socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, on_error, NULL));
  return nt_finish();
}
