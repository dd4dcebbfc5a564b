/* An echo server in one screen: what the README's quick start shows.
 * Run: ./echo_server 7000, then: nodenet connect 127.0.0.1 7000 */
#include <nodenet.h>
#include <stdio.h>
#include <stdlib.h>

static void on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *sock = ev->target;
  /* 0 means "queued above highWaterMark": stop reading until 'drain'. */
  if (nnet_socket_write(sock, ev->u.data.base, ev->u.data.len, NULL, NULL) == 0)
    nnet_socket_pause(sock);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->target);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *sock = ev->u.connection.socket;
  nnet_socket_on(sock, NNET_EV_DATA, on_data, NULL);
  nnet_socket_on(sock, NNET_EV_DRAIN, on_drain, NULL);
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 7000;
  nnet_server_t *server;
  if (nnet_create_server(NULL, on_connection, NULL, &server) < 0) return 1;
  if (nnet_server_listen_tcp(server, port, "127.0.0.1") < 0) return 1;
  printf("echo server on 127.0.0.1:%d\n", port);
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
