/* nnet_multiloop_start(): one address served by 2 loops in 2 threads, both
 * strategies, TCP and a Unix path. M clients (on this thread's loop) each
 * send a line and get it back; every connection's events run on the thread
 * of the loop that owns it; the acceptor's least-loaded hand-off with held
 * connections is deterministic (they alternate); stop() ends every thread
 * and every loop closes with uv_loop_close() == 0. Start errors leave
 * nothing running. Run under ThreadSanitizer by scripts/test.sh. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#define LOOPS       2
#define MAX_CLIENTS 32

typedef struct {
  pthread_t threads[LOOPS]; /* written by setup, on each loop's thread */
  nnet_multiloop_t *ml;
  atomic_int setups, wrong_thread, connections, server_closes;
  atomic_int per_loop[LOOPS];
  int setup_fail; /* setup returns this (0: success) */
} srv_side_t;

static int loop_index(srv_side_t *t, uv_loop_t *loop) {
  for (unsigned i = 0; i < LOOPS; i++)
    if (nnet_multiloop_loop(t->ml, i) == loop) return (int)i;
  return -1;
}

static void check_thread(srv_side_t *t, uv_loop_t *loop) {
  int i = loop_index(t, loop);
  if (i < 0 || !pthread_equal(t->threads[i], pthread_self()))
    atomic_fetch_add(&t->wrong_thread, 1);
}

static void s_data(const nnet_event_t *ev, void *ctx) {
  check_thread(ctx, nnet_socket_loop(ev->target));
  nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
}

static void s_close(const nnet_event_t *ev, void *ctx) {
  check_thread(ctx, nnet_socket_loop(ev->target));
}

static void s_connection(const nnet_event_t *ev, void *ctx) {
  srv_side_t *t = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  check_thread(t, nnet_socket_loop(s));
  atomic_fetch_add(&t->connections, 1);
  int i = loop_index(t, nnet_socket_loop(s));
  if (i >= 0) atomic_fetch_add(&t->per_loop[i], 1);
  nnet_socket_on(s, NNET_EV_DATA, s_data, t);
  nnet_socket_on(s, NNET_EV_CLOSE, s_close, t);
}

static void srv_closed(const nnet_event_t *ev, void *ctx) {
  srv_side_t *t = ctx;
  check_thread(t, nnet_server_loop(ev->target));
  atomic_fetch_add(&t->server_closes, 1);
}

static int setup(nnet_multiloop_t *ml, unsigned loop_index, size_t listen_index,
                 nnet_server_t *srv, void *ctx) {
  srv_side_t *t = ctx;
  ck_assert_uint_lt(loop_index, LOOPS);
  ck_assert_ptr_eq(nnet_server_loop(srv), nnet_multiloop_loop(ml, loop_index));
  t->threads[loop_index] = pthread_self();
  atomic_fetch_add(&t->setups, 1);
  nnet_server_on(srv, NNET_EV_CLOSE, srv_closed, t);
  return t->setup_fail;
}

/* ---- clients, on this thread ---- */

typedef struct {
  uv_loop_t loop;
  int n, port;
  const char *path;
  nnet_socket_t *socks[MAX_CLIENTS];
  size_t got[MAX_CLIENTS];
  int echoed, closed, hold; /* hold: end only when all are echoed */
} clients_t;

static void end_all(clients_t *c) {
  for (int i = 0; i < c->n; i++)
    nnet_socket_end(c->socks[i], NULL, 0, NULL, NULL);
}

static void c_data(const nnet_event_t *ev, void *ctx) {
  clients_t *c = ctx;
  for (int i = 0; i < c->n; i++) {
    if (c->socks[i] != ev->target) continue;
    c->got[i] += ev->u.data.len;
    if (c->got[i] == 5 && ++c->echoed == c->n) end_all(c);
  }
}

static void c_close(const nnet_event_t *ev, void *ctx) {
  ((clients_t *)ctx)->closed++;
}

static void c_ignore(const nnet_event_t *ev, void *ctx) {}

static void c_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "line\n", 5, NULL, NULL);
}

static void run_clients(clients_t *c) {
  for (int i = 0; i < c->n; i++) {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    if (c->path) {
      o.path = c->path;
    } else {
      o.host = "127.0.0.1";
      o.port = c->port;
    }
    ck_assert_int_eq(
        nnet_create_connection(&c->loop, &o, c_connect, c, &c->socks[i]), 0);
    nnet_socket_on(c->socks[i], NNET_EV_DATA, c_data, c);
    nnet_socket_on(c->socks[i], NNET_EV_CLOSE, c_close, c);
  }
  nnet_test_run(&c->loop, 20000);
  ck_assert_int_eq(c->echoed, c->n);
  ck_assert_int_eq(c->closed, c->n);
}

