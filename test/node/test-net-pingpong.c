/* Node: test/parallel/test-net-pingpong.js
 * 1000 PING/PONG round trips over a half-open-allowed server, run at once on
 * a Unix socket, on port 0 (default host) and on ::1: exact chunks,
 * writableLength bounds, readable/writable state around end() and 'end',
 * getConnections() == 1, and the final counts at the client's 'close'.
 * Left out (JS-only): socket.server identity and getConnections() returning
 * the server (chaining). */
#include "common.h"

#define N 1000

typedef struct {
  const char *host;
  nnet_server_t *server;
  nnet_socket_t *client;
  int count;
  int sent_pongs;
  bool sent_final_ping;
  nt_count_t *on_socket, *get_conns, *srv_data, *pong_cb, *srv_end, *srv_close,
      *listening, *cli_connect, *cli_data, *cli_close;
} pp_t;

static void on_connections(nnet_server_t *srv, int err, size_t n, void *ctx) {
  pp_t *t = ctx;
  NT_HIT(t->get_conns);
  NT_OK(err);
  NT_EQ(n, 1);
}

static void on_pong_written(nnet_socket_t *s, int status, void *ctx) {
  pp_t *t = ctx;
  NT_HIT(t->pong_cb);
  NT_OK(status);
  t->sent_pongs++;
}

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  nnet_socket_t *s = ev->target;
  NT_HIT(t->srv_data);
  /* We never queue data (we always wait for the PING before sending a
   * pong), so the write queue holds less than one message. */
  NT_ASSERT(nnet_socket_writable_length(s) <= 4);
  NT_ASSERT(nnet_socket_is_writable(s));
  NT_ASSERT(nnet_socket_is_readable(s));
  NT_ASSERT(t->count <= N);
  NT_ASSERT(ev->u.data.is_string);
  NT_EQ(ev->u.data.len, 4);
  NT_ASSERT(memcmp(ev->u.data.base, "PING", 4) == 0);
  NT_OK(nnet_socket_write_str(s, "PONG", 4, NNET_ENC_UTF8, on_pong_written, t));
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  nnet_socket_t *s = ev->target;
  NT_HIT(t->srv_end);
  NT_ASSERT(nnet_socket_allow_half_open(s));
  NT_ASSERT(nnet_socket_is_writable(s)); /* because allowHalfOpen */
  NT_ASSERT(!nnet_socket_is_readable(s));
  NT_OK(nnet_socket_end(s, NULL, 0, NULL, NULL));
}

static void srv_on_close(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  nnet_socket_t *s = ev->target;
  NT_HIT(t->srv_close);
  NT_ASSERT(!nnet_socket_is_writable(s));
  NT_ASSERT(!nnet_socket_is_readable(s));
  NT_OK(nnet_server_close(t->server, NULL, NULL));
}

static void on_socket(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(t->on_socket);
  NT_OK(nnet_server_get_connections(t->server, on_connections, t));
  NT_OK(nnet_socket_set_no_delay(s, true));
  NT_OK(nnet_socket_set_timeout(s, 0, NULL, NULL));
  NT_OK(nnet_socket_set_encoding(s, NNET_ENC_UTF8));
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, srv_on_data, t));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, t));
  NT_OK(nnet_socket_on(s, NNET_EV_ERROR, nt_must_not_call, "server error"));
  NT_OK(nnet_socket_on(s, NNET_EV_CLOSE, srv_on_close, t));
}

static void cli_on_connect(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  NT_HIT(t->cli_connect);
  NT_ASSERT(nnet_socket_is_readable(t->client));
  NT_ASSERT(nnet_socket_is_writable(t->client));
  NT_OK(nnet_socket_write_str(t->client, "PING", 4, NNET_ENC_UTF8, NULL, NULL));
}

static void cli_on_data(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  nnet_socket_t *c = t->client;
  NT_HIT(t->cli_data);
  NT_ASSERT(ev->u.data.is_string);
  NT_EQ(ev->u.data.len, 4);
  NT_ASSERT(memcmp(ev->u.data.base, "PONG", 4) == 0);
  t->count += 1;
  if (t->sent_final_ping) {
    NT_ASSERT(!nnet_socket_is_writable(c));
    NT_ASSERT(nnet_socket_is_readable(c));
    return;
  }
  NT_ASSERT(nnet_socket_is_writable(c));
  NT_ASSERT(nnet_socket_is_readable(c));
  if (t->count < N) {
    NT_OK(nnet_socket_write_str(c, "PING", 4, NNET_ENC_UTF8, NULL, NULL));
  } else {
    t->sent_final_ping = true;
    NT_OK(nnet_socket_write_str(c, "PING", 4, NNET_ENC_UTF8, NULL, NULL));
    NT_OK(nnet_socket_end(c, NULL, 0, NULL, NULL));
  }
}

static void cli_on_close(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  NT_HIT(t->cli_close);
  NT_EQ(t->count, N + 1);
  NT_EQ(t->sent_pongs, N + 1);
  NT_ASSERT(t->sent_final_ping);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  pp_t *t = ctx;
  NT_HIT(t->listening);
  if (nnet_server_is_pipe(t->server)) {
    NT_OK(nnet_create_connection_path(NT_LOOP, nt_pipe_path(), &t->client));
  } else {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = nt_server_port(t->server);
    o.host = t->host; /* NULL: "localhost", as createConnection(port) */
    NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &t->client));
  }
  NT_OK(nnet_socket_set_encoding(t->client, NNET_ENC_ASCII));
  NT_OK(nnet_socket_on(t->client, NNET_EV_CONNECT, cli_on_connect, t));
  NT_OK(nnet_socket_on(t->client, NNET_EV_DATA, cli_on_data, t));
  NT_OK(nnet_socket_on(t->client, NNET_EV_CLOSE, cli_on_close, t));
  NT_OK(nnet_socket_on(t->client, NNET_EV_ERROR, nt_must_not_call,
                       "client error"));
}

static void ping_pong_test(pp_t *t, const char *path, const char *host) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.allow_half_open = true;
  t->on_socket = NT_MUST_CALL("onSocket", 1);
  t->get_conns = NT_MUST_CALL("getConnections cb", 1);
  t->srv_data = NT_MUST_CALL("server data", N + 1);
  t->pong_cb = NT_MUST_CALL("PONG write cb", N + 1);
  t->srv_end = NT_MUST_CALL("server end", 1);
  t->srv_close = NT_MUST_CALL("server socket close", 1);
  t->listening = NT_MUST_CALL("listening", 1);
  t->cli_connect = NT_MUST_CALL("client connect", 1);
  t->cli_data = NT_MUST_CALL("client data", N + 1);
  t->cli_close = NT_MUST_CALL("client close", 1);
  NT_OK(nnet_create_server(&so, on_socket, t, &t->server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  if (path) {
    lo.path = path;
  } else {
    lo.port = 0;
    lo.host = host;
  }
  NT_OK(nnet_server_listen(t->server, &lo, on_listening, t));
}

int main(void) {
  static pp_t tests[3] = {{.host = NULL}, {.host = NULL}, {.host = "::1"}};
  nt_init();
  ping_pong_test(&tests[0], nt_pipe_path(), NULL);
  ping_pong_test(&tests[1], NULL, NULL);
  ping_pong_test(&tests[2], NULL, "::1");
  return nt_finish();
}
