/* `nodenet proxy LISTEN TARGET`: a TCP/Unix proxy on nnet_pipeline_duplex()
 * (Node's stream.pipeline(client, upstream, client)). Each accepted
 * connection gets its own upstream socket; both have allowHalfOpen, so each
 * FIN is passed on by itself; an error on either side destroys both and is
 * reported once per connection. Between kernel sockets on Linux the bytes
 * go socket to socket with splice(2) (nnet_socket_pipe's zero-copy path)
 * unless --no-splice. Runs until SIGINT/SIGTERM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void help_proxy(void) {
  puts(
      "usage: nodenet proxy [options] LISTEN TARGET\n"
      "\n"
      "Accepts connections on LISTEN and pipes each one, both ways, to its\n"
      "own connection to TARGET, with backpressure. A FIN is passed on in\n"
      "each direction by itself; an error or reset on either side closes\n"
      "both and is reported for that connection (e.g. a refused TARGET).\n"
      "LISTEN is PORT (on 127.0.0.1), HOST:PORT, [IPv6]:PORT or a Unix\n"
      "socket path (anything with a '/'; a stale socket file is replaced).\n"
      "TARGET is PORT (on 127.0.0.1), HOST:PORT, [IPv6]:PORT or a path.\n"
      "Runs until SIGINT or SIGTERM.\n"
      "  --block CIDR|IP        drop clients from it (repeatable)\n"
      "  --allow CIDR|IP        accept only clients allowed (repeatable)\n"
      "  --max-connections N    server.maxConnections\n"
      "  --no-splice            copy every byte through user space (the\n"
      "                         default moves them with splice(2) on Linux)\n"
      "  -v, --verbose          a line per connection: accepted, connected,\n"
      "                         closed with the bytes each way and how many\n"
      "                         of them were spliced\n"
      "Exit status: 0 stopped by a signal, 1 cannot listen, 2 bad usage.");
}

/* An endpoint: a Unix path, or host + port. */
typedef struct {
  const char *path;
  char host[256];
  int port;
} endpoint_t;

typedef struct {
  uv_loop_t *loop;
  nnet_server_t *srv;
  endpoint_t listen, target;
  nnet_blocklist_t *bl;
  bool verbose, no_splice;
  unsigned long next_id;
  uv_signal_t sigint, sigterm;
} proxy_t;

typedef struct {
  proxy_t *px;
  unsigned long id;
  nnet_socket_t *client, *up;
} conn_t;

static bool parse_endpoint(const char *arg, endpoint_t *e) {
  long port;
  memset(e, 0, sizeof(*e));
  if (strchr(arg, '/')) {
    e->path = arg;
    return true;
  }
  const char *colon = strrchr(arg, ':'), *host = "127.0.0.1";
  size_t host_len = strlen(host);
  if (colon) {
    host = arg;
    host_len = (size_t)(colon - arg);
    if (host_len >= 2 && host[0] == '[' && host[host_len - 1] == ']') {
      host++;
      host_len -= 2;
    }
    arg = colon + 1;
  }
  if (host_len == 0 || host_len >= sizeof(e->host)) return false;
  if (!cli_parse_int(arg, 0, 65535, &port)) return false;
  memcpy(e->host, host, host_len);
  e->port = (int)port;
  return true;
}

static const char *endpoint_str(const endpoint_t *e, char *buf, size_t n) {
  if (e->path)
    snprintf(buf, n, "%s", e->path);
  else
    snprintf(buf, n, strchr(e->host, ':') ? "[%s]:%d" : "%s:%d", e->host,
             e->port);
  return buf;
}

static void peer_str(nnet_socket_t *s, char *buf, size_t n) {
  nnet_socketaddress_t sa;
  if (nnet_socket_remote_address(s, &sa) == 0)
    snprintf(buf, n, "%s port %u", sa.address, sa.port);
  else
    snprintf(buf, n, "a Unix socket");
}

/* The pipeline is done: both sockets are destroyed (or ended both ways). */
static void on_done(const nnet_error_t *err, void *ctx) {
  conn_t *c = ctx;
  char t[300];
  endpoint_str(&c->px->target, t, sizeof t);
  if (err)
    cli_error("proxy: #%lu %s: %s (%s)", c->id, t, err->message,
              err->code_name ? err->code_name : "?");
  if (c->px->verbose) {
    unsigned long long to = nnet_socket_bytes_spliced(c->client),
                       back = nnet_socket_bytes_spliced(c->up);
    char how[80];
    if (to + back > 0)
      snprintf(how, sizeof how, "spliced %llu to, %llu back", to, back);
    else
      snprintf(how, sizeof how, "no splice (copied%s)",
               c->px->no_splice ? ": --no-splice" : "");
    fprintf(stderr,
            "nodenet: proxy: #%lu closed: %llu bytes to %s, %llu back; %s\n",
            c->id, (unsigned long long)nnet_socket_bytes_written(c->up), t,
            (unsigned long long)nnet_socket_bytes_written(c->client), how);
  }
  nnet_socket_release(c->client);
  nnet_socket_release(c->up);
  free(c);
}

static void on_up_connect(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  char t[300];
  if (c->px->verbose)
    fprintf(stderr, "nodenet: proxy: #%lu connected to %s\n", c->id,
            endpoint_str(&c->px->target, t, sizeof t));
}

