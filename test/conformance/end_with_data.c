/* Twin of end_with_data.js: end(cb), end(str, cb), end(hex, 'hex', cb);
 * the receiver sees the data before 'end'. */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static nnet_server_t *server;
static int port, done, variant;

typedef struct {
  char buf[64];
  size_t len;
} recv_t;

static void sconn_data(const nnet_event_t *ev, void *ctx) {
  recv_t *r = ctx;
  size_t n = ev->u.data.len;
  if (r->len + n > sizeof(r->buf)) n = sizeof(r->buf) - r->len;
  memcpy(r->buf + r->len, ev->u.data.base, n);
  r->len += n;
}

static void sconn_end(const nnet_event_t *ev, void *ctx) {
  recv_t *r = ctx;
  tr_log("sconn", "received %s", tr_qn(r->buf, r->len));
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  free(ctx);
  if (++done == 3) nnet_server_close(server, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->u.connection.socket;
  recv_t *r = calloc(1, sizeof(*r));
  nnet_socket_set_encoding(c, NNET_ENC_UTF8);
  nnet_socket_on(c, NNET_EV_DATA, sconn_data, r);
  nnet_socket_on(c, NNET_EV_END, sconn_end, r);
  nnet_socket_on(c, NNET_EV_CLOSE, sconn_close, r);
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  tr_log("server", "close");
}

static const char *const names[] = {"end(cb)", "end(str,cb)",
                                    "end(hex,enc,cb)"};

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  tr_log("client", "cb %s", (const char *)ctx);
}

static void client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  const char *name = ctx;
  int rc;
  if (ctx == names[0]) {
    rc = nnet_socket_end(c, NULL, 0, end_cb, ctx);
  } else if (ctx == names[1]) {
    rc = nnet_socket_end(c, "foo", 3, end_cb, ctx);
  } else {
    /* end(data, enc, cb) is write(data, enc) + end(cb) in Node's Writable. */
    rc = nnet_socket_write_str(c, "626172", 6, NNET_ENC_HEX, NULL, NULL);
    if (rc >= 0) rc = nnet_socket_end(c, NULL, 0, end_cb, ctx);
  }
  tr_log("client", "%s returns-this %s", name, tr_bool(rc >= 0));
}

static void client_finish(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "%s finish", (const char *)ctx);
}

static void client_end(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "%s end", (const char *)ctx);
}

static void next(void);

static void client_close(const nnet_event_t *ev, void *ctx) {
  tr_log("client", "%s close hadError=%s", (const char *)ctx, tr_had_error(ev));
  next();
}

static void next(void) {
  if (variant >= 3) return;
  void *name = (void *)names[variant++];
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  nnet_socket_t *c = NULL;
  if (nnet_create_connection(NULL, &o, client_connect, name, &c) < 0) return;
  nnet_socket_on(c, NNET_EV_FINISH, client_finish, name);
  nnet_socket_on(c, NNET_EV_END, client_end, name);
  nnet_socket_on(c, NNET_EV_CLOSE, client_close, name);
  nnet_socket_resume(c);
}

static void listen_cb(const nnet_event_t *ev, void *ctx) {
  port = tr_server_port(server);
  tr_label_port(port);
  next();
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
