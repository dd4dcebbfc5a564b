/* Node: test/parallel/test-net-connect-custom-lookup-non-string-address.mjs
 * A custom lookup whose answer is not an IP address string makes connect
 * emit 'error' ERR_INVALID_IP_ADDRESS (never 'connect'), for family 4 and
 * for family 6. Node's lookup answers an array (['127.0.0.1']) where a
 * string is due, a JS type error; C addresses are always strings, so the
 * answer here is text that is not an IP address. */
#include "common.h"

static nt_count_t *errors[2];

static void broken_custom_lookup(const char *host, int family, int hints,
                                 bool all, void *req, nnet_lookup_done_fn done,
                                 void *ctx) {
  static const char *const answer[] = {"[ '127.0.0.1' ]"};
  const int fam[] = {family};
  done(req, 0, answer, fam, 1);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT((nt_count_t *)ctx);
  NT_STREQ(ev->u.error->code_name, "ERR_INVALID_IP_ADDRESS");
}

int main(void) {
  nt_init();
  for (int i = 0; i < 2; i++) {
    nnet_connect_opts_t o;
    nnet_socket_t *s;
    errors[i] = NT_MUST_CALL(i ? "error (family 6)" : "error (family 4)", 1);
    nnet_connect_opts_init(&o);
    o.host = "example.com";
    o.port = 80;
    o.lookup = broken_custom_lookup;
    o.family = i ? 6 : 4;
    NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect", &s));
    NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_error, errors[i]));
  }
  return nt_finish();
}
