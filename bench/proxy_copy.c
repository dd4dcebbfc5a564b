/* proxy_copy PORT TARGET_PORT [UNIXPATH]: a TCP proxy written out by hand
 * on nodenet's listener API, the baseline for nnet_pipeline_duplex() in
 * bench/proxy.sh: each 'data' is write()n to the other socket, a full
 * write pauses the source until the other's 'drain', 'end' ends the other
 * (allowHalfOpen), and the first 'close' destroys the other. Every byte
 * passes through user space. UNIXPATH (the bench kit's) is ignored. */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static int target_port;

/* Both sockets are retained until both are closed: a 'close' listener may
 * destroy the other one, which may have closed already. */
typedef struct {
  nnet_socket_t *s[2];
  int open;
} pair_t;

static nnet_socket_t *other(const nnet_event_t *ev, pair_t *p) {
  return ev->target == p->s[0] ? p->s[1] : p->s[0];
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *o = other(ev, ctx);
  if (nnet_socket_write(o, ev->u.data.base, ev->u.data.len, NULL, NULL) == 0)
    nnet_socket_pause(ev->target);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(other(ev, ctx));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(other(ev, ctx), NULL, 0, NULL, NULL);
}

static void on_error(const nnet_event_t *ev, void *ctx) {}

static void on_close(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_socket_destroy(other(ev, p), 0);
  if (--p->open > 0) return;
  nnet_socket_release(p->s[0]);
  nnet_socket_release(p->s[1]);
  free(p);
}

static void wire(pair_t *p, nnet_socket_t *s) {
  nnet_socket_retain(s);
  nnet_socket_on(s, NNET_EV_DRAIN, on_drain, p);
  nnet_socket_on(s, NNET_EV_END, on_end, p);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, p);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, p);
  nnet_socket_on(s, NNET_EV_DATA, on_data, p);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client = ev->u.connection.socket, *up;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  pair_t *p = calloc(1, sizeof(*p));
  if (p == NULL || nnet_socket_new(&so, &up) < 0) {
    free(p);
    nnet_socket_destroy(client, 0);
    return;
  }
  p->s[0] = client;
  p->s[1] = up;
  p->open = 2;
  wire(p, client);
  wire(p, up);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = target_port;
  if (nnet_socket_connect(up, &o, NULL, NULL) < 0) nnet_socket_destroy(up, 0);
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: proxy_copy PORT TARGET_PORT [UNIXPATH]\n");
    return 2;
  }
  target_port = atoi(argv[2]);
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.allow_half_open = true;
  nnet_server_t *srv;
  if (nnet_create_server(&o, on_connection, NULL, &srv) < 0) return 1;
  if (nnet_server_listen_tcp(srv, atoi(argv[1]), "127.0.0.1") < 0) return 1;
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
