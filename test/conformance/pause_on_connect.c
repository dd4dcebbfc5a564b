/* Twin of pause_on_connect.js: with pauseOnConnect the accepted socket
 * reads nothing until resume(). */
#include "trace.h"

static nnet_server_t *server;
static uv_timer_t timer;
static size_t got;

static void count(const nnet_event_t *ev, void *ctx) {
  got += ev->u.data.len;
}

static void after_100(uv_timer_t *t) {
  nnet_socket_t *c = t->data;
  tr_log("sconn", "after 100ms: data bytes %zu bytesRead %llu", got,
         (unsigned long long)nnet_socket_bytes_read(c));
  nnet_socket_resume(c);
  uv_close((uv_handle_t *)t, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.each_data = true;
  tr_watch(c, "sconn", &o);
  nnet_socket_on(c, NNET_EV_DATA, count, NULL);
  uv_timer_init(tr_loop(), &timer);
  timer.data = c;
  uv_timer_start(&timer, after_100, 100, 0);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch(c, "client", NULL);
  nnet_socket_end(c, "hello", 5, NULL, NULL);
}

int main(void) {
  tr_init();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.pause_on_connect = true;
  server = tr_create_server(&so, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
