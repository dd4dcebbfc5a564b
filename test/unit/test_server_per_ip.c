/* max_connections_per_ip (beyond Node): N+2 clients from 127.0.0.1 give N
 * 'connection's and 2 'drop's with reason NNET_DROP_PER_IP_LIMIT (and the
 * address fields); clients from 127.0.0.2 are counted apart; once a
 * connection from 127.0.0.1 has closed, a new one is accepted again. Also
 * maxConnections first (reason NNET_DROP_MAX_CONNECTIONS), and an
 * IPv4-mapped IPv6 peer counting as its IPv4 address. Clients are raw
 * libuv, bound to their source address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define LIMIT 2
#define MAXCL 16

typedef struct client_s {
  uv_tcp_t tcp;
  uv_connect_t req;
  struct ctx_s *c;
  int connected, gone, closed;
} client_t;

typedef struct ctx_s {
  uv_loop_t loop;
  nnet_server_t *srv;
  int port;
  int phase;
  int connections, drops, sock_closes, srv_closes, errors;
  int drops_per_ip, drops_max_conn;
  int conn_from[3]; /* by last octet: 127.0.0.1 / .2 */
  int drop_from[3];
  int drop_port_ok; /* drops whose remote port is one of our clients' */
  client_t cl[MAXCL];
  int n_cl;
  char v6_drop_addr[64];
} ctx_t;

static void closed_cb(uv_handle_t *h) {
  ((client_t *)h->data)->closed++;
}

static void alloc_cb(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  static char b[64];
  *buf = uv_buf_init(b, sizeof b);
}

static void advance(ctx_t *c);

static void read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  client_t *cl = s->data;
  if (n < 0 && !cl->gone) {
    cl->gone = 1; /* dropped: the server closed it */
    uv_read_stop(s);
    advance(cl->c);
  }
}

static void connect_cb(uv_connect_t *req, int status) {
  client_t *cl = req->data;
  if (status == UV_ECANCELED) return; /* finish() closed it meanwhile */
  ck_assert_int_eq(status, 0);
  cl->connected = 1;
  uv_read_start((uv_stream_t *)&cl->tcp, alloc_cb, read_cb);
}

/* A client from `src` to `dst` (IPv4 or IPv6 literals; src may be NULL). */
static client_t *connect_from(ctx_t *c, const char *src, const char *dst) {
  ck_assert_int_lt(c->n_cl, MAXCL);
  client_t *cl = &c->cl[c->n_cl++];
  struct sockaddr_storage sa, da;
  cl->c = c;
  uv_tcp_init(&c->loop, &cl->tcp);
  cl->tcp.data = cl;
  cl->req.data = cl;
  if (strchr(dst, ':')) {
    uv_ip6_addr(dst, c->port, (struct sockaddr_in6 *)&da);
  } else {
    uv_ip4_addr(dst, c->port, (struct sockaddr_in *)&da);
  }
  if (src != NULL) {
    uv_ip4_addr(src, 0, (struct sockaddr_in *)&sa);
    ck_assert_int_eq(uv_tcp_bind(&cl->tcp, (struct sockaddr *)&sa, 0), 0);
  }
  ck_assert_int_eq(
      uv_tcp_connect(&cl->req, &cl->tcp, (struct sockaddr *)&da, connect_cb),
      0);
  return cl;
}

static int octet(const char *addr) {
  const char *dot = addr ? strrchr(addr, '.') : NULL;
  int o = dot ? atoi(dot + 1) : 0;
  return o >= 0 && o < 3 ? o : 0;
}

static void on_sock_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->sock_closes++;
  advance(c);
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t sa;
  c->connections++;
  ck_assert_int_eq(nnet_socket_remote_address(s, &sa), 0);
  c->conn_from[octet(sa.address)]++;
  nnet_socket_on(s, NNET_EV_CLOSE, on_sock_close, c);
  advance(c);
}

