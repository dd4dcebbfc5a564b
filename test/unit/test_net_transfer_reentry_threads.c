/* Reentrancy and abuse of the loop transfer and multi-loop APIs: a transfer
 * callback that destroys its socket or sends it straight back, a receiver
 * refused with transfers in flight (and inside one of their callbacks),
 * stop()/join()/free() from a connection listener on a loop thread, stop()
 * from a setup callback, free() without stop(), a per-loop server closed by
 * its user, a full descriptor table (dup() fails). Exact counts; no
 * descriptor leaks. Run under ThreadSanitizer by scripts/test.sh. */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

/* ThreadSanitizer: Debian's libuv is not instrumented and closes
 * descriptors with a raw close syscall that TSan does not see. When the
 * acceptor close()s a refused connection whose number another loop's
 * libuv used (and closed) before, TSan reports the number's reuse as a
 * race between that close() and libuv's earlier read(). Only close() is
 * excused; every other access is still checked. */
const char *__tsan_default_suppressions(void);
const char *__tsan_default_suppressions(void) {
  return "race:^__interceptor_close$\nrace:^close$\n";
}

static int open_fds(void) {
  int n = 0;
  DIR *d = opendir("/proc/self/fd");
  ck_assert_ptr_nonnull(d);
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n - 1; /* the directory's own */
}

/* libuv opens its process-wide signal pipe with the first loop: count
 * after that. */
static int fd_baseline(void) {
  uv_loop_t w;
  ck_assert_int_eq(uv_loop_init(&w), 0);
  ck_assert_int_eq(uv_loop_close(&w), 0);
  return open_fds();
}

/* ---- a loop in a thread that receives transfers ---- */

typedef struct peer_s {
  uv_loop_t loop;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool ready, go;
  bool hold;    /* wait for go before uv_run (transfers pile up) */
  int close_rc; /* written on the thread, read after join */
  /* per test, written on the thread only */
  int arrived, statuses, closes, had_error, sent_back, refused_in_cb;
  struct peer_s *other; /* where to send back */
} peer_t;

static void *peer_main(void *arg) {
  peer_t *p = arg;
  ck_assert_int_eq(nnet_loop_accept_transfers(&p->loop), 0);
  pthread_mutex_lock(&p->lock);
  p->ready = true;
  pthread_cond_broadcast(&p->cond);
  while (p->hold && !p->go) pthread_cond_wait(&p->cond, &p->lock);
  pthread_mutex_unlock(&p->lock);
  uv_run(&p->loop, UV_RUN_DEFAULT);
  p->close_rc = nnet_test_loop_close(&p->loop);
  return NULL;
}

static void peer_start(peer_t *p, bool hold) {
  memset(p, 0, sizeof(*p));
  p->hold = hold;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->cond, NULL);
  ck_assert_int_eq(uv_loop_init(&p->loop), 0);
  ck_assert_int_eq(pthread_create(&p->thread, NULL, peer_main, p), 0);
  pthread_mutex_lock(&p->lock);
  while (!p->ready) pthread_cond_wait(&p->cond, &p->lock);
  pthread_mutex_unlock(&p->lock);
}

static void peer_go(peer_t *p) {
  pthread_mutex_lock(&p->lock);
  p->go = true;
  pthread_cond_broadcast(&p->cond);
  pthread_mutex_unlock(&p->lock);
}

static void peer_join(peer_t *p) {
  ck_assert_int_eq(pthread_join(p->thread, NULL), 0);
  ck_assert_int_eq(p->close_rc, 0);
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->cond);
}

/* A socketpair end as a nodenet socket on loop; the other end is *peer. */
static nnet_socket_t *pair_socket(uv_loop_t *loop, int *peer) {
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  so.fd = sv[0];
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  *peer = sv[1];
  return s;
}

