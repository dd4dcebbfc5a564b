/* Twin of write_drain_order.js: writes queued while connecting with
 * highWaterMark 16; 'drain' and the write callbacks in Node's order. */
#include <stdint.h>
#include <string.h>

#include "trace.h"

static nnet_server_t *server;

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  tr_watch(c, "sconn", NULL);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, NULL);
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("client", "write cb #%d %s writableLength %zu", (int)(intptr_t)ctx,
         status < 0 ? tr_sync_err(status, (char *)NULL) : "ok",
         nnet_socket_writable_length(s));
}

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("client", "end cb");
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  tr_log("client", "drain writableLength %zu", nnet_socket_writable_length(c));
  nnet_socket_end(c, "z", 1, end_cb, NULL);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  int port = tr_server_port(server);
  tr_label_port(port);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.high_water_mark = 16;
  nnet_socket_t *c = NULL;
  if (nnet_socket_new(&so, &c) < 0) return;
  tr_watch_opts_t o;
  tr_watch_opts_init(&o);
  o.no_total = true;
  o.skip = 1u << NNET_EV_READY;
  tr_watch(c, "client", &o);
  nnet_connect_opts_t co;
  nnet_connect_opts_init(&co);
  co.port = port;
  co.host = "127.0.0.1";
  nnet_socket_connect(c, &co, NULL, NULL);
  static const char *const data[] = {"aaaaaaaaaa", "bbbbbbbbbb", "cccc"};
  for (int i = 0; i < 3; i++) {
    int r = nnet_socket_write(c, data[i], strlen(data[i]), write_cb,
                              (void *)(intptr_t)(i + 1));
    tr_log("client", "write #%d returned %s writableLength %zu", i + 1,
           tr_bool(r == 1), nnet_socket_writable_length(c));
  }
  nnet_socket_on(c, NNET_EV_DRAIN, on_drain, NULL);
}

int main(void) {
  tr_init();
  server = tr_create_server(NULL, on_connection, NULL);
  tr_listen(server, 0, "127.0.0.1", listen_cb, NULL);
  uv_run(tr_loop(), UV_RUN_DEFAULT);
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
