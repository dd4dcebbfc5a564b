/* Node: test/parallel/test-net-server-max-connections.js
 * maxConnections N/2 with N clients connecting one after another: the
 * first N/2 are served (get 'hello'), the rest are closed by the server at
 * once without data, and close before any served one; once N/2 clients
 * have closed, the served ones are ended and the server closes. */
#include "common.h"

#define N 20

typedef struct {
  int index;
  bool got_data;
  nnet_socket_t *c;
} conn_t;

static nnet_server_t *server;
static conn_t conns[N];
static nnet_socket_t *waits[N];
static int n_waits, closes;
static nt_count_t *srv_conns, *connects, *cli_closes, *cli_data;

static void make_connection(int index);

static void on_client_close(const nnet_event_t *ev, void *ctx) {
  conn_t *cn = ctx;
  int max = nnet_server_get_max_connections(server);
  NT_HIT(cli_closes);
  closes++;
  if (closes < N / 2) {
    if (!(max <= cn->index))
      NT_FAIL("%d should not have been one of the first closed connections",
              cn->index);
  }
  if (closes == N / 2) {
    for (int i = 0; i < n_waits; i++)
      NT_OK(nnet_socket_end(waits[i], NULL, 0, NULL, NULL));
    n_waits = 0;
    NT_OK(nnet_server_close(server, NULL, NULL));
  }
  if (cn->index < max) {
    if (!cn->got_data)
      NT_FAIL("%d didn't get data, but should have", cn->index);
  } else {
    if (cn->got_data) NT_FAIL("%d got data, but shouldn't have", cn->index);
  }
}

static void on_client_connect(const nnet_event_t *ev, void *ctx) {
  conn_t *cn = ctx;
  NT_HIT(connects);
  if (cn->index + 1 < N) make_connection(cn->index + 1);
  NT_OK(nnet_socket_on(cn->c, NNET_EV_CLOSE, on_client_close, cn));
}

static void on_client_end(const nnet_event_t *ev, void *ctx) {
  conn_t *cn = ctx;
  nnet_socket_end(cn->c, NULL, 0, NULL, NULL);
}

static void on_client_data(const nnet_event_t *ev, void *ctx) {
  conn_t *cn = ctx;
  NT_HIT(cli_data);
  cn->got_data = true;
  NT_ASSERT(ev->u.data.len > 0);
}

static void on_client_error(const nnet_event_t *ev, void *ctx) {
  conn_t *cn = ctx;
  fprintf(stderr, "error %d: %s\n", cn->index, ev->u.error->message);
}

static void make_connection(int index) {
  conn_t *cn = &conns[index];
  cn->index = index;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL,
                                   &cn->c));
  NT_OK(nnet_socket_on(cn->c, NNET_EV_CONNECT, on_client_connect, cn));
  NT_OK(nnet_socket_on(cn->c, NNET_EV_END, on_client_end, cn));
  NT_OK(nnet_socket_on(cn->c, NNET_EV_DATA, on_client_data, cn));
  NT_OK(nnet_socket_on(cn->c, NNET_EV_ERROR, on_client_error, cn));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *connection = ev->u.connection.socket;
  NT_HIT(srv_conns);
  NT_OK(nnet_socket_write(connection, "hello", 5, NULL, NULL));
  waits[n_waits++] = connection;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  make_connection(0);
}

int main(void) {
  nt_init();
  srv_conns = NT_MUST_CALL("connection", N / 2);
  connects = NT_MUST_CALL("client connect", N);
  cli_closes = NT_MUST_CALL("client close", N);
  cli_data = NT_MUST_CALL_AT_LEAST("client data", 0);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  nnet_server_set_max_connections(server, N / 2);
  int rc = nt_finish();
  NT_EQ(closes, N);
  return rc;
}
