/* Twin of autoselect_sequential.js: Node's one-at-a-time autoSelectFamily
 * (happy_eyeballs_mode pinned to NNET_HE_SEQUENTIAL, attempt timeout 100
 * ms) against a blackhole (127.0.0.2:PORT, full accept queue), a refusing
 * address (127.0.0.3:PORT) and the server (127.0.0.1:PORT). */
#include "conf_connect.h"

#define HOLE    "127.0.0.2"
#define REFUSED "127.0.0.3"
#define GOOD    "127.0.0.1"

static const cc_run_t runs[] = {
    {"hole-then-good", {HOLE, GOOD}, {4, 4}, 2},
    {"hole-then-refused", {HOLE, REFUSED}, {4, 4}, 2},
    {"hole-refused-good", {HOLE, REFUSED, GOOD}, {4, 4, 4}, 3},
    {"refused-then-hole", {REFUSED, HOLE}, {4, 4}, 2},
    {"destroy-in-timeout", {HOLE, GOOD}, {4, 4}, 2},
};
enum { N_RUNS = sizeof(runs) / sizeof(runs[0]) };

static nnet_server_t *server;
static cc_hole_t hole;
static uv_timer_t give_up;
static int port, run;

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  if (strcmp(cc_cur->name, "destroy-in-timeout") == 0)
    nnet_socket_destroy(ev->target, 0);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  tr_log("client", "%s connect %s attempted %s", cc_cur->name,
         tr_remote_address(ev->target), cc_attempted(ev->target));
  nnet_socket_destroy(ev->target, 0);
}

/* The last address has no attempt timer: give up on the blackhole. */
static void give_up_cb(uv_timer_t *t) {
  tr_log("client", "%s destroy", cc_cur->name);
  nnet_socket_destroy(t->data, 0);
}

static void next(void);

static void on_close(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  uv_timer_stop(&give_up);
  tr_log("client", "%s close %s attempted %s", cc_cur->name, tr_had_error(ev),
         cc_attempted(ev->target));
  next();
}

static void next(void) {
  if (run >= N_RUNS) {
    nnet_server_close(server, NULL, NULL);
    cc_hole_close(&hole);
    uv_close((uv_handle_t *)&give_up, NULL);
    return;
  }
  cc_cur = &runs[run++];
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) return;
  cc_watch(c);
  nnet_socket_on(c, NNET_EV_CONNECTION_ATTEMPT_TIMEOUT, on_timeout, NULL);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, NULL);
  give_up.data = c;
  uv_timer_start(&give_up, give_up_cb, 400, 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "x.test";
  o.lookup = cc_lookup;
  o.auto_select_family = 1;
  o.auto_select_family_attempt_timeout = 100;
  o.happy_eyeballs_mode = NNET_HE_SEQUENTIAL;
  int rc = nnet_socket_connect(c, &o, NULL, NULL);
  if (rc < 0) tr_log("client", "connect-returned %s", nnet_err_name(rc));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  (void)ev, (void)ctx;
  port = tr_server_port(server);
  tr_label_port(port);
  cc_hole_open(&hole, HOLE, port);
  next();
}

int main(void) {
  tr_init();
  uv_timer_init(tr_loop(), &give_up);
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
