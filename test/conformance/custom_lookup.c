/* Twin of custom_lookup.js: the `lookup` option answering one address, a
 * non-IP, a bad family, or an error. */
#include "conf_connect.h"
#include "trace.h"

static int run;

static void answer(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all, (void)ctx;
  static const char *good[] = {"127.0.0.1"}, *bad[] = {"foo"};
  static const int four = 4, five = 5;
  switch (run) {
    case 1:
      done(req, 0, good, &four, 1);
      break;
    case 2:
      done(req, 0, bad, &four, 1);
      break;
    case 3:
      done(req, 0, good, &five, 1);
      break;
    default:
      done(req, UV_EAI_NONAME, NULL, NULL, 0);
  }
}

static const char *names[] = {"good", "not-ip", "bad-family", "enotfound"};

static const char *name(void) {
  return names[run - 1];
}

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s lookup %s %s %s %s", name(),
         ev->u.lookup.err ? tr_err(ev->u.lookup.err) : "null",
         ev->u.lookup.address ? tr_q(ev->u.lookup.address) : "undefined",
         ev->u.lookup.err ? "undefined" : tr_fmt("%d", ev->u.lookup.family),
         tr_q(ev->u.lookup.host));
}

static void on_attempt(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connectionAttempt %s %d %d", name(),
         ev->u.attempt.address, ev->u.attempt.port, ev->u.attempt.family);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connect %s", name(), tr_remote_address(ev->target));
  nnet_socket_destroy(ev->target, 0);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s error %s", name(), tr_err(ev->u.error));
}

static void next(void);

static void on_close(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s close %s", name(), tr_had_error(ev));
  next();
}

static void next(void) {
  if (run >= 4) {
    nnet_server_close(cc_server, NULL, NULL);
    return;
  }
  run++;
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) return;
  nnet_socket_on(c, NNET_EV_LOOKUP, on_lookup, NULL);
  nnet_socket_on(c, NNET_EV_CONNECTION_ATTEMPT, on_attempt, NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, NULL);
  nnet_socket_on(c, NNET_EV_ERROR, on_error, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = cc_port;
  o.host = "x.test";
  o.lookup = answer;
  o.auto_select_family = 0;
  int rc = nnet_socket_connect(c, &o, NULL, NULL);
  if (rc < 0) tr_log("client", "connect-returned %s", nnet_err_name(rc));
}

int main(void) {
  return cc_serve(next);
}
