/* Node: test/parallel/test-net-connect-options-ipv6.js
 * connect({host, family: 6, lookup, allowHalfOpen}) to a ::1 server: the
 * custom lookup gets the host and family 6; with allowHalfOpen the client
 * stays writable after the server's 'end' and closes after its own end().
 * allowHalfOpen is a socket option here: new Socket() + connect(). */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *client;
static nt_count_t *connections, *server_ends, *lookups, *connects, *client_ends,
    *timeouts;

static void server_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(server_ends);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(connections);
  nnet_socket_resume(s);
  NT_OK(nnet_socket_on(s, NNET_EV_END, server_on_end, NULL));
  NT_OK(nnet_socket_end(s, NULL, 0, NULL, NULL));
}

static void lookup(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  static const char *const addrs[] = {"::1"};
  NT_HIT(lookups);
  NT_STREQ(host, "dummy");
  NT_EQ(family, 6);
  int fam[] = {family};
  done(req, 0, addrs, fam, 1);
}

static void after_end(void *ctx) {
  NT_HIT(timeouts);
  NT_ASSERT(nnet_socket_is_writable(client));
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(client_ends);
  nt_set_timeout(after_end, NULL, 10);
}

static void client_on_close(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  nnet_socket_resume(client);
  NT_OK(nnet_socket_on(client, NNET_EV_END, client_on_end, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_CLOSE, client_on_close, NULL));
}

static void try_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_opts_t so;
  nnet_connect_opts_t co;
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  NT_OK(nnet_socket_new(&so, &client));
  nnet_connect_opts_init(&co);
  co.host = "dummy";
  co.port = nt_server_port(server);
  co.family = 6;
  co.lookup = lookup;
  NT_OK(nnet_socket_connect(client, &co, on_connect, NULL));
}

int main(void) {
  nnet_server_opts_t so;
  nnet_listen_opts_t lo;
  nt_init();
  connections = NT_MUST_CALL("server connection", 1);
  server_ends = NT_MUST_CALL("server socket end", 1);
  lookups = NT_MUST_CALL("lookup", 1);
  connects = NT_MUST_CALL("client connect", 1);
  client_ends = NT_MUST_CALL("client end", 1);
  timeouts = NT_MUST_CALL("timeout after end", 1);
  nnet_server_opts_init(&so);
  so.allow_half_open = true;
  NT_OK(nnet_create_server(&so, on_connection, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "::1";
  NT_OK(nnet_server_listen(server, &lo, try_connect, NULL));
  return nt_finish();
}
