/* transfersrv: the echo server of the reliability suite's transfer suite
 * ("churn with transfers loses no byte"). The main loop's servers accept
 * with pauseOnConnect (nothing read, written or buffered: the socket is
 * transferable) and move every connection at once, round-robin, with
 * nnet_socket_transfer() to one of --threads worker loops, each running in
 * its own thread and receiving transfers (nnet_loop_accept_transfers()
 * before the main loop listens). The worker echoes with echosrv's echo
 * (echo_conn: backpressure; allowHalfOpen false, so the client's FIN ends
 * the echo after the queued bytes) and the same checks per connection:
 * exactly one 'close', at most one 'error' and none after 'close', every
 * write callback exactly once. A transfer that fails is
 * counted and the connection echoed on the main loop, so the client still
 * verifies it.
 *
 * Counters are per loop, written on that loop's thread only; they are
 * atomics so that SIGUSR1 can print them from the main thread at any time:
 * one line per loop, then the totals ("transfersrv: stats ..."). SIGTERM,
 * SIGINT or --count connections done stop it cleanly: the main loop closes
 * its servers, each worker refuses transfers (those in flight are
 * delivered then) and destroys what is still open (counted), the threads
 * are joined and every loop must close (uv_loop_close() == 0); then the
 * final lines (final=1). Exit status 1 when a loop did not close. */
#include <malloc.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "echo_conn.h"
#include "fx.h"

/* Every counter of a loop, by name: the printed keys cannot drift from the
 * fields. Main loop: accepted, transferred, transfer_fail (then echoed
 * here: local), src_closed / src_errors (the sockets that left: 'close'
 * without an error expected). Workers: received / recv_fail (the transfer
 * callback's status). Any loop that echoes: the echo's own (E, kept in
 * the loop's echo_loop_t) and stop_destroyed. */
/* clang-format off */
#define STATS(X, E)                                                          \
  X(accepted) X(transferred) X(transfer_fail) X(src_closed) X(src_errors)    \
  X(received) X(recv_fail) X(local) ECHO_STATS(E) X(stop_destroyed)          \
  X(server_errors) X(drops)
/* clang-format on */
#define NONE(n)

/* The loop's own counters only (lp_t.st[]); the echo's are in lp_t.echo. */
enum {
#define X(n) S_##n,
  STATS(X, NONE)
#undef X
      S_COUNT_
};
static const char *const stat_names[] = {
#define X(n) #n,
    STATS(X, X)
#undef X
};
#define NSTATS    (sizeof stat_names / sizeof *stat_names)
#define ST(lp, n) ((lp)->st[S_##n])

typedef struct sconn_s sconn_t;
typedef struct {
  unsigned idx; /* 0: the main loop; 1..N: workers */
  uv_loop_t loop;
  uv_thread_t tid;
  uv_async_t stop; /* workers: main asks them to stop */
  int accept_rc, close_rc;
  bool stopping;
  sconn_t *conns; /* open echo connections, destroyed at the stop */
  echo_loop_t echo;
  _Atomic uint64_t st[S_COUNT_];
} lp_t;

struct sconn_s {
  echo_conn_t e; /* first: echo_conn frees the whole record at 'close' */
  sconn_t *prev, *next;
  nnet_socket_t *s;
};

static lp_t *loops; /* loops[0] main, then the workers */
static unsigned nworkers = 2, rr;
static uint64_t count_target;
static _Atomic uint64_t done; /* connections whose life ended, any loop */
static nnet_server_t *servers[2];
static unsigned nservers;
static uv_signal_t sigs[3];
static uv_timer_t count_timer;
static uv_sem_t ready;

/* ---- the echo, on whichever loop holds the connection ---- */

static lp_t *lp_of(echo_loop_t *el) {
  return (lp_t *)((char *)el - offsetof(lp_t, echo));
}

