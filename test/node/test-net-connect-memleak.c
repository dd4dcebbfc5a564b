/* Node: test/parallel/test-net-connect-memleak.js
 * A connect listener must not keep what it references alive after the
 * connection is done. Node checks with the GC (onGC); the C analogue is
 * ownership: user data given to the listener is freed by the test, and
 * the socket's own memory must be released after 'close' (LeakSanitizer
 * in the asan build, and nt_finish()'s closed loop, check it). */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *conns, *connects, *dones;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
}

static void done2(void *ctx) {
  nnet_socket_t *sock = ctx;
  NT_HIT(dones);
  NT_OK(nnet_socket_end(sock, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void done(void *ctx) {
  NT_OK(nnet_set_immediate(NT_LOOP, done2, ctx));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  int *gc_object = ctx;
  NT_HIT(connects);
  NT_EQ(*gc_object, 42); /* keep the reference alive */
  free(gc_object);       /* "collected": nothing in the socket holds it */
  NT_OK(nnet_set_immediate(NT_LOOP, done, ev->target));
}

int main(void) {
  nnet_socket_t *sock;
  nnet_connect_opts_t o;
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  connects = NT_MUST_CALL("connect", 1);
  dones = NT_MUST_CALL("done", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, NULL, NULL));
  int *gc_object = malloc(sizeof(int));
  NT_ASSERT(gc_object != NULL);
  *gc_object = 42;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, gc_object, &sock));
  return nt_finish();
}
