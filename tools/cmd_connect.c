/* `nodenet connect`: stdin/stdout through a client socket. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stdio_pipe.h"

void help_connect(void) {
  puts(
      "usage: nodenet connect [options] HOST PORT\n"
      "       nodenet connect [options] --unix PATH\n"
      "\n"
      "Pipes stdin to the socket and the socket to stdout, with backpressure.\n"
      "Each direction ends on its own: at the end of stdin a FIN is sent; the\n"
      "peer's FIN ends only what comes back, and stdin is still sent in full.\n"
      "The tool exits once both are done. A reset or write error that stops\n"
      "stdin early is exit status 1, with how many bytes were sent.\n"
      "  --unix PATH            connect to a Unix socket\n"
      "  --family 4|6           only this address family\n"
      "  --no-happy-eyeballs    try addresses one after another\n"
      "  --attempt-delay MS     Happy Eyeballs attempt delay (default 250)\n"
      "  --connect-timeout MS   give up if not connected in MS\n"
      "  --idle-timeout MS      exit with a message after MS without traffic\n"
      "  --local-address IP     bind to this local address first\n"
      "  --local-port N         bind to this local port first\n"
      "  --block CIDR|IP        refuse to connect to it (repeatable)\n"
      "  --allow CIDR|IP        connect only to what is allowed (repeatable)\n"
      "  --half-close           accepted for compatibility: now the default\n"
      "  -v, --verbose          print each event to stderr\n"
      "Exit status: 0 clean end (stdin sent in full), 1 connection error or\n"
      "stdin not sent in full, 2 bad usage.");
}

typedef struct {
  stdio_pipe_t pipe;
  nnet_blocklist_t *bl;
  unsigned idle_ms;
} connect_t;

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  connect_t *c = ctx;
  if (ev->u.lookup.err) return;
  stdio_pipe_trace(&c->pipe, "lookup: %s -> %s (IPv%d)", ev->u.lookup.host,
                   ev->u.lookup.address, ev->u.lookup.family);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  connect_t *c = ctx;
  nnet_socket_t *s = ev->target;
  size_t n = nnet_socket_attempted_address_count(s);
  for (size_t i = 0; i < n; i++)
    stdio_pipe_trace(&c->pipe, "attempted: %s",
                     nnet_socket_attempted_address(s, i));
  nnet_socketaddress_t ra;
  if (nnet_socket_remote_address(s, &ra) == 0)
    stdio_pipe_trace(&c->pipe, "connect: %s port %u", ra.address, ra.port);
  else
    stdio_pipe_trace(&c->pipe, "connect");
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  connect_t *c = ctx;
  cli_error("idle for %u ms: closing", c->idle_ms);
  c->pipe.exit_status = CLI_ERR;
  nnet_socket_destroy(ev->target, 0);
}

static void on_done(void *arg) {
  stdio_pipe_close(arg);
}

static int usage_error(const char *what, const char *arg) {
  cli_error("connect: %s '%s' (see nodenet connect --help)", what,
            arg ? arg : "");
  return CLI_USAGE;
}

int cmd_connect(int argc, char **argv) {
  connect_t c;
  memset(&c, 0, sizeof c);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  bool verbose = false;
  const char *pos[2];
  int npos = 0, rc = CLI_OK;
  long v;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
      verbose = true;
    else if (!strcmp(a, "--half-close")) {
      /* the default now: stdin is always sent in full */
    } else if (!strcmp(a, "--no-happy-eyeballs"))
      o.auto_select_family = 0;
    else if (!strcmp(a, "--unix")) {
      CLI_NEED_VAL();
      o.path = val;
    } else if (!strcmp(a, "--family")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 4, 6, &v) || v == 5) {
        rc = usage_error("bad family", val);
        goto out;
      }
      o.family = (int)v;
    } else if (!strcmp(a, "--attempt-delay")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 1, 3600000, &v)) {
        rc = usage_error("bad delay", val);
        goto out;
      }
      o.auto_select_family_attempt_timeout = (unsigned)v;
    } else if (!strcmp(a, "--connect-timeout")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 1, 86400000, &v)) {
        rc = usage_error("bad timeout", val);
        goto out;
      }
      o.connect_timeout = (unsigned)v;
    } else if (!strcmp(a, "--idle-timeout")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 1, 86400000, &v)) {
        rc = usage_error("bad timeout", val);
        goto out;
      }
      c.idle_ms = (unsigned)v;
    } else if (!strcmp(a, "--local-address")) {
      CLI_NEED_VAL();
      if (!nnet_is_ip(val)) {
        rc = usage_error("not an IP address", val);
        goto out;
      }
      o.local_address = val;
    } else if (!strcmp(a, "--local-port")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 0, 65535, &v)) {
        rc = usage_error("bad port", val);
        goto out;
      }
      o.local_port = (int)v;
    } else if (!strcmp(a, "--block") || !strcmp(a, "--allow")) {
      CLI_NEED_VAL();
      if ((rc = cli_block_option(&c.bl, a, val, "connect")) != CLI_OK) goto out;
    } else if (a[0] == '-' && a[1]) {
      rc = usage_error("unknown option", a);
      goto out;
    } else if (npos < 2) {
      pos[npos++] = a;
    } else {
      rc = usage_error("unexpected argument", a);
      goto out;
    }
  }
  if (o.path ? npos != 0 : npos != 2) {
    help_connect();
    rc = CLI_USAGE;
    goto out;
  }
  if (!o.path) {
    o.host = pos[0];
    if (!cli_parse_int(pos[1], 0, 65535, &v)) {
      rc = usage_error("bad port", pos[1]);
      goto out;
    }
    o.port = (int)v;
  }
  o.block_list = c.bl;
  uv_loop_t *loop = uv_default_loop();
  stdio_pipe_init(&c.pipe, loop, verbose, false);
  c.pipe.on_done = on_done;
  c.pipe.done_arg = &c.pipe;

  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  so.allow_half_open = true; /* the peer's FIN does not end our side */
  nnet_socket_t *s;
  int err = nnet_socket_new(&so, &s);
  if (err == 0) {
    nnet_socket_on(s, NNET_EV_LOOKUP, on_lookup, &c);
    nnet_socket_on(s, NNET_EV_CONNECT, on_connect, &c);
    if (c.idle_ms) nnet_socket_set_timeout(s, c.idle_ms, on_timeout, &c);
    stdio_pipe_attach(&c.pipe, s);
    err = nnet_socket_connect(s, &o, NULL, NULL);
    if (err < 0) nnet_socket_destroy(s, 0);
  }
  if (err < 0) {
    cli_error("connect: %s (%s)", nnet_strerror(err), nnet_err_name(err));
    rc = err == NNET_ERR_SOCKET_BAD_PORT || err == NNET_ERR_MISSING_ARGS ||
                 err == NNET_ERR_INVALID_ARG_VALUE
             ? CLI_USAGE
             : CLI_ERR;
  }
  uv_run(loop, UV_RUN_DEFAULT);
  if (rc == CLI_OK) rc = c.pipe.exit_status;
out:
  nnet_blocklist_free(c.bl);
  return rc;
}
