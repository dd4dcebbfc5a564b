/* transfersrv: the echo server of the reliability suite's transfer suite
 * ("churn with transfers loses no byte"). The main loop's servers accept
 * with pauseOnConnect (nothing read, written or buffered: the socket is
 * transferable) and move every connection at once, round-robin, with
 * nnet_socket_transfer() to one of --threads worker loops, each running in
 * its own thread and receiving transfers (nnet_loop_accept_transfers()
 * before the main loop listens). The worker echoes as echosrv does: pause
 * when write() returns 0, resume on 'drain'; allowHalfOpen false, so the
 * client's FIN ends the echo after the queued bytes. Same checks per
 * connection: exactly one 'close', at most one 'error' and none after
 * 'close', every write callback exactly once. A transfer that fails is
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

#include "fx.h"

/* Every counter of a loop, by name: the printed keys cannot drift from the
 * fields. Main loop: accepted, transferred, transfer_fail (then echoed
 * here: local), src_closed / src_errors (the sockets that left: 'close'
 * without an error expected). Workers: received / recv_fail (the transfer
 * callback's status). Any loop that echoes: the rest. */
/* clang-format off */
#define STATS(X)                                                             \
  X(accepted) X(transferred) X(transfer_fail) X(src_closed) X(src_errors)    \
  X(received) X(recv_fail) X(local) X(closed) X(live) X(errors)              \
  X(err_reset) X(err_pipe) X(err_other) X(double_close) X(double_error)      \
  X(error_after_close) X(writes) X(write_cbs) X(write_cb_errors)             \
  X(cb_mismatch) X(bytes) X(stop_destroyed) X(server_errors) X(drops)
/* clang-format on */

enum {
#define X(n) S_##n,
  STATS(X)
#undef X
      S_COUNT_
};
static const char *const stat_names[] = {
#define X(n) #n,
    STATS(X)
#undef X
};
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
  _Atomic uint64_t st[S_COUNT_];
} lp_t;

struct sconn_s {
  sconn_t *prev, *next;
  lp_t *lp;
  nnet_socket_t *s;
  unsigned writes, write_cbs, errors, closes;
};

static lp_t *loops; /* loops[0] main, then the workers */
static unsigned nworkers = 2, rr;
static uint64_t count_target;
static _Atomic uint64_t done; /* connections whose life ended, any loop */
static bool verbose;
static nnet_server_t *servers[2];
static unsigned nservers;
static uv_signal_t sigs[3];
static uv_timer_t count_timer;
static uv_sem_t ready;

/* The library's allocations through its allocator hook, as echosrv counts
 * them (bytes as malloc_usable_size()); atomics: every thread allocates. */
static _Atomic int64_t lib_blocks, lib_bytes;
static void *a_malloc(size_t n) {
  void *p = malloc(n);
  if (!p) return NULL;
  lib_blocks++;
  lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}
static void a_free(void *p) {
  if (!p) return;
  lib_blocks--;
  lib_bytes -= (int64_t)malloc_usable_size(p);
  free(p);
}
static void *a_realloc(void *p, size_t n) {
  if (!p) return a_malloc(n);
  size_t old = malloc_usable_size(p);
  void *np = realloc(p, n);
  if (!np) return NULL;
  lib_bytes += (int64_t)malloc_usable_size(np) - (int64_t)old;
  return np;
}
static void *a_calloc(size_t c, size_t n) {
  void *p = calloc(c, n);
  if (!p) return NULL;
  lib_blocks++;
  lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}

/* ---- the echo, on whichever loop holds the connection ---- */

static void on_write(nnet_socket_t *s, int status, void *ctx) {
  sconn_t *c = ctx;
  c->write_cbs++;
  ST(c->lp, write_cbs)++;
  if (status < 0) ST(c->lp, write_cb_errors)++;
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->target);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  nnet_socket_t *s = ev->target;
  c->writes++;
  ST(c->lp, writes)++;
  ST(c->lp, bytes) += ev->u.data.len;
  int r = nnet_socket_write(s, ev->u.data.base, ev->u.data.len, on_write, c);
  if (r == 0) {
    nnet_socket_pause(s);
    nnet_socket_once(s, NNET_EV_DRAIN, on_drain, c);
  }
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  lp_t *lp = c->lp;
  if (c->closes) ST(lp, error_after_close)++;
  if (c->errors++) ST(lp, double_error)++;
  ST(lp, errors)++;
  int code = ev->u.error->code;
  if (code == UV_ECONNRESET)
    ST(lp, err_reset)++;
  else if (code == UV_EPIPE)
    ST(lp, err_pipe)++;
  else {
    ST(lp, err_other)++;
    fprintf(stderr, "transfersrv: loop %u: connection error: %s\n", lp->idx,
            ev->u.error->message);
  }
  if (verbose)
    fprintf(stderr, "transfersrv: loop %u: %s\n", lp->idx,
            ev->u.error->message);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  lp_t *lp = c->lp;
  if (c->closes++) {
    ST(lp, double_close)++;
    return;
  }
  if (c->write_cbs != c->writes) ST(lp, cb_mismatch)++;
  ST(lp, closed)++;
  ST(lp, live)--;
  if (c->prev)
    c->prev->next = c->next;
  else
    lp->conns = c->next;
  if (c->next) c->next->prev = c->prev;
  free(c); /* no listener runs after 'close' (DESIGN §4.4) */
  done++;
}

