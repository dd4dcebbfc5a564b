/* Node: test/parallel/test-net-connect-immediate-finish.js
 * end() right after connect() while a custom lookup fails (errorLookupMock:
 * ENOTFOUND, syscall getaddrinfo): the lookup error is emitted once, with
 * no err.port and no err.host, and 'connect' never fires. Left out: errno
 * and hostname (properties nnet_error_t does not carry). */
#include "common.h"

static nt_count_t *lookups, *errors;

static void error_lookup_mock(const char *host, int family, int hints, bool all,
                              void *req, nnet_lookup_done_fn done, void *ctx) {
  char msg[300];
  NT_HIT(lookups);
  snprintf(msg, sizeof(msg), "getaddrinfo ENOTFOUND %s", host);
  nnet_lookup_fail(req, &(nnet_error_t){.code = UV_EAI_NONAME,
                                        .name = "Error",
                                        .code_name = "ENOTFOUND",
                                        .message = msg,
                                        .syscall = "getaddrinfo",
                                        .port = -1});
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  const nnet_error_t *e = ev->u.error;
  NT_HIT(errors);
  NT_ASSERT(!e->has_port);
  NT_ASSERT(e->address == NULL);
  NT_EXPECT_ERROR(e, "ENOTFOUND", "getaddrinfo ENOTFOUND something.invalid");
  NT_STREQ(e->syscall, "getaddrinfo");
}

int main(void) {
  nnet_socket_t *c;
  nnet_connect_opts_t o;
  nt_init();
  lookups = NT_MUST_CALL("lookup", 1);
  errors = NT_MUST_CALL("client error", 1);
  nnet_connect_opts_init(&o);
  o.port = 80;
  o.host = "something.invalid";
  o.lookup = error_lookup_mock;
  NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect", &c));
  NT_OK(nnet_socket_once(c, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_end(c, NULL, 0, NULL, NULL));
  return nt_finish();
}
