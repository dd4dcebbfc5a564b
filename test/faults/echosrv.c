/* echosrv: the echo server of the reliability suite, on nodenet, with
 * counters. The echo and its checks per connection are echo_conn's (shared
 * with transfersrv): backpressure, exactly one 'close', at most one 'error'
 * and none after 'close', every write callback exactly once.
 * Optional idle timeout: destroy on 'timeout' (Node's
 * socket.setTimeout(ms, () => socket.destroy())).
 *
 * SIGUSR1 prints one line of counters plus the heap in use (mallinfo2)
 * and VmRSS, before and after malloc_trim(0). SIGTERM/SIGINT print and
 * exit. */
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "echo_conn.h"
#include "fx.h"

/* The server's own counters; the echo's are in echo. */
typedef struct {
  uint64_t accepted, timeouts, server_errors, drops;
} sstats_t;

static sstats_t st;
static echo_loop_t echo = {.who = "echosrv"};
static unsigned idle_ms;
static uv_loop_t *loop;

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  st.timeouts++;
  nnet_socket_destroy(ev->target, 0);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  echo_conn_t *c = echo_conn_start(&echo, s, sizeof *c);
  if (!c) return;
  st.accepted++;
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
      (unsigned long long)st.accepted, (unsigned long long)echo.closed,
      (unsigned long long)echo.live, (unsigned long long)echo.errors,
      (unsigned long long)echo.err_reset, (unsigned long long)echo.err_pipe,
      (unsigned long long)echo.err_other, (unsigned long long)echo.double_close,
      (unsigned long long)echo.double_error,
      (unsigned long long)echo.error_after_close,
      (unsigned long long)echo.writes, (unsigned long long)echo.write_cbs,
      (unsigned long long)echo.write_cb_errors,
      (unsigned long long)echo.cb_mismatch, (unsigned long long)st.timeouts,
      (unsigned long long)echo.bytes, (unsigned long long)st.server_errors,
      (unsigned long long)st.drops, heap, (long long)echo_lib_blocks,
      (long long)echo_lib_bytes, rss, fx_rss_kib());
  fflush(stdout);
}

static void on_signal(uv_signal_t *h, int sig) {
  print_stats();
  if (sig != SIGUSR1) exit(0);
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
  return echo_listen(srv, port, path, backlog);
}

static bool own_opt(const char *a, const char *v, int *i) {
  double x;
  if (strcmp(a, "--idle-timeout") || !fx_num(v, 0, 1e9, &x)) return false;
  idle_ms = (unsigned)x, ++*i;
  return true;
}

int main(int argc, char **argv) {
  echo_opts_t o = ECHO_OPTS_INIT;
  int rc = echo_parse(&o, argc, argv, "echosrv", usage, own_opt);
  if (rc >= 0) return rc;
  echo.verbose = o.verbose;
  echo_process_init("echosrv");
  loop = uv_default_loop();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  so.high_water_mark = (size_t)o.hwm;
  if ((o.port >= 0 && listen_one(&so, o.port, NULL, o.backlog) < 0) ||
      (o.path && listen_one(&so, -1, o.path, o.backlog) < 0)) {
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
