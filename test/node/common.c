/* The harness behind common.h. */
#define _GNU_SOURCE
#include "common.h"

#include <ftw.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

static nt_count_t *counts;
static char tmpdir[256];
static char pipe_path[300];
static const char *test_name = "test";

_Noreturn void nt_fail_at(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "%s:%d: FAILED: ", file, line);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
  _exit(1);
}

nt_count_t *nt_must_call_at(const char *what, int n, int min, const char *file,
                            int line) {
  nt_count_t *c = calloc(1, sizeof(*c));
  if (c == NULL) nt_fail_at(file, line, "out of memory");
  *c = (nt_count_t){what, file, line, n, min, 0, counts};
  counts = c;
  return c;
}

void nt_hit_at(nt_count_t *c, const char *file, int line) {
  if (c == NULL) nt_fail_at(file, line, "NT_HIT on a counter never set up");
  c->calls++;
  if (c->expected == 0)
    nt_fail_at(file, line, "mustNotCall: '%s' was called", c->what);
  if (c->expected > 0 && c->calls > c->expected)
    nt_fail_at(file, line, "mustCall: '%s' called %d times, expected %d",
               c->what, c->calls, c->expected);
}

void nt_must_not_call(const nnet_event_t *ev, void *ctx) {
  const nnet_error_t *e = ev->type == NNET_EV_ERROR ? ev->u.error : NULL;
  nt_fail_at(__FILE__, __LINE__, "mustNotCall listener '%s' got '%s'%s%s",
             ctx ? (const char *)ctx : "?", nnet_event_name(ev->type),
             e ? ": " : "", e ? e->message : "");
}

void nt_expect_error_at(const nnet_error_t *e, const char *code_name,
                        const char *message, const char *file, int line) {
  if (e == NULL)
    nt_fail_at(file, line, "expected error %s, got none", code_name);
  if (code_name && (e->code_name == NULL || strcmp(e->code_name, code_name)))
    nt_fail_at(file, line, "err.code: \"%s\" != \"%s\" (%s)",
               e->code_name ? e->code_name : "(null)", code_name,
               e->message ? e->message : "");
  if (message && (e->message == NULL || strcmp(e->message, message)))
    nt_fail_at(file, line, "err.message: \"%s\" != \"%s\"",
               e->message ? e->message : "(null)", message);
}

static void on_uncaught(void *target, const nnet_error_t *err, void *ctx) {
  nt_fail_at(__FILE__, __LINE__, "uncaught 'error': %s %s",
             err && err->code_name ? err->code_name : "?",
             err && err->message ? err->message : "");
}

static void on_alarm(int sig) {
  static const char msg[] = "FAILED: timed out (NT_TIMEOUT_S)\n";
  (void)sig;
  if (write(2, msg, sizeof(msg) - 1) < 0) _exit(1);
  _exit(1);
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
                    struct FTW *ftw) {
  (void)sb, (void)flag, (void)ftw;
  remove(p);
  return 0;
}

static void cleanup(void) {
  if (tmpdir[0]) nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void nt_init(void) {
  const char *t = getenv("NT_TIMEOUT_S");
  signal(SIGALRM, on_alarm);
  alarm(t ? (unsigned)atoi(t) : 60);
  nnet_set_uncaught_error_handler(on_uncaught, NULL);
  setvbuf(stdout, NULL, _IOLBF, 0);
  atexit(cleanup);
  if (program_invocation_short_name) test_name = program_invocation_short_name;
}

const char *nt_tmpdir(void) {
  if (tmpdir[0] == 0) {
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/nnet-node-XXXXXX",
             base ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL) NT_FAIL("mkdtemp %s", tmpdir);
  }
  return tmpdir;
}

const char *nt_pipe_path(void) {
  if (pipe_path[0] == 0)
    snprintf(pipe_path, sizeof(pipe_path), "%s/node-test.sock", nt_tmpdir());
  return pipe_path;
}

