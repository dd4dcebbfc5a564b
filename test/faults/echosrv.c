/* echosrv: the echo server of the reliability suite, on nodenet, with
 * counters. Echoes with backpressure (pause on a full queue, resume on
 * 'drain'); allowHalfOpen false, so the client's FIN ends the echo after
 * the queued bytes. Checks per connection: exactly one 'close', at most
 * one 'error' and none after 'close', every write callback exactly once.
 * Optional idle timeout: destroy on 'timeout' (Node's
 * socket.setTimeout(ms, () => socket.destroy())).
 *
 * SIGUSR1 prints one line of counters plus the heap in use (mallinfo2)
 * and VmRSS, before and after malloc_trim(0). SIGTERM/SIGINT print and
 * exit. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"

typedef struct {
  uint64_t accepted, closed, live, errors, err_reset, err_pipe, err_other,
      double_close, double_error, error_after_close, writes, write_cbs,
      write_cb_errors, cb_mismatch, timeouts, bytes, server_errors, drops;
} sstats_t;

typedef struct {
  unsigned writes, write_cbs, errors, closes;
} sconn_t;

static sstats_t st;

/* The library's allocations, counted through its allocator hook
 * (nnet_set_allocator): blocks and bytes it holds right now. A leak in the
 * library shows here even when glibc's figures are blurred by libuv's own
 * arrays or by fragmentation. Bytes are malloc_usable_size() (what each
 * block really holds), so the hook needs no header and adds nothing to
 * the process's RSS (the scale suite measures both). */
static int64_t lib_blocks, lib_bytes;
static void *a_malloc(size_t n) {
  void *p = malloc(n);
  if (!p) return NULL;
  lib_blocks++, lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}
static void a_free(void *p) {
  if (!p) return;
  lib_blocks--, lib_bytes -= (int64_t)malloc_usable_size(p);
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
  lib_blocks++, lib_bytes += (int64_t)malloc_usable_size(p);
  return p;
}
static unsigned idle_ms;
static bool verbose;
static uv_loop_t *loop;

static void on_write(nnet_socket_t *s, int status, void *ctx) {
  sconn_t *c = ctx;
  c->write_cbs++;
  st.write_cbs++;
  if (status < 0) st.write_cb_errors++;
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->target);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  nnet_socket_t *s = ev->target;
  c->writes++;
  st.writes++;
  st.bytes += ev->u.data.len;
  int r = nnet_socket_write(s, ev->u.data.base, ev->u.data.len, on_write, c);
  if (r == 0) { /* 'drain' only when needed: an idle connection keeps three
                 * listeners, which the socket holds inline */
    nnet_socket_pause(s);
    nnet_socket_once(s, NNET_EV_DRAIN, on_drain, c);
  }
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  if (c->closes) st.error_after_close++;
  if (c->errors++) st.double_error++;
  st.errors++;
  int code = ev->u.error->code;
  if (code == UV_ECONNRESET)
    st.err_reset++;
  else if (code == UV_EPIPE)
    st.err_pipe++;
  else {
    st.err_other++;
    fprintf(stderr, "echosrv: connection error: %s\n", ev->u.error->message);
  }
  if (verbose) fprintf(stderr, "echosrv: %s\n", ev->u.error->message);
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  st.timeouts++;
  nnet_socket_destroy(ev->target, 0);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  sconn_t *c = ctx;
  if (c->closes++) {
    st.double_close++;
    return;
  }
  if (c->write_cbs != c->writes) st.cb_mismatch++;
  st.closed++;
  st.live--;
  free(c); /* no listener runs after 'close' (DESIGN §4.4) */
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  sconn_t *c = calloc(1, sizeof *c);
  if (!c) {
    nnet_socket_destroy(s, 0);
    return;
  }
  st.accepted++;
  st.live++;
  nnet_socket_on(s, NNET_EV_DATA, on_data, c);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, c);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
  if (idle_ms) nnet_socket_set_timeout(s, idle_ms, on_timeout, c);
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  st.server_errors++;
  fprintf(stderr, "echosrv: server error: %s\n", ev->u.error->message);
}