static int connect_up(conn_t *c) {
  const endpoint_t *t = &c->px->target;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = c->px->loop;
  so.allow_half_open = true;
  int rc = nnet_socket_new(&so, &c->up);
  if (rc < 0) return rc;
  nnet_socket_retain(c->up);
  nnet_socket_once(c->up, NNET_EV_CONNECT, on_up_connect, c);
  /* piped before connect(): a refused connect comes to on_done() too */
  if ((rc = nnet_pipeline_duplex(c->client, c->up, on_done, c)) < 0) {
    nnet_socket_destroy(c->up, 0);
    nnet_socket_release(c->up);
    return rc;
  }
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = t->path;
  o.host = t->path ? NULL : t->host;
  o.port = t->path ? -1 : t->port;
  if ((rc = nnet_socket_connect(c->up, &o, NULL, NULL)) < 0)
    nnet_socket_destroy(c->up, rc); /* reported by on_done() */
  return 0;
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  proxy_t *px = ctx;
  nnet_socket_t *client = ev->u.connection.socket;
  conn_t *c = calloc(1, sizeof(*c));
  if (!c) {
    nnet_socket_destroy(client, 0);
    return;
  }
  c->px = px;
  c->id = ++px->next_id;
  c->client = client;
  nnet_socket_retain(client);
  if (px->verbose) {
    char p[300];
    peer_str(client, p, sizeof p);
    fprintf(stderr, "nodenet: proxy: #%lu connection from %s\n", c->id, p);
  }
  int rc = connect_up(c);
  if (rc < 0) {
    cli_error("proxy: #%lu: %s (%s)", c->id, nnet_strerror(rc),
              nnet_err_name(rc));
    nnet_socket_destroy(client, 0);
    nnet_socket_release(client);
    free(c);
  }
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  proxy_t *px = ctx;
  char l[300], t[300];
  if (px->verbose)
    fprintf(stderr, "nodenet: proxy: listening on %s, target %s\n",
            endpoint_str(&px->listen, l, sizeof l),
            endpoint_str(&px->target, t, sizeof t));
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  cli_error("proxy: %s (%s)", ev->u.error->message, ev->u.error->code_name);
  exit(CLI_ERR);
}

static void on_signal(uv_signal_t *sig, int signum) {
  proxy_t *px = sig->data;
  nnet_server_close(px->srv, NULL, NULL); /* unlinks its socket file */
  uv_close((uv_handle_t *)&px->sigint, NULL);
  uv_close((uv_handle_t *)&px->sigterm, NULL);
  uv_stop(px->loop);
}

static int usage_error(const char *what, const char *arg) {
  cli_error("proxy: %s '%s' (see nodenet proxy --help)", what, arg ? arg : "");
  return CLI_USAGE;
}

static int start(proxy_t *px, long max_conn) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = px->loop;
  so.allow_half_open = true;
  so.block_list = px->bl;
  int rc = nnet_create_server(&so, on_connection, px, &px->srv);
  if (rc < 0) return rc;
  if (max_conn >= 0) nnet_server_set_max_connections(px->srv, (int)max_conn);
  nnet_server_on(px->srv, NNET_EV_ERROR, on_server_error, px);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  struct stat st;
  if (px->listen.path && stat(px->listen.path, &st) == 0 &&
      S_ISSOCK(st.st_mode))
    unlink(px->listen.path); /* a stale socket file */
  lo.path = px->listen.path;
  lo.host = px->listen.path ? NULL : px->listen.host;
  lo.port = px->listen.path ? -1 : px->listen.port;
  rc = nnet_server_listen(px->srv, &lo, on_listening, px);
  if (rc < 0) nnet_server_close(px->srv, NULL, NULL);
  return rc;
}

int cmd_proxy(int argc, char **argv) {
  proxy_t px;
  memset(&px, 0, sizeof px);
  px.loop = uv_default_loop();
  const char *pos[2] = {NULL, NULL};
  int n_pos = 0, rc = CLI_OK;
  long max_conn = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
      px.verbose = true;
    else if (!strcmp(a, "--no-splice"))
      px.no_splice = true;
    else if (!strcmp(a, "--block") || !strcmp(a, "--allow")) {
      CLI_NEED_VAL();
      if ((rc = cli_block_option(&px.bl, a, val, "proxy")) != CLI_OK) goto out;
    } else if (!strcmp(a, "--max-connections")) {
      CLI_NEED_VAL();
      if (!cli_parse_int(val, 0, 1000000000, &max_conn)) {
        rc = usage_error("bad count", val);
        goto out;
      }
    } else if (a[0] == '-' && a[1]) {
      rc = usage_error("unknown option", a);
      goto out;
    } else if (n_pos < 2) {
      pos[n_pos++] = a;
    } else {
      rc = usage_error("unexpected argument", a);
      goto out;
    }
  }
  if (n_pos != 2) {
    help_proxy();
    rc = CLI_USAGE;
    goto out;
  }
  if (!parse_endpoint(pos[0], &px.listen)) {
    rc = usage_error("bad LISTEN", pos[0]);
    goto out;
  }
  if (!parse_endpoint(pos[1], &px.target)) {
    rc = usage_error("bad TARGET", pos[1]);
    goto out;
  }
  /* nnet_pipeline_duplex() takes no pipe options: the process-wide switch
   * (read at each pipe's first chance to splice) */
  if (px.no_splice) setenv("NNET_NO_SPLICE", "1", 1);
  int err = start(&px, max_conn);
  if (err < 0) {
    cli_error("proxy: cannot listen: %s (%s)", nnet_strerror(err),
              nnet_err_name(err));
    rc = CLI_ERR;
    goto out;
  }
  uv_signal_init(px.loop, &px.sigint);
  uv_signal_init(px.loop, &px.sigterm);
  px.sigint.data = px.sigterm.data = &px;
  uv_signal_start(&px.sigint, on_signal, SIGINT);
  uv_signal_start(&px.sigterm, on_signal, SIGTERM);
  uv_run(px.loop, UV_RUN_DEFAULT);
  uv_run(px.loop, UV_RUN_NOWAIT); /* the server's close (socket file) */
out:
  nnet_blocklist_free(px.bl);
  return rc;
}
