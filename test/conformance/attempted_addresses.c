/* Twin of attempted_addresses.js: socket.autoSelectFamilyAttemptedAddresses
 * after success, after all-fail (with the AggregateError's parts), and
 * undefined when autoSelectFamily did not run. */
#include "conf_connect.h"

static const struct {
  cc_run_t r;
  int auto_select, family;
} runs[] = {
    {{"refused-then-good", {"127.0.0.2", "127.0.0.1"}, {4, 4}, 2}, 1, 0},
    {{"good-first", {"127.0.0.1", "127.0.0.2"}, {4, 4}, 2}, 1, 0},
    {{"all-fail", {"127.0.0.2", "::1", "127.0.0.3"}, {4, 6, 4}, 3}, 1, 0},
    {{"one-distinct", {"127.0.0.1", "127.0.0.1"}, {4, 4}, 2}, 1, 0},
    {{"single-refused", {"127.0.0.2"}, {4}, 1}, 1, 0},
    {{"autoselect-off", {"127.0.0.2", "127.0.0.1"}, {4, 4}, 2}, 0, 0},
    {{"family-4", {"127.0.0.2", "127.0.0.1"}, {4, 4}, 2}, 1, 4},
};
enum { N_RUNS = sizeof(runs) / sizeof(runs[0]) };

static int run;

static void on_failed(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connectionAttemptFailed %s %s attempted %s",
         cc_cur->name, ev->u.attempt.address, tr_err(ev->u.attempt.err),
         cc_attempted(ev->target));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connect %s attempted %s", cc_cur->name,
         tr_remote_address(ev->target), cc_attempted(ev->target));
  nnet_socket_destroy(ev->target, 0);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  const nnet_error_t *e = ev->u.error;
  tr_log("client", "%s error %s attempted %s", cc_cur->name, tr_err(e),
         cc_attempted(ev->target));
  for (size_t i = 0; i < e->n_errors; i++)
    tr_log("client", "%s error-part %s", cc_cur->name, tr_err(&e->errors[i]));
}

static void next(void);

static void on_close(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s close %s attempted %s", cc_cur->name, tr_had_error(ev),
         cc_attempted(ev->target));
  next();
}

static void next(void) {
  if (run >= N_RUNS) {
    nnet_server_close(cc_server, NULL, NULL);
    return;
  }
  int i = run++;
  cc_cur = &runs[i].r;
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) return;
  nnet_socket_on(c, NNET_EV_CONNECTION_ATTEMPT_FAILED, on_failed, NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, NULL);
  nnet_socket_on(c, NNET_EV_ERROR, on_error, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = cc_port;
  o.host = "x.test";
  o.lookup = cc_lookup;
  o.auto_select_family = runs[i].auto_select;
  o.family = runs[i].family;
  int rc = nnet_socket_connect(c, &o, NULL, NULL);
  if (rc < 0) tr_log("client", "connect-returned %s", nnet_err_name(rc));
}

int main(void) {
  return cc_serve(next);
}