static void on_drop(const nnet_event_t *ev, void *ctx) {
  st.drops++;
}

static void print_stats(void) {
  struct mallinfo2 mi = mallinfo2();
  long rss = fx_rss_kib();
  size_t heap = mi.uordblks + mi.hblkhd;
  malloc_trim(0);
  printf(
      "echosrv: stats accepted=%llu closed=%llu live=%llu errors=%llu "
      "err_reset=%llu err_pipe=%llu err_other=%llu double_close=%llu "
      "double_error=%llu error_after_close=%llu writes=%llu write_cbs=%llu "
      "write_cb_errors=%llu cb_mismatch=%llu timeouts=%llu bytes=%llu "
      "server_errors=%llu drops=%llu heap_bytes=%zu lib_blocks=%lld "
      "lib_bytes=%lld rss_kib=%ld rss_trimmed_kib=%ld\n",
      (unsigned long long)st.accepted, (unsigned long long)st.closed,
      (unsigned long long)st.live, (unsigned long long)st.errors,
      (unsigned long long)st.err_reset, (unsigned long long)st.err_pipe,
      (unsigned long long)st.err_other, (unsigned long long)st.double_close,
      (unsigned long long)st.double_error,
      (unsigned long long)st.error_after_close, (unsigned long long)st.writes,
      (unsigned long long)st.write_cbs, (unsigned long long)st.write_cb_errors,
      (unsigned long long)st.cb_mismatch, (unsigned long long)st.timeouts,
      (unsigned long long)st.bytes, (unsigned long long)st.server_errors,
      (unsigned long long)st.drops, heap, (long long)lib_blocks,
      (long long)lib_bytes, rss, fx_rss_kib());
  fflush(stdout);
}

static void on_signal(uv_signal_t *h, int sig) {
  print_stats();
  if (sig != SIGUSR1) exit(0);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *srv = ev->target;
  if (nnet_server_is_pipe(srv)) {
    char path[256];
    if (nnet_server_address_path(srv, path, sizeof path) > 0)
      printf("echosrv: listening unix=%s\n", path);
  } else {
    nnet_socketaddress_t a;
    if (nnet_server_address(srv, &a) == 0)
      printf("echosrv: listening port=%d\n", (int)a.port);
  }
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: echosrv [--port N] [--unix PATH] [--idle-timeout MS]\n"
          "               [--hwm BYTES] [--backlog N] [-v]\n"
          "\n"
          "Echo server with counters for the reliability suite. Listens on\n"
          "127.0.0.1:N (0: any; printed) and/or a Unix socket. SIGUSR1\n"
          "prints the counters; SIGTERM/SIGINT print them and exit.\n");
}

static int listen_one(nnet_server_opts_t *so, int port, const char *path,
                      int backlog) {
  nnet_server_t *srv;
  int rc = nnet_create_server(so, on_connection, NULL, &srv);
  if (rc < 0) return rc;
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
    } else if (!strcmp(a, "--idle-timeout") && fx_num(v, 0, 1e9, &x)) {
      idle_ms = (unsigned)x, i++;
    } else if (!strcmp(a, "--hwm") && fx_num(v, 1, 1 << 30, &x)) {
      hwm = x, i++;
    } else if (!strcmp(a, "--backlog") && fx_num(v, 1, 65535, &x)) {
      backlog = (int)x, i++;
    } else {
      fprintf(stderr, "echosrv: bad option '%s'\n", a);
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
  loop = uv_default_loop();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  so.high_water_mark = (size_t)hwm;
  if ((port >= 0 && listen_one(&so, port, NULL, backlog) < 0) ||
      (path && listen_one(&so, -1, path, backlog) < 0)) {
    fprintf(stderr, "echosrv: cannot listen\n");
    return 1;
  }
  uv_signal_t sigs[3];
  int signums[3] = {SIGUSR1, SIGTERM, SIGINT};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(loop, &sigs[i]);
    uv_signal_start(&sigs[i], on_signal, signums[i]);
    uv_unref((uv_handle_t *)&sigs[i]);
  }
  uv_run(loop, UV_RUN_DEFAULT);
  return 0;
}
