/* A TCP proxy with backpressure: ./proxy LISTEN_PORT TARGET_HOST TARGET_PORT.
 * nnet_pipeline_duplex() is Node's stream.pipeline(client, upstream,
 * client): each direction pauses its source while the sink's queue is over
 * the highWaterMark, a FIN is passed on (allowHalfOpen on both sides), and
 * an error on either side destroys both. */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static const char *target_host;
static int target_port;

static void done(const nnet_error_t *err, void *ctx) {
  if (err) fprintf(stderr, "proxy: %s\n", err->message);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client = ev->u.connection.socket, *up;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = target_host;
  o.port = target_port;
  if (nnet_socket_new(&so, &up) < 0) {
    nnet_socket_destroy(client, 0);
    return;
  }
  /* piped before connect(): every outcome, a refused connect too, comes to
   * done() once both sockets are destroyed */
  if (nnet_pipeline_duplex(client, up, done, NULL) < 0 ||
      nnet_socket_connect(up, &o, NULL, NULL) < 0) {
    nnet_socket_destroy(client, 0);
    nnet_socket_destroy(up, 0);
  }
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
