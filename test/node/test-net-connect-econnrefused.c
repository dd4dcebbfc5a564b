/* Node: test/sequential/test-net-connect-econnrefused.js
 * 5 rounds of 50 parallel connects (autoSelectFamily off) to a port whose
 * server has just closed: each fails with ECONNREFUSED, the next round
 * starts when the last of a round failed, and afterwards no TCP handle is
 * left (Node: no TCPWRAP among the active resources; C: no open uv_tcp_t
 * on the loop). */
#include "common.h"

#define ROUNDS             5
#define ATTEMPTS_PER_ROUND 50
static nt_count_t *listens, *server_closes, *checks;
static nnet_server_t *server;
static int rounds = 1, reqs, pending, port;

static void pummel(void);

static void count_tcp(uv_handle_t *h, void *arg) {
  if (h->type == UV_TCP && !uv_is_closing(h)) (*(int *)arg)++;
}

static void check_cb(void *ctx) {
  int n = 0;
  NT_HIT(checks);
  uv_walk(NT_LOOP, count_tcp, &n);
  NT_EQ(n, 0);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  const nnet_error_t *e = ev->u.error;
  const nnet_error_t *actual = e->n_errors ? &e->errors[0] : e;
  NT_STREQ(actual->code_name, "ECONNREFUSED");
  if (--pending > 0) return;
  if (rounds == ROUNDS) {
    checks = NT_MUST_CALL("check", 1);
    nt_set_timeout(check_cb, NULL, 0);
    return;
  }
  rounds++;
  pummel();
}

static void pummel(void) {
  for (pending = 0; pending < ATTEMPTS_PER_ROUND; pending++) {
    nnet_connect_opts_t o;
    nnet_socket_t *s;
    nnet_connect_opts_init(&o);
    o.port = port;
    o.auto_select_family = 0;
    NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &s));
    NT_OK(nnet_socket_on(s, NNET_EV_ERROR, on_error, NULL));
    reqs++;
  }
}

static void on_close(nnet_server_t *srv, int status, void *ctx) {
  NT_HIT(server_closes);
  NT_OK(status);
  pummel();
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  port = nt_server_port(server);
  NT_OK(nnet_server_close(server, on_close, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  server_closes = NT_MUST_CALL("server close", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT);
  NT_EQ(rounds, ROUNDS); /* process 'exit' */
  NT_EQ(reqs, ROUNDS * ATTEMPTS_PER_ROUND);
  return nt_finish();
}