/* The echo's 'close' (counted by echo_conn): off the loop's list. */
static void on_conn_closed(echo_conn_t *ec) {
  sconn_t *c = (sconn_t *)ec;
  lp_t *lp = lp_of(ec->el);
  if (c->prev)
    c->prev->next = c->next;
  else
    lp->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  done++;
}

static void echo_start(lp_t *lp, nnet_socket_t *s) {
  sconn_t *c = (sconn_t *)echo_conn_start(&lp->echo, s, sizeof *c);
  if (!c) {
    done++;
    return;
  }
  c->s = s;
  c->next = lp->conns;
  if (c->next) c->next->prev = c;
  lp->conns = c;
  if (lp->stopping) {
    ST(lp, stop_destroyed)++;
    nnet_socket_destroy(s, 0);
  }
}

/* 'close' comes on a later turn: the list is still whole while we walk. */
static void destroy_all(lp_t *lp) {
  for (sconn_t *c = lp->conns; c; c = c->next) {
    ST(lp, stop_destroyed)++;
    nnet_socket_destroy(c->s, 0);
  }
}

/* ---- workers ---- */

/* Runs on the worker's thread (its loop received the mail). */
static void on_arrived(nnet_socket_t *s, int status, void *ctx) {
  lp_t *w = ctx;
  if (status < 0) {
    ST(w, recv_fail)++;
    done++;
    fprintf(stderr, "transfersrv: loop %u: transfer arrived failed: %s\n",
            w->idx, nnet_err_name(status));
    return;
  }
  ST(w, received)++;
  echo_start(w, s);
}

static void on_worker_stop(uv_async_t *h) {
  lp_t *w = h->data;
  w->stopping = true;
  int rc = nnet_loop_refuse_transfers(&w->loop); /* delivers those sent */
  if (rc < 0)
    fprintf(stderr, "transfersrv: loop %u: refuse_transfers: %s\n", w->idx,
            nnet_err_name(rc));
  destroy_all(w);
  uv_close((uv_handle_t *)h, NULL);
}

static void worker_main(void *arg) {
  lp_t *w = arg;
  w->stop.data = w;
  uv_async_init(&w->loop, &w->stop, on_worker_stop);
  w->accept_rc = nnet_loop_accept_transfers(&w->loop);
  uv_sem_post(&ready);
  if (w->accept_rc < 0) uv_close((uv_handle_t *)&w->stop, NULL);
  uv_run(&w->loop, UV_RUN_DEFAULT);
}

/* ---- the main loop: accept, transfer ---- */

static void on_src_close(const nnet_event_t *ev, void *ctx) {
  ST((lp_t *)ctx, src_closed)++;
}

static void on_src_error(const nnet_event_t *ev, void *ctx) {
  ST((lp_t *)ctx, src_errors)++;
  fprintf(stderr, "transfersrv: transferred socket's error: %s\n",
          ev->u.error->message);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  lp_t *m = &loops[0];
  nnet_socket_t *s = ev->u.connection.socket;
  ST(m, accepted)++;
  nnet_socket_on(s, NNET_EV_CLOSE, on_src_close, m);
  nnet_socket_on(s, NNET_EV_ERROR, on_src_error, m);
  lp_t *w = &loops[1 + rr++ % nworkers];
  int rc = nnet_socket_transfer(s, &w->loop, on_arrived, w);
  if (rc == 0) {
    ST(m, transferred)++;
    return;
  }
  ST(m, transfer_fail)++;
  fprintf(stderr, "transfersrv: transfer to loop %u failed: %s\n", w->idx,
          nnet_err_name(rc));
  ST(m, local)++;
  echo_start(m, s);
  nnet_socket_resume(s); /* pauseOnConnect */
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  ST(&loops[0], server_errors)++;
  fprintf(stderr, "transfersrv: server error: %s\n", ev->u.error->message);
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  ST(&loops[0], drops)++;
}

/* ---- output ---- */

