/* Node: test/parallel/test-net-socket-tos.js (Node >= 26 API)
 * setTypeOfService() before connect is kept and applied on connect; on the
 * connected socket out-of-range values (256, -1) are refused with
 * ERR_OUT_OF_RANGE, and set/get round-trip 0x10, 0x00, 0xff, 0x3f in the
 * DSCP bits (mask 0xfc). Left out (JS-only): a string and NaN
 * (ERR_INVALID_ARG_TYPE). */
#include "common.h"

static nt_count_t *conns, *listens, *connects, *ends;
static nnet_server_t *server;
static nnet_socket_t *client;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  static const int boundary[] = {0x00, 0xff, 0x3f};
  const int mask = 0xfc;
  NT_HIT(connects);
  /* TEST 1: validation */
  NT_ERR(nnet_socket_set_type_of_service(client, 256), NNET_ERR_OUT_OF_RANGE);
  NT_ERR(nnet_socket_set_type_of_service(client, -1), NNET_ERR_OUT_OF_RANGE);
  NT_STREQ(nnet_err_name(NNET_ERR_OUT_OF_RANGE), "ERR_OUT_OF_RANGE");
  /* TEST 2a: the value set before connect() was applied */
  int got = nnet_socket_get_type_of_service(client);
  NT_OK(got);
  NT_EQ(got & mask, 0x10 & mask);
  /* TEST 2b: set and get on the live connection */
  NT_OK(nnet_socket_set_type_of_service(client, 0x10));
  got = nnet_socket_get_type_of_service(client);
  NT_OK(got);
  NT_EQ(got & mask, 0x10 & mask);
  /* TEST 3: boundary values */
  for (size_t i = 0; i < sizeof boundary / sizeof boundary[0]; i++) {
    NT_OK(nnet_socket_set_type_of_service(client, boundary[i]));
    got = nnet_socket_get_type_of_service(client);
    NT_OK(got);
    NT_EQ(got & mask, boundary[i] & mask);
  }
  NT_OK(nnet_socket_end(client, NULL, 0, NULL, NULL));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  NT_OK(nnet_socket_new(NULL, &client));
  /* Set before connecting: kept until there is a connection. */
  NT_OK(nnet_socket_set_type_of_service(client, 0x10));
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_socket_connect(client, &o, NULL, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, on_connect, NULL));
  NT_OK(nnet_socket_on(client, NNET_EV_END, on_end, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  ends = NT_MUST_CALL("end", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
