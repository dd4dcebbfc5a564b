/* Twin of pipe_end.js: sconn.pipe(up) to a sink; end passed on, 'pipe' and
 * 'unpipe' on up, sconn flowing. */
#include "trace.h"

static nnet_server_t *sink, *server;

static const char *flowing(const nnet_socket_t *s) {
  int f = nnet_socket_readable_flowing(s);
  return f < 0 ? "null" : tr_bool(f == 1);
}

static void sink_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(sink, NULL, NULL);
  nnet_server_close(server, NULL, NULL);
}

static void on_sink_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *k = ev->u.connection.socket;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(k, "sink", &o);
  nnet_socket_on(k, NNET_EV_CLOSE, sink_close, NULL);
}

static void up_pipe(const nnet_event_t *ev, void *c) {
  tr_log("up", "pipe %s", tr_bool(ev->u.pipe.source == c));
}

static void up_unpipe(const nnet_event_t *ev, void *c) {
  tr_log("up", "unpipe %s flowing %s", tr_bool(ev->u.pipe.source == c),
         flowing(c));
}

static void up_close(const nnet_event_t *ev, void *c) {
  tr_log("sconn", "data listeners at up close %zu",
         nnet_socket_listener_count(c, NNET_EV_DATA));
  nnet_socket_release(c);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_log("sconn", "flowing before watch %s", flowing(c));
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "sconn", &o);
  nnet_socket_t *up = tr_connect(tr_server_port(sink), "127.0.0.1");
  tr_watch(up, "up", &o);
  nnet_socket_on(up, NNET_EV_PIPE, up_pipe, c);
  nnet_socket_on(up, NNET_EV_UNPIPE, up_unpipe, c);
  int rc = nnet_socket_pipe(c, up, NULL);
  tr_log("sconn", "pipe returns dest %s", tr_bool(rc == 0));
  tr_log("sconn", "flowing after pipe %s", flowing(c));
  nnet_socket_retain(c); /* read in up's 'close' (Node: still an object) */
  nnet_socket_on(up, NNET_EV_CLOSE, up_close, c);
}

static void client_write_end(uv_timer_t *t) {
  nnet_socket_end(t->data, "world", 5, NULL, NULL);
  uv_close((uv_handle_t *)t, NULL);
}

static uv_timer_t timer;

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "hello ", 6, NULL, NULL);
  uv_timer_init(tr_loop(), &timer);
  timer.data = ev->target;
  uv_timer_start(&timer, client_write_end, 20, 0);
}

static void server_listening(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "client", &o);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
}

static void sink_listening(const nnet_event_t *ev, void *ctx) {
  tr_label(tr_fmt("%d", tr_server_port(sink)), "SINKPORT");
  tr_listen(server, 0, "127.0.0.1", server_listening, NULL);
}

int main(void) {
  tr_init();
  sink = tr_create_server(NULL, on_sink_conn, NULL);
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(sink, 0, "127.0.0.1", sink_listening, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
