/* Accepted connections: getConnections counts, maxConnections and 'drop'
 * (with Node's six address fields; none for pipes), maxConnections 0
 * (Node >= 21: drop all), blockList (blocked peers vanish silently).
 * Clients are raw libuv. */
#include <stdio.h>
#include <string.h>

#include "testutil.h"

#define NCLIENTS 3

typedef struct client_s {
  union {
    uv_handle_t h;
    uv_stream_t s;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } u;
  uv_connect_t req;
  struct ctx_s *c;
  int connected, eof, closed;
  int local_port;
} client_t;

typedef struct ctx_s {
  uv_loop_t loop;
  nnet_server_t *srv;
  bool pipe;
  char path[200];
  int port;
  int n_clients; /* how many to connect */
  int connections, drops, closes, errors, listening;
  int sock_closes;
  int count_cbs;
  size_t counts[8];
  /* first 'drop' payload, copied */
  char d_laddr[64], d_raddr[64], d_lfam[8], d_rfam[8];
  int d_lport, d_rport;
  bool d_laddr_null, d_raddr_null;
  client_t clients[NCLIENTS];
  int hung_up;
} ctx_t;

static void client_closed(uv_handle_t *h) {
  client_t *cl = h->data;
  cl->closed++;
}

static void hang_up_all(ctx_t *c) {
  for (int i = 0; i < c->n_clients; i++)
    if (!uv_is_closing(&c->clients[i].u.h))
      uv_close(&c->clients[i].u.h, client_closed);
}

static void alloc_cb(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  static char b[64];
  *buf = uv_buf_init(b, sizeof b);
}

static void maybe_finish(ctx_t *c);

/* A dropped or blocked client sees its connection closed by the server. */
static void client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  client_t *cl = s->data;
  if (n < 0) {
    cl->eof++;
    maybe_finish(cl->c);
  }
}

static void client_connected(uv_connect_t *req, int status) {
  client_t *cl = req->data;
  if (status != 0) return;
  cl->connected++;
  struct sockaddr_storage ss;
  int len = sizeof ss;
  if (!cl->c->pipe &&
      uv_tcp_getsockname(&cl->u.tcp, (struct sockaddr *)&ss, &len) == 0)
    cl->local_port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  uv_read_start(&cl->u.s, alloc_cb, client_read);
}

static void connect_one(ctx_t *c, int i) {
  client_t *cl = &c->clients[i];
  cl->c = c;
  cl->u.h.data = cl;
  cl->req.data = cl;
  if (c->pipe) {
    uv_pipe_init(&c->loop, &cl->u.pipe, 0);
    uv_pipe_connect(&cl->req, &cl->u.pipe, c->path, client_connected);
  } else {
    struct sockaddr_in sin;
    uv_ip4_addr("127.0.0.1", c->port, &sin);
    uv_tcp_init(&c->loop, &cl->u.tcp);
    ck_assert_int_eq(uv_tcp_connect(&cl->req, &cl->u.tcp,
                                    (struct sockaddr *)&sin, client_connected),
                     0);
  }
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  c->listening++;
  if (!c->pipe) {
    ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
    c->port = sa.port;
  }
  for (int i = 0; i < c->n_clients; i++) connect_one(c, i);
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->closes++;
}
static void on_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}

static void copy_or_null(char *dst, size_t n, const char *src, bool *was_null) {
  if (was_null) *was_null = src == NULL;
  snprintf(dst, n, "%s", src ? src : "");
}

static void on_drop(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (c->drops++ == 0) {
    copy_or_null(c->d_laddr, sizeof c->d_laddr, ev->u.drop.local_address,
                 &c->d_laddr_null);
    copy_or_null(c->d_raddr, sizeof c->d_raddr, ev->u.drop.remote_address,
                 &c->d_raddr_null);
    copy_or_null(c->d_lfam, sizeof c->d_lfam, ev->u.drop.local_family, NULL);
    copy_or_null(c->d_rfam, sizeof c->d_rfam, ev->u.drop.remote_family, NULL);
    c->d_lport = ev->u.drop.local_port;
    c->d_rport = ev->u.drop.remote_port;
  }
  maybe_finish(c);
}

static void count_cb(nnet_server_t *srv, int err, size_t n, void *arg) {
  ctx_t *c = arg;
  ck_assert_int_eq(err, 0);
  c->counts[c->count_cbs++] = n;
}

static void on_sock_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->sock_closes++;
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connections++;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, on_sock_close, c);
  ck_assert_int_eq(nnet_server_get_connections(c->srv, count_cb, c), 0);
  maybe_finish(c);
}

/* Wants: `expect_conn` connections and `expect_gone` clients that saw
 * their connection closed by the server (dropped / blocked). */
static int expect_conn, expect_gone;

