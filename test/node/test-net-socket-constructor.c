/* Node: test/parallel/test-net-socket-constructor.js
 * A new socket, an accepted one, a client before and at 'connect', and
 * sockets wrapping existing descriptors are readable and writable. Left
 * out (JS-only): fd of a wrong JS type, {handle: socket._handle} (no JS
 * handle objects in C) and cluster; the worker's fds 4/5/6 (cluster stdio
 * pipes) become the two ends of a socketpair, and fd -1 is our "no fd"
 * value, so Node's ERR_OUT_OF_RANGE for it has no C form. */
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *conns, *listens, *connects;
static nnet_server_t *server;
static nnet_socket_t *client;

static void check(nnet_socket_t *s, bool readable, bool writable) {
  NT_EQ(nnet_socket_is_readable(s), readable);
  NT_EQ(nnet_socket_is_writable(s), writable);
}

/* test(options): a new socket, unref'd, checked. */
static void check_new(int fd) {
  nnet_socket_opts_t o;
  nnet_socket_t *s;
  nnet_socket_opts_init(&o);
  o.fd = fd;
  NT_OK(nnet_socket_new(&o, &s));
  nnet_socket_unref(s);
  check(s, true, true);
  /* Node leaves it to garbage collection; C frees it. */
  nnet_socket_destroy(s, 0);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(conns);
  nnet_socket_unref(s);
  check(s, true, true);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  check(client, true, true);
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
  check(client, true, true);
}

int main(void) {
  int sv[2];
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);

  check_new(-1); /* test(undefined, true, true) */

  /* The worker's part: sockets on descriptors it was given. */
  NT_ASSERT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
  check_new(sv[0]);
  check_new(sv[1]);

  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
