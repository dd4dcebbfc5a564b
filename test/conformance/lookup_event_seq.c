/* Twin of lookup_event_seq.js: a custom lookup answering several addresses
 * with autoSelectFamily on; 'lookup' per answer, filtering, family
 * interleaving and the connectionAttempt* events. nodenet's default
 * (racing) mode: refusals are immediate, so the order equals Node's. */
#include "conf_connect.h"

static const cc_run_t runs[] = {
    {"two", {"127.0.0.2", "127.0.0.1"}, {4, 4}, 2},
    {"interleave",
     {"127.0.0.2", "::1", "127.0.0.3", "127.0.0.1"},
     {4, 6, 4, 4},
     4},
    {"v6-first", {"::1", "127.0.0.2", "::1", "127.0.0.1"}, {6, 4, 6, 4}, 4},
    {"dup", {"127.0.0.1", "127.0.0.1"}, {4, 4}, 2},
    {"bad-in-list", {"foo", "127.0.0.1"}, {4, 4}, 2},
    {"badfam-in-list", {"127.0.0.2", "127.0.0.1"}, {5, 4}, 2},
    {"all-invalid", {"foo", "bar"}, {4, 4}, 2},
    {"all-badfam", {"127.0.0.1", "127.0.0.2"}, {5, 7}, 2},
    {"enotfound", {NULL}, {0}, -1},
    {"destroy-in-lookup", {"127.0.0.2", "127.0.0.1"}, {4, 4}, 2},
};
enum { N_RUNS = sizeof(runs) / sizeof(runs[0]) };

static int run;

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  const nnet_error_t *err = ev->u.lookup.err;
  tr_log("client", "%s lookup %s %s %s %s", cc_cur->name,
         err ? tr_err(err) : "null",
         ev->u.lookup.address ? tr_q(ev->u.lookup.address) : "undefined",
         err ? "undefined" : tr_fmt("%d", ev->u.lookup.family),
         tr_q(ev->u.lookup.host));
  if (strcmp(cc_cur->name, "destroy-in-lookup") == 0)
    nnet_socket_destroy(ev->target, 0);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connect %s %s", cc_cur->name,
         tr_remote_address(ev->target), tr_remote_port(ev->target));
  nnet_socket_destroy(ev->target, 0);
}

static void next(void);

static void on_close(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s close %s", cc_cur->name, tr_had_error(ev));
  next();
}

static void next(void) {
  if (run >= N_RUNS) {
    nnet_server_close(cc_server, NULL, NULL);
    return;
  }
  cc_cur = &runs[run++];
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) return;
  nnet_socket_on(c, NNET_EV_LOOKUP, on_lookup, NULL);
  cc_watch(c);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = cc_port;
  o.host = "x.test";
  o.lookup = cc_lookup;
  o.auto_select_family = 1;
  int rc = nnet_socket_connect(c, &o, NULL, NULL);
  if (rc < 0) tr_log("client", "connect-returned %s", nnet_err_name(rc));
}

int main(void) {
  return cc_serve(next);
}
