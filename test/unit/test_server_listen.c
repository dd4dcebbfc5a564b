/* server.listen() in every form: address shapes, listen errors (Node's
 * fields and texts), listen twice, listen again, Unix path unlink rules,
 * abstract names, readableAll/writableAll, ipv6Only, reusePort, fd. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
  int listening, errors, closes, close_cbs;
  int close_status;
  int err_code;
  char err_code_name[32], err_syscall[32], err_address[128], err_msg[256];
  int err_port;
  nnet_socketaddress_t addr;
  int addr_rc;
} counts_t;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  c->listening++;
  c->addr_rc = nnet_server_address(ev->target, &c->addr);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  const nnet_error_t *e = ev->u.error;
  c->errors++;
  c->err_code = e->code;
  snprintf(c->err_code_name, sizeof c->err_code_name, "%s", e->code_name);
  snprintf(c->err_syscall, sizeof c->err_syscall, "%s",
           e->syscall ? e->syscall : "(null)");
  snprintf(c->err_address, sizeof c->err_address, "%s",
           e->address ? e->address : "(null)");
  snprintf(c->err_msg, sizeof c->err_msg, "%s", e->message);
  c->err_port = e->port;
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  c->closes++;
}

static void close_cb(nnet_server_t *srv, int status, void *ctx) {
  counts_t *c = ctx;
  c->close_cbs++;
  c->close_status = status;
}

static nnet_server_t *new_server(uv_loop_t *loop, counts_t *c) {
  nnet_server_opts_t o;
  nnet_server_t *srv = NULL;
  nnet_server_opts_init(&o);
  o.loop = loop;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &srv), 0);
  memset(c, 0, sizeof(*c));
  c->addr_rc = 1;
  nnet_server_on(srv, NNET_EV_LISTENING, on_listening, c);
  nnet_server_on(srv, NNET_EV_ERROR, on_error, c);
  nnet_server_on(srv, NNET_EV_CLOSE, on_close, c);
  return srv;
}

static void close_on_listening(const nnet_event_t *ev, void *ctx) {
  counts_t *c = ctx;
  ck_assert_int_eq(nnet_server_close(ev->target, close_cb, c), 0);
}

START_TEST(tcp_ipv4_address_shape) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  /* Node v20: a host, an IP literal included, is looked up first
   * (dns.lookup): server.listening is false at once, true by 'listening'
   * (test_server_listen_lookup.c; without a host it is true at once). */
  ck_assert(!nnet_server_is_listening(srv));
  ck_assert_int_eq(c.listening, 0);
  ck_assert(!nnet_server_is_pipe(srv));
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.addr_rc, 0);
  ck_assert_str_eq(c.addr.address, "127.0.0.1");
  ck_assert_int_eq(c.addr.family, NNET_IPV4);
  ck_assert_int_gt(c.addr.port, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.close_cbs, 1);
  ck_assert_int_eq(c.close_status, 0);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(tcp_default_host_is_dual_stack) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen(srv, NULL, NULL, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.addr_rc, 0);
  /* "::" where IPv6 exists, else Node's fallback "0.0.0.0". */
  if (c.addr.family == NNET_IPV6)
    ck_assert_str_eq(c.addr.address, "::");
  else
    ck_assert_str_eq(c.addr.address, "0.0.0.0");
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* ---- EADDRINUSE, then listening again on the same server ---- */

typedef struct {
  counts_t a, b;
  nnet_server_t *sa, *sb;
  int port;
  int relisten_rc;
} inuse_t;

static void b_relistened(const nnet_event_t *ev, void *ctx) {
  inuse_t *t = ctx;
  nnet_server_close(t->sb, close_cb, &t->b);
  nnet_server_close(t->sa, close_cb, &t->a);
}

static void b_failed(const nnet_event_t *ev, void *ctx) {
  inuse_t *t = ctx;
  ck_assert(!nnet_server_is_listening(t->sb));
  /* Node: listen again after an error works. */
  t->relisten_rc = nnet_server_listen_tcp(t->sb, 0, "127.0.0.1");
  nnet_server_once(t->sb, NNET_EV_LISTENING, b_relistened, t);
}