/* Every counter of a loop, in stat_names' order. */
static void loop_stats(lp_t *lp, uint64_t v[NSTATS]) {
  size_t k = 0;
#define X(n) v[k++] = ST(lp, n);
#define E(n) v[k++] = lp->echo.n;
  STATS(X, E)
#undef X
#undef E
}

static void print_stats(bool final) {
  uint64_t sum[NSTATS] = {0};
  char line[4096], spread[1024];
  size_t sp = 0;
  unsigned closed_ok = 0;
  spread[0] = 0;
  for (unsigned i = 0; i <= nworkers; i++) {
    lp_t *lp = &loops[i];
    uint64_t v[NSTATS];
    loop_stats(lp, v);
    int n = snprintf(line, sizeof line, "transfersrv: loop=%u role=%s", i,
                     i ? "worker" : "main");
    for (size_t k = 0; k < NSTATS; k++) {
      sum[k] += v[k];
      n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llu",
                    stat_names[k], (unsigned long long)v[k]);
    }
    if (final) {
      snprintf(line + n, sizeof line - (size_t)n, " loop_close=%s",
               lp->close_rc ? nnet_err_name(lp->close_rc) : "0");
      closed_ok += lp->close_rc == 0;
    }
    printf("%s\n", line);
    if (i)
      sp += (size_t)snprintf(spread + sp, sizeof spread - sp, "%s%llu",
                             i > 1 ? "/" : "",
                             (unsigned long long)ST(lp, received));
  }
  int n =
      snprintf(line, sizeof line, "transfersrv: stats threads=%u", nworkers);
  for (size_t k = 0; k < NSTATS; k++)
    n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llu", stat_names[k],
                  (unsigned long long)sum[k]);
  long rss = fx_rss_kib();
  malloc_trim(0);
  snprintf(line + n, sizeof line - (size_t)n,
           " spread=%s lib_blocks=%lld lib_bytes=%lld rss_kib=%ld "
           "rss_trimmed_kib=%ld final=%d loops_closed=%u/%u",
           spread, (long long)echo_lib_blocks, (long long)echo_lib_bytes, rss,
           fx_rss_kib(), final, closed_ok, final ? nworkers + 1 : 0);
  printf("%s\n", line);
  fflush(stdout);
}

/* ---- stop ---- */

static void stop_all(void) {
  lp_t *m = &loops[0];
  if (m->stopping) return;
  m->stopping = true;
  for (unsigned i = 0; i < nservers; i++)
    nnet_server_close(servers[i], NULL, NULL);
  destroy_all(m);
  for (int i = 0; i < 3; i++) uv_close((uv_handle_t *)&sigs[i], NULL);
  if (count_target) uv_close((uv_handle_t *)&count_timer, NULL);
  for (unsigned i = 1; i <= nworkers; i++)
    if (loops[i].accept_rc == 0) uv_async_send(&loops[i].stop);
}

static void on_signal(uv_signal_t *h, int sig) {
  if (sig == SIGUSR1)
    print_stats(false);
  else
    stop_all();
}

static void on_count_check(uv_timer_t *t) {
  if (done >= count_target) stop_all();
}

