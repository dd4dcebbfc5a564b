/* Twin of encoding_utf8_split.js: setEncoding('utf8') with the euro sign
 * split across two writes 100 ms apart. */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t timer;

static void second_half(uv_timer_t *t) {
  nnet_socket_end(t->data,
                  "\xac"
                  "b",
                  2, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  nnet_socket_write(c, "a\xe2\x82", 3, NULL, NULL);
  uv_timer_init(tr_loop(), &timer);
  timer.data = c;
  uv_timer_start(&timer, second_half, 100, 0);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  int rc = nnet_socket_set_encoding(c, NNET_ENC_UTF8);
  tr_log("client", "setEncoding returns this %s", tr_bool(rc >= 0));
  /* No readableEncoding getter: the encoding set above, if it took. */
  tr_log("client", "readableEncoding %s", rc >= 0 ? "utf8" : "null");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.each_data = true;
  o.enc = NNET_ENC_UTF8;
  tr_watch(c, "client", &o);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