/* Reads until EOF; returns the byte count (what arrived is in buf). */
static size_t read_all(int fd, char *buf, size_t cap) {
  size_t got = 0;
  for (;;) {
    ssize_t n = read(fd, buf + got, cap - got);
    ck_assert_int_ge(n, 0);
    if (n == 0) return got;
    got += (size_t)n;
  }
}

static void count_close(const nnet_event_t *ev, void *ctx) {
  peer_t *p = ctx;
  p->closes++;
  if (ev->u.close.had_error) p->had_error++;
}

/* ---- 1. the callback destroys the new socket ---- */

static void destroy_arrived(nnet_socket_t *s, int status, void *ctx) {
  peer_t *p = ctx;
  p->arrived++;
  if (status != 0) return;
  p->statuses++;
  nnet_socket_on(s, NNET_EV_CLOSE, count_close, p);
  nnet_socket_destroy(s, 0);
  nnet_socket_destroy(s, 0); /* idempotent */
  ck_assert(nnet_socket_is_destroyed(s));
  ck_assert_int_eq(nnet_loop_refuse_transfers(&p->loop), 0);
}

START_TEST(reentry_destroy_in_transfer_cb) {
  peer_t b;
  uv_loop_t a;
  int fds = fd_baseline();
  peer_start(&b, false);
  uv_loop_init(&a);
  int peer;
  nnet_socket_t *s = pair_socket(&a, &peer);
  ck_assert_int_eq(nnet_socket_transfer(s, &b.loop, destroy_arrived, &b), 0);
  nnet_test_run(&a, 10000);
  char buf[8];
  ck_assert_uint_eq(read_all(peer, buf, sizeof(buf)), 0); /* EOF, no bytes */
  peer_join(&b);
  close(peer);
  ck_assert_int_eq(b.arrived, 1);
  ck_assert_int_eq(b.statuses, 1);
  ck_assert_int_eq(b.closes, 1);
  ck_assert_int_eq(b.had_error, 0);
  ck_assert_int_eq(nnet_test_loop_close(&a), 0);
  ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* ---- 2. the callback sends the socket straight back ---- */

typedef struct {
  uv_loop_t loop;
  int arrived, closes, wrong_thread;
  pthread_t self;
} home_t;

static void home_close(const nnet_event_t *ev, void *ctx) {
  home_t *h = ctx;
  h->closes++;
  ck_assert_int_eq(nnet_loop_refuse_transfers(&h->loop), 0);
}

static void home_arrived(nnet_socket_t *s, int status, void *ctx) {
  home_t *h = ctx;
  if (!pthread_equal(pthread_self(), h->self)) h->wrong_thread++;
  ck_assert_int_eq(status, 0);
  h->arrived++;
  nnet_socket_on(s, NNET_EV_CLOSE, home_close, h);
  ck_assert_int_eq(nnet_socket_write(s, "home", 4, NULL, NULL), 1);
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

typedef struct {
  peer_t p;
  home_t *home;
  int back_rc, src_closes, src_close_had_error;
} bounce_t;

static void bounce_src_close(const nnet_event_t *ev, void *ctx) {
  bounce_t *b = ctx;
  b->src_closes++;
  if (ev->u.close.had_error) b->src_close_had_error++;
}

static void bounce_arrived(nnet_socket_t *s, int status, void *ctx) {
  bounce_t *b = ctx;
  ck_assert_int_eq(status, 0);
  b->p.arrived++;
  nnet_socket_on(s, NNET_EV_CLOSE, bounce_src_close, b);
  b->back_rc = nnet_socket_transfer(s, &b->home->loop, home_arrived, b->home);
  ck_assert(nnet_socket_is_destroyed(s));
  /* this loop stops receiving from inside its own transfer callback */
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b->p.loop), 0);
}

