/* `nodenet echo PORT [UNIXPATH]`: the echo server the benchmarks use.
 * Echoes every byte with backpressure (pause on a full write queue, resume on
 * 'drain'); ends each connection after the client's EOF (allowHalfOpen
 * false does that); on SIGINT/SIGTERM shuts down within --grace ms
 * (nnet_server_shutdown) and exits 0. With --threads N it serves from N
 * loops in N threads (nnet_multiloop_start): the listeners below run on
 * each connection's own loop and only read the shared echo_t. */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct {
  uv_loop_t *loop;
  nnet_server_t *servers[2];
  int n_servers;
  uv_signal_t sigint, sigterm;
  int verbose;
  long grace_ms;     /* --grace: the whole shutdown fits in it */
  int signals;       /* received so far */
  int shutting_down; /* servers whose shutdown has not completed */
  size_t ended, destroyed;
  nnet_server_opts_t so; /* the protections beyond Node (--max-write-...) */
  long threads;          /* --threads: 1 serves from this thread's loop */
  int balance;           /* --balance (nnet_balance_t); -1: not given */
  nnet_multiloop_t *ml;
  uv_async_t joined; /* the waiter thread saw every loop end */
  pthread_t waiter;
} echo_t;

void help_echo(void) {
  puts(
      "usage: nodenet echo [-v] [--grace MS] [--max-write-buffer BYTES]\n"
      "                    [--per-ip-limit N] [--idle-timeout MS]\n"
      "                    [--threads N] [--balance reuseport|acceptor] PORT "
      "[UNIXPATH]\n"
      "\n"
      "Echo server: listens on 127.0.0.1:PORT (env ECHO_HOST overrides) and,\n"
      "when given, on the Unix socket UNIXPATH (a stale socket file nobody\n"
      "accepts on is replaced; a live server's or a non-socket file is an\n"
      "error). Echoes every byte with backpressure, ends each connection\n"
      "after the client's EOF, backlog 511. Runs until SIGINT or SIGTERM.\n"
      "\n"
      "  -v, --verbose  report connection errors on stderr\n"
      "  --grace MS     on SIGINT/SIGTERM stop accepting, let open\n"
      "                 connections finish, end (FIN) those still open at\n"
      "                 MS minus min(1000, MS/5) ms, destroy the rest at MS;\n"
      "                 then say how many were ended/destroyed on stderr and\n"
      "                 exit 0 (default 5000). A second signal hurries: end\n"
      "                 at once, destroy on the next turn.\n"
      "  --max-write-buffer BYTES\n"
      "                 destroy a connection whose unsent echo would exceed\n"
      "                 BYTES. The echo already pauses at 16384 queued\n"
      "                 bytes and reads up to 262144 at once on TCP (65536\n"
      "                 on Unix): below 278528 a fast client can be cut off\n"
      "                 too\n"
      "  --per-ip-limit N\n"
      "                 at most N open connections per client IP address;\n"
      "                 more are closed at once (TCP only)\n"
      "  --idle-timeout MS\n"
      "                 close a connection silent for MS ms\n"
      "  (the last three are off by default; -v reports each drop; with\n"
      "  --threads they hold per loop)\n"
      "  --threads N    serve from N loops in N threads (default 1); each\n"
      "                 connection stays on one loop; -v prints each loop's\n"
      "                 connection count at exit. The host must be numeric\n"
      "  --balance reuseport|acceptor\n"
      "                 how connections reach the loops: one SO_REUSEPORT\n"
      "                 socket per loop, the kernel spreading them\n"
      "                 (default), or one loop accepting and handing each\n"
      "                 to the least-loaded loop (always for UNIXPATH)");
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  if (nnet_socket_write(s, ev->u.data.base, ev->u.data.len, NULL, NULL) == 0)
    nnet_socket_pause(s);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->target);
}

static void on_conn_error(const nnet_event_t *ev, void *ctx) {
  echo_t *e = ctx;
  if (e->verbose)
    fprintf(stderr, "nodenet echo: connection error: %s\n",
            ev->u.error->message);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_DATA, on_data, ctx);
  nnet_socket_on(s, NNET_EV_DRAIN, on_drain, ctx);
  nnet_socket_on(s, NNET_EV_ERROR, on_conn_error, ctx);
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  echo_t *e = ctx;
  if (e->verbose)
    fprintf(stderr, "nodenet echo: dropped %s:%d (%s)\n",
            ev->u.drop.remote_address ? ev->u.drop.remote_address : "?",
            ev->u.drop.remote_port,
            ev->u.drop.reason == NNET_DROP_PER_IP_LIMIT ? "--per-ip-limit"
                                                        : "max connections");
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  cli_error("echo: %s (%s)", ev->u.error->message, ev->u.error->code_name);
  exit(CLI_ERR);
}

