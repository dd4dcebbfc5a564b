/* `nodenet echo PORT [UNIXPATH]`: the echo server the benchmarks use.
 * Echoes every byte with backpressure (pause on a full write queue, resume on
 * 'drain'); ends each connection after the client's EOF (allowHalfOpen
 * false does that); closes gracefully on SIGINT/SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct {
  uv_loop_t *loop;
  nnet_server_t *servers[2];
  int n_servers;
  uv_signal_t sigint, sigterm;
  int verbose;
} echo_t;

void help_echo(void) {
  puts(
      "usage: nodenet echo [-v] PORT [UNIXPATH]\n"
      "\n"
      "Echo server: listens on 127.0.0.1:PORT (env ECHO_HOST overrides) and,\n"
      "when given, on the Unix socket UNIXPATH (a stale file is unlinked\n"
      "first). Echoes every byte with backpressure, ends each connection\n"
      "after the client's EOF, backlog 511. Runs until SIGINT or SIGTERM.");
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

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  cli_error("echo: %s (%s)", ev->u.error->message, ev->u.error->code_name);
  exit(CLI_ERR);
}

static void on_signal(uv_signal_t *sig, int signum) {
  echo_t *e = sig->data;
  for (int i = 0; i < e->n_servers; i++)
    nnet_server_close(e->servers[i], NULL, NULL);
  uv_close((uv_handle_t *)&e->sigint, NULL);
  uv_close((uv_handle_t *)&e->sigterm, NULL);
  /* Open connections end when their clients do; a second signal is not
   * needed because a benchmark kills us with SIGKILL if it must. */
  uv_stop(e->loop);
}

static int start_server(echo_t *e, const nnet_listen_opts_t *lo) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = e->loop;
  nnet_server_t *srv;
  int rc = nnet_create_server(&so, on_connection, e, &srv);
  if (rc < 0) return rc;
  nnet_server_on(srv, NNET_EV_ERROR, on_server_error, e);
  e->servers[e->n_servers++] = srv;
  return nnet_server_listen(srv, lo, NULL, NULL);
}

int cmd_echo(int argc, char **argv) {
  echo_t e = {.loop = uv_default_loop()};
  int i = 0;
  if (i < argc && (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose"))) {
    e.verbose = 1;
    i++;
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
    unlink(argv[i + 1]);
    nnet_listen_opts_init(&lo);
    lo.path = argv[i + 1];
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