START_TEST(reentry_transfer_back_in_cb) {
  bounce_t b;
  home_t h;
  int fds = fd_baseline();
  memset(&h, 0, sizeof(h));
  h.self = pthread_self();
  uv_loop_init(&h.loop);
  ck_assert_int_eq(nnet_loop_accept_transfers(&h.loop), 0);
  peer_start(&b.p, false);
  b.home = &h;
  b.back_rc = 1;
  b.src_closes = b.src_close_had_error = 0;
  int peer;
  nnet_socket_t *s = pair_socket(&h.loop, &peer);
  ck_assert_int_eq(nnet_socket_transfer(s, &b.p.loop, bounce_arrived, &b), 0);
  shutdown(peer, SHUT_WR); /* the returned socket ends, closes */
  nnet_test_run(&h.loop, 10000);
  char buf[8];
  ck_assert_uint_eq(read_all(peer, buf, sizeof(buf)), 4);
  ck_assert(memcmp(buf, "home", 4) == 0);
  peer_join(&b.p);
  close(peer);
  ck_assert_int_eq(b.p.arrived, 1);
  ck_assert_int_eq(b.back_rc, 0);
  ck_assert_int_eq(b.src_closes, 1);
  ck_assert_int_eq(b.src_close_had_error, 0);
  ck_assert_int_eq(h.arrived, 1);
  ck_assert_int_eq(h.closes, 1);
  ck_assert_int_eq(h.wrong_thread, 0);
  ck_assert_int_eq(nnet_test_loop_close(&h.loop), 0);
  ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* ---- 3. refused with transfers in flight ---- */

#define IN_FLIGHT 5

static void ok_close(const nnet_event_t *ev, void *ctx) {
  ((peer_t *)ctx)->closes++;
}

static void say_ok(peer_t *p, nnet_socket_t *s) {
  nnet_socket_on(s, NNET_EV_CLOSE, ok_close, p);
  nnet_socket_end(s, "ok", 2, NULL, NULL);
}

static void in_flight_arrived(nnet_socket_t *s, int status, void *ctx) {
  peer_t *p = ctx;
  ck_assert_int_eq(status, 0);
  p->arrived++;
  say_ok(p, s);
}

/* B piles up IN_FLIGHT transfers (its thread waits before uv_run), then
 * its own thread refuses before running: every one is delivered inside
 * nnet_loop_refuse_transfers(), none is lost, none leaks. */
static void *refuse_before_run(void *arg) {
  peer_t *p = arg;
  ck_assert_int_eq(nnet_loop_accept_transfers(&p->loop), 0);
  ck_assert_int_eq(nnet_loop_accept_transfers(&p->loop), 0); /* counted */
  pthread_mutex_lock(&p->lock);
  p->ready = true;
  pthread_cond_broadcast(&p->cond);
  while (!p->go) pthread_cond_wait(&p->cond, &p->lock);
  pthread_mutex_unlock(&p->lock);
  ck_assert_int_eq(nnet_loop_refuse_transfers(&p->loop), 0);
  p->refused_in_cb = p->arrived; /* one refusal left: none delivered yet */
  ck_assert_int_eq(nnet_loop_refuse_transfers(&p->loop), 0);
  p->statuses = p->arrived; /* all of them, inside the last refusal */
  uv_run(&p->loop, UV_RUN_DEFAULT);
  p->close_rc = nnet_test_loop_close(&p->loop);
  return NULL;
}

START_TEST(reentry_refuse_with_transfers_in_flight) {
  peer_t b;
  uv_loop_t a;
  int fds = fd_baseline();
  memset(&b, 0, sizeof(b));
  pthread_mutex_init(&b.lock, NULL);
  pthread_cond_init(&b.cond, NULL);
  uv_loop_init(&b.loop);
  uv_loop_init(&a);
  ck_assert_int_eq(pthread_create(&b.thread, NULL, refuse_before_run, &b), 0);
  pthread_mutex_lock(&b.lock);
  while (!b.ready) pthread_cond_wait(&b.cond, &b.lock);
  pthread_mutex_unlock(&b.lock);
  int peers[IN_FLIGHT];
  for (int i = 0; i < IN_FLIGHT; i++) {
    nnet_socket_t *s = pair_socket(&a, &peers[i]);
    ck_assert_int_eq(nnet_socket_transfer(s, &b.loop, in_flight_arrived, &b),
                     0);
  }
  peer_go(&b);
  for (int i = 0; i < IN_FLIGHT; i++) {
    char buf[8];
    ck_assert_uint_eq(read_all(peers[i], buf, sizeof(buf)), 2);
    ck_assert(memcmp(buf, "ok", 2) == 0);
    close(peers[i]);
  }
  peer_join(&b);
  ck_assert_int_eq(b.refused_in_cb, 0);
  ck_assert_int_eq(b.statuses, IN_FLIGHT);
  ck_assert_int_eq(b.arrived, IN_FLIGHT);
  ck_assert_int_eq(b.closes, IN_FLIGHT);
  /* refused now: the socket stays, its duplicate is not leaked */
  int peer;
  nnet_socket_t *s = pair_socket(&a, &peer);
  int before = open_fds();
  for (int i = 0; i < 10; i++)
    ck_assert_int_eq(nnet_socket_transfer(s, &b.loop, in_flight_arrived, &b),
                     NNET_ERR_TRANSFER_NO_RECEIVER);
  ck_assert_int_eq(open_fds(), before);
  ck_assert(!nnet_socket_is_destroyed(s));
  nnet_socket_destroy(s, 0);
  close(peer);
  nnet_test_run(&a, 10000);
  pthread_mutex_destroy(&b.lock);
  pthread_cond_destroy(&b.cond);
  ck_assert_int_eq(nnet_test_loop_close(&a), 0);
  ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* The first callback of a batch refuses: the rest of the batch, already
 * taken off the queue, is still delivered (status 0), nothing leaks. */
static void refuse_first_arrived(nnet_socket_t *s, int status, void *ctx) {
  peer_t *p = ctx;
  ck_assert_int_eq(status, 0);
  if (p->arrived++ == 0) {
    ck_assert_int_eq(nnet_loop_refuse_transfers(&p->loop), 0);
    p->refused_in_cb++;
  }
  say_ok(p, s);
}

START_TEST(reentry_refuse_inside_batch) {
  peer_t b;
  uv_loop_t a;
  int fds = fd_baseline();
  peer_start(&b, true); /* holds before uv_run: the transfers pile up */
  uv_loop_init(&a);
  int peers[IN_FLIGHT];
  for (int i = 0; i < IN_FLIGHT; i++) {
    nnet_socket_t *s = pair_socket(&a, &peers[i]);
    ck_assert_int_eq(nnet_socket_transfer(s, &b.loop, refuse_first_arrived, &b),
                     0);
  }
  peer_go(&b);
  for (int i = 0; i < IN_FLIGHT; i++) {
    char buf[8];
    ck_assert_uint_eq(read_all(peers[i], buf, sizeof(buf)), 2);
    close(peers[i]);
  }
  peer_join(&b);
  ck_assert_int_eq(b.refused_in_cb, 1);
  ck_assert_int_eq(b.arrived, IN_FLIGHT);
  ck_assert_int_eq(b.closes, IN_FLIGHT);
  nnet_test_run(&a, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&a), 0);
  ck_assert_int_eq(open_fds(), fds);
}
END_TEST

/* ---- 4. multi-loop: stop()/join()/free() from a loop thread ---- */

#define LOOPS 2

typedef struct {
  _Atomic(nnet_multiloop_t *) ml;
  atomic_int connections, server_closes, setups;
  atomic_int stop_rc, join_rc, calls;
  atomic_int per_loop[LOOPS];
  bool free_in_listener; /* else stop() and join() */
  bool close_server;     /* the listener closes its per-loop server */
  bool stop_in_setup;    /* setup of loop 0 calls stop() */
  bool idle;             /* the listener only counts */
} ml_side_t;

static void ml_srv_close(const nnet_event_t *ev, void *ctx) {
  atomic_fetch_add(&((ml_side_t *)ctx)->server_closes, 1);
}

static int ml_setup(nnet_multiloop_t *ml, unsigned loop_index,
                    size_t listen_index, nnet_server_t *srv, void *ctx) {
  ml_side_t *t = ctx;
  atomic_store(&t->ml, ml);
  atomic_fetch_add(&t->setups, 1);
  nnet_server_on(srv, NNET_EV_CLOSE, ml_srv_close, t);
  if (t->stop_in_setup && loop_index == 0)
    atomic_store(&t->stop_rc, nnet_multiloop_stop(ml, 0, 0));
  return 0;
}

static void ml_connection(const nnet_event_t *ev, void *ctx) {
  ml_side_t *t = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_multiloop_t *ml = atomic_load(&t->ml);
  atomic_fetch_add(&t->connections, 1);
  for (unsigned i = 0; i < LOOPS; i++)
    if (nnet_multiloop_loop(ml, i) == nnet_socket_loop(s))
      atomic_fetch_add(&t->per_loop[i], 1);
  if (t->idle) return;
  nnet_socket_end(s, "bye", 3, NULL, NULL);
  if (t->close_server) {
    ck_assert_int_eq(nnet_server_close(ev->target, NULL, NULL), 0);
    return;
  }
  atomic_fetch_add(&t->calls, 1);
  if (t->free_in_listener) {
    nnet_multiloop_free(ml); /* its own thread: stops only */
    return;
  }
  atomic_store(&t->stop_rc, nnet_multiloop_stop(ml, 0, 1000));
  atomic_store(&t->join_rc, nnet_multiloop_join(ml)); /* refused */
}

static void ml_start(ml_side_t *t, int balance) {
  nnet_multiloop_opts_t o;
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  nnet_multiloop_opts_init(&o);
  o.threads = LOOPS;
  o.balance = balance;
  o.listen = &lo;
  o.n_listen = 1;
  o.on_connection = ml_connection;
  o.setup = ml_setup;
  o.ctx = t;
  nnet_multiloop_t *ml;
  ck_assert_int_eq(nnet_multiloop_start(&o, &ml), 0);
  ck_assert_ptr_eq(ml, atomic_load(&t->ml));
  ck_assert_int_eq(atomic_load(&t->setups), LOOPS);
}

typedef struct {
  uv_loop_t loop;
  int closes, bytes;
} client_t;

static void cl_data(const nnet_event_t *ev, void *ctx) {
  ((client_t *)ctx)->bytes += (int)ev->u.data.len;
}

static void cl_close(const nnet_event_t *ev, void *ctx) {
  ((client_t *)ctx)->closes++;
}

static void cl_error(const nnet_event_t *ev, void *ctx) {}

static void client_connect(client_t *c, nnet_multiloop_t *ml) {
  nnet_socketaddress_t sa;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_multiloop_address(ml, 0, &sa), 0);
  ck_assert_int_eq(
      nnet_create_connection_tcp(&c->loop, sa.port, "127.0.0.1", &s), 0);
  c->bytes = 0;
  nnet_socket_on(s, NNET_EV_DATA, cl_data, c);
  nnet_socket_on(s, NNET_EV_ERROR, cl_error, c); /* a reset is fine */
  nnet_socket_on(s, NNET_EV_CLOSE, cl_close, c);
}

