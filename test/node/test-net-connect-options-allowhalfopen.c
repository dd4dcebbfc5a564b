/* Node: test/parallel/test-net-connect-options-allowhalfopen.js
 * Six clients with allowHalfOpen: true against an allowHalfOpen server
 * that ends each connection at once: every client gets 'end', stays
 * writable (not readable) and can still write its id and end 50 ms later;
 * the server reads each id once, sees each client's FIN once, and closes
 * after the sixth. Node's six variants are net.connect / createConnection
 * / new Socket(opts).connect with the connect listener passed or added;
 * nnet_connect_opts_t has no allowHalfOpen field (it belongs to the
 * socket), so here every client is nnet_socket_new + nnet_socket_connect,
 * three with the listener passed and three with it added. */
#include "common.h"

#define CLIENT_VARIANTS 6

static nnet_server_t *server;
static int server_connections, server_received_fin, client_sent_fin,
    client_received_fin;
static nt_count_t *conns, *srv_datas, *srv_ends, *srv_closes, *listens,
    *client_connects, *client_ends, *client_timers, *client_closes;

typedef struct {
  int index;
  nnet_socket_t *s;
} client_t;

static client_t clients[CLIENT_VARIANTS];

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_datas);
  NT_ASSERT(nnet_socket_get_data(ev->target) == NULL); /* once each */
  nnet_socket_set_data(ev->target, (void *)1);
}

static void close_server(void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_ends);
  if (++server_received_fin < CLIENT_VARIANTS) return;
  nt_set_timeout(close_server, NULL, 50);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(conns);
  server_connections++;
  nnet_socket_resume(s);
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, srv_on_data, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, NULL));
  NT_OK(nnet_socket_end(s, NULL, 0, NULL, NULL));
}

static void on_server_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_closes);
  NT_EQ(server_received_fin, CLIENT_VARIANTS);
  NT_EQ(client_sent_fin, CLIENT_VARIANTS);
  NT_EQ(server_connections, CLIENT_VARIANTS);
}

static void client_after_end(void *ctx) {
  client_t *c = ctx;
  char id[8];
  NT_HIT(client_timers);
  NT_ASSERT(!nnet_socket_is_readable(c->s));
  NT_ASSERT(nnet_socket_is_writable(c->s));
  snprintf(id, sizeof(id), "%d", c->index);
  NT_EQ(nnet_socket_write(c->s, id, strlen(id), NULL, NULL), 1);
  NT_OK(nnet_socket_end(c->s, NULL, 0, NULL, NULL));
  client_sent_fin++;
}

static void client_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(client_ends);
  nt_set_timeout(client_after_end, ctx, 50);
}

static void client_on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(client_closes);
  client_received_fin++;
}

static void client_on_connect(const nnet_event_t *ev, void *ctx) {
  client_t *c = ctx;
  NT_HIT(client_connects);
  nnet_socket_resume(c->s);
  NT_OK(nnet_socket_on(c->s, NNET_EV_END, client_on_end, c));
  NT_OK(nnet_socket_on(c->s, NNET_EV_CLOSE, client_on_close, c));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_opts_t so;
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_socket_opts_init(&so);
  so.allow_half_open = true;
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = nt_server_port(server);
  for (int i = 0; i < CLIENT_VARIANTS; i++) {
    client_t *c = &clients[i];
    c->index = i + 1;
    NT_OK(nnet_socket_new(&so, &c->s));
    NT_ASSERT(nnet_socket_allow_half_open(c->s));
    if (i % 2 == 0) {
      NT_OK(nnet_socket_connect(c->s, &o, client_on_connect, c));
    } else {
      NT_OK(nnet_socket_connect(c->s, &o, NULL, NULL));
      NT_OK(nnet_socket_on(c->s, NNET_EV_CONNECT, client_on_connect, c));
    }
  }
}

int main(void) {
  nnet_server_opts_t sopts;
  nnet_listen_opts_t lo;
  nt_init();
  conns = NT_MUST_CALL("server connection", CLIENT_VARIANTS);
  srv_datas = NT_MUST_CALL("server data", CLIENT_VARIANTS);
  srv_ends = NT_MUST_CALL("server end", CLIENT_VARIANTS);
  srv_closes = NT_MUST_CALL("server close", 1);
  listens = NT_MUST_CALL("listening", 1);
  client_connects = NT_MUST_CALL("client connect", CLIENT_VARIANTS);
  client_ends = NT_MUST_CALL("client end", CLIENT_VARIANTS);
  client_timers = NT_MUST_CALL("client timer", CLIENT_VARIANTS);
  client_closes = NT_MUST_CALL("client close", CLIENT_VARIANTS);
  nnet_server_opts_init(&sopts);
  sopts.allow_half_open = true;
  NT_OK(nnet_create_server(&sopts, on_connection, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CLOSE, on_server_close, NULL));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  int rc = nt_finish();
  NT_EQ(client_received_fin, CLIENT_VARIANTS);
  return rc;
}
