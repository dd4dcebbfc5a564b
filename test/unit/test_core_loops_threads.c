/* Several loops in several threads (issue 10 §2.6): each thread runs its
 * own uv_loop_t with a TCP and a Unix echo server and clients that verify
 * every byte; one BlockList is shared by every loop's TCP server while
 * another thread keeps changing it. Each client's 'connect' queues a
 * nextTick that queues a setImmediate that writes the payload, so the
 * per-loop deferred queues run in every thread at once. Exact counts per
 * loop, and uv_loop_close() == 0 on every loop. Built and run under
 * ThreadSanitizer by scripts/test.sh (label `threads`): any data race in
 * the library fails the run.
 *
 * The loops are created and closed on the main thread: libuv closes
 * descriptors with a raw close syscall that TSan does not see, so a loop's
 * epoll descriptor number reused by a loop created in another thread would
 * be reported as a race in TSan's own fd bookkeeping (a false positive).
 *
 * Check's assertions must not run outside the test's own thread (they
 * longjmp), so the loop threads record failures and the main thread
 * asserts after joining them. */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define LOOPS   4
#define CLIENTS 12 /* per transport, per loop */
#define BLOCKED 3  /* TCP clients per loop from an address always blocked */
#define CONNS   (2 * CLIENTS + BLOCKED)

typedef struct loop_ctx_s loop_ctx_t;

typedef struct {
  loop_ctx_t *l;
  uint64_t seed;
  nnet_socket_t *s;
  size_t size, recv;
  bool is_unix, blocked, ticked, immediate_ran, corrupt;
  unsigned connects, ends, closes, errors, write_cbs, end_cbs;
} client_t;

typedef struct {
  loop_ctx_t *l;
  unsigned closes, errors;
} sconn_t;

struct loop_ctx_s {
  int id;
  uv_loop_t loop;
  uv_timer_t watchdog;
  nnet_blocklist_t *bl;
  nnet_server_t *tcp, *unx;
  char path[300], blocked_ip[32];
  int port;
  unsigned listening, srv_closed, srv_conn_tcp, srv_conn_unix, srv_sock_closed,
      srv_errors, clients_closed, clients_ok, blocked_ok, ticks, immediates,
      bl_checks, bl_wrong, failures;
  uint64_t bytes_verified, bytes_expected;
  char first_failure[256];
  client_t c[CONNS];
};

static atomic_int loops_running;

static void failf(loop_ctx_t *l, const char *fmt, ...) {
  va_list ap;
  if (l->failures++) return;
  va_start(ap, fmt);
  vsnprintf(l->first_failure, sizeof l->first_failure, fmt, ap);
  va_end(ap);
}

/* Byte o of client payload `seed` (splitmix64 of seed and o/8). */
static uint8_t payload_byte(uint64_t seed, uint64_t o) {
  uint64_t z = seed ^ ((o >> 3) * 0xd1b54a32d192ed03ull);
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return (uint8_t)(z >> (8 * (o & 7)));
}

/* ---- the servers: echo with backpressure -------------------------------- */

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  if (nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL,
                        NULL) == 0)
    nnet_socket_pause(ev->target);
}

static void srv_on_drain(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  nnet_socket_resume(ev->target);
}

static void srv_on_error(const nnet_event_t *ev, void *ctx) {
  sconn_t *sc = ctx;
  sc->errors++;
  failf(sc->l, "server socket error: %s", ev->u.error->message);
}

static void srv_on_close(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  sconn_t *sc = ctx;
  if (sc->closes++) {
    failf(sc->l, "server socket: second 'close'");
    return;
  }
  sc->l->srv_sock_closed++;
  free(sc);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  loop_ctx_t *l = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t ra;
  sconn_t *sc = calloc(1, sizeof *sc);
  if (!sc) abort();
  sc->l = l;
  if (nnet_socket_is_pipe(s)) {
    l->srv_conn_unix++;
  } else {
    l->srv_conn_tcp++;
    /* the blocked peers' sources must never get here */
    if (nnet_socket_remote_address(s, &ra) != 0 ||
        strcmp(ra.address, "127.0.0.1") != 0)
      failf(l, "accepted a peer from %s", ra.address);
  }
  nnet_socket_on(s, NNET_EV_DATA, srv_on_data, sc);
  nnet_socket_on(s, NNET_EV_DRAIN, srv_on_drain, sc);
  nnet_socket_on(s, NNET_EV_ERROR, srv_on_error, sc);
  nnet_socket_on(s, NNET_EV_CLOSE, srv_on_close, sc);
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  loop_ctx_t *l = ctx;
  l->srv_errors++;
  failf(l, "server error: %s", ev->u.error->message);
}