static void close_walk(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

/* uv_loop_close(), and when it fails, what is left closed anyway so the
 * sanitizers can still judge memory. */
static int loop_close(uv_loop_t *loop) {
  int rc = uv_loop_close(loop);
  if (rc == 0) return 0;
  uv_walk(loop, close_walk, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  uv_loop_close(loop);
  return rc;
}

/* ---- setup ---- */

static int listen_one(nnet_server_opts_t *so, int port, const char *path,
                      int backlog) {
  nnet_server_t *srv;
  int rc = nnet_create_server(so, on_connection, NULL, &srv);
  if (rc < 0) return rc;
  servers[nservers++] = srv;
  nnet_server_on(srv, NNET_EV_ERROR, on_server_error, NULL);
  nnet_server_on(srv, NNET_EV_DROP, on_drop, NULL);
  return echo_listen(srv, port, path, backlog);
}

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: transfersrv [--port N] [--unix PATH] [--threads N] [--count N]\n"
      "                   [--hwm BYTES] [--backlog N] [-v]\n"
      "\n"
      "Echo server for the reliability suite's transfer suite: the main\n"
      "loop accepts on 127.0.0.1:N (0: any; printed) and/or a Unix socket\n"
      "and moves each connection with nnet_socket_transfer() to one of N\n"
      "worker loops in their own threads (round-robin; 2), which echo it.\n"
      "  --count N   stop after N connections are done (0: run until a\n"
      "              signal)\n"
      "SIGUSR1 prints the counters (one line per loop, then the totals);\n"
      "SIGTERM/SIGINT stop cleanly (every loop closed) and print them.\n");
}

static bool own_opt(const char *a, const char *v, int *i) {
  double x;
  if (!strcmp(a, "--threads") && fx_num(v, 1, 64, &x))
    nworkers = (unsigned)x;
  else if (!strcmp(a, "--count") && fx_num(v, 0, 1e15, &x))
    count_target = (uint64_t)x;
  else
    return false;
  ++*i;
  return true;
}

int main(int argc, char **argv) {
  echo_opts_t o = ECHO_OPTS_INIT;
  int rc = echo_parse(&o, argc, argv, "transfersrv", usage, own_opt);
  if (rc >= 0) return rc;
  echo_process_init("transfersrv");
  loops = calloc(nworkers + 1, sizeof *loops);
  if (!loops || uv_sem_init(&ready, 0) != 0) return 1;
  lp_t *m = &loops[0];
  for (unsigned i = 0; i <= nworkers; i++) {
    loops[i].idx = i;
    loops[i].echo.verbose = o.verbose;
    loops[i].echo.on_closed = on_conn_closed;
    snprintf(loops[i].echo.who, sizeof loops[i].echo.who,
             "transfersrv: loop %u", i);
    if (uv_loop_init(&loops[i].loop) != 0) return 1;
  }
  /* Every worker receives before the first connection can be accepted. */
  int failed = 0;
  for (unsigned i = 1; i <= nworkers; i++) {
    if (uv_thread_create(&loops[i].tid, worker_main, &loops[i]) != 0) return 1;
    uv_sem_wait(&ready);
    if (loops[i].accept_rc < 0) failed = loops[i].accept_rc;
  }
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &m->loop;
  so.pause_on_connect = true;
  so.high_water_mark = (size_t)o.hwm;
  int signums[3] = {SIGUSR1, SIGTERM, SIGINT};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(&m->loop, &sigs[i]);
    uv_signal_start(&sigs[i], on_signal, signums[i]);
  }
  if (count_target) {
    uv_timer_init(&m->loop, &count_timer);
    uv_timer_start(&count_timer, on_count_check, 20, 20);
  }
  if (failed) {
    fprintf(stderr, "transfersrv: accept_transfers: %s\n",
            nnet_err_name(failed));
    stop_all();
  } else if ((o.port >= 0 && listen_one(&so, o.port, NULL, o.backlog) < 0) ||
             (o.path && listen_one(&so, -1, o.path, o.backlog) < 0)) {
    fprintf(stderr, "transfersrv: cannot listen\n");
    failed = 1;
    stop_all();
  }
  uv_run(&m->loop, UV_RUN_DEFAULT);
  int bad = failed != 0;
  for (unsigned i = 1; i <= nworkers; i++) {
    uv_thread_join(&loops[i].tid);
    loops[i].close_rc = loop_close(&loops[i].loop);
    bad |= loops[i].close_rc != 0;
  }
  m->close_rc = loop_close(&m->loop);
  bad |= m->close_rc != 0;
  print_stats(true);
  uv_sem_destroy(&ready);
  free(loops);
  return bad;
}
