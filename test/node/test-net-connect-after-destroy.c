/* Node: test/parallel/test-net-connect-after-destroy.js
 * destroy() right after createConnection(80, host), while the host is
 * still being looked up, must not crash or emit anything afterwards. Node
 * looks up google.com; ports may only reach loopback, so the host goes
 * through a custom lookup that answers 127.0.0.1 on the next tick. */
#include "common.h"

typedef struct {
  void *req;
  nnet_lookup_done_fn done;
} pending_t;

static void answer(void *ctx) {
  static const char *const addr[] = {"127.0.0.1"};
  pending_t *p = ctx;
  p->done(p->req, 0, addr, NULL, 1);
  free(p);
}

static void lookup(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  pending_t *p = malloc(sizeof(*p));
  NT_ASSERT(p != NULL);
  *p = (pending_t){req, done};
  NT_OK(nnet_next_tick(NT_LOOP, answer, p));
}

int main(void) {
  nnet_connect_opts_t o;
  nnet_socket_t *c;
  nt_init();
  nnet_connect_opts_init(&o);
  o.port = 80;
  o.host = "google.com";
  o.lookup = lookup;
  NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect", &c));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, nt_must_not_call, "error"));
  nnet_socket_destroy(c, 0);
  return nt_finish();
}