static void on_server_closed(nnet_server_t *srv, int status, void *ctx) {
  (void)srv;
  loop_ctx_t *l = ctx;
  if (status != 0) failf(l, "server close status %d", status);
  if (++l->srv_closed == 2) uv_close((uv_handle_t *)&l->watchdog, NULL);
}

/* ---- the clients -------------------------------------------------------- */

static void client_done(loop_ctx_t *l) {
  if (++l->clients_closed < CONNS) return;
  nnet_server_close(l->tcp, on_server_closed, l);
  nnet_server_close(l->unx, on_server_closed, l);
}

static void check_list(loop_ctx_t *l) {
  l->bl_checks += 2;
  if (nnet_blocklist_check(l->bl, "127.0.0.1", NNET_IPV4) != 0) l->bl_wrong++;
  if (nnet_blocklist_check(l->bl, l->blocked_ip, NNET_IPV4) != 1) l->bl_wrong++;
}

static void on_write_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)s;
  client_t *c = ctx;
  c->write_cbs++;
  if (status) failf(c->l, "client write cb status %d", status);
}

static void on_end_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)s;
  client_t *c = ctx;
  c->end_cbs++;
  if (status) failf(c->l, "client end cb status %d", status);
}

/* setImmediate work, queued by the nextTick below: writes the payload and
 * ends. */
static void on_immediate(void *arg) {
  client_t *c = arg;
  loop_ctx_t *l = c->l;
  l->immediates++;
  c->immediate_ran = true;
  if (!c->ticked) failf(l, "immediate before its nextTick");
  check_list(l);
  char *buf = malloc(c->size);
  if (!buf) abort();
  for (size_t o = 0; o < c->size; o++) buf[o] = (char)payload_byte(c->seed, o);
  nnet_socket_write(c->s, buf, c->size, on_write_cb, c);
  nnet_socket_end(c->s, NULL, 0, on_end_cb, c);
  free(buf);
  l->bytes_expected += c->size;
}

/* nextTick work, queued by 'connect'. */
static void on_tick(void *arg) {
  client_t *c = arg;
  c->l->ticks++;
  c->ticked = true;
  if (c->immediate_ran) failf(c->l, "nextTick after its immediate");
  check_list(c->l);
  if (nnet_set_immediate(&c->l->loop, on_immediate, c) != 0)
    failf(c->l, "setImmediate refused work");
}

static void cl_on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  client_t *c = ctx;
  c->connects++;
  if (!c->blocked && nnet_next_tick(&c->l->loop, on_tick, c) != 0)
    failf(c->l, "nextTick refused work");
}

static void cl_on_data(const nnet_event_t *ev, void *ctx) {
  client_t *c = ctx;
  const uint8_t *p = (const uint8_t *)ev->u.data.base;
  if (c->blocked) {
    failf(c->l, "blocked client got %zu bytes", ev->u.data.len);
    return;
  }
  for (size_t i = 0; i < ev->u.data.len; i++)
    if (c->recv + i >= c->size || p[i] != payload_byte(c->seed, c->recv + i))
      c->corrupt = true;
  c->recv += ev->u.data.len;
}

static void cl_on_end(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  ((client_t *)ctx)->ends++;
}

static void cl_on_error(const nnet_event_t *ev, void *ctx) {
  client_t *c = ctx;
  c->errors++;
  /* a blocked peer sees EOF or a reset; anyone else none */
  if (!c->blocked || ev->u.error->code != UV_ECONNRESET)
    failf(c->l, "client %s error: %s", c->is_unix ? "unix" : "tcp",
          ev->u.error->message);
}

