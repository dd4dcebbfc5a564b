/* Node:
 * test/parallel/test-net-server-max-connections-close-makes-more-available.js
 * With maxConnections 1: connection 0 is served, 1 is dropped; once 0 has
 * ended, 2 is served and 3 dropped. Each client writes its index on
 * 'connect'; the server only receives "0" and "2". Dropped clients may see
 * ECONNRESET. Node's promise chain is a step machine here (each step starts
 * on the tick after the previous one resolved). */
#include "common.h"

static nnet_server_t *server;
static nnet_socket_t *connections[4];
static char sent[8], received[8];
static size_t n_sent, n_received;
static int step;
static bool resolved[4]; /* createConnection(i)'s promise */
static nt_count_t *listening, *chain_done, *conn_errors;

static void next_step(void *ctx);

static void resolve_create(int index) {
  if (resolved[index]) return;
  resolved[index] = true;
  NT_OK(nnet_next_tick(NT_LOOP, next_step, NULL));
}

static void on_client_connect(const nnet_event_t *ev, void *ctx) {
  int index = (int)(intptr_t)ctx;
  char msg = (char)('0' + index);
  NT_OK(nnet_socket_write(ev->target, &msg, 1, NULL, NULL));
  sent[n_sent++] = msg;
}

static void on_client_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conn_errors);
  NT_STREQ(ev->u.error->code_name, "ECONNRESET");
  resolve_create((int)(intptr_t)ctx);
}

static void on_client_data(const nnet_event_t *ev, void *ctx) {
  resolve_create((int)(intptr_t)ctx);
}

static void on_client_end(const nnet_event_t *ev, void *ctx) {
  resolve_create((int)(intptr_t)ctx);
}

static void create_connection(int index) {
  nnet_socket_t *c;
  void *ix = (void *)(intptr_t)index;
  NT_OK(nnet_create_connection_tcp(NT_LOOP, nt_server_port(server), NULL, &c));
  NT_OK(nnet_socket_once(c, NNET_EV_CONNECT, on_client_connect, ix));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, on_client_error, ix));
  NT_OK(nnet_socket_on(c, NNET_EV_DATA, on_client_data, ix));
  NT_OK(nnet_socket_on(c, NNET_EV_END, on_client_end, ix));
  connections[index] = c;
}

static void on_close_end(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_next_tick(NT_LOOP, next_step, NULL));
}

static void close_connection(int index) {
  NT_OK(nnet_socket_once(connections[index], NNET_EV_END, on_close_end, NULL));
  NT_OK(nnet_socket_end(connections[index], NULL, 0, NULL, NULL));
}

static void next_step(void *ctx) {
  switch (step++) {
    case 0:
      create_connection(1);
      break;
    case 1:
      close_connection(0);
      break;
    case 2:
      create_connection(2);
      break;
    case 3:
      create_connection(3);
      break;
    case 4:
      NT_OK(nnet_server_close(server, NULL, NULL));
      NT_OK(nnet_next_tick(NT_LOOP, next_step, NULL));
      break;
    case 5:
      close_connection(2);
      break;
    case 6:
      NT_HIT(chain_done);
      break;
    default:
      NT_FAIL("step %d", step);
  }
}

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_ASSERT(n_received + ev->u.data.len < sizeof(received));
  memcpy(received + n_received, ev->u.data.base, ev->u.data.len);
  n_received += ev->u.data.len;
  NT_OK(nnet_socket_write(ev->target, "acknowledged", 12, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_OK(
      nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, srv_on_data, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  create_connection(0);
}

int main(void) {
  nt_init();
  listening = NT_MUST_CALL("listening", 1);
  chain_done = NT_MUST_CALL("end of the chain", 1);
  conn_errors = NT_MUST_CALL_AT_LEAST("client error (ECONNRESET)", 0);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_server_set_max_connections(server, 1);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  int rc = nt_finish();
  NT_STREQ(sent, "0123");
  NT_STREQ(received, "02");
  return rc;
}