/* One client, run to its 'close'; returns the bytes it received. */
static int client_once(client_t *c, nnet_multiloop_t *ml) {
  client_connect(c, ml);
  nnet_test_run(&c->loop, 10000);
  return c->bytes;
}

START_TEST(multiloop_stop_and_join_from_listener) {
  ml_side_t t;
  client_t c;
  memset(&t, 0, sizeof(t));
  memset(&c, 0, sizeof(c));
  ml_start(&t, NNET_BALANCE_ACCEPTOR);
  uv_loop_init(&c.loop);
  ck_assert_int_eq(client_once(&c, atomic_load(&t.ml)), 3);
  nnet_multiloop_t *ml = atomic_load(&t.ml);
  ck_assert_int_eq(nnet_multiloop_join(ml), 0); /* the listener's stop */
  ck_assert_int_eq(atomic_load(&t.calls), 1);
  ck_assert_int_eq(atomic_load(&t.stop_rc), 0);
  ck_assert_int_eq(atomic_load(&t.join_rc), UV_EINVAL);
  ck_assert_int_eq(atomic_load(&t.connections), 1);
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
  ck_assert_int_eq(c.closes, 1);
  nnet_multiloop_free(ml);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

START_TEST(multiloop_free_from_listener_only_stops) {
  ml_side_t t;
  client_t c;
  memset(&t, 0, sizeof(t));
  memset(&c, 0, sizeof(c));
  t.free_in_listener = true;
  ml_start(&t, NNET_BALANCE_REUSEPORT);
  uv_loop_init(&c.loop);
  ck_assert_int_eq(client_once(&c, atomic_load(&t.ml)), 3);
  nnet_multiloop_t *ml = atomic_load(&t.ml);
  ck_assert_int_eq(nnet_multiloop_join(ml), 0);
  ck_assert_int_eq(atomic_load(&t.calls), 1);
  ck_assert_int_eq(atomic_load(&t.connections), 1);
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
  nnet_multiloop_free(ml);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* stop() inside setup, before the other loop has its mailbox: every loop
 * still stops (join returns). */
START_TEST(multiloop_stop_from_setup) {
  ml_side_t t;
  memset(&t, 0, sizeof(t));
  t.stop_in_setup = true;
  ml_start(&t, NNET_BALANCE_ACCEPTOR);
  nnet_multiloop_t *ml = atomic_load(&t.ml);
  ck_assert_int_eq(nnet_multiloop_join(ml), 0);
  ck_assert_int_eq(atomic_load(&t.stop_rc), 0);
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
  nnet_multiloop_free(ml);
}
END_TEST

/* free() without stop() (documented: it stops, deadline and grace 0, and
 * joins). A client connected and idle is closed by the server. */
START_TEST(multiloop_free_without_stop) {
  ml_side_t t;
  client_t c;
  memset(&t, 0, sizeof(t));
  memset(&c, 0, sizeof(c));
  t.idle = true;
  ml_start(&t, NNET_BALANCE_REUSEPORT);
  uv_loop_init(&c.loop);
  client_connect(&c, atomic_load(&t.ml));
  while (atomic_load(&t.connections) < 1) {
    uv_run(&c.loop, UV_RUN_NOWAIT); /* nothing comes: do not wait */
    usleep(1000);
  }
  nnet_multiloop_free(atomic_load(&t.ml));
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.bytes, 0);
  ck_assert_int_eq(atomic_load(&t.connections), 1);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* A per-loop server closed by its user inside 'connection' (acceptor):
 * the multi-loop keeps it alive (no use after free when the acceptor hands
 * it the next connection, or at the stop), it takes no more connections,
 * and the stop does not emit a second 'close'. */
START_TEST(multiloop_user_closes_per_loop_server) {
  ml_side_t t;
  client_t c;
  memset(&t, 0, sizeof(t));
  memset(&c, 0, sizeof(c));
  t.close_server = true;
  ml_start(&t, NNET_BALANCE_ACCEPTOR);
  nnet_multiloop_t *ml = atomic_load(&t.ml);
  uv_loop_init(&c.loop);
  /* least-loaded, ties round-robin: loop 0, then loop 1 */
  ck_assert_int_eq(client_once(&c, ml), 3);
  ck_assert_int_eq(client_once(&c, ml), 3);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(client_once(&c, ml), 0);
  ck_assert_int_eq(c.closes, 6);
  while (atomic_load(&t.server_closes) < LOOPS) usleep(1000);
  ck_assert_int_eq(nnet_multiloop_stop(ml, 0, 0), 0);
  ck_assert_int_eq(nnet_multiloop_join(ml), 0);
  ck_assert_int_eq(atomic_load(&t.connections), 2);
  ck_assert_int_eq(atomic_load(&t.per_loop[0]), 1);
  ck_assert_int_eq(atomic_load(&t.per_loop[1]), 1);
  ck_assert_int_eq(atomic_load(&t.server_closes), LOOPS);
  nnet_multiloop_stats_t st;
  ck_assert_int_eq(nnet_multiloop_stats(ml, 0, &st), 0);
  ck_assert_uint_eq(st.open, 0);
  nnet_multiloop_free(ml);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

/* ---- 5. dup() fails: a full descriptor table ---- */

static void never(nnet_socket_t *s, int status, void *ctx) {
  _exit(20);
}

static void never_srv(nnet_server_t *srv, int status, void *ctx) {
  _exit(21);
}

static void moved_arrived(nnet_socket_t *s, int status, void *ctx) {
  *(int *)ctx += status == 0 ? 1 : 100;
  nnet_socket_destroy(s, 0);
}

/* In a child (the limit is per process): 0 when every check held. */
static int emfile_child(void) {
  uv_loop_t a, b;
  int peer, arrived = 0;
  if (uv_loop_init(&a) || uv_loop_init(&b)) return 1;
  if (nnet_loop_accept_transfers(&b) != 0) return 2;
  nnet_socket_t *s = pair_socket(&a, &peer);
  nnet_server_t *srv;
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &a;
  if (nnet_create_server(&so, NULL, NULL, &srv) != 0 ||
      nnet_server_listen_tcp(srv, 0, NULL) != 0) /* bound now: no lookup */
    return 3;
  struct rlimit rl;
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = (rlim_t)open_fds() + 8;
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return 4;
  int extra[256], n = 0;
  while (n < 256 && (extra[n] = dup(peer)) >= 0) n++;
  if (n == 0 || n == 256) return 5;
  if (nnet_socket_transfer(s, &b, never, NULL) != UV_EMFILE) return 6;
  if (nnet_socket_is_destroyed(s)) return 7;
  if (nnet_server_transfer(srv, &b, never_srv, NULL) != UV_EMFILE) return 8;
  if (!nnet_server_is_listening(srv)) return 9;
  while (n > 0) close(extra[--n]);
  /* room again: it moves */
  if (nnet_socket_transfer(s, &b, moved_arrived, &arrived) != 0) return 10;
  if (nnet_loop_refuse_transfers(&b) != 0) return 11; /* delivers */
  if (arrived != 1) return 12;
  nnet_server_close(srv, NULL, NULL);
  close(peer);
  uv_run(&a, UV_RUN_DEFAULT);
  uv_run(&b, UV_RUN_DEFAULT);
  if (uv_loop_close(&a) != 0 || uv_loop_close(&b) != 0) return 13;
  return 0;
}

START_TEST(transfer_dup_emfile) {
  pid_t pid = fork();
  ck_assert_int_ge(pid, 0);
  if (pid == 0) _exit(emfile_child());
  int st;
  ck_assert_int_eq(waitpid(pid, &st, 0), pid);
  ck_assert(WIFEXITED(st));
  ck_assert_int_eq(WEXITSTATUS(st), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("net_transfer_reentry_threads");
  TCase *tc = tcase_create("reentry");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, reentry_destroy_in_transfer_cb);
  tcase_add_test(tc, reentry_transfer_back_in_cb);
  tcase_add_test(tc, reentry_refuse_with_transfers_in_flight);
  tcase_add_test(tc, reentry_refuse_inside_batch);
  tcase_add_test(tc, multiloop_stop_and_join_from_listener);
  tcase_add_test(tc, multiloop_free_from_listener_only_stops);
  tcase_add_test(tc, multiloop_stop_from_setup);
  tcase_add_test(tc, multiloop_free_without_stop);
  tcase_add_test(tc, multiloop_user_closes_per_loop_server);
  tcase_add_test(tc, transfer_dup_emfile);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
