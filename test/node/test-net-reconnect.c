/* Node: test/parallel/test-net-reconnect.js
 * One client socket connects, reads the server's greeting, ends, and after
 * each clean 'close' (hadError false) connects again, N times: every round
 * gets one 'data' chunk and one 'end', and every server-side socket closes
 * without error. */
#include "common.h"

#define N 50

static int client_recv_count, client_end_count, disconnect_count;
static nt_count_t *srv_conns, *srv_closes, *listening, *cli_data, *cli_closes;
static nnet_server_t *server;
static nnet_socket_t *client;

static void srv_sock_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void srv_sock_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_closes);
  NT_ASSERT(!ev->u.close.had_error);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(srv_conns);
  nnet_socket_resume(s);
  NT_OK(nnet_socket_write(s, "hello\r\n", 7, NULL, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_sock_end, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, srv_sock_close, NULL));
}

static void cli_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(cli_data);
  client_recv_count += 1;
  NT_EQ(ev->u.data.len, 7);
  NT_ASSERT(memcmp(ev->u.data.base, "hello\r\n", 7) == 0);
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

static void cli_on_end(const nnet_event_t *ev, void *ctx) {
  client_end_count++;
}

static void cli_on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(cli_closes);
  NT_ASSERT(!ev->u.close.had_error);
  if (disconnect_count++ < N) {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = nt_server_port(server);
    NT_OK(nnet_socket_connect(client, &o, NULL, NULL)); /* reconnect */
  } else {
    NT_OK(nnet_server_close(server, NULL, NULL));
    nnet_socket_release(client);
  }
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &client));
  nnet_socket_retain(client); /* it connects again after each 'close' */
  NT_OK(nnet_socket_set_encoding(client, NNET_ENC_UTF8));
  NT_OK(nnet_socket_on(client, NNET_EV_DATA, cli_on_data, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_END, cli_on_end, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_CLOSE, cli_on_close, NULL));
}

int main(void) {
  nt_init();
  srv_conns = NT_MUST_CALL_AT_LEAST("server connection", 1);
  srv_closes = NT_MUST_CALL("server socket close", N + 1);
  listening = NT_MUST_CALL("listening", 1);
  cli_data = NT_MUST_CALL_AT_LEAST("client data", 1);
  cli_closes = NT_MUST_CALL_AT_LEAST("client close", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  int rc = nt_finish();
  NT_EQ(disconnect_count, N + 1);
  NT_EQ(client_recv_count, N + 1);
  NT_EQ(client_end_count, N + 1);
  return rc;
}
