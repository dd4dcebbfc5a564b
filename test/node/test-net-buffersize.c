/* Node: test/parallel/test-net-buffersize.js
 * socket.bufferSize (writableLength) counts the bytes written while the
 * client is still connecting, one per write('a'), and is 0 at 'finish'.
 * The server drains with 'data' instead of 'readable' + read(). */
#include "common.h"

#define ITER 10

static nt_count_t *listens, *finishes;
static nnet_server_t *server;

static void srv_on_data(const nnet_event_t *ev, void *ctx) {}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, srv_on_data, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, NULL));
}

static void on_finish(const nnet_event_t *ev, void *ctx) {
  NT_HIT(finishes);
  NT_EQ(nnet_socket_writable_length(ev->target), 0);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client;
  NT_HIT(listens);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
  NT_OK(nnet_socket_on(client, NNET_EV_FINISH, on_finish, NULL));
  for (int i = 1; i < ITER; i++) {
    NT_OK(nnet_socket_write(client, "a", 1, NULL, NULL));
    NT_EQ(nnet_socket_writable_length(client), i);
  }
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  finishes = NT_MUST_CALL("client finish", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
