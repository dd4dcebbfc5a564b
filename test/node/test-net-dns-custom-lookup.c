/* Node: test/parallel/test-net-dns-custom-lookup.js
 * A custom lookup answering on the next tick (IPv4, then IPv6): 'lookup'
 * reports (null, address, family) and the connection is made to it. A
 * lookup answering with no address (Node: undefined) fails the connect
 * with ERR_INVALID_IP_ADDRESS. */
#include "common.h"

typedef struct check_s {
  int type;
  const char *address;
  nnet_server_t *server;
  void (*cb)(void);
  nt_count_t *listening, *lookups;
} check_t;

typedef struct answer_s {
  check_t *c;
  void *req;
  nnet_lookup_done_fn done;
} answer_t;

static check_t c4, c6;
static nt_count_t *bad_errors;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  check_t *c = ctx;
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(c->server, NULL, NULL));
  if (c->cb) c->cb();
}

static void answer(void *ctx) {
  answer_t *a = ctx;
  const char *addrs[] = {a->c->address};
  int fams[] = {a->c->type};
  /* dnsopts.all or not: one address either way */
  a->done(a->req, 0, addrs, fams, 1);
  free(a);
}

static void lookup(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  answer_t *a = malloc(sizeof(*a));
  NT_ASSERT(a != NULL);
  *a = (answer_t){ctx, req, done};
  NT_OK(nnet_next_tick(NT_LOOP, answer, a));
}

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  check_t *c = ctx;
  NT_HIT(c->lookups);
  NT_ASSERT(ev->u.lookup.err == NULL);
  NT_STREQ(ev->u.lookup.address, c->address);
  NT_EQ(ev->u.lookup.family, c->type);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  check_t *c = ctx;
  nnet_socket_t *s;
  NT_HIT(c->listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(c->server);
  o.host = "localhost";
  o.family = c->type;
  o.lookup = lookup;
  o.lookup_ctx = c;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s));
  NT_OK(nnet_socket_on(s, NNET_EV_LOOKUP, on_lookup, c));
}

static void check(check_t *c, int type, void (*cb)(void)) {
  c->type = type;
  c->address = type == 4 ? "127.0.0.1" : "::1";
  c->cb = cb;
  NT_OK(nnet_create_server(NULL, on_connection, c, &c->server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = c->address;
  NT_OK(nnet_server_listen(c->server, &lo, on_listening, c));
}

static void check6(void) {
  check(&c6, 6, NULL);
}

static void bad_lookup(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  const char *addrs[] = {NULL}; /* Node: address undefined */
  int fams[] = {4};
  done(req, 0, addrs, fams, 1);
}

static void on_bad_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(bad_errors);
  NT_EXPECT_ERROR(ev->u.error, "ERR_INVALID_IP_ADDRESS", NULL);
}

int main(void) {
  nt_init();
  c4.listening = NT_MUST_CALL("listening (IPv4)", 1);
  c4.lookups = NT_MUST_CALL("lookup (IPv4)", 1);
  c6.listening = NT_MUST_CALL("listening (IPv6)", 1);
  c6.lookups = NT_MUST_CALL("lookup (IPv6)", 1);
  bad_errors = NT_MUST_CALL("bad lookup error", 1);
  check(&c4, 4, check6);

  {
    nnet_socket_t *s;
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.host = "localhost";
    o.port = 80;
    o.lookup = bad_lookup;
    NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s));
    NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_bad_error, NULL));
  }
  return nt_finish();
}
