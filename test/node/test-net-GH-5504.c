/* Node: test/sequential/test-net-GH-5504.js
 * A server that closes itself on its first connection and writes 64 MB to
 * it, and a client that destroys itself on 'connect': both finish. Node
 * runs them as two child processes with NODE_DEBUG=net and only waits for
 * both to exit (the server one dies of the unhandled 'read ECONNRESET');
 * the processes and the debug log are left out: here both run on one loop,
 * the server socket's one 'error' (the reset, seen by the read or the
 * write) is listened for, and its 'close' is required. */
#include "common.h"

#define CONTENT (64 * 1024 * 1024)
static nt_count_t *listens, *connects, *errors, *closes;
static nnet_server_t *server;
static char *content;

static void on_error(const nnet_event_t *ev, void *ctx) {
  const char *code = ev->u.error->code_name;
  NT_HIT(errors);
  NT_ASSERT(strcmp(code, "ECONNRESET") == 0 || strcmp(code, "EPIPE") == 0);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_socket_write(socket, content, CONTENT, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  nnet_socket_destroy(ev->target, 0);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("client connect", 1);
  errors = NT_MUST_CALL("server socket error", 1);
  closes = NT_MUST_CALL("server socket close", 1);
  content = malloc(CONTENT);
  NT_ASSERT(content != NULL);
  memset(content, '#', CONTENT);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, "127.0.0.1"));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  int rc = nt_finish();
  free(content);
  return rc;
}
