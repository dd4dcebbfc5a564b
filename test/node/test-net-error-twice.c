/* Node: test/parallel/test-net-error-twice.js
 * The server writes 10 MB to a connection whose client was just
 * destroyed: the server socket emits 'error' exactly once (not the same
 * error twice). Node's process exit is uv_run() returning (the server is
 * unref'd at the connection's 'close'); the server is closed after. */
#include "common.h"

#define BUF_LEN (10 * 1024 * 1024)

static nnet_server_t *server;
static nnet_socket_t *client_socket, *server_socket;
static char *buf;
static int errs;

static void ready(void) {
  if (client_socket && server_socket) {
    nnet_socket_destroy(client_socket, 0);
    nnet_socket_write(server_socket, buf, BUF_LEN, NULL, NULL);
  }
}

static void conn_on_error(const nnet_event_t *ev, void *ctx) {
  errs++;
  printf("server socket error: %s\n", ev->u.error->message);
}

static void conn_on_close(const nnet_event_t *ev, void *ctx) {
  nnet_server_unref(server);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *conn = ev->u.connection.socket;
  NT_OK(nnet_socket_on(conn, NNET_EV_ERROR, conn_on_error, NULL));
  NT_OK(nnet_socket_on(conn, NNET_EV_CLOSE, conn_on_close, NULL));
  server_socket = conn;
  ready();
}

static void client_on_connect(const nnet_event_t *ev, void *ctx) {
  client_socket = ev->target;
  ready();
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, client_on_connect, NULL));
}

int main(void) {
  nt_init();
  buf = malloc(BUF_LEN);
  NT_ASSERT(buf != NULL);
  memset(buf, 0x62, BUF_LEN);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));

  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process 'exit' */
  NT_EQ(errs, 1);
  NT_OK(nnet_server_close(server, NULL, NULL));
  int rc = nt_finish();
  free(buf);
  return rc;
}
