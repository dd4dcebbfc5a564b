/* Half-close: the client sends a request and ends its side; the server
 * (allowHalfOpen) reads until 'end', then answers with the byte count and
 * ends its side. Both run in one process on 127.0.0.1. */
#include <nodenet.h>
#include <stdio.h>
#include <string.h>

static size_t received;

static void server_data(const nnet_event_t *ev, void *ctx) {
  received += ev->u.data.len;
}

static void server_end(const nnet_event_t *ev, void *ctx) {
  /* The peer can send no more, but we can still write: answer now. */
  char reply[64];
  int n = snprintf(reply, sizeof reply, "got %zu bytes\n", received);
  nnet_socket_end(ev->target, reply, (size_t)n, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_DATA, server_data, NULL);
  nnet_socket_on(s, NNET_EV_END, server_end, NULL);
  nnet_server_close(ctx, NULL, NULL); /* one client is enough */
}

static void client_data(const nnet_event_t *ev, void *ctx) {
  fwrite(ev->u.data.base, 1, ev->u.data.len, stdout);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  nnet_server_address(ev->target, &sa);
  nnet_socket_t *c;
  if (nnet_create_connection_tcp(NULL, sa.port, "127.0.0.1", &c) < 0) return;
  nnet_socket_on(c, NNET_EV_DATA, client_data, NULL);
  const char *req = "a request that ends with FIN";
  nnet_socket_end(c, req, strlen(req), NULL, NULL);
}

int main(void) {
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.allow_half_open = true;
  nnet_server_t *srv;
  if (nnet_create_server(&o, on_connection, NULL, &srv) < 0) return 1;
  /* The connection listener closes the server: give it the pointer. */
  nnet_server_off(srv, NNET_EV_CONNECTION, on_connection, NULL);
  nnet_server_on(srv, NNET_EV_CONNECTION, on_connection, srv);
  nnet_server_on(srv, NNET_EV_LISTENING, on_listening, NULL);
  if (nnet_server_listen_tcp(srv, 0, "127.0.0.1") < 0) return 1;
  return uv_run(uv_default_loop(), UV_RUN_DEFAULT);
}
