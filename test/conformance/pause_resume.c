/* Twin of pause_resume.js: a socket paused before data arrives delivers
 * nothing until resume(). */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t timer;
static size_t got;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  nnet_socket_end(c, "0123456789", 10, NULL, NULL);
  nnet_socket_resume(c);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static void count(const nnet_event_t *ev, void *ctx) {
  got += ev->u.data.len;
}

static void after_150(uv_timer_t *t) {
  nnet_socket_t *c = t->data;
  tr_log("client",
         "after 150ms paused: bytes %zu isPaused %s readableLength %s", got,
         tr_bool(nnet_socket_is_paused(c)), tr_readable_length(c));
  nnet_socket_resume(c);
  tr_log("client", "resumed isPaused %s", tr_bool(nnet_socket_is_paused(c)));
  uv_close((uv_handle_t *)t, NULL);
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "bytes at end %zu", got);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_log("client", "isPaused-initial %s", tr_bool(nnet_socket_is_paused(c)));
  nnet_socket_pause(c);
  tr_log("client", "isPaused-after-pause %s",
         tr_bool(nnet_socket_is_paused(c)));
  nnet_socket_on(c, NNET_EV_DATA, count, NULL);
  tr_watch(c, "client", NULL);
  uv_timer_init(tr_loop(), &timer);
  timer.data = c;
  uv_timer_start(&timer, after_150, 150, 0);
  nnet_socket_on(c, NNET_EV_END, client_end, NULL);
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
