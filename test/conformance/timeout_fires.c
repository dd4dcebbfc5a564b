/* Twin of timeout_fires.js: setTimeout(100) emits 'timeout' on an idle
 * socket without destroying it; a write re-arms it; setTimeout(0) stops it. */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t idle_timer;
static int n;

static void noop(const nnet_event_t *ev, void *ctx) {}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  nnet_socket_on(c, NNET_EV_DATA, noop, NULL);
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void after_idle(uv_timer_t *t) {
  tr_log("client", "after 300ms idle: timeouts %d", n);
  nnet_socket_end(t->data, NULL, 0, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void timeout_cb(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "timeout callback");
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  n++;
  tr_log("client", "timeout event #%d destroyed %s readyState %s", n,
         tr_bool(nnet_socket_is_destroyed(c)), nnet_socket_ready_state(c));
  if (n == 1) {
    nnet_socket_write(c, "ping", 4, NULL, NULL);
  } else if (n == 2) {
    uv_timer_init(tr_loop(), &idle_timer);
    idle_timer.data = c;
    uv_timer_start(&idle_timer, after_idle, 300, 0);
    nnet_socket_set_timeout(c, 0, NULL, NULL);
  }
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "close hadError=%s timeouts %d", tr_had_error(ev), n);
}

/* socket.timeout: undefined until setTimeout() was called. */
static const char *timeout_prop(nnet_socket_t *c, bool set) {
  return set ? tr_fmt("%u", nnet_socket_timeout(c)) : "";
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_log("client", "timeout property before %s",
         nnet_socket_timeout(c) ? timeout_prop(c, true) : "");
  int rc = nnet_socket_set_timeout(c, 100, timeout_cb, NULL);
  tr_log("client", "setTimeout returns this %s", tr_bool(rc >= 0));
  tr_log("client", "timeout property %s", timeout_prop(c, true));
  nnet_socket_on(c, NNET_EV_TIMEOUT, on_timeout, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
