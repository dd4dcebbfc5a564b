/* `nodenet listen`: accept a connection and pipe stdin/stdout through it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_pipe.h"

void help_listen(void) {
  puts(
      "usage: nodenet listen [options] PORT\n"
      "       nodenet listen [options] --unix PATH\n"
      "\n"
      "Accepts one connection and pipes stdin/stdout through it. Each\n"
      "direction ends on its own: at the end of stdin a FIN is sent; the\n"
      "peer's FIN ends only what comes back, and stdin is still sent in full.\n"
      "The tool exits once both are done. A reset or write error that stops\n"
      "stdin early is exit status 1, with how many bytes were sent.\n"
      "  --host HOST            listen on HOST (default: :: dual-stack)\n"
      "  --unix PATH            listen on a Unix socket\n"
      "  --keep                 serve connections one after another (others\n"
      "                         are dropped meanwhile) until stdin ends; a\n"
      "                         peer's FIN ends its connection (after what\n"
      "                         was queued for it) and the rest of stdin goes\n"
      "                         to the next connection\n"
      "  --max-connections N    server.maxConnections\n"
      "  --block CIDR|IP        drop connections from it (repeatable)\n"
      "  --allow CIDR|IP        accept only from what is allowed (repeatable)\n"
      "  --ipv6-only            no IPv4 on a :: listener\n"
      "  --readable-all         Unix socket readable by all users\n"
      "  --writable-all         Unix socket writable by all users\n"
      "  --half-close           with --keep: a connection takes stdin to its\n"
      "                         end, even after its peer's FIN (without\n"
      "                         --keep: the default, accepted for\n"
      "                         compatibility)\n"
      "  -v, --verbose          print each event to stderr\n"
      "Exit status: 0 clean end (stdin sent in full), 1 error or stdin not\n"
      "sent in full, 2 bad usage.");
}

typedef struct {
  stdio_pipe_t pipe;
  nnet_server_t *srv;
  nnet_blocklist_t *bl;
  bool keep, busy;
  int status;
} listen_t;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  listen_t *l = ctx;
  nnet_socketaddress_t sa;
  char path[256];
  if (nnet_server_address(l->srv, &sa) == 0)
    stdio_pipe_trace(&l->pipe, "listening on %s port %u", sa.address, sa.port);
  else if (nnet_server_address_path(l->srv, path, sizeof path) == 0)
    stdio_pipe_trace(&l->pipe, "listening on %s", path);
}

/* The server is freed after its 'close' (which may come before the last
 * connection's 'close', as in Node): forget it then. */
static void on_server_close(const nnet_event_t *ev, void *ctx) {
  listen_t *l = ctx;
  l->srv = NULL;
}

static void close_server(listen_t *l) {
  if (l->srv) nnet_server_close(l->srv, NULL, NULL);
}

static void on_done(void *arg) {
  listen_t *l = arg;
  l->busy = false;
  if (!l->keep || l->pipe.in_eof) {
    close_server(l);
    stdio_pipe_close(&l->pipe);
  } else {
    stdio_pipe_idle(&l->pipe); /* ends the server if stdin ends meanwhile */
  }
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  listen_t *l = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socketaddress_t ra;
  if (nnet_socket_remote_address(s, &ra) == 0)
    stdio_pipe_trace(&l->pipe, "connection from %s port %u", ra.address,
                     ra.port);
  else
    stdio_pipe_trace(&l->pipe, "connection");
  if (l->busy) { /* --keep without a free slot: one client at a time */
    nnet_socket_destroy(s, 0);
    return;
  }
  l->busy = true;
  if (!l->keep) nnet_server_close(l->srv, NULL, NULL);
  stdio_pipe_attach(&l->pipe, s);
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  listen_t *l = ctx;
  stdio_pipe_trace(
      &l->pipe, "drop: %s port %d (maxConnections)",
      ev->u.drop.remote_address ? ev->u.drop.remote_address : "unix",
      ev->u.drop.remote_port);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  listen_t *l = ctx;
  cli_error("listen: %s (%s)", ev->u.error->message, ev->u.error->code_name);
  l->status = CLI_ERR;
  close_server(l);
  stdio_pipe_close(&l->pipe);
}

static int usage_error(const char *what, const char *arg) {
  cli_error("listen: %s '%s' (see nodenet listen --help)", what,
            arg ? arg : "");
  return CLI_USAGE;
}

int cmd_listen(int argc, char **argv) {
  listen_t l;
  memset(&l, 0, sizeof l);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  bool verbose = false, half_close = false;
  const char *port_arg = NULL;
  long v, max_conn = -1;
  int rc = CLI_OK;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
      verbose = true;
    else if (!strcmp(a, "--half-close"))
      half_close = true;
    else if (!strcmp(a, "--keep"))
      l.keep = true;
    else if (!strcmp(a, "--ipv6-only"))
      lo.ipv6_only = true;
    else if (!strcmp(a, "--readable-all"))
      lo.readable_all = true;
    else if (!strcmp(a, "--writable-all"))
      lo.writable_all = true;
    else if (!strcmp(a, "--host")) {
      CLI_NEED_VAL();
      lo.host = val;
    } else if (!strcmp(a, "--unix")) {
      CLI_NEED_VAL();
      lo.path = val;
    } else if (!strcmp(a, "--max-connections")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 0, 1000000000, &max_conn)) {
        rc = usage_error("bad count", val);
        goto out;
      }
    } else if (!strcmp(a, "--block") || !strcmp(a, "--allow")) {
      CLI_NEED_VAL();
      if ((rc = cli_block_option(&l.bl, a, val, "listen")) != CLI_OK) goto out;
    } else if (a[0] == '-' && a[1]) {
      rc = usage_error("unknown option", a);
      goto out;
    } else if (!port_arg) {
      port_arg = a;
    } else {
      rc = usage_error("unexpected argument", a);
      goto out;
    }
  }
  if (lo.path ? port_arg != NULL : port_arg == NULL) {
    help_listen();
    rc = CLI_USAGE;
    goto out;
  }
  if (!lo.path) {
    if (!cli_parse_int(port_arg, 0, 65535, &v)) {
      rc = usage_error("bad port", port_arg);
      goto out;
    }
    lo.port = (int)v;
  }
  uv_loop_t *loop = uv_default_loop();
  stdio_pipe_init(&l.pipe, loop, verbose, l.keep && !half_close);
  l.pipe.on_done = on_done;
  l.pipe.done_arg = &l;
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  so.allow_half_open = true; /* the peer's FIN does not end our side */
  so.block_list = l.bl;
  int err = nnet_create_server(&so, on_connection, &l, &l.srv);
  if (err == 0) {
    if (max_conn >= 0) nnet_server_set_max_connections(l.srv, (int)max_conn);
    nnet_server_on(l.srv, NNET_EV_LISTENING, on_listening, &l);
    nnet_server_on(l.srv, NNET_EV_ERROR, on_error, &l);
    nnet_server_on(l.srv, NNET_EV_DROP, on_drop, &l);
    nnet_server_on(l.srv, NNET_EV_CLOSE, on_server_close, &l);
    err = nnet_server_listen(l.srv, &lo, NULL, NULL);
    if (err < 0) nnet_server_close(l.srv, NULL, NULL);
  }
  if (err < 0) {
    cli_error("listen: %s (%s)", nnet_strerror(err), nnet_err_name(err));
    rc = CLI_ERR;
    stdio_pipe_close(&l.pipe);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  if (rc == CLI_OK) rc = l.status ? l.status : l.pipe.exit_status;
out:
  nnet_blocklist_free(l.bl);
  return rc;
}