static void a_listening(const nnet_event_t *ev, void *ctx) {
  inuse_t *t = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(t->sa, &sa), 0);
  t->port = sa.port;
  nnet_server_once(t->sb, NNET_EV_ERROR, b_failed, t);
  ck_assert_int_eq(nnet_server_listen_tcp(t->sb, t->port, "127.0.0.1"), 0);
}

START_TEST(tcp_eaddrinuse_fields_then_relisten) {
  uv_loop_t loop;
  inuse_t t;
  memset(&t, 0, sizeof t);
  uv_loop_init(&loop);
  t.sa = new_server(&loop, &t.a);
  t.sb = new_server(&loop, &t.b);
  t.relisten_rc = 1;
  nnet_server_once(t.sa, NNET_EV_LISTENING, a_listening, &t);
  ck_assert_int_eq(nnet_server_listen_tcp(t.sa, 0, "127.0.0.1"), 0);
  nnet_test_run(&loop, 5000);
  char msg[128];
  snprintf(msg, sizeof msg,
           "listen EADDRINUSE: address already in use 127.0.0.1:%d", t.port);
  ck_assert_int_eq(t.b.errors, 1);
  ck_assert_int_eq(t.b.err_code, UV_EADDRINUSE);
  ck_assert_str_eq(t.b.err_code_name, "EADDRINUSE");
  ck_assert_str_eq(t.b.err_syscall, "listen");
  ck_assert_str_eq(t.b.err_address, "127.0.0.1");
  ck_assert_int_eq(t.b.err_port, t.port);
  ck_assert_str_eq(t.b.err_msg, msg);
  ck_assert_int_eq(t.relisten_rc, 0);
  ck_assert_int_eq(t.b.listening, 1);
  ck_assert_int_eq(t.a.listening, 1);
  ck_assert_int_eq(t.a.closes, 1);
  ck_assert_int_eq(t.b.closes, 1);
  ck_assert_int_eq(t.a.close_status, 0);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(listen_twice_and_argument_errors) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  o.port = 65536;
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL),
                   NNET_ERR_SOCKET_BAD_PORT);
  nnet_listen_opts_init(&o);
  char longpath[200];
  memset(longpath, 'x', sizeof longpath - 1);
  longpath[0] = '/';
  longpath[sizeof longpath - 1] = 0;
  o.path = longpath;
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL),
                   NNET_ERR_PATH_TOO_LONG);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"),
                   NNET_ERR_SERVER_ALREADY_LISTEN);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* A retained server listens again after its 'close'. */
START_TEST(listen_after_close_retained) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_server_retain(srv);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.closes, 1);
  ck_assert(!nnet_server_is_listening(srv));
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(srv, &sa), UV_ENOTCONN);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 2);
  ck_assert_int_eq(c.closes, 2);
  ck_assert_int_eq(c.close_cbs, 2);
  nnet_server_release(srv); /* frees it; the loop state closes on a run */
  ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(host_name_is_resolved) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "localhost"), 0);
  nnet_test_run(&loop, 10000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.addr_rc, 0);
  ck_assert(strcmp(c.addr.address, "127.0.0.1") == 0 ||
            strcmp(c.addr.address, "::1") == 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: close() during the host lookup: the callback gets NOT_RUNNING,
 * 'close' fires, and the lookup's answer is ignored (no 'listening'). */
START_TEST(close_while_resolving) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "localhost"), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(srv, 0, "localhost"),
                   NNET_ERR_SERVER_ALREADY_LISTEN);
  ck_assert_int_eq(nnet_server_close(srv, close_cb, &c), 0);
  nnet_test_run(&loop, 10000);
  ck_assert_int_eq(c.listening, 0);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(c.close_status, NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* No host: the error names "::" as Node's does (":::PORT"). */
static void second_on_same_port(const nnet_event_t *ev, void *ctx) {
  inuse_t *t = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(t->sa, &sa), 0);
  t->port = sa.port;
  ck_assert_int_eq(nnet_server_listen_tcp(t->sb, t->port, NULL), 0);
}

static void close_both(const nnet_event_t *ev, void *ctx) {
  inuse_t *t = ctx;
  nnet_server_close(t->sa, NULL, NULL);
  nnet_server_close(t->sb, NULL, NULL);
}

