/* echo_conn: the echo and helpers echosrv and transfersrv share (see
 * echo_conn.h). */
#include "echo_conn.h"

#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fx.h"

/* ---- the echo of one connection ---- */

static void on_write(nnet_socket_t *s, int status, void *ctx) {
  echo_conn_t *c = ctx;
  c->write_cbs++;
  c->el->write_cbs++;
  if (status < 0) c->el->write_cb_errors++;
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->target);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  echo_conn_t *c = ctx;
  nnet_socket_t *s = ev->target;
  c->writes++;
  c->el->writes++;
  c->el->bytes += ev->u.data.len;
  int r = nnet_socket_write(s, ev->u.data.base, ev->u.data.len, on_write, c);
  if (r == 0) { /* 'drain' only when needed: an idle connection keeps three
                 * listeners, which the socket holds inline */
    nnet_socket_pause(s);
    nnet_socket_once(s, NNET_EV_DRAIN, on_drain, c);
  }
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  echo_conn_t *c = ctx;
  echo_loop_t *el = c->el;
  if (c->closes) el->error_after_close++;
  if (c->errors++) el->double_error++;
  el->errors++;
  int code = ev->u.error->code;
  if (code == UV_ECONNRESET)
    el->err_reset++;
  else if (code == UV_EPIPE)
    el->err_pipe++;
  else {
    el->err_other++;
    fprintf(stderr, "%s: connection error: %s\n", el->who,
            ev->u.error->message);
  }
  if (el->verbose) fprintf(stderr, "%s: %s\n", el->who, ev->u.error->message);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  echo_conn_t *c = ctx;
  echo_loop_t *el = c->el;
  if (c->closes++) {
    el->double_close++;
    return;
  }
  if (c->write_cbs != c->writes) el->cb_mismatch++;
  el->closed++;
  el->live--;
  if (el->on_closed) el->on_closed(c);
  free(c); /* no listener runs after 'close' (DESIGN §4.4) */
}

echo_conn_t *echo_conn_start(echo_loop_t *el, nnet_socket_t *s, size_t size) {
  echo_conn_t *c = calloc(1, size);
  if (!c) {
    nnet_socket_destroy(s, 0);
    return NULL;
  }
  c->el = el;
  el->live++;
  nnet_socket_on(s, NNET_EV_DATA, on_data, c);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, c);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
  return c;
}

/* ---- the library's allocations ---- */

/* Counted through the allocator hook (nnet_set_allocator): a leak in the
 * library shows here even when glibc's figures are blurred by libuv's own
 * arrays or by fragmentation. Bytes are malloc_usable_size() (what each
 * block really holds), so the hook needs no header and adds nothing to
 * the process's RSS (the scale suite measures both). */
_Atomic int64_t echo_lib_blocks, echo_lib_bytes;

static void *a_malloc(size_t n) {
  void *p = malloc(n);
  if (!p) return NULL;
  echo_lib_blocks++;
  echo_lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}
static void a_free(void *p) {
  if (!p) return;
  echo_lib_blocks--;
  echo_lib_bytes -= (int64_t)malloc_usable_size(p);
  free(p);
}
static void *a_realloc(void *p, size_t n) {
  if (!p) return a_malloc(n);
  size_t old = malloc_usable_size(p);
  void *np = realloc(p, n);
  if (!np) return NULL;
  echo_lib_bytes += (int64_t)malloc_usable_size(np) - (int64_t)old;
  return np;
}
static void *a_calloc(size_t c, size_t n) {
  void *p = calloc(c, n);
  if (!p) return NULL;
  echo_lib_blocks++;
  echo_lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}

/* ---- options, setup, listening ---- */

static const char *prog = "echo";

/* One of the options both servers take, at argv[*i]. */
static bool shared_opt(echo_opts_t *o, int argc, char **argv, int *i) {
  const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
  double x;
  if (!strcmp(a, "-v"))
    o->verbose = true;
  else if (!strcmp(a, "--port") && fx_num(v, 0, 65535, &x))
    o->port = (int)x, ++*i;
  else if (!strcmp(a, "--unix") && v)
    o->path = v, ++*i;
  else if (!strcmp(a, "--hwm") && fx_num(v, 1, 1 << 30, &x))
    o->hwm = x, ++*i;
  else if (!strcmp(a, "--backlog") && fx_num(v, 1, 65535, &x))
    o->backlog = (int)x, ++*i;
  else
    return false;
  return true;
}

int echo_parse(echo_opts_t *o, int argc, char **argv, const char *prog,
               void (*usage)(FILE *), echo_own_opt_fn own) {
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (shared_opt(o, argc, argv, &i) || own(a, v, &i)) continue;
    fprintf(stderr, "%s: bad option '%s'\n", prog, a);
    usage(stderr);
    return 2;
  }
  if (o->port < 0 && !o->path) {
    usage(stderr);
    return 2;
  }
  return -1;
}

void echo_process_init(const char *name) {
  prog = name;
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  nnet_set_allocator(a_malloc, a_realloc, a_calloc, a_free);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *srv = ev->target;
  if (nnet_server_is_pipe(srv)) {
    char path[256];
    if (nnet_server_address_path(srv, path, sizeof path) > 0)
      printf("%s: listening unix=%s\n", prog, path);
  } else {
    nnet_socketaddress_t a;
    if (nnet_server_address(srv, &a) == 0)
      printf("%s: listening port=%d\n", prog, (int)a.port);
  }
}

int echo_listen(nnet_server_t *srv, int port, const char *path, int backlog) {
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