/* One server's shutdown completed (its 'close'); the last one reports. */
static void on_shut(nnet_server_t *srv, int status, size_t ended,
                    size_t destroyed, void *ctx) {
  echo_t *e = ctx;
  e->ended += ended;
  e->destroyed += destroyed;
  if (--e->shutting_down > 0) return;
  fprintf(stderr,
          "nodenet echo: shut down: %zu connection%s ended, %zu destroyed\n",
          e->ended, e->ended == 1 ? "" : "s", e->destroyed);
  uv_close((uv_handle_t *)&e->sigint, NULL);
  uv_close((uv_handle_t *)&e->sigterm, NULL);
}

/* The first signal starts a graceful shutdown; connections still open
 * are ended a little before --grace and destroyed at it, so the process
 * is gone within --grace. A second signal hurries (deadline and grace 0). */
static void on_signal(uv_signal_t *sig, int signum) {
  echo_t *e = sig->data;
  bool first = e->signals++ == 0;
  unsigned deadline = 0, grace = 0;
  if (first) {
    grace = (unsigned)(e->grace_ms / 5 < 1000 ? e->grace_ms / 5 : 1000);
    deadline = (unsigned)e->grace_ms - grace;
    e->shutting_down = e->n_servers;
  }
  if (e->ml != NULL) {
    nnet_multiloop_stop(e->ml, deadline, grace);
    return;
  }
  for (int i = 0; i < e->n_servers; i++)
    nnet_server_shutdown(e->servers[i], deadline, grace, first ? on_shut : NULL,
                         e);
}

static int start_server(echo_t *e, const nnet_listen_opts_t *lo) {
  nnet_server_t *srv;
  int rc = nnet_create_server(&e->so, on_connection, e, &srv);
  if (rc < 0) return rc;
  nnet_server_on(srv, NNET_EV_ERROR, on_server_error, e);
  nnet_server_on(srv, NNET_EV_DROP, on_drop, e);
  e->servers[e->n_servers++] = srv;
  return nnet_server_listen(srv, lo, NULL, NULL);
}

/* ---- --threads: the multi-loop server ---- */

static int ml_setup(nnet_multiloop_t *ml, unsigned loop_index,
                    size_t listen_index, nnet_server_t *srv, void *ctx) {
  nnet_server_on(srv, NNET_EV_ERROR, on_server_error, ctx);
  return nnet_server_on(srv, NNET_EV_DROP, on_drop, ctx);
}

static void *ml_wait(void *arg) {
  echo_t *e = arg;
  nnet_multiloop_join(e->ml);
  uv_async_send(&e->joined);
  return NULL;
}

/* Every loop has shut down: the same report as one loop's, then each
 * loop's share with -v. */
static void ml_joined(uv_async_t *a) {
  echo_t *e = a->data;
  nnet_multiloop_stats_t st;
  for (unsigned i = 0; i < nnet_multiloop_threads(e->ml); i++) {
    nnet_multiloop_stats(e->ml, i, &st);
    e->ended += st.ended;
    e->destroyed += st.destroyed;
  }
  fprintf(stderr,
          "nodenet echo: shut down: %zu connection%s ended, %zu destroyed\n",
          e->ended, e->ended == 1 ? "" : "s", e->destroyed);
  for (unsigned i = 0; e->verbose && i < nnet_multiloop_threads(e->ml); i++) {
    nnet_multiloop_stats(e->ml, i, &st);
    fprintf(stderr, "nodenet echo: loop %u: %llu connections\n", i,
            (unsigned long long)st.accepted);
  }
  uv_close((uv_handle_t *)&e->sigint, NULL);
  uv_close((uv_handle_t *)&e->sigterm, NULL);
  uv_close((uv_handle_t *)&e->joined, NULL);
}

