/* Node: test/parallel/test-net-dns-lookup-skip.js
 * Connecting to an IP literal (127.0.0.1, ::1) skips the lookup: no
 * 'lookup' event. */
#include "common.h"

static nnet_server_t *servers[2];

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server = ctx;
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *server = ev->target;
  nnet_socket_t *s;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), ctx, &s));
  NT_OK(nnet_socket_on(s, NNET_EV_LOOKUP, nt_must_not_call, "lookup"));
}

static void check(int i, const char *address) {
  NT_OK(nnet_create_server(NULL, NULL, NULL, &servers[i]));
  NT_OK(nnet_server_on(servers[i], NNET_EV_CONNECTION, on_connection,
                       servers[i]));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = address;
  NT_OK(nnet_server_listen(servers[i], &lo, on_listening, (void *)address));
}

int main(void) {
  nt_init();
  check(0, "127.0.0.1");
  check(1, "::1");
  return nt_finish();
}
