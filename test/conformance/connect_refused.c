/* Twin of connect_refused.js: ECONNREFUSED 'error' then 'close'. */
#include "trace.h"

static nnet_server_t *tmp;
static int port;

static void client_error(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  /* errno-is-number: the C payload always carries the numeric code. */
  tr_log("client", "error props errno-is-number %s connecting %s destroyed %s",
         tr_bool(ev->u.error->code < 0), tr_bool(nnet_socket_is_connecting(c)),
         tr_bool(nnet_socket_is_destroyed(c)));
}

static void client_close(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client", "after close readyState %s destroyed %s",
         nnet_socket_ready_state(c), tr_bool(nnet_socket_is_destroyed(c)));
}

static void closed(nnet_server_t *srv, int status, void *ctx) {
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_log("client", "connecting %s pending %s readyState %s",
         tr_bool(nnet_socket_is_connecting(c)),
         tr_bool(nnet_socket_is_pending(c)), nnet_socket_ready_state(c));
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.no_total = true;
  tr_watch(c, "client", &o);
  nnet_socket_on(c, NNET_EV_ERROR, client_error, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(tmp);
  tr_label_port(port);
  nnet_server_close(tmp, closed, NULL);
}

int main(void) {
  tr_init();
  tmp = tr_create_server(NULL, NULL, NULL);
  tr_listen(tmp, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