static int ml_start(echo_t *e, const nnet_listen_opts_t *lo, size_t n) {
  nnet_multiloop_opts_t o;
  nnet_multiloop_opts_init(&o);
  o.threads = (unsigned)e->threads;
  o.balance = e->balance < 0 ? NNET_BALANCE_REUSEPORT : e->balance;
  o.server = e->so;
  o.listen = lo;
  o.n_listen = n;
  o.on_connection = on_connection;
  o.setup = ml_setup;
  o.ctx = e;
  int rc = nnet_multiloop_start(&o, &e->ml);
  if (rc != 0) return rc;
  uv_async_init(e->loop, &e->joined, ml_joined);
  e->joined.data = e;
  if (pthread_create(&e->waiter, NULL, ml_wait, e) != 0) {
    nnet_multiloop_free(e->ml); /* stops and joins */
    return UV_EAGAIN;
  }
  return 0;
}

static int usage_error(const char *what, const char *arg) {
  cli_error("echo: %s '%s' (see nodenet echo --help)", what, arg ? arg : "");
  return CLI_USAGE;
}

int cmd_echo(int argc, char **argv) {
  echo_t e = {
      .loop = uv_default_loop(), .grace_ms = 5000, .threads = 1, .balance = -1};
  nnet_server_opts_init(&e.so);
  e.so.loop = e.loop;
  /* the echo must never drop bytes silently: over the cap, destroy */
  e.so.write_buffer_policy = NNET_WRITE_BUFFER_DESTROY;
  long n;
  int i = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
      e.verbose = 1;
    } else if (!strcmp(a, "--grace")) {
      if (!val) return usage_error("missing value for", a);
      if (!cli_parse_int(val, 0, 86400000, &e.grace_ms))
        return usage_error("bad grace period", val);
      i++;
    } else if (!strcmp(a, "--max-write-buffer")) {
      if (!val || !cli_parse_int(val, 1, LONG_MAX, &n))
        return usage_error("bad byte count", val);
      e.so.max_write_buffer = (size_t)n;
      i++;
    } else if (!strcmp(a, "--per-ip-limit")) {
      if (!val || !cli_parse_int(val, 1, UINT_MAX, &n))
        return usage_error("bad connection count", val);
      e.so.max_connections_per_ip = (unsigned)n;
      i++;
    } else if (!strcmp(a, "--idle-timeout")) {
      if (!val || !cli_parse_int(val, 1, UINT_MAX, &n))
        return usage_error("bad idle timeout", val);
      e.so.idle_timeout = (unsigned)n;
      i++;
    } else if (!strcmp(a, "--threads")) {
      if (!val || !cli_parse_int(val, 1, 256, &e.threads))
        return usage_error("bad thread count", val);
      i++;
    } else if (!strcmp(a, "--balance")) {
      if (val && !strcmp(val, "reuseport"))
        e.balance = NNET_BALANCE_REUSEPORT;
      else if (val && !strcmp(val, "acceptor"))
        e.balance = NNET_BALANCE_ACCEPTOR;
      else
        return usage_error("bad balance (reuseport or acceptor)", val);
      i++;
    } else {
      return usage_error("unknown option", a);
    }
  }
  long port;
  if (argc - i < 1 || argc - i > 2 ||
      !cli_parse_int(argv[i], 0, 65535, &port)) {
    help_echo();
    return CLI_USAGE;
  }
  nnet_listen_opts_t lo[2];
  size_t n_listen = argc - i == 2 ? 2 : 1;
  nnet_listen_opts_init(&lo[0]);
  lo[0].port = (int)port;
  lo[0].host = getenv("ECHO_HOST") ? getenv("ECHO_HOST") : "127.0.0.1";
  if (n_listen == 2) {
    nnet_listen_opts_init(&lo[1]);
    lo[1].path = argv[i + 1];
    lo[1].unlink_stale = true; /* a crashed echo's file, never a live one's */
  }
  int rc;
  if (e.threads > 1 || e.balance >= 0) {
    rc = ml_start(&e, lo, n_listen);
  } else {
    rc = start_server(&e, &lo[0]);
    if (rc == 0 && n_listen == 2) rc = start_server(&e, &lo[1]);
  }
  if (rc < 0) {
    cli_error("echo: cannot listen: %s (%s)", nnet_strerror(rc),
              nnet_err_name(rc));
    return CLI_ERR;
  }
  uv_signal_init(e.loop, &e.sigint);
  uv_signal_init(e.loop, &e.sigterm);
  e.sigint.data = e.sigterm.data = &e;
  uv_signal_start(&e.sigint, on_signal, SIGINT);
  uv_signal_start(&e.sigterm, on_signal, SIGTERM);
  uv_run(e.loop, UV_RUN_DEFAULT);
  if (e.ml != NULL) {
    pthread_join(e.waiter, NULL);
    nnet_multiloop_free(e.ml);
  }
  return CLI_OK;
}