START_TEST(eaddrinuse_default_host_text) {
  uv_loop_t loop;
  inuse_t t;
  memset(&t, 0, sizeof t);
  uv_loop_init(&loop);
  t.sa = new_server(&loop, &t.a);
  t.sb = new_server(&loop, &t.b);
  nnet_server_once(t.sa, NNET_EV_LISTENING, second_on_same_port, &t);
  nnet_server_once(t.sb, NNET_EV_ERROR, close_both, &t);
  ck_assert_int_eq(nnet_server_listen_tcp(t.sa, 0, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(t.b.errors, 1);
  char msg[128];
  const char *host = t.a.addr.family == NNET_IPV6 ? "::" : "0.0.0.0";
  snprintf(msg, sizeof msg, "listen EADDRINUSE: address already in use %s:%d",
           host, t.port);
  ck_assert_str_eq(t.b.err_msg, msg);
  ck_assert_str_eq(t.b.err_address, host);
  ck_assert_int_eq(t.a.closes, 1);
  ck_assert_int_eq(t.b.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* ---- Unix sockets ---- */

static void sock_path(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", nnet_test_tmpdir(), name);
}

static bool is_socket_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

typedef struct {
  counts_t a, b;
  nnet_server_t *sa, *sb;
  char path[200];
  bool exists_after_b_error;
} unix_t;

static void ub_failed(const nnet_event_t *ev, void *ctx) {
  unix_t *t = ctx;
  /* The failed server must not remove the file the other one owns. */
  nnet_server_close(t->sb, close_cb, &t->b);
  t->exists_after_b_error = is_socket_file(t->path);
  nnet_server_close(t->sa, close_cb, &t->a);
}

static void ua_listening(const nnet_event_t *ev, void *ctx) {
  unix_t *t = ctx;
  char got[256];
  ck_assert(is_socket_file(t->path));
  ck_assert(nnet_server_is_pipe(t->sa));
  ck_assert_int_eq(nnet_server_address_path(t->sa, got, sizeof got),
                   (int)strlen(t->path));
  ck_assert_str_eq(got, t->path);
  nnet_server_once(t->sb, NNET_EV_ERROR, ub_failed, t);
  ck_assert_int_eq(nnet_server_listen_path(t->sb, t->path), 0);
}

START_TEST(unix_path_listen_inuse_unlink) {
  uv_loop_t loop;
  unix_t t;
  memset(&t, 0, sizeof t);
  uv_loop_init(&loop);
  t.sa = new_server(&loop, &t.a);
  t.sb = new_server(&loop, &t.b);
  sock_path(t.path, sizeof t.path, "inuse.sock");
  nnet_server_once(t.sa, NNET_EV_LISTENING, ua_listening, &t);
  ck_assert_int_eq(nnet_server_listen_path(t.sa, t.path), 0);
  nnet_test_run(&loop, 5000);
  char msg[300];
  snprintf(msg, sizeof msg, "listen EADDRINUSE: address already in use %s",
           t.path);
  ck_assert_int_eq(t.b.errors, 1);
  ck_assert_str_eq(t.b.err_msg, msg);
  ck_assert_str_eq(t.b.err_address, t.path);
  ck_assert_int_eq(t.b.err_port, -1);
  ck_assert_str_eq(t.b.err_syscall, "listen");
  ck_assert(t.exists_after_b_error);
  ck_assert_int_eq(t.b.close_status, NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(t.a.close_status, 0);
  ck_assert_int_eq(t.a.closes, 1);
  ck_assert_int_eq(t.b.closes, 1);
  /* The owner unlinked its socket file on close. */
  ck_assert(access(t.path, F_OK) != 0);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static void replace_then_close(const nnet_event_t *ev, void *ctx) {
  unix_t *t = ctx;
  ck_assert_int_eq(unlink(t->path), 0);
  int fd = open(t->path, O_CREAT | O_WRONLY, 0600);
  ck_assert_int_ge(fd, 0);
  close(fd);
  nnet_server_close(t->sa, close_cb, &t->a);
}

START_TEST(unix_close_keeps_a_file_it_did_not_create) {
  uv_loop_t loop;
  unix_t t;
  memset(&t, 0, sizeof t);
  uv_loop_init(&loop);
  t.sa = new_server(&loop, &t.a);
  sock_path(t.path, sizeof t.path, "replaced.sock");
  nnet_server_once(t.sa, NNET_EV_LISTENING, replace_then_close, &t);
  ck_assert_int_eq(nnet_server_listen_path(t.sa, t.path), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(t.a.closes, 1);
  ck_assert_int_eq(access(t.path, F_OK), 0);
  unlink(t.path);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(unix_abstract_name) {
  uv_loop_t loop;
  counts_t c;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &c);
  char name[64];
  int n = snprintf(name, sizeof name, "%cnnet-test-%d", 0, (int)getpid());
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.path = name;
  o.path_len = (size_t)n;
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL), 0);
  char got[64];
  ck_assert_int_eq(nnet_server_address_path(srv, got, sizeof got), n);
  ck_assert_int_eq(memcmp(got, name, (size_t)n), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

typedef struct {
  counts_t c;
  char path[200];
  mode_t mode;
} modes_t;

static void record_mode(const nnet_event_t *ev, void *ctx) {
  modes_t *m = ctx;
  struct stat st;
  ck_assert_int_eq(stat(m->path, &st), 0);
  m->mode = st.st_mode & 0777;
  nnet_server_close(ev->target, close_cb, &m->c);
}

static mode_t listen_mode(bool readable, bool writable, const char *name) {
  uv_loop_t loop;
  modes_t m;
  uv_loop_init(&loop);
  nnet_server_t *srv = new_server(&loop, &m.c);
  sock_path(m.path, sizeof m.path, name);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.path = m.path;
  o.readable_all = readable;
  o.writable_all = writable;
  ck_assert_int_eq(nnet_server_listen(srv, &o, record_mode, &m), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(m.c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  return m.mode;
}

START_TEST(unix_readable_writable_all) {
  umask(077);
  mode_t none = listen_mode(false, false, "m0.sock");
  mode_t r = listen_mode(true, false, "m1.sock");
  mode_t w = listen_mode(false, true, "m2.sock");
  mode_t rw = listen_mode(true, true, "m3.sock");
  ck_assert_int_eq(none & 0066, 0);
  ck_assert_int_eq(r & 0066, 0044);
  ck_assert_int_eq(w & 0066, 0022);
  ck_assert_int_eq(rw & 0066, 0066);
}
END_TEST

/* ---- an existing fd ---- */

static int unix_listener_fd(const char *path) {
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
  memcpy(sun.sun_path, path, strlen(path) + 1);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
  ck_assert_int_eq(listen(fd, 8), 0);
  return fd;
}

START_TEST(fd_listen_does_not_unlink) {
  uv_loop_t loop;
  counts_t c;
  char path[200];
  uv_loop_init(&loop);
  sock_path(path, sizeof path, "fd.sock");
  int fd = unix_listener_fd(path);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.fd = fd;
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL), 0);
  ck_assert(nnet_server_is_pipe(srv));
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_int_eq(c.closes, 1);
  ck_assert(is_socket_file(path)); /* not ours: left alone */
  /* The server owned the fd and closed it, as Node does. */
  ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
  unlink(path);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(fd_listen_tcp_and_bad_fd) {
  uv_loop_t loop;
  counts_t c, bad;
  uv_loop_init(&loop);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in sin;
  uv_ip4_addr("127.0.0.1", 0, &sin);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
  nnet_server_t *srv = new_server(&loop, &c);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.fd = fd;
  nnet_server_once(srv, NNET_EV_LISTENING, close_on_listening, &c);
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL), 0);

  int devnull = open("/dev/null", O_RDONLY);
  nnet_server_t *bsrv = new_server(&loop, &bad);
  o.fd = devnull;
  ck_assert_int_eq(nnet_server_listen(bsrv, &o, NULL, NULL), 0);
  ck_assert_int_eq(bad.errors, 0); /* never synchronous */
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.listening, 1);
  ck_assert_str_eq(c.addr.address, "127.0.0.1");
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(bad.errors, 1);
  ck_assert_int_eq(bad.err_code, UV_EINVAL);
  ck_assert_str_eq(bad.err_msg, "listen EINVAL: invalid argument");
  ck_assert_str_eq(bad.err_address, "(null)");
  ck_assert_int_eq(bad.err_port, -1);
  ck_assert_int_eq(bad.listening, 0);
  ck_assert_int_ge(fcntl(devnull, F_GETFD), 0); /* not taken */
  close(devnull);
  nnet_server_close(bsrv, close_cb, &bad);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(bad.close_status, NNET_ERR_SERVER_NOT_RUNNING);
  ck_assert_int_eq(bad.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* ---- ipv6Only and reusePort: a second server on the same port ---- */

typedef struct {
  counts_t a, b;
  nnet_server_t *sa, *sb;
  nnet_listen_opts_t ob;
} pair_t;

static void pair_close(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_server_close(p->sa, close_cb, &p->a);
  nnet_server_close(p->sb, close_cb, &p->b);
}

static void pair_second(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(p->sa, &sa), 0);
  p->ob.port = sa.port;
  nnet_server_once(p->sb, NNET_EV_LISTENING, pair_close, p);
  nnet_server_once(p->sb, NNET_EV_ERROR, pair_close, p);
  ck_assert_int_eq(nnet_server_listen(p->sb, &p->ob, NULL, NULL), 0);
}

static void run_pair(pair_t *p, const nnet_listen_opts_t *oa) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  p->sa = new_server(&loop, &p->a);
  p->sb = new_server(&loop, &p->b);
  ck_assert_int_eq(nnet_server_listen(p->sa, oa, pair_second, p), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(p->a.closes, 1);
  ck_assert_int_eq(p->b.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}

static int ipv6_available(void) {
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  close(fd);
  return 1;
}

START_TEST(ipv6_only_frees_the_ipv4_port) {
  if (!ipv6_available()) return;
  for (int v6only = 0; v6only <= 1; v6only++) {
    pair_t p;
    memset(&p, 0, sizeof p);
    nnet_listen_opts_t oa;
    nnet_listen_opts_init(&oa);
    oa.port = 0;
    oa.host = "::";
    oa.ipv6_only = v6only;
    nnet_listen_opts_init(&p.ob);
    p.ob.host = "0.0.0.0";
    run_pair(&p, &oa);
    ck_assert_int_eq(p.a.listening, 1);
    ck_assert_int_eq(p.b.listening, v6only ? 1 : 0);
    ck_assert_int_eq(p.b.errors, v6only ? 0 : 1);
  }
}
END_TEST

START_TEST(reuse_port_two_servers_one_port) {
  for (int reuse = 0; reuse <= 1; reuse++) {
    pair_t p;
    memset(&p, 0, sizeof p);
    nnet_listen_opts_t oa;
    nnet_listen_opts_init(&oa);
    oa.port = 0;
    oa.host = "127.0.0.1";
    oa.reuse_port = reuse;
    nnet_listen_opts_init(&p.ob);
    p.ob.host = "127.0.0.1";
    p.ob.reuse_port = reuse;
    run_pair(&p, &oa);
    ck_assert_int_eq(p.a.listening, 1);
    ck_assert_int_eq(p.b.listening, reuse ? 1 : 0);
    ck_assert_int_eq(p.b.errors, reuse ? 0 : 1);
    if (!reuse) ck_assert_int_eq(p.b.err_code, UV_EADDRINUSE);
  }
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_listen");
  TCase *tc = tcase_create("listen");
  tcase_add_test(tc, tcp_ipv4_address_shape);
  tcase_add_test(tc, tcp_default_host_is_dual_stack);
  tcase_add_test(tc, tcp_eaddrinuse_fields_then_relisten);
  tcase_add_test(tc, listen_twice_and_argument_errors);
  tcase_add_test(tc, listen_after_close_retained);
  tcase_add_test(tc, host_name_is_resolved);
  tcase_add_test(tc, close_while_resolving);
  tcase_add_test(tc, eaddrinuse_default_host_text);
  tcase_add_test(tc, unix_path_listen_inuse_unlink);
  tcase_add_test(tc, unix_close_keeps_a_file_it_did_not_create);
  tcase_add_test(tc, unix_abstract_name);
  tcase_add_test(tc, unix_readable_writable_all);
  tcase_add_test(tc, fd_listen_does_not_unlink);
  tcase_add_test(tc, fd_listen_tcp_and_bad_fd);
  tcase_add_test(tc, ipv6_only_frees_the_ipv4_port);
  tcase_add_test(tc, reuse_port_two_servers_one_port);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
