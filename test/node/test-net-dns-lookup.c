/* Node: test/parallel/test-net-dns-lookup.js
 * Connecting to 'localhost' emits 'lookup' (at least once) with no error,
 * 127.0.0.1 or ::1, family 4 or 6, and the host name. */
#include "common.h"

static nnet_server_t *server;
static nt_count_t *listening, *lookups;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  NT_HIT(lookups);
  NT_ASSERT(ev->u.lookup.err == NULL);
  const char *ip = ev->u.lookup.address;
  NT_ASSERT(ip != NULL &&
            (strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0));
  NT_ASSERT(ev->u.lookup.family == 4 || ev->u.lookup.family == 6);
  NT_STREQ(ev->u.lookup.host, "localhost");
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s;
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), "localhost",
                                   &s));
  NT_OK(nnet_socket_on(s, NNET_EV_LOOKUP, on_lookup, NULL));
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  lookups = NT_MUST_CALL_AT_LEAST("lookup", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
