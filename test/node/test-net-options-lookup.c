/* Node: test/parallel/test-net-options-lookup.js
 * A lookup function that never answers does not make connect() throw; a
 * lookup answering with family 100 fails the connect with 'error'
 * ERR_INVALID_ADDRESS_FAMILY "Invalid address family: 100 localhost:0"
 * (err.port 0; err.host is only in the message: nnet_error_t has no host
 * field). Left out (JS-only): lookup values that are not
 * functions ('foobar', 1, {}, []: ERR_INVALID_ARG_TYPE). The socket whose
 * lookup never answers does not keep the loop alive; at exit it is
 * destroyed and the lookup answered (a C lookup must answer once). */
#include "common.h"

static nt_count_t *errors;
static void *pending_req;
static nnet_lookup_done_fn pending_done;

static void silent_lookup(const char *host, int family, int hints, bool all,
                          void *req, nnet_lookup_done_fn done, void *ctx) {
  pending_req = req; /* never answered while the test runs */
  pending_done = done;
}

static void bad_family_lookup(const char *host, int family, int hints, bool all,
                              void *req, nnet_lookup_done_fn done, void *ctx) {
  const char *addrs[] = {"127.0.0.1"};
  int fams[] = {100};
  done(req, 0, addrs, fams, 1); /* options.all or not: the same answer */
}

static nnet_socket_t *connect_does_not_throw(nnet_lookup_fn lookup) {
  nnet_socket_t *s = NULL;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "localhost";
  o.port = 0;
  o.lookup = lookup;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s));
  return s;
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  const nnet_error_t *e = ev->u.error;
  NT_HIT(errors);
  NT_EXPECT_ERROR(e, "ERR_INVALID_ADDRESS_FAMILY",
                  "Invalid address family: 100 localhost:0");
  /* err.host has no nnet_error_t field; the message carries it */
  NT_EQ(e->port, 0);
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  nnet_socket_t *pending = connect_does_not_throw(silent_lookup);
  nnet_socket_t *s = connect_does_not_throw(bad_family_lookup);
  NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_error, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process exit */
  /* Node collects it; in C the lookup must answer once to release it */
  nnet_socket_destroy(pending, 0);
  NT_ASSERT(pending_done != NULL);
  pending_done(pending_req, UV_ECANCELED, NULL, NULL, 0);
  return nt_finish();
}
