/* Node: test/parallel/test-net-remote-address-port.js
 * remoteAddress/remoteFamily/remotePort: absent before connecting, the
 * loopback peer once connected (both sides), and still readable in 'close'
 * on both sides. */
#include "common.h"

static int conns_closed;
static nt_count_t *srv_conns, *srv_closes, *listening, *cli_connects,
    *cli_closes;
static nnet_server_t *server;

static void check_remote(nnet_socket_t *s, int expect_port) {
  nnet_socketaddress_t ra;
  int rc = nnet_socket_remote_address(s, &ra);
  if (rc != 0) NT_FAIL("remoteAddress: %s", nnet_err_name(rc));
  if (strcmp(ra.address, "127.0.0.1") != 0 && strcmp(ra.address, "::1") != 0 &&
      strcmp(ra.address, "::ffff:127.0.0.1") != 0)
    NT_FAIL("Invalid remoteAddress: %s", ra.address);
  NT_ASSERT(ra.family == NNET_IPV4 || ra.family == NNET_IPV6);
  NT_ASSERT(ra.port != 0);
  if (expect_port >= 0) NT_EQ(ra.port, expect_port);
}

static void srv_sock_end(const nnet_event_t *ev, void *ctx) {
  if (++conns_closed == 2) NT_OK(nnet_server_close(server, NULL, NULL));
}

static void srv_sock_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_closes);
  check_remote(ev->target, -1);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t ra;
  NT_HIT(srv_conns);
  check_remote(s, -1);
  NT_OK(nnet_socket_remote_address(s, &ra));
  NT_ASSERT(ra.port != nt_server_port(server));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_sock_end, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, srv_sock_close, NULL));
  nnet_socket_resume(s);
}

static void cli_on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(cli_connects);
  check_remote(ev->target, nt_server_port(server));
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void cli_on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(cli_closes);
  check_remote(ev->target, -1);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *client, *client2;
  nnet_socketaddress_t ra;
  NT_HIT(listening);
  int port = nt_server_port(server);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, "127.0.0.1", &client));
  NT_OK(nnet_create_connection_tcp(NT_LOOP, port, NULL, &client2));
  /* Not connected yet: remoteAddress/Family/Port are undefined. */
  NT_ASSERT(nnet_socket_remote_address(client, &ra) < 0);
  NT_ASSERT(nnet_socket_remote_address(client2, &ra) < 0);
  nnet_socket_t *cs[2] = {client, client2};
  for (int i = 0; i < 2; i++) {
    NT_OK(nnet_socket_on(cs[i], NNET_EV_CONNECT, cli_on_connect, NULL));
    NT_OK(nnet_socket_on(cs[i], NNET_EV_CLOSE, cli_on_close, NULL));
  }
}

int main(void) {
  nt_init();
  srv_conns = NT_MUST_CALL("connection", 2);
  srv_closes = NT_MUST_CALL("server socket close", 2);
  listening = NT_MUST_CALL("listening", 1);
  cli_connects = NT_MUST_CALL("client connect", 2);
  cli_closes = NT_MUST_CALL("client close", 2);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
