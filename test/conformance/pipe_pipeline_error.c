/* Twin of pipe_pipeline_error.js: nnet_pipeline(sconn, up, cb); up is
 * destroyed with an error; both sides error, the callback runs once. */
#include "trace.h"

static nnet_server_t *sink, *server;
static nnet_socket_t *sconn, *up;
static int calls;

static void sink_data(const nnet_event_t *ev, void *ctx) {
  nnet_error_t e = {0};
  e.code = -1;
  e.name = "Error";
  e.code_name = "EUPSTREAM";
  e.message = "upstream failed";
  e.port = -1;
  nnet_socket_destroy_error(up, &e);
}

static void on_sink_conn(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *k = ev->u.connection.socket;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.no_total = true;
  tr_watch(k, "sink", &o);
  nnet_socket_on(k, NNET_EV_DATA, sink_data, NULL);
}

static void up_pipe(const nnet_event_t *ev, void *ctx) {
  tr_log("up", "pipe");
}

static void up_unpipe(const nnet_event_t *ev, void *ctx) {
  tr_log("up", "unpipe");
}

static void order(const nnet_event_t *ev, void *name) {
  tr_log("order", "%s %s", (const char *)name, nnet_event_name(ev->type));
}

static void pipeline_cb(const nnet_error_t *err, void *ctx) {
  calls++;
  tr_log("order", "callback");
  tr_log("main", "pipeline callback %d %s destroyed %s %s", calls,
         err ? tr_err(err) : "null", tr_bool(nnet_socket_is_destroyed(sconn)),
         tr_bool(nnet_socket_is_destroyed(up)));
  nnet_server_close(sink, NULL, NULL);
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = sconn = ev->u.connection.socket;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "sconn", &o);
  up = tr_connect(tr_server_port(sink), "127.0.0.1");
  tr_watch(up, "up", &o);
  nnet_socket_on(up, NNET_EV_PIPE, up_pipe, NULL);
  nnet_socket_on(up, NNET_EV_UNPIPE, up_unpipe, NULL);
  nnet_socket_on(c, NNET_EV_ERROR, order, "sconn");
  nnet_socket_on(c, NNET_EV_CLOSE, order, "sconn");
  nnet_socket_on(up, NNET_EV_ERROR, order, "up");
  nnet_socket_on(up, NNET_EV_CLOSE, order, "up");
  /* Keep both readable in the callback (Node's objects outlive 'close'). */
  nnet_socket_retain(c);
  nnet_socket_retain(up);
  if (nnet_pipeline(c, up, pipeline_cb, NULL) != 0)
    tr_log("main", "pipeline-FAILED");
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "hello", 5, NULL, NULL);
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void server_listening(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_t *c = tr_connect(port, "127.0.0.1");
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  tr_watch(c, "client", &o);
  nnet_socket_on(c, NNET_EV_CONNECT, client_connect, NULL);
  nnet_socket_on(c, NNET_EV_END, client_end, NULL);
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
  if (sconn) nnet_socket_release(sconn);
  if (up) nnet_socket_release(up);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
