/* Node: test/parallel/test-net-listen-ipv6only.js
 * listen({host: '::', ipv6Only: true}) does not accept IPv4: connecting
 * to the port over IPv4 fails with ECONNREFUSED. Node connects to
 * 0.0.0.0 (Linux: this host); ports may only use loopback, so the IPv4
 * target here is 127.0.0.1, the same check. */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *listening, *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->code_name, "ECONNREFUSED");
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket;
  NT_HIT(listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(socket, NNET_EV_ERROR, on_error, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  errors = NT_MUST_CALL("error", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.host = "::";
  lo.port = 0;
  lo.ipv6_only = true;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