int nt_server_port(const nnet_server_t *srv) {
  nnet_socketaddress_t sa;
  int rc = nnet_server_address(srv, &sa);
  if (rc != 0) NT_FAIL("server.address(): %s", nnet_err_name(rc));
  return sa.port;
}

static int port_of(const struct sockaddr_storage *a) {
  return ntohs(a->ss_family == AF_INET6
                   ? ((const struct sockaddr_in6 *)a)->sin6_port
                   : ((const struct sockaddr_in *)a)->sin_port);
}

int nt_fd_by_ports(int local_port, int remote_port) {
  for (int fd = 3; fd < 4096; fd++) {
    struct sockaddr_storage a, b;
    socklen_t la = sizeof(a), lb = sizeof(b);
    if (getsockname(fd, (struct sockaddr *)&a, &la) != 0) continue;
    if (getpeername(fd, (struct sockaddr *)&b, &lb) != 0) continue;
    if (a.ss_family != AF_INET && a.ss_family != AF_INET6) continue;
    if (port_of(&a) == local_port && port_of(&b) == remote_port) return fd;
  }
  NT_FAIL("no TCP socket %d -> %d in this process", local_port, remote_port);
}

int nt_sockopt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof(v);
  if (getsockopt(fd, level, name, &v, &len) != 0)
    NT_FAIL("getsockopt(%d, %d, %d) failed", fd, level, name);
  return v;
}

struct nt_timer_s {
  uv_timer_t h;
  void (*fn)(void *ctx);
  void *ctx;
};

static void timer_close_cb(uv_handle_t *h) {
  free(h->data);
}

static void timer_cb(uv_timer_t *h) {
  nt_timer_t *t = h->data;
  uv_close((uv_handle_t *)h, timer_close_cb);
  t->fn(t->ctx);
}

nt_timer_t *nt_set_timeout(void (*fn)(void *ctx), void *ctx, uint64_t ms) {
  nt_timer_t *t = calloc(1, sizeof(*t));
  if (t == NULL) NT_FAIL("out of memory");
  t->fn = fn;
  t->ctx = ctx;
  uv_timer_init(NT_LOOP, &t->h);
  t->h.data = t;
  uv_timer_start(&t->h, timer_cb, ms, 0);
  return t;
}

void nt_clear_timeout(nt_timer_t *t) {
  if (t && !uv_is_closing((uv_handle_t *)&t->h))
    uv_close((uv_handle_t *)&t->h, timer_close_cb);
}

void nt_timer_unref(nt_timer_t *t) {
  uv_unref((uv_handle_t *)&t->h);
}

static void close_walk(uv_handle_t *h, void *arg) {
  int *n = arg;
  if (!uv_is_closing(h)) {
    fprintf(stderr, "leaked handle: %s\n", uv_handle_type_name(h->type));
    (*n)++;
    uv_close(h, NULL);
  }
}

int nt_finish(void) {
  uv_loop_t *loop = NT_LOOP;
  uv_run(loop, UV_RUN_DEFAULT);
  int bad = 0;
  for (nt_count_t *c = counts; c != NULL; c = c->next) {
    bool ok = c->expected >= 0 ? c->calls == c->expected : c->calls >= c->min;
    if (!ok) {
      fprintf(stderr, "%s:%d: FAILED: '%s' called %d times, expected %s%d\n",
              c->file, c->line, c->what, c->calls,
              c->expected >= 0 ? "" : "at least ",
              c->expected >= 0 ? c->expected : c->min);
      bad = 1;
    }
  }
  int leaked = 0;
  uv_walk(loop, close_walk, &leaked);
  uv_run(loop, UV_RUN_DEFAULT);
  int rc = uv_loop_close(loop);
  if (leaked || rc != 0) {
    fprintf(stderr, "FAILED: uv_loop_close() = %d, %d handle(s) left open\n",
            rc, leaked);
    bad = 1;
  }
  while (counts) {
    nt_count_t *n = counts->next;
    free(counts);
    counts = n;
  }
  if (!bad) printf("ok %s\n", test_name);
  return bad;
}
