/* A Unix-socket client: prints what the server sends until it ends. */
#include <nodenet.h>
#include <stdio.h>

static void on_data(const nnet_event_t *ev, void *ctx) {
  fwrite(ev->u.data.base, 1, ev->u.data.len, stdout);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  fprintf(stderr, "%s\n", ev->u.error->message); /* "connect ENOENT /path" */
}

int main(int argc, char **argv) {
  nnet_socket_t *sock;
  const char *path = argc > 1 ? argv[1] : "/tmp/nodenet-example.sock";
  if (nnet_create_connection_path(NULL, path, &sock) < 0) return 1;
  nnet_socket_on(sock, NNET_EV_DATA, on_data, NULL);
  nnet_socket_on(sock, NNET_EV_ERROR, on_error, NULL);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