static void start(srv_side_t *t, int balance, nnet_listen_opts_t *lo) {
  nnet_multiloop_opts_t o;
  memset(t, 0, sizeof(*t));
  nnet_multiloop_opts_init(&o);
  o.threads = LOOPS;
  o.balance = balance;
  o.listen = lo;
  o.n_listen = 1;
  o.on_connection = s_connection;
  o.setup = setup;
  o.ctx = t;
  ck_assert_int_eq(nnet_multiloop_start(&o, &t->ml), 0);
  ck_assert_int_eq(atomic_load(&t->setups), LOOPS);
  ck_assert_uint_eq(nnet_multiloop_threads(t->ml), LOOPS);
}

/* Stop, join, and the counts every test checks. */
static void finish(srv_side_t *t, int clients) {
  uint64_t accepted = 0;
  ck_assert_int_eq(nnet_multiloop_stop(t->ml, 0, 0), 0);
  ck_assert_int_eq(nnet_multiloop_stop(t->ml, 0, 0), 0); /* twice: fine */
  ck_assert_int_eq(nnet_multiloop_join(t->ml), 0); /* uv_loop_close() == 0 */
  for (unsigned i = 0; i < LOOPS; i++) {
    nnet_multiloop_stats_t st;
    ck_assert_int_eq(nnet_multiloop_stats(t->ml, i, &st), 0);
    ck_assert_uint_eq(st.open, 0);
    ck_assert_uint_eq(st.accepted, (uint64_t)atomic_load(&t->per_loop[i]));
    accepted += st.accepted;
  }
  ck_assert_uint_eq(accepted, (uint64_t)clients);
  ck_assert_int_eq(atomic_load(&t->connections), clients);
  ck_assert_int_eq(atomic_load(&t->server_closes), LOOPS);
  ck_assert_int_eq(atomic_load(&t->wrong_thread), 0);
  nnet_multiloop_free(t->ml);
}

static void tcp_listen(nnet_listen_opts_t *lo) {
  nnet_listen_opts_init(lo);
  lo->port = 0;
  lo->host = "127.0.0.1";
}