static void on_drop(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->drops++;
  if (ev->u.drop.reason == NNET_DROP_PER_IP_LIMIT) c->drops_per_ip++;
  if (ev->u.drop.reason == NNET_DROP_MAX_CONNECTIONS) c->drops_max_conn++;
  ck_assert_ptr_nonnull(ev->u.drop.remote_address);
  ck_assert_ptr_nonnull(ev->u.drop.local_address);
  ck_assert_int_eq(ev->u.drop.local_port, c->port);
  c->drop_from[octet(ev->u.drop.remote_address)]++;
  snprintf(c->v6_drop_addr, sizeof c->v6_drop_addr, "%s",
           ev->u.drop.remote_address);
  for (int i = 0; i < c->n_cl; i++) {
    struct sockaddr_storage ss;
    int len = sizeof ss;
    if (uv_tcp_getsockname(&c->cl[i].tcp, (struct sockaddr *)&ss, &len) == 0 &&
        ntohs(((struct sockaddr_in *)&ss)->sin_port) == ev->u.drop.remote_port)
      c->drop_port_ok++;
  }
  advance(c);
}

static void on_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}
static void on_srv_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->srv_closes++;
}

static int gone(ctx_t *c) {
  int n = 0;
  for (int i = 0; i < c->n_cl; i++) n += c->cl[i].gone;
  return n;
}

static void finish(ctx_t *c) {
  for (int i = 0; i < c->n_cl; i++)
    if (!uv_is_closing((uv_handle_t *)&c->cl[i].tcp))
      uv_close((uv_handle_t *)&c->cl[i].tcp, closed_cb);
  nnet_server_close(c->srv, NULL, NULL);
}

/* The scenario, one phase at a time; each waits for the exact events of
 * the one before, so the counts are deterministic. */
static void advance(ctx_t *c) {
  switch (c->phase) {
    case 1: /* LIMIT+2 from 127.0.0.1 */
      if (c->connections < LIMIT || c->drops < 2 || gone(c) < 2) return;
      c->phase = 2;
      for (int i = 0; i < 3; i++) connect_from(c, "127.0.0.2", "127.0.0.1");
      return;
    case 2: /* 3 from 127.0.0.2: LIMIT served, 1 dropped */
      if (c->connections < 2 * LIMIT || c->drops < 3 || gone(c) < 3) return;
      c->phase = 3;
      /* a served 127.0.0.1 client hangs up: its count goes */
      for (int i = 0; i < c->n_cl; i++)
        if (c->cl[i].connected && !c->cl[i].gone) {
          /* the first served one from 127.0.0.1 was connected first */
          uv_close((uv_handle_t *)&c->cl[i].tcp, closed_cb);
          break;
        }
      return;
    case 3: /* wait until the server saw a 127.0.0.1 connection close */
      if (c->sock_closes < 1) return;
      c->phase = 4;
      connect_from(c, "127.0.0.1", "127.0.0.1"); /* accepted again */
      return;
    case 4:
      if (c->connections < 2 * LIMIT + 1) return;
      c->phase = 5;
      connect_from(c, "127.0.0.1", "127.0.0.1"); /* over the limit again */
      return;
    case 5:
      if (c->drops < 4 || gone(c) < 4) return;
      c->phase = 6;
      finish(c);
      return;
    case 10: /* IPv4 client served: now ::1 and ::ffff:127.0.0.1 */
      if (c->connections < 1) return;
      c->phase = 11;
      connect_from(c, NULL, "::1");
      connect_from(c, NULL, "::ffff:127.0.0.1");
      return;
    case 11:
      if (c->connections < 2 || c->drops < 1 || gone(c) < 1) return;
      c->phase = 12;
      finish(c);
      return;
    default:
      return;
  }
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  c->phase = 1;
  for (int i = 0; i < LIMIT + 2; i++) connect_from(c, "127.0.0.1", "127.0.0.1");
}

