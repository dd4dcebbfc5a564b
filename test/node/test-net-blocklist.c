/* Node: test/parallel/test-net-blocklist.js
 * connect() with a blockList holding 127.0.0.1 and 127.0.0.2 fails with
 * ERR_IP_BLOCKED: by IP host, through a custom lookup with
 * autoSelectFamily off, with one address and autoSelectFamily on, and with
 * two blocked addresses and autoSelectFamily on (Node: an AggregateError
 * whose code is ERR_IP_BLOCKED). The lookups answer synchronously, as the
 * Node test's do. */
#include "common.h"

static nnet_blocklist_t *block_list;
static nt_count_t *errors[4];

static void check(const nnet_event_t *ev, void *ctx) {
  NT_HIT((nt_count_t *)ctx);
  NT_STREQ(ev->u.error->code_name, "ERR_IP_BLOCKED");
}

static const char *const one[] = {"127.0.0.1"};
static const char *const two[] = {"127.0.0.1", "127.0.0.2"};
static const int fam_one[] = {4};
static const int fam_two[] = {4, 4};

static void lookup_one(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  done(req, 0, one, fam_one, 1);
}

static void lookup_two(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  done(req, 0, two, fam_two, 2);
}

static void connect_case(int i, const char *host, nnet_lookup_fn lookup,
                         int auto_select) {
  nnet_connect_opts_t o;
  nnet_socket_t *s;
  nnet_connect_opts_init(&o);
  o.port = 9999;
  o.host = host;
  o.block_list = block_list;
  o.lookup = lookup;
  o.auto_select_family = auto_select;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s));
  NT_OK(nnet_socket_on(s, NNET_EV_ERROR, check, errors[i]));
}

int main(void) {
  nt_init();
  block_list = nnet_blocklist_new();
  NT_ASSERT(block_list != NULL);
  NT_OK(nnet_blocklist_add_address(block_list, "127.0.0.1", NNET_IPV4));
  NT_OK(nnet_blocklist_add_address(block_list, "127.0.0.2", NNET_IPV4));
  for (int i = 0; i < 4; i++) errors[i] = NT_MUST_CALL("error", 1);
  connect_case(0, "127.0.0.1", NULL, -1);
  connect_case(1, "localhost", lookup_one, 0);
  connect_case(2, "localhost", lookup_one, 1);
  connect_case(3, "localhost", lookup_two, 1);
  int rc = nt_finish();
  nnet_blocklist_free(block_list);
  return rc;
}
