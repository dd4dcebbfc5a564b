/* Twin of listen_eaddrinuse.js: EADDRINUSE arrives as 'error' (no
 * 'close'); listening stays false; the server can listen again. */
#include "trace.h"

static nnet_server_t *a, *b;
static uv_timer_t timer;

static void on_b_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "b close event");
}

static void all_closed(nnet_server_t *srv, int status, void *ctx) {
  tr_log("server", "all closed");
}

static void b_closed(nnet_server_t *srv, int status, void *ctx) {
  nnet_server_close(a, all_closed, NULL);
}

static void relisten_cb(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "b relisten ok");
  nnet_server_close(b, b_closed, NULL);
}

static void relisten(uv_timer_t *t) {
  tr_listen(b, 0, "127.0.0.1", relisten_cb, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void on_b_error(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "b error %s", tr_err(ev->u.error));
  tr_log("server", "b listening %s address %s",
         tr_bool(nnet_server_is_listening(b)), tr_server_address(b));
  uv_timer_init(tr_loop(), &timer);
  uv_timer_start(&timer, relisten, 20, 0);
}

static void b_first(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "b first listen callback");
}

static void a_listening(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(a);
  tr_label_port(port);
  nnet_server_on(b, NNET_EV_ERROR, on_b_error, NULL);
  tr_listen(b, port, "127.0.0.1", b_first, NULL);
}

int main(void) {
  tr_init();
  a = tr_create_server(NULL, NULL, NULL);
  b = tr_create_server(NULL, NULL, NULL);
  nnet_server_on(b, NNET_EV_CLOSE, on_b_close, NULL);
  tr_listen(a, 0, "127.0.0.1", a_listening, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
