/* A client: connect, send a line, print what comes back, end.
 * Run: ./client 127.0.0.1 7000 */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static void on_connect(const nnet_event_t *ev, void *ctx) {
  const char *msg = "hello from nodenet\n";
  nnet_socket_end(ev->target, msg, 19, NULL, NULL); /* write, then FIN */
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  fwrite(ev->u.data.base, 1, ev->u.data.len, stdout);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  fprintf(stderr, "error: %s (%s)\n", ev->u.error->message,
          ev->u.error->code_name);
  *(int *)ctx = 1;
}

int main(int argc, char **argv) {
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 7000, failed = 0;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = host;
  o.port = port;
  nnet_socket_t *sock;
  int rc = nnet_create_connection(NULL, &o, on_connect, NULL, &sock);
  if (rc < 0) {
    fprintf(stderr, "connect: %s\n", nnet_strerror(rc));
    return 2;
  }
  nnet_socket_on(sock, NNET_EV_DATA, on_data, NULL);
  nnet_socket_on(sock, NNET_EV_ERROR, on_error, &failed);
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);
  return failed;
}
