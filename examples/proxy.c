/* A TCP proxy with backpressure: ./proxy LISTEN_PORT TARGET_HOST TARGET_PORT.
 * Each direction pauses its source when the sink's queue is over the
 * highWaterMark and resumes it on the sink's 'drain'; a FIN is passed on
 * (allowHalfOpen on both sides), and either side closing closes the other. */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static const char *target_host;
static int target_port;

/* ctx of each listener = the other socket of the pair. */
static void pipe_data(const nnet_event_t *ev, void *peer) {
  if (nnet_socket_write(peer, ev->u.data.base, ev->u.data.len, NULL, NULL) == 0)
    nnet_socket_pause(ev->target);
}
static void pipe_drain(const nnet_event_t *ev, void *peer) {
  nnet_socket_resume(peer);
}
static void pipe_end(const nnet_event_t *ev, void *peer) {
  nnet_socket_end(peer, NULL, 0, NULL, NULL);
}
static void pipe_close(const nnet_event_t *ev, void *peer) {
  nnet_socket_destroy(peer, 0);
}
static void pipe_error(const nnet_event_t *ev, void *peer) {
  fprintf(stderr, "proxy: %s\n", ev->u.error->message);
}

/* Wire a → b. The 'close' listener also drops b's listeners that point at
 * a, so no listener ever sees a freed peer. */
static void unwire(const nnet_event_t *ev, void *peer);
static void wire(nnet_socket_t *a, nnet_socket_t *b) {
  nnet_socket_on(a, NNET_EV_DATA, pipe_data, b);
  nnet_socket_on(a, NNET_EV_DRAIN, pipe_drain, b);
  nnet_socket_on(a, NNET_EV_END, pipe_end, b);
  nnet_socket_on(a, NNET_EV_ERROR, pipe_error, b);
  nnet_socket_on(a, NNET_EV_CLOSE, unwire, b);
  nnet_socket_on(a, NNET_EV_CLOSE, pipe_close, b);
}
static void unwire(const nnet_event_t *ev, void *peer) {
  nnet_socket_t *self = ev->target;
  nnet_socket_off(peer, NNET_EV_DATA, pipe_data, self);
  nnet_socket_off(peer, NNET_EV_DRAIN, pipe_drain, self);
  nnet_socket_off(peer, NNET_EV_END, pipe_end, self);
  nnet_socket_off(peer, NNET_EV_ERROR, pipe_error, self);
  nnet_socket_off(peer, NNET_EV_CLOSE, unwire, self);
  nnet_socket_off(peer, NNET_EV_CLOSE, pipe_close, self);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client = ev->u.connection.socket, *up;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = target_host;
  o.port = target_port;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  if (nnet_socket_new(&so, &up) < 0) {
    nnet_socket_destroy(client, 0);
    return;
  }
  wire(client, up);
  wire(up, client);
  if (nnet_socket_connect(up, &o, NULL, NULL) < 0) nnet_socket_destroy(up, 0);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: proxy LISTEN_PORT TARGET_HOST TARGET_PORT\n");
    return 2;
  }
  target_host = argv[2];
  target_port = atoi(argv[3]);
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.allow_half_open = true;
  nnet_server_t *srv;
  if (nnet_create_server(&o, on_connection, NULL, &srv) < 0) return 1;
  if (nnet_server_listen_tcp(srv, atoi(argv[1]), "127.0.0.1") < 0) return 1;
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
