/* Node: test/parallel/test-net-dns-error.js
 * Connecting to a host name the resolver rejects (a 64-character label)
 * emits 'lookup' with the error (no address, no family) and then 'error'
 * ENOTFOUND or EAI_FAIL; never 'connect'. The label is over DNS's 63-byte
 * limit, so glibc fails it locally: no query leaves the machine. */
#include "common.h"

static nt_count_t *errors, *lookups;

static bool is_expected(const char *code) {
  return code &&
         (strcmp(code, "ENOTFOUND") == 0 || strcmp(code, "EAI_FAIL") == 0);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  if (!is_expected(ev->u.error->code_name))
    NT_FAIL("unexpected error %s", ev->u.error->code_name);
}

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  NT_HIT(lookups);
  NT_ASSERT(ev->u.lookup.err != NULL);
  if (!is_expected(ev->u.lookup.err->code_name))
    NT_FAIL("unexpected lookup error %s", ev->u.lookup.err->code_name);
  NT_ASSERT(ev->u.lookup.address == NULL);
  NT_EQ(ev->u.lookup.family, 0); /* Node: undefined */
}

int main(void) {
  char host[65];
  nnet_socket_t *socket;
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  lookups = NT_MUST_CALL("lookup", 1);
  memset(host, '*', 64);
  host[64] = 0;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, 42, host, &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_LOOKUP, on_lookup, NULL));
  return nt_finish();
}
