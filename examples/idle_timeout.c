/* Idle timeouts: a server that gives each client 2 s of silence, then says
 * goodbye and ends the connection. 'timeout' only notifies (Node's
 * setTimeout): closing is the listener's decision.
 * Run: ./idle_timeout 7002, then: nodenet connect 127.0.0.1 7002 */
#include <nodenet.h>
#include <stdlib.h>
#include <string.h>

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  const char *bye = "idle for 2 s: goodbye\n";
  nnet_socket_end(ev->target, bye, strlen(bye), NULL, NULL);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  /* Any read or write re-arms the idle timer; echo to show it. */
  nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_DATA, on_data, NULL);
  nnet_socket_set_timeout(s, 2000, on_timeout, NULL);
}

int main(int argc, char **argv) {
  nnet_server_t *srv;
  if (nnet_create_server(NULL, on_connection, NULL, &srv) < 0) return 1;
  int port = argc > 1 ? atoi(argv[1]) : 7002;
  if (nnet_server_listen_tcp(srv, port, "127.0.0.1") < 0) return 1;
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
