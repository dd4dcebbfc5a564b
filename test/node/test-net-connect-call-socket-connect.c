/* Node: test/parallel/test-net-connect-call-socket-connect.js
 * net.connect({port}) connects (its listener runs once), the client ends,
 * and 'end' arrives. Left out: that net.connect goes through
 * Socket.prototype.connect (checked in Node by monkey-patching the
 * prototype, a JS-only device). */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *listens, *connects, *ends;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
