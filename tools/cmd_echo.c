/* `nodenet echo PORT [UNIXPATH]`: the echo server the benchmarks use.
 * Echoes every byte with backpressure (pause on a full write queue, resume on
 * 'drain'); ends each connection after the client's EOF (allowHalfOpen
 * false does that); on SIGINT/SIGTERM shuts down within --grace ms
 * (nnet_server_shutdown) and exits 0. */
#include <limits.h>
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
} echo_t;

void help_echo(void) {
  puts(
      "usage: nodenet echo [-v] [--grace MS] [--max-write-buffer BYTES]\n"
      "                    [--per-ip-limit N] [--idle-timeout MS] PORT "
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
      "                 bytes and reads up to 65536 at once: below 81920 a\n"
      "                 fast client can be cut off too\n"
      "  --per-ip-limit N\n"
      "                 at most N open connections per client IP address;\n"
      "                 more are closed at once (TCP only)\n"
      "  --idle-timeout MS\n"
      "                 close a connection silent for MS ms\n"
      "  (the last three are off by default; -v reports each drop)");
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

static int usage_error(const char *what, const char *arg) {
  cli_error("echo: %s '%s' (see nodenet echo --help)", what, arg ? arg : "");
  return CLI_USAGE;
}

int cmd_echo(int argc, char **argv) {
  echo_t e = {.loop = uv_default_loop(), .grace_ms = 5000};
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
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = (int)port;
  lo.host = getenv("ECHO_HOST") ? getenv("ECHO_HOST") : "127.0.0.1";
  int rc = start_server(&e, &lo);
  if (rc == 0 && argc - i == 2) {
    nnet_listen_opts_init(&lo);
    lo.path = argv[i + 1];
    lo.unlink_stale = true; /* a crashed echo's file, never a live one's */
    rc = start_server(&e, &lo);
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
  return CLI_OK;
}
