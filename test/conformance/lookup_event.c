/* Twin of lookup_event.js: 'lookup' (err, address, family, host) fires for
 * host names before 'connect', never for IP literals. */
#include "trace.h"

static nnet_server_t *server;
static int port, run;

static const struct {
  const char *name, *host;
  int family, auto_select;
} runs[] = {
    {"host=localhost", "localhost", 0, 1},
    {"host=localhost autoSelectFamily=false", "localhost", 0, 0},
    {"host=localhost family=4", "localhost", 4, 1},
    {"host=127.0.0.1", "127.0.0.1", 0, 1},
    {"no host (defaults to localhost)", NULL, 0, 1},
};

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  const char *name = ctx;
  tr_log("client", "%s lookup %s %s %d %s", name,
         ev->u.lookup.err ? tr_err(ev->u.lookup.err) : "null",
         tr_q(ev->u.lookup.address), ev->u.lookup.family,
         tr_q(ev->u.lookup.host));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "%s connect %s", (const char *)ctx,
         tr_remote_address(ev->target));
}

static void next(void);

static void on_close(const nnet_event_t *ev, void *ctx) {
  next();
}

static void next(void) {
  if (run >= 5) {
    nnet_server_close(server, NULL, NULL);
    return;
  }
  int i = run++;
  void *name = (void *)runs[i].name;
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(NULL, &c) < 0) {
    tr_log("main", "SOCKET-FAILED");
    return;
  }
  nnet_socket_on(c, NNET_EV_LOOKUP, on_lookup, name);
  nnet_socket_on(c, NNET_EV_CONNECT, on_connect, name);
  nnet_socket_on(c, NNET_EV_CLOSE, on_close, name);
  nnet_socket_resume(c);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = runs[i].host;
  o.family = runs[i].family;
  o.auto_select_family = runs[i].auto_select;
  int rc = nnet_socket_connect(c, &o, NULL, NULL);
  if (rc < 0)
    tr_log("client", "%s connect-returned %s", runs[i].name, nnet_err_name(rc));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(server);
  tr_label_port(port);
  next();
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