static void cl_on_close(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  client_t *c = ctx;
  loop_ctx_t *l = c->l;
  if (c->closes++) {
    failf(l, "client: second 'close'");
    return;
  }
  if (c->blocked) {
    if (c->recv == 0 && c->errors <= 1)
      l->blocked_ok++;
    else
      failf(l, "blocked client: recv %zu errors %u", c->recv, c->errors);
  } else if (c->recv == c->size && !c->corrupt && c->ends == 1 &&
             c->errors == 0 && c->connects == 1 && c->write_cbs == 1 &&
             c->end_cbs == 1) {
    l->clients_ok++;
    l->bytes_verified += c->recv;
  } else {
    failf(l,
          "client %s: recv %zu of %zu corrupt %d ends %u errors %u "
          "connects %u write_cbs %u end_cbs %u",
          c->is_unix ? "unix" : "tcp", c->recv, c->size, (int)c->corrupt,
          c->ends, c->errors, c->connects, c->write_cbs, c->end_cbs);
  }
  client_done(l);
}

static void start_client(loop_ctx_t *l, client_t *c) {
  nnet_connect_opts_t o;
  nnet_socket_t *s;
  nnet_connect_opts_init(&o);
  if (c->is_unix) {
    o.path = l->path;
  } else {
    o.host = "127.0.0.1";
    o.port = l->port;
    if (c->blocked) o.local_address = l->blocked_ip;
  }
  if (nnet_create_connection(&l->loop, &o, NULL, NULL, &s) != 0) {
    failf(l, "create_connection failed");
    client_done(l);
    return;
  }
  nnet_socket_on(s, NNET_EV_CONNECT, cl_on_connect, c);
  nnet_socket_on(s, NNET_EV_DATA, cl_on_data, c);
  nnet_socket_on(s, NNET_EV_END, cl_on_end, c);
  nnet_socket_on(s, NNET_EV_ERROR, cl_on_error, c);
  nnet_socket_on(s, NNET_EV_CLOSE, cl_on_close, c);
  c->s = s;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  loop_ctx_t *l = ctx;
  nnet_socketaddress_t a;
  if (!nnet_server_is_pipe(ev->target)) {
    if (nnet_server_address(ev->target, &a) != 0) failf(l, "no address");
    l->port = a.port;
  }
  if (++l->listening < 2) return;
  for (int i = 0; i < CONNS; i++) start_client(l, &l->c[i]);
}

static void on_watchdog(uv_timer_t *t) {
  loop_ctx_t *l = t->data;
  failf(l, "watchdog: loop %d still running (%u of %d clients closed)", l->id,
        l->clients_closed, CONNS);
  uv_stop(&l->loop);
}

static void *loop_main(void *arg) {
  loop_ctx_t *l = arg;
  nnet_server_opts_t so;
  nnet_listen_opts_t lo;
  uv_timer_init(&l->loop, &l->watchdog);
  l->watchdog.data = l;
  uv_timer_start(&l->watchdog, on_watchdog, 100000, 0);
  uv_unref((uv_handle_t *)&l->watchdog);
  for (int i = 0; i < CONNS; i++) {
    client_t *c = &l->c[i];
    c->l = l;
    c->is_unix = i >= CLIENTS && i < 2 * CLIENTS;
    c->blocked = i >= 2 * CLIENTS;
    c->seed = (uint64_t)l->id * 1000003u + (uint64_t)i * 7919u + 1;
    c->size = 1 + (size_t)((c->seed * 2654435761u) % 200000);
  }
  nnet_server_opts_init(&so);
  so.loop = &l->loop;
  so.block_list = l->bl; /* shared by all loops (TCP peers only) */
  if (nnet_create_server(&so, on_connection, l, &l->tcp) != 0 ||
      nnet_create_server(&so, on_connection, l, &l->unx) != 0) {
    failf(l, "create_server failed");
    return NULL;
  }
  nnet_server_on(l->tcp, NNET_EV_ERROR, on_server_error, l);
  nnet_server_on(l->unx, NNET_EV_ERROR, on_server_error, l);
  nnet_listen_opts_init(&lo);
  lo.host = "127.0.0.1";
  lo.port = 0;
  if (nnet_server_listen(l->tcp, &lo, on_listening, l) != 0)
    failf(l, "listen tcp failed");
  nnet_listen_opts_init(&lo);
  lo.path = l->path;
  if (nnet_server_listen(l->unx, &lo, on_listening, l) != 0)
    failf(l, "listen unix failed");
  uv_run(&l->loop, UV_RUN_DEFAULT);
  atomic_fetch_sub(&loops_running, 1);
  return NULL;
}

/* The other thread: keeps changing the shared list while the loops accept
 * and check, but never the rules the loops rely on (127.0.0.1 allowed,
 * 127.0.0.10..13 blocked). */
