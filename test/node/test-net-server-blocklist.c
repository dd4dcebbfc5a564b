/* Node: test/parallel/test-net-server-blocklist.js
 * A server whose blockList holds 127.0.0.1 closes a connection from
 * 127.0.0.1 right after accept: no 'connection', and the client just gets
 * 'close' (no 'error'). */
#include "common.h"

static nt_count_t *listening, *closes;
static nnet_server_t *server;

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t a;
  nnet_socket_t *socket;
  NT_HIT(listening);
  NT_OK(nnet_server_address(server, &a));
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.local_address = "127.0.0.1";
  o.host = a.address;
  o.port = a.port;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_close, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  closes = NT_MUST_CALL("socket close", 1);
  nnet_blocklist_t *bl = nnet_blocklist_new();
  NT_ASSERT(bl != NULL);
  NT_OK(nnet_blocklist_add_address(bl, "127.0.0.1", NNET_IPV4));
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.block_list = bl;
  NT_OK(nnet_create_server(&so, nt_must_not_call, "connection", &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  int rc = nt_finish();
  nnet_blocklist_free(bl);
  return rc;
}