static void make_server(ctx_t *c, unsigned per_ip) {
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  ck_assert_uint_eq(o.max_connections_per_ip, 0); /* off by default */
  o.loop = &c->loop;
  o.max_connections_per_ip = per_ip;
  ck_assert_int_eq(nnet_create_server(&o, on_connection, c, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_DROP, on_drop, c);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_srv_close, c);
}

START_TEST(per_ip_limit) {
  ctx_t c;
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  make_server(&c, LIMIT);
  ck_assert_int_eq(nnet_server_listen_tcp(c.srv, 0, "127.0.0.1"), 0);
  nnet_server_once(c.srv, NNET_EV_LISTENING, on_listening, &c);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.phase, 6);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.connections, 2 * LIMIT + 1);
  ck_assert_int_eq(c.conn_from[1], LIMIT + 1);
  ck_assert_int_eq(c.conn_from[2], LIMIT);
  ck_assert_int_eq(c.drops, 4);
  ck_assert_int_eq(c.drops_per_ip, 4);
  ck_assert_int_eq(c.drop_from[1], 3);
  ck_assert_int_eq(c.drop_from[2], 1);
  ck_assert_int_eq(c.drop_port_ok, 4);
  ck_assert_int_eq(c.sock_closes, 2 * LIMIT + 1);
  ck_assert_int_eq(c.srv_closes, 1);
  for (int i = 0; i < c.n_cl; i++) ck_assert_int_eq(c.cl[i].closed, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* maxConnections is Node's and comes first: its drops say so. */
static int mc_phase_done;
static void mc_drop(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (c->drops == 1 && !mc_phase_done) {
    mc_phase_done = 1;
    finish(c);
  }
}

START_TEST(max_connections_reason) {
  ctx_t c;
  memset(&c, 0, sizeof c);
  mc_phase_done = 0;
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  make_server(&c, 5);
  nnet_server_set_max_connections(c.srv, 1);
  nnet_server_on(c.srv, NNET_EV_DROP, mc_drop, &c);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0; /* no host: bound at once */
  ck_assert_int_eq(nnet_server_listen(c.srv, &lo, NULL, NULL), 0);
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c.srv, &sa), 0);
  c.port = sa.port;
  c.phase = 0; /* no scripted phases */
  connect_from(&c, NULL, "127.0.0.1");
  connect_from(&c, NULL, "127.0.0.1");
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connections, 1);
  ck_assert_int_eq(c.drops, 1);
  ck_assert_int_eq(c.drops_max_conn, 1);
  ck_assert_int_eq(c.drops_per_ip, 0);
  ck_assert_int_eq(c.sock_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* A dual-stack server sees an IPv4 client as ::ffff:127.0.0.1; a client
 * connecting to that IPv4-mapped address counts as the same peer, ::1 as
 * another. */

START_TEST(ipv4_mapped_counts_as_ipv4) {
  ctx_t c;
  memset(&c, 0, sizeof c);
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  make_server(&c, 1);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0; /* host NULL: "::" dual-stack */
  ck_assert_int_eq(nnet_server_listen(c.srv, &lo, NULL, NULL), 0);
  nnet_socketaddress_t sa;
  if (nnet_server_address(c.srv, &sa) != 0 || sa.family != NNET_IPV6) {
    nnet_server_close(c.srv, NULL, NULL); /* no IPv6 here: nothing to test */
    uv_run(&c.loop, UV_RUN_DEFAULT);
    ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
    return;
  }
  c.port = sa.port;
  c.phase = 10;
  connect_from(&c, NULL, "127.0.0.1"); /* served first, then the others */
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.phase, 12);
  ck_assert_int_eq(c.connections, 2);
  ck_assert_int_eq(c.drops, 1);
  ck_assert_int_eq(c.drops_per_ip, 1);
  ck_assert_str_eq(c.v6_drop_addr, "::ffff:127.0.0.1");
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_per_ip");
  TCase *tc = tcase_create("per_ip");
  tcase_add_test(tc, per_ip_limit);
  tcase_add_test(tc, max_connections_reason);
  tcase_add_test(tc, ipv4_mapped_counts_as_ipv4);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