START_TEST(multiloop_acceptor_alternates) {
  srv_side_t t;
  clients_t c = {.n = 8};
  nnet_listen_opts_t lo;
  nnet_socketaddress_t sa;
  tcp_listen(&lo);
  start(&t, NNET_BALANCE_ACCEPTOR, &lo);
  ck_assert_int_eq(nnet_multiloop_address(t.ml, 0, &sa), 0);
  ck_assert_int_gt(sa.port, 0);
  uv_loop_init(&c.loop);
  c.port = sa.port;
  run_clients(&c);
  /* held until all were echoed: loads alternate, 4 and 4 */
  ck_assert_int_eq(atomic_load(&t.per_loop[0]), 4);
  ck_assert_int_eq(atomic_load(&t.per_loop[1]), 4);
  finish(&t, c.n);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(multiloop_reuseport_serves_all) {
  srv_side_t t;
  clients_t c = {.n = 24};
  nnet_listen_opts_t lo;
  nnet_socketaddress_t sa;
  tcp_listen(&lo);
  start(&t, NNET_BALANCE_REUSEPORT, &lo);
  ck_assert_int_eq(nnet_multiloop_address(t.ml, 0, &sa), 0);
  uv_loop_init(&c.loop);
  c.port = sa.port;
  run_clients(&c);
  /* the kernel's hash decides the spread: only the total is exact */
  finish(&t, c.n);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(multiloop_unix_path_uses_acceptor) {
  srv_side_t t;
  clients_t c = {.n = 6};
  char path[256];
  nnet_listen_opts_t lo;
  nnet_socketaddress_t sa;
  snprintf(path, sizeof(path), "%s/ml.sock", nnet_test_tmpdir());
  nnet_listen_opts_init(&lo);
  lo.path = path;
  start(&t, NNET_BALANCE_REUSEPORT, &lo); /* a path: acceptor anyway */
  ck_assert_int_eq(nnet_multiloop_address(t.ml, 0, &sa),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  uv_loop_init(&c.loop);
  c.path = path;
  run_clients(&c);
  ck_assert_int_eq(atomic_load(&t.per_loop[0]), 3);
  ck_assert_int_eq(atomic_load(&t.per_loop[1]), 3);
  finish(&t, c.n);
  ck_assert_int_eq(access(path, F_OK), -1); /* the socket file is gone */
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* Stop with connections open: each is end()ed at the deadline on its own
 * loop, the clients answer, the threads end. */
START_TEST(multiloop_stop_with_open_connections) {
  srv_side_t t;
  clients_t c = {.n = 4};
  nnet_listen_opts_t lo;
  nnet_socketaddress_t sa;
  tcp_listen(&lo);
  start(&t, NNET_BALANCE_ACCEPTOR, &lo);
  ck_assert_int_eq(nnet_multiloop_address(t.ml, 0, &sa), 0);
  uv_loop_init(&c.loop);
  c.port = sa.port;
  for (int i = 0; i < c.n; i++) {
    ck_assert_int_eq(
        nnet_create_connection_tcp(&c.loop, c.port, "127.0.0.1", &c.socks[i]),
        0);
    nnet_socket_on(c.socks[i], NNET_EV_CONNECT, c_connect, &c);
    nnet_socket_on(c.socks[i], NNET_EV_DATA, c_ignore, &c); /* flowing */
    nnet_socket_on(c.socks[i], NNET_EV_CLOSE, c_close, &c);
  }
  /* connected and echoed once each, then the server stops: FIN at 0 ms */
  while (atomic_load(&t.connections) < c.n) uv_run(&c.loop, UV_RUN_ONCE);
  ck_assert_int_eq(nnet_multiloop_stop(t.ml, 0, 5000), 0);
  nnet_test_run(&c.loop, 20000);
  ck_assert_int_eq(c.closed, c.n);
  ck_assert_int_eq(nnet_multiloop_join(t.ml), 0);
  uint64_t ended = 0;
  for (unsigned i = 0; i < LOOPS; i++) {
    nnet_multiloop_stats_t st;
    nnet_multiloop_stats(t.ml, i, &st);
    ended += st.ended;
    ck_assert_uint_eq(st.destroyed, 0);
  }
  ck_assert_uint_eq(ended, (uint64_t)c.n);
  ck_assert_int_eq(atomic_load(&t.wrong_thread), 0);
  nnet_multiloop_free(t.ml);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(multiloop_start_errors) {
  nnet_multiloop_opts_t o;
  nnet_multiloop_t *ml = (nnet_multiloop_t *)&o;
  nnet_listen_opts_t lo;
  srv_side_t t;
  memset(&t, 0, sizeof(t));
  tcp_listen(&lo);
  nnet_multiloop_opts_init(&o);
  o.threads = LOOPS;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_ptr_null(ml);
  o.listen = &lo;
  o.n_listen = 1;
  o.threads = 0;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), NNET_ERR_INVALID_ARG_VALUE);
  o.threads = LOOPS;
  lo.host = "localhost"; /* no DNS in multiloop */
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), NNET_ERR_INVALID_ARG_VALUE);
  lo.host = "127.0.0.1";
  lo.port = 70000;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), NNET_ERR_SOCKET_BAD_PORT);
  /* the port taken by a listener without SO_REUSEPORT */
  lo.port = 0;
  srv_side_t first;
  start(&first, NNET_BALANCE_ACCEPTOR, &lo);
  nnet_socketaddress_t sa;
  nnet_multiloop_address(first.ml, 0, &sa);
  lo.port = sa.port;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), UV_EADDRINUSE);
  ck_assert_ptr_null(ml);
  finish(&first, 0);
  /* setup fails on every loop: start fails with its code, all torn down */
  lo.port = 0;
  o.setup = setup;
  o.ctx = &t;
  t.setup_fail = UV_ECANCELED;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), UV_ECANCELED);
  ck_assert_ptr_null(ml);
  ck_assert_int_eq(atomic_load(&t.setups), LOOPS);
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
}
END_TEST

int main(void) {
  Suite *s = suite_create("server_multiloop_threads");
  TCase *tc = tcase_create("multiloop");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, multiloop_acceptor_alternates);
  tcase_add_test(tc, multiloop_reuseport_serves_all);
  tcase_add_test(tc, multiloop_unix_path_uses_acceptor);
  tcase_add_test(tc, multiloop_stop_with_open_connections);
  tcase_add_test(tc, multiloop_start_errors);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