static void echo_start(lp_t *lp, nnet_socket_t *s) {
  sconn_t *c = calloc(1, sizeof *c);
  if (!c) {
    nnet_socket_destroy(s, 0);
    done++;
    return;
  }
  c->lp = lp;
  c->s = s;
  c->next = lp->conns;
  if (c->next) c->next->prev = c;
  lp->conns = c;
  ST(lp, live)++;
  nnet_socket_on(s, NNET_EV_DATA, on_data, c);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, c);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
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

static void print_stats(bool final) {
  uint64_t sum[S_COUNT_] = {0};
  char line[4096], spread[1024];
  size_t sp = 0;
  unsigned closed_ok = 0;
  spread[0] = 0;
  for (unsigned i = 0; i <= nworkers; i++) {
    lp_t *lp = &loops[i];
    int n = snprintf(line, sizeof line, "transfersrv: loop=%u role=%s", i,
                     i ? "worker" : "main");
    for (int k = 0; k < S_COUNT_; k++) {
      uint64_t v = lp->st[k];
      sum[k] += v;
      n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llu",
                    stat_names[k], (unsigned long long)v);
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
  for (int k = 0; k < S_COUNT_; k++)
    n += snprintf(line + n, sizeof line - (size_t)n, " %s=%llu", stat_names[k],
                  (unsigned long long)sum[k]);
  long rss = fx_rss_kib();
  malloc_trim(0);
  snprintf(line + n, sizeof line - (size_t)n,
           " spread=%s lib_blocks=%lld lib_bytes=%lld rss_kib=%ld "
           "rss_trimmed_kib=%ld final=%d loops_closed=%u/%u",
           spread, (long long)lib_blocks, (long long)lib_bytes, rss,
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

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *srv = ev->target;
  if (nnet_server_is_pipe(srv)) {
    char path[256];
    if (nnet_server_address_path(srv, path, sizeof path) > 0)
      printf("transfersrv: listening unix=%s\n", path);
  } else {
    nnet_socketaddress_t a;
    if (nnet_server_address(srv, &a) == 0)
      printf("transfersrv: listening port=%d\n", (int)a.port);
  }
}

static int listen_one(nnet_server_opts_t *so, int port, const char *path,
                      int backlog) {
  nnet_server_t *srv;
  int rc = nnet_create_server(so, on_connection, NULL, &srv);
  if (rc < 0) return rc;
  servers[nservers++] = srv;
  nnet_server_on(srv, NNET_EV_ERROR, on_server_error, NULL);
  nnet_server_on(srv, NNET_EV_DROP, on_drop, NULL);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.backlog = backlog;
  if (path) {
    unlink(path);
    lo.path = path;
  } else {
    lo.port = port;
    lo.host = "127.0.0.1";
  }
  return nnet_server_listen(srv, &lo, on_listening, NULL);
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

int main(int argc, char **argv) {
  int port = -1, backlog = 511;
  const char *path = NULL;
  double hwm = 16384;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "-v")) {
      verbose = true;
    } else if (!strcmp(a, "--port") && fx_num(v, 0, 65535, &x)) {
      port = (int)x, i++;
    } else if (!strcmp(a, "--unix") && v) {
      path = v, i++;
    } else if (!strcmp(a, "--threads") && fx_num(v, 1, 64, &x)) {
      nworkers = (unsigned)x, i++;
    } else if (!strcmp(a, "--count") && fx_num(v, 0, 1e15, &x)) {
      count_target = (uint64_t)x, i++;
    } else if (!strcmp(a, "--hwm") && fx_num(v, 1, 1 << 30, &x)) {
      hwm = x, i++;
    } else if (!strcmp(a, "--backlog") && fx_num(v, 1, 65535, &x)) {
      backlog = (int)x, i++;
    } else {
      fprintf(stderr, "transfersrv: bad option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (port < 0 && !path) {
    usage(stderr);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  nnet_set_allocator(a_malloc, a_realloc, a_calloc, a_free);
  loops = calloc(nworkers + 1, sizeof *loops);
  if (!loops || uv_sem_init(&ready, 0) != 0) return 1;
  lp_t *m = &loops[0];
  for (unsigned i = 0; i <= nworkers; i++) {
    loops[i].idx = i;
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
  so.high_water_mark = (size_t)hwm;
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
  } else if ((port >= 0 && listen_one(&so, port, NULL, backlog) < 0) ||
             (path && listen_one(&so, -1, path, backlog) < 0)) {
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
