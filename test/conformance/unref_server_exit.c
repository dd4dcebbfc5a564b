/* Twin of unref_server_exit.js: unref()'d servers do not keep the loop
 * alive; unref() before listen() persists; ref() restores. */
#include "trace.h"

static nnet_server_t *a, *b, *c;
static uv_timer_t timer;

static void a_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "a listening (unref before listen)");
}

static void close_c(uv_timer_t *t) {
  tr_log("server", "closing c after 100ms");
  nnet_server_close(c, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void c_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "c listening, unref then ref");
  nnet_server_unref(c);
  nnet_server_ref(c); /* returns void: `=== c` holds */
  tr_log("server", "ref returns this true");
  uv_timer_init(tr_loop(), &timer);
  uv_timer_start(&timer, close_c, 100, 0);
}

static void b_listening(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "b listening");
  nnet_server_unref(b);
  c = tr_create_server(NULL, NULL, NULL);
  tr_listen(c, 0, "127.0.0.1", c_listening, NULL);
}

int main(void) {
  tr_init();
  a = tr_create_server(NULL, NULL, NULL);
  nnet_server_unref(a);
  tr_log("server", "unref returns this true");
  tr_listen(a, 0, "127.0.0.1", a_listening, NULL);
  b = tr_create_server(NULL, NULL, NULL);
  tr_listen(b, 0, "127.0.0.1", b_listening, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  /* Node's 'beforeExit': the loop ran out of (ref'd) work. */
  tr_log("main", "beforeExit a.listening %s b.listening %s",
         tr_bool(nnet_server_is_listening(a)),
         tr_bool(nnet_server_is_listening(b)));
  int code = tr_finish(0);
  /* Node exits with a and b still open; here they are closed for the
   * leak check, after the trace is printed. */
  nnet_server_close(a, NULL, NULL);
  nnet_server_close(b, NULL, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  return tr_teardown() ? 1 : code;
}
