/* Twin of pipe_unpipe.js: pipe {end: false}, unpipe() after the first
 * chunk reached the sink, the next chunk waits in the paused source. */
#include "trace.h"

static nnet_server_t *sink, *server;
static nnet_socket_t *sconn, *up, *client;
static uv_timer_t timer;

static void resume_later(uv_timer_t *t) {
  tr_log("sconn", "readableLength before resume %zu",
         nnet_socket_readable_length(sconn));
  nnet_socket_resume(sconn);
  uv_close((uv_handle_t *)t, NULL);
}

static void sink_first_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_unpipe(sconn, up);
  int f = nnet_socket_readable_flowing(sconn);
  tr_log("sconn", "after unpipe flowing %s paused %s",
         f < 0 ? "null" : tr_bool(f == 1),
         tr_bool(nnet_socket_is_paused(sconn)));
  nnet_socket_unpipe(sconn, up); /* no pipe left: nothing happens */
  nnet_socket_end(client, "two", 3, NULL, NULL);
  uv_timer_init(tr_loop(), &timer);
  uv_timer_start(&timer, resume_later, 100, 0);
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
  nnet_socket_once(k, NNET_EV_DATA, sink_first_data, NULL);
  nnet_socket_on(k, NNET_EV_CLOSE, sink_close, NULL);
}

static void sconn_data(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "own data %s", tr_latin1(ev->u.data.base, ev->u.data.len));
}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "end: up.writableEnded %s",
         tr_bool(nnet_socket_writable_ended(up)));
  nnet_socket_end(up, NULL, 0, NULL, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  tr_log("sconn", "close");
}

static void up_event(const nnet_event_t *ev, void *ctx) {
  tr_log("up", "%s", nnet_event_name(ev->type));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = sconn = ev->u.connection.socket;
  nnet_socket_on(c, NNET_EV_DATA, sconn_data, NULL);
  nnet_socket_on(c, NNET_EV_END, sconn_end, NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
  up = tr_connect(tr_server_port(sink), "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(up, "up", &o);
  nnet_socket_on(up, NNET_EV_PIPE, up_event, NULL);
  nnet_socket_on(up, NNET_EV_UNPIPE, up_event, NULL);
  nnet_pipe_opts_t po;
  nnet_pipe_opts_init(&po);
  po.end = false;
  if (nnet_socket_pipe(c, up, &po) != 0) tr_log("main", "pipe-FAILED");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "one", 3, NULL, NULL);
}

static void client_data(const nnet_event_t *ev, void *ctx) {}

static void client_close(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "close");
}

static void server_listening(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  client = tr_connect(port, "127.0.0.1");
  nnet_socket_on(client, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(client, NNET_EV_DATA, client_data, NULL);
  nnet_socket_on(client, NNET_EV_CLOSE, client_close, NULL);
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