static void maybe_finish(ctx_t *c) {
  int gone = 0;
  for (int i = 0; i < c->n_clients; i++) gone += c->clients[i].eof;
  if (c->hung_up || c->connections < expect_conn || gone < expect_gone) return;
  c->hung_up = 1;
  hang_up_all(c);
  nnet_server_close(c->srv, NULL, NULL);
}

static void setup(ctx_t *c, nnet_blocklist_t *bl, int max, int n_clients,
                  bool pipe) {
  nnet_server_opts_t o;
  memset(c, 0, sizeof(*c));
  uv_loop_init(&c->loop);
  nnet_server_opts_init(&o);
  o.loop = &c->loop;
  o.block_list = bl;
  ck_assert_int_eq(nnet_create_server(&o, on_connection, c, &c->srv), 0);
  nnet_server_set_max_connections(c->srv, max);
  ck_assert_int_eq(nnet_server_get_max_connections(c->srv), max < 0 ? -1 : max);
  nnet_server_on(c->srv, NNET_EV_DROP, on_drop, c);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_close, c);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
  c->n_clients = n_clients;
  c->pipe = pipe;
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  if (pipe) {
    snprintf(c->path, sizeof c->path, "%s/conn.sock", nnet_test_tmpdir());
    lo.path = c->path;
  } else {
    lo.port = 0;
    lo.host = "127.0.0.1";
  }
  ck_assert_int_eq(nnet_server_listen(c->srv, &lo, on_listening, c), 0);
  nnet_test_run(&c->loop, 10000);
  ck_assert_int_eq(c->listening, 1);
  ck_assert_int_eq(c->closes, 1);
  ck_assert_int_eq(c->errors, 0);
  for (int i = 0; i < n_clients; i++) ck_assert_int_eq(c->clients[i].closed, 1);
}

START_TEST(get_connections_counts) {
  ctx_t c;
  expect_conn = NCLIENTS;
  expect_gone = 0;
  setup(&c, NULL, -1, NCLIENTS, false);
  ck_assert_int_eq(c.connections, NCLIENTS);
  ck_assert_int_eq(c.drops, 0);
  ck_assert_int_eq(c.count_cbs, NCLIENTS);
  /* Captured at call time: 1, 2, 3 (Node's getConnections). */
  for (int i = 0; i < NCLIENTS; i++) ck_assert_int_eq((int)c.counts[i], i + 1);
  ck_assert_int_eq(c.sock_closes, NCLIENTS);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(max_connections_drop_fields) {
  ctx_t c;
  expect_conn = 1;
  expect_gone = 2;
  setup(&c, NULL, 1, 3, false);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.drops, 2);
  ck_assert_str_eq(c.d_laddr, "127.0.0.1");
  ck_assert_int_eq(c.d_lport, c.port);
  ck_assert_str_eq(c.d_lfam, "IPv4");
  ck_assert_str_eq(c.d_raddr, "127.0.0.1");
  ck_assert_str_eq(c.d_rfam, "IPv4");
  bool port_matches = false;
  for (int i = 0; i < 3; i++)
    if (c.clients[i].local_port == c.d_rport) port_matches = true;
  ck_assert(port_matches);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* Node >= 21 (and us): maxConnections 0 drops everything. v20 accepts. */
START_TEST(max_connections_zero_drops_all) {
  ctx_t c;
  expect_conn = 0;
  expect_gone = 2;
  setup(&c, NULL, 0, 2, false);
  ck_assert_int_eq(c.connections, 0);
  ck_assert_int_eq(c.drops, 2);
  ck_assert_int_eq(c.sock_closes, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(pipe_drop_has_no_fields) {
  ctx_t c;
  expect_conn = 1;
  expect_gone = 1;
  setup(&c, NULL, 1, 2, true);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.drops, 1);
  ck_assert(c.d_laddr_null);
  ck_assert(c.d_raddr_null);
  ck_assert_int_eq(c.d_lport, -1);
  ck_assert_int_eq(c.d_rport, -1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(block_list_closes_silently) {
  ctx_t c;
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "127.0.0.1", NNET_IPV4), 0);
  expect_conn = 0;
  expect_gone = 2;
  setup(&c, bl, -1, 2, false);
  ck_assert_int_eq(c.connections, 0);
  ck_assert_int_eq(c.drops, 0);
  ck_assert_int_eq(c.sock_closes, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(block_list_other_address_passes) {
  ctx_t c;
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, NNET_IPV4), 0);
  expect_conn = 2;
  expect_gone = 0;
  setup(&c, bl, -1, 2, false);
  ck_assert_int_eq(c.connections, 2);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
  nnet_blocklist_free(bl);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_connections");
  TCase *tc = tcase_create("connections");
  tcase_add_test(tc, get_connections_counts);
  tcase_add_test(tc, max_connections_drop_fields);
  tcase_add_test(tc, max_connections_zero_drops_all);
  tcase_add_test(tc, pipe_drop_has_no_fields);
  tcase_add_test(tc, block_list_closes_silently);
  tcase_add_test(tc, block_list_other_address_passes);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