typedef struct {
  nnet_blocklist_t *bl;
  unsigned long mutations, snapshots;
  int bad;
} mutator_t;

static void *mutator_main(void *arg) {
  mutator_t *m = arg;
  char a[64], b[64], cidr[64], *json = malloc(1 << 20);
  if (!json) abort();
  for (unsigned long k = 0; atomic_load(&loops_running) > 0 || k < 1000; k++) {
    snprintf(a, sizeof a, "127.0.1.%lu", k % 200);
    snprintf(b, sizeof b, "127.0.1.%lu", k % 200 + 50);
    snprintf(cidr, sizeof cidr, "10.%lu.0.0/16", k % 256);
    m->bad += nnet_blocklist_add_address(m->bl, a, NNET_IPV4) != 0;
    m->bad += nnet_blocklist_add_range(m->bl, a, b, NNET_IPV4) != 0;
    m->bad += nnet_blocklist_add_cidr(m->bl, cidr) != 0;
    m->bad += nnet_blocklist_add_subnet(m->bl, "2001:db8::", 32 + (int)(k % 64),
                                        NNET_IPV6) != 0;
    m->bad += nnet_blocklist_remove_address(m->bl, a, NNET_IPV4) != 1;
    m->bad += nnet_blocklist_remove_range(m->bl, a, b, NNET_IPV4) != 1;
    m->bad += nnet_blocklist_remove_cidr(m->bl, cidr) != 1;
    m->bad += nnet_blocklist_remove_subnet(
                  m->bl, "2001:db8::", 32 + (int)(k % 64), NNET_IPV6) != 1;
    m->mutations += 8;
    if (k % 64 == 0) { /* a batch, a snapshot, reloaded into a copy */
      nnet_blocklist_t *copy = nnet_blocklist_new();
      const char *more[] = {"192.0.2.0/24", "198.51.100.7/32"};
      m->bad += nnet_blocklist_add_cidrs(m->bl, more, 2) != 0;
      int n = nnet_blocklist_to_json(m->bl, json, 1 << 20);
      m->bad += n <= 0 || nnet_blocklist_from_json(copy, json, NULL, 0) != 0;
      m->bad += nnet_blocklist_remove_cidr(m->bl, "192.0.2.0/24") != 1;
      m->bad += nnet_blocklist_remove_cidr(m->bl, "198.51.100.7/32") != 1;
      nnet_blocklist_set_allow_list(m->bl, false);
      nnet_blocklist_free(copy);
      m->snapshots++;
    }
    sched_yield();
  }
  free(json);
  return NULL;
}

