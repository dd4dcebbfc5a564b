/* A Unix-socket server that greets each client and closes.
 * Run: ./unix_server /tmp/greet.sock, then ./unix_client /tmp/greet.sock */
#include <nodenet.h>
#include <stdio.h>
#include <string.h>

static void on_connection(const nnet_event_t *ev, void *ctx) {
  const char *hello = "hello over a Unix socket\n";
  nnet_socket_end(ev->u.connection.socket, hello, strlen(hello), NULL, NULL);
}

static void on_signal(uv_signal_t *sig, int signum) {
  /* Closing unlinks the socket file this server created. */
  nnet_server_close(sig->data, NULL, NULL);
  uv_close((uv_handle_t *)sig, NULL);
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "/tmp/nodenet-example.sock";
  nnet_server_t *server;
  if (nnet_create_server(NULL, on_connection, NULL, &server) < 0) return 1;
  int rc = nnet_server_listen_path(server, path);
  if (rc < 0) { /* e.g. NNET_ERR_PATH_TOO_LONG: never truncated */
    fprintf(stderr, "listen: %s\n", nnet_strerror(rc));
    return 1;
  }
  uv_signal_t sig;
  uv_signal_init(uv_default_loop(), &sig);
  sig.data = server;
  uv_signal_start(&sig, on_signal, SIGINT);
  printf("listening on %s (Ctrl-C to stop)\n", path);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