START_TEST(loops_in_threads_share_a_blocklist) {
  static loop_ctx_t l[LOOPS];
  pthread_t th[LOOPS], mt;
  mutator_t m = {0};
  const char *dir = nnet_test_tmpdir();
  ck_assert_ptr_nonnull(dir);
  memset(l, 0, sizeof l);
  m.bl = nnet_blocklist_new();
  ck_assert_ptr_nonnull(m.bl);
  ck_assert_int_eq(
      nnet_blocklist_add_range(m.bl, "127.0.0.10", "127.0.0.13", NNET_IPV4), 0);
  atomic_store(&loops_running, LOOPS);
  ck_assert_int_eq(pthread_create(&mt, NULL, mutator_main, &m), 0);
  for (int i = 0; i < LOOPS; i++) {
    l[i].id = i;
    l[i].bl = m.bl;
    snprintf(l[i].path, sizeof l[i].path, "%s/loop%d.sock", dir, i);
    snprintf(l[i].blocked_ip, sizeof l[i].blocked_ip, "127.0.0.%d", 10 + i);
    ck_assert_int_eq(uv_loop_init(&l[i].loop), 0);
    ck_assert_int_eq(pthread_create(&th[i], NULL, loop_main, &l[i]), 0);
  }
  for (int i = 0; i < LOOPS; i++) {
    ck_assert_int_eq(pthread_join(th[i], NULL), 0);
    ck_assert_msg(l[i].failures == 0, "loop %d: %u failures, first: %s", i,
                  l[i].failures, l[i].first_failure);
    ck_assert_int_eq(nnet_test_loop_close(&l[i].loop), 0);
    ck_assert_uint_eq(l[i].clients_ok, 2 * CLIENTS);
    ck_assert_uint_eq(l[i].blocked_ok, BLOCKED);
    ck_assert_uint_eq(l[i].clients_closed, CONNS);
    ck_assert_uint_eq(l[i].srv_conn_tcp, CLIENTS);
    ck_assert_uint_eq(l[i].srv_conn_unix, CLIENTS);
    ck_assert_uint_eq(l[i].srv_sock_closed, 2 * CLIENTS);
    ck_assert_uint_eq(l[i].srv_closed, 2);
    ck_assert_uint_eq(l[i].srv_errors, 0);
    ck_assert_uint_eq(l[i].ticks, 2 * CLIENTS);
    ck_assert_uint_eq(l[i].immediates, 2 * CLIENTS);
    ck_assert_uint_eq(l[i].bl_checks, 2 * 2 * 2 * CLIENTS);
    ck_assert_uint_eq(l[i].bl_wrong, 0);
    ck_assert_uint_eq(l[i].bytes_verified, l[i].bytes_expected);
  }
  ck_assert_int_eq(pthread_join(mt, NULL), 0);
  uint64_t bytes = 0;
  for (int i = 0; i < LOOPS; i++) bytes += l[i].bytes_verified;
  printf(
      "loops_threads: %d loops, %d connections each (%d blocked), %llu "
      "bytes echoed and verified, %lu list mutations, %lu snapshots\n",
      LOOPS, CONNS, BLOCKED, (unsigned long long)bytes, m.mutations,
      m.snapshots);
  ck_assert_int_eq(m.bad, 0);
  ck_assert_uint_ge(m.mutations, 8000);
  /* every mutation was undone: only the range added first is left */
  ck_assert_uint_eq(nnet_blocklist_size(m.bl), 1);
  nnet_blocklist_free(m.bl);
}
END_TEST

/* The per-loop state registry under churn: in several threads at once,
 * objects and pending ticks acquire a loop's state and release it again
 * (the state is freed and unlinked each round, and acquired afresh for
 * the same uv_loop_t the next round). No descriptors are opened in the
 * rounds (see the note at the top). */
static void churn_tick(void *arg) {
  (*(unsigned *)arg)++;
}

static void churn_closed(nnet_server_t *srv, int status, void *ctx) {
  (void)srv;
  (*(unsigned *)ctx) += status == NNET_ERR_SERVER_NOT_RUNNING ? 100 : 1000;
}

static void *churn_main(void *arg) {
  uv_loop_t *loop = arg;
  unsigned bad = 0;
  for (int round = 0; round < 200; round++) {
    nnet_server_t *srv;
    nnet_socket_t *s;
    nnet_server_opts_t so;
    nnet_socket_opts_t sko;
    unsigned n = 0;
    nnet_server_opts_init(&so);
    so.loop = loop;
    nnet_socket_opts_init(&sko);
    sko.loop = loop;
    if (nnet_create_server(&so, NULL, NULL, &srv) != 0) return (void *)1;
    bad += nnet_next_tick(loop, churn_tick, &n) != 0;
    bad += nnet_set_immediate(loop, churn_tick, &n) != 0;
    if (nnet_socket_new(&sko, &s) == 0)
      nnet_socket_destroy(s, 0); /* 'close' on a later turn */
    else
      bad++;
    nnet_server_close(srv, churn_closed, &n);
    uv_run(loop, UV_RUN_DEFAULT);
    bad += n != 102;
  }
  return (void *)(intptr_t)bad;
}

START_TEST(loop_state_churn_in_threads) {
  pthread_t th[LOOPS];
  uv_loop_t loops[LOOPS];
  for (int i = 0; i < LOOPS; i++) {
    ck_assert_int_eq(uv_loop_init(&loops[i]), 0);
    ck_assert_int_eq(pthread_create(&th[i], NULL, churn_main, &loops[i]), 0);
  }
  for (int i = 0; i < LOOPS; i++) {
    void *rc;
    ck_assert_int_eq(pthread_join(th[i], &rc), 0);
    ck_assert_int_eq((intptr_t)rc, 0);
    ck_assert_int_eq(uv_loop_close(&loops[i]), 0);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("core_loops_threads");
  TCase *tc = tcase_create("threads");
  tcase_set_timeout(tc, 240);
  tcase_add_test(tc, loops_in_threads_share_a_blocklist);
  tcase_add_test(tc, loop_state_churn_in_threads);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
