/* Node 26's net.BoundSocket: nnet_bound_socket_*, adopted by
 * nnet_server_listen() (listen_opts.bound) and nnet_socket_new()
 * (socket_opts.bound). */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static bool exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

static const char *tmp_path(const char *name) {
  static char buf[256];
  snprintf(buf, sizeof buf, "%s/%s", nnet_test_tmpdir(), name);
  return buf;
}

static nnet_bound_socket_t *bound_tcp(const char *host, int port) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.host = host;
  o.port = port;
  nnet_bound_socket_t *b = NULL;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), 0);
  ck_assert_ptr_nonnull(b);
  return b;
}

static nnet_bound_socket_t *bound_path(const char *path) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.path = path;
  nnet_bound_socket_t *b = NULL;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), 0);
  return b;
}

static int port_of(const nnet_bound_socket_t *b) {
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_bound_socket_address(b, &sa), 0);
  return sa.port;
}

/* After adoption (or close) every method is ERR_SOCKET_HANDLE_ADOPTED. */
static void assert_adopted(nnet_bound_socket_t *b) {
  nnet_socketaddress_t sa;
  char path[128];
  ck_assert_int_eq(nnet_bound_socket_address(b, &sa),
                   NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert_int_eq(nnet_bound_socket_address_path(b, path, sizeof path),
                   NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert_int_eq(nnet_bound_socket_fd(b), NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert_int_eq(nnet_bound_socket_close(b), NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert_str_eq(nnet_err_name(NNET_ERR_SOCKET_HANDLE_ADOPTED),
                   "ERR_SOCKET_HANDLE_ADOPTED");
}

/* new BoundSocket(): 0.0.0.0 and an ephemeral port; ipv6Only: "::". */
START_TEST(tcp_ephemeral_and_address) {
  nnet_bound_socket_t *b = NULL;
  ck_assert_int_eq(nnet_bound_socket_new(NULL, &b), 0);
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_bound_socket_address(b, &sa), 0);
  ck_assert_str_eq(sa.address, "0.0.0.0");
  ck_assert_int_eq(sa.family, NNET_IPV4);
  ck_assert_int_gt(sa.port, 0);
  ck_assert(!nnet_bound_socket_is_pipe(b));
  ck_assert_int_ge(nnet_bound_socket_fd(b), 0);
  char path[16];
  ck_assert_int_eq(nnet_bound_socket_address_path(b, path, sizeof path),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  ck_assert_int_eq(nnet_bound_socket_close(b), 0);
  assert_adopted(b); /* Node: close() leaves the same shell */
  nnet_bound_socket_free(b);

  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.ipv6_only = true;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), 0);
  ck_assert_int_eq(nnet_bound_socket_address(b, &sa), 0);
  ck_assert_str_eq(sa.address, "::");
  ck_assert_int_eq(sa.family, NNET_IPV6);
  nnet_bound_socket_free(b); /* closes it */

  b = bound_tcp("127.0.0.1", 0);
  ck_assert_int_eq(nnet_bound_socket_address(b, &sa), 0);
  ck_assert_str_eq(sa.address, "127.0.0.1");
  nnet_bound_socket_free(b);
}
END_TEST

/* What Node throws from the constructor. */
START_TEST(validation) {
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_t *b = (nnet_bound_socket_t *)&o;
  nnet_bound_socket_opts_init(&o);
  o.host = "localhost"; /* no DNS */
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_ptr_null(b);
  o.host = "";
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_INVALID_ARG_VALUE);
  o.host = NULL;
  o.port = -2;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_SOCKET_BAD_PORT);
  o.port = 65536;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_SOCKET_BAD_PORT);

  nnet_bound_socket_opts_init(&o);
  o.path = tmp_path("v.sock");
  o.port = 0;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_INVALID_ARG_VALUE);
  o.port = -1;
  o.reuse_port = true;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_INVALID_ARG_VALUE);
  o.reuse_port = false;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), NNET_ERR_INVALID_ARG_VALUE);
  o.host = NULL;
  ck_assert(!exists(o.path));

  char longp[200];
  memset(longp, 'x', sizeof longp);
  longp[0] = '/';
  longp[109] = '\0'; /* 109 bytes: no truncation (Node: bind EINVAL) */
  o.path = longp;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EINVAL);
  o.path = "/tmp/a\0b";
  o.path_len = 8;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EINVAL);
  o.path = tmp_path("no/such/dir.sock");
  o.path_len = 0;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EACCES); /* as libuv */
  ck_assert_ptr_null(b);
}
END_TEST

/* EADDRINUSE is an error of the call. As in Node (SO_REUSEADDR), an address
 * only bound elsewhere is free; one a socket listens on is not, unless
 * both sides asked for reusePort. */
START_TEST(tcp_eaddrinuse_is_synchronous) {
  nnet_bound_socket_t *a = bound_tcp("127.0.0.1", 0);
  int port = port_of(a);
  nnet_bound_socket_t *b = bound_tcp("127.0.0.1", port);
  nnet_bound_socket_free(b);
  ck_assert_int_eq(listen(nnet_bound_socket_fd(a), 8), 0);
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = port;
  b = (nnet_bound_socket_t *)&o;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EADDRINUSE);
  ck_assert_ptr_null(b);
  o.reuse_port = true; /* only the new one asks: still in use */
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EADDRINUSE);
  nnet_bound_socket_free(a);

  o.port = 0;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &a), 0);
  ck_assert_int_eq(listen(nnet_bound_socket_fd(a), 8), 0);
  o.port = port_of(a);
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), 0);
  nnet_bound_socket_free(b);
  nnet_bound_socket_free(a);
}
END_TEST

/* A path is reserved at construction; close() (and free() of a socket never
 * adopted) removes the file. */
START_TEST(path_eaddrinuse_and_close_removes_file) {
  const char *p = tmp_path("b.sock");
  char path[256];
  snprintf(path, sizeof path, "%s", p);
  nnet_bound_socket_t *a = bound_path(path);
  ck_assert(exists(path));
  ck_assert(nnet_bound_socket_is_pipe(a));
  char got[256];
  ck_assert_int_eq(nnet_bound_socket_address_path(a, got, sizeof got),
                   (int)strlen(path));
  ck_assert_str_eq(got, path);
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_bound_socket_address(a, &sa),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  nnet_bound_socket_opts_t o;
  nnet_bound_socket_opts_init(&o);
  o.path = path;
  nnet_bound_socket_t *b;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EADDRINUSE);
  ck_assert_int_eq(nnet_bound_socket_close(a), 0);
  ck_assert(!exists(path));
  ck_assert(nnet_bound_socket_is_pipe(a)); /* Node: isPipe stays */
  assert_adopted(a);
  nnet_bound_socket_free(a);

  a = bound_path(path);
  ck_assert(exists(path));
  nnet_bound_socket_free(a);
  ck_assert(!exists(path));

  /* An abstract name (Linux), with its length. */
  char abs[64];
  int n = snprintf(abs, sizeof abs, "@nnet-bound-%d", (int)getpid());
  abs[0] = '\0';
  o.path = abs;
  o.path_len = (size_t)n;
  ck_assert_int_eq(nnet_bound_socket_new(&o, &a), 0);
  ck_assert_int_eq(nnet_bound_socket_new(&o, &b), UV_EADDRINUSE);
  ck_assert_int_eq(nnet_bound_socket_address_path(a, got, sizeof got), n);
  ck_assert(memcmp(got, abs, (size_t)n) == 0);
  nnet_bound_socket_free(a);
}
END_TEST

/* ---- adoption ---- */

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client;
  nnet_bound_socket_t *cb; /* the client's bound socket, if any */
  int bound_port;          /* its port */
  const char *srv_path;
  const char *cli_path;
  int listening, connections, srv_closes, sconn_closes;
  int attempts, connects, cli_closes, cli_errors, cli_ends;
  int remote_port; /* the server side's remotePort */
  bool path_gone_at_close;
} fx_t;

static void fx_init(fx_t *f) {
  memset(f, 0, sizeof *f);
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
}

static void sconn_close(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  f->sconn_closes++;
  nnet_server_close(f->srv, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  f->connections++;
  nnet_socketaddress_t sa;
  if (nnet_socket_remote_address(s, &sa) == 0) f->remote_port = sa.port;
  nnet_socket_on(s, NNET_EV_CLOSE, sconn_close, f);
  nnet_socket_end(s, "hi", 2, NULL, NULL);
}

static void on_server(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->type == NNET_EV_LISTENING) f->listening++;
  if (ev->type == NNET_EV_CLOSE) f->srv_closes++;
}

static void on_client(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  switch (ev->type) {
    case NNET_EV_CONNECTION_ATTEMPT:
      f->attempts++;
      break;
    case NNET_EV_CONNECT:
      f->connects++;
      break;
    case NNET_EV_END:
      f->cli_ends++;
      break;
    case NNET_EV_ERROR:
      f->cli_errors++;
      break;
    case NNET_EV_CLOSE:
      f->cli_closes++;
      if (f->cli_path) f->path_gone_at_close = !exists(f->cli_path);
      break;
    default:
      break;
  }
}

static nnet_socket_t *adopting_socket(fx_t *f, nnet_bound_socket_t *b) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  so.bound = b;
  nnet_socket_t *s = NULL;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  static const nnet_event_type_t evs[] = {NNET_EV_CONNECTION_ATTEMPT,
                                          NNET_EV_CONNECT, NNET_EV_END,
                                          NNET_EV_ERROR, NNET_EV_CLOSE};
  for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
    nnet_socket_on(s, evs[i], on_client, f);
  nnet_socket_resume(s);
  return s;
}

static void make_server(fx_t *f) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, f, &f->srv), 0);
  nnet_server_on(f->srv, NNET_EV_LISTENING, on_server, f);
  nnet_server_on(f->srv, NNET_EV_CLOSE, on_server, f);
}

/* server.listen(bound): listening at once, on the bound port; serves. */
START_TEST(listen_adopts_tcp_and_serves) {
  fx_t f;
  fx_init(&f);
  make_server(&f);
  nnet_bound_socket_t *b = bound_tcp("127.0.0.1", 0);
  int port = port_of(b);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = b;
  ck_assert_int_eq(nnet_server_listen(f.srv, &lo, NULL, NULL), 0);
  ck_assert(nnet_server_is_listening(f.srv));
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f.srv, &sa), 0);
  ck_assert_int_eq(sa.port, port);
  assert_adopted(b);
  /* Adopted already: another server cannot take it. */
  nnet_server_t *other;
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f.loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &other), 0);
  ck_assert_int_eq(nnet_server_listen(other, &lo, NULL, NULL),
                   NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert(!nnet_server_is_listening(other));
  nnet_server_close(other, NULL, NULL);
  nnet_bound_socket_free(b); /* the server does not need it */

  nnet_socket_t *c;
  ck_assert_int_eq(nnet_create_connection_tcp(&f.loop, port, "127.0.0.1", &c),
                   0);
  nnet_socket_on(c, NNET_EV_CONNECT, on_client, &f);
  nnet_socket_on(c, NNET_EV_END, on_client, &f);
  nnet_socket_on(c, NNET_EV_CLOSE, on_client, &f);
  nnet_socket_resume(c);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.listening, 1);
  ck_assert_int_eq(f.connections, 1);
  ck_assert_int_eq(f.connects, 1);
  ck_assert_int_eq(f.cli_ends, 1);
  ck_assert_int_eq(f.cli_closes, 1);
  ck_assert_int_eq(f.sconn_closes, 1);
  ck_assert_int_eq(f.srv_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

/* new Socket({handle: bound}).connect(): from the bound port (the server
 * sees it as remotePort); the attempt starts inside connect(). */
START_TEST(socket_adopts_tcp_and_connects_from_bound_port) {
  fx_t f;
  fx_init(&f);
  make_server(&f);
  nnet_bound_socket_t *sb = bound_tcp("127.0.0.1", 0);
  int port = port_of(sb);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = sb;
  ck_assert_int_eq(nnet_server_listen(f.srv, &lo, NULL, NULL), 0);
  nnet_bound_socket_free(sb);

  nnet_bound_socket_t *b = bound_tcp("127.0.0.1", 0);
  f.bound_port = port_of(b);
  f.client = adopting_socket(&f, b);
  assert_adopted(b);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f.loop;
  so.bound = b;
  nnet_socket_t *s2 = (nnet_socket_t *)&so;
  ck_assert_int_eq(nnet_socket_new(&so, &s2), NNET_ERR_SOCKET_HANDLE_ADOPTED);
  ck_assert_ptr_null(s2);
  nnet_bound_socket_free(b);
  ck_assert(!nnet_socket_is_pending(f.client));
  ck_assert_str_eq(nnet_socket_ready_state(f.client), "open");
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_socket_address(f.client, &sa), 0);
  ck_assert_int_eq(sa.port, f.bound_port);

  nnet_connect_opts_t co;
  nnet_connect_opts_init(&co);
  co.port = port;
  co.host = "127.0.0.1";
  co.local_port = 5; /* Node: not with an adopted bound socket */
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  co.local_port = 0;
  co.local_address = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  co.local_address = NULL;
  co.path = "/nonexistent"; /* a TCP handle cannot connect to a path */
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  co.path = NULL;
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL), 0);
  ck_assert_int_eq(f.attempts, 1); /* in the call, as Node 26 */
  ck_assert_int_eq(nnet_socket_address(f.client, &sa), 0);
  ck_assert_int_eq(sa.port, f.bound_port);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.listening, 1);
  ck_assert_int_eq(f.connections, 1);
  ck_assert_int_eq(f.remote_port, f.bound_port);
  ck_assert_int_eq(f.attempts, 1);
  ck_assert_int_eq(f.connects, 1);
  ck_assert_int_eq(f.cli_ends, 1);
  ck_assert_int_eq(f.cli_errors, 0);
  ck_assert_int_eq(f.cli_closes, 1);
  ck_assert_int_eq(f.srv_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

/* Unix: the server listens on a bound path (address() gives it, close()
 * removes it); the client connects from its own bound path, removed when
 * the client closes. */
START_TEST(pipe_adoption_both_sides) {
  fx_t f;
  fx_init(&f);
  make_server(&f);
  char sp[256], cp[256];
  snprintf(sp, sizeof sp, "%s", tmp_path("srv.sock"));
  snprintf(cp, sizeof cp, "%s", tmp_path("cli.sock"));
  f.cli_path = cp;
  nnet_bound_socket_t *sb = bound_path(sp);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = sb;
  ck_assert_int_eq(nnet_server_listen(f.srv, &lo, NULL, NULL), 0);
  nnet_bound_socket_free(sb); /* adopted: the file stays */
  ck_assert(exists(sp));
  ck_assert(nnet_server_is_pipe(f.srv));
  char got[256];
  ck_assert_int_eq(nnet_server_address_path(f.srv, got, sizeof got),
                   (int)strlen(sp));
  ck_assert_str_eq(got, sp);

  nnet_bound_socket_t *b = bound_path(cp);
  f.client = adopting_socket(&f, b);
  nnet_bound_socket_free(b);
  ck_assert(exists(cp));
  nnet_connect_opts_t co;
  nnet_connect_opts_init(&co);
  co.port = 80; /* Node: a Unix handle needs options.path */
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL),
                   NNET_ERR_INVALID_ARG_TYPE);
  co.port = -1;
  co.path = sp;
  ck_assert_int_eq(nnet_socket_connect(f.client, &co, NULL, NULL), 0);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.listening, 1);
  ck_assert_int_eq(f.connections, 1);
  ck_assert_int_eq(f.connects, 1);
  ck_assert_int_eq(f.cli_ends, 1);
  ck_assert_int_eq(f.cli_closes, 1);
  ck_assert(f.path_gone_at_close);
  ck_assert_int_eq(f.srv_closes, 1);
  ck_assert(!exists(sp));
  ck_assert(!exists(cp));
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

/* Adopted, then destroyed without connecting: its file goes with it. */
START_TEST(adopted_pipe_socket_destroyed_removes_file) {
  fx_t f;
  fx_init(&f);
  char cp[256];
  snprintf(cp, sizeof cp, "%s", tmp_path("d.sock"));
  f.cli_path = cp;
  nnet_bound_socket_t *b = bound_path(cp);
  f.client = adopting_socket(&f, b);
  nnet_bound_socket_free(b);
  ck_assert(exists(cp));
  nnet_socket_destroy(f.client, 0);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.cli_closes, 1);
  ck_assert_int_eq(f.cli_errors, 0);
  ck_assert(f.path_gone_at_close);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("bound_socket");
  TCase *tc = tcase_create("bound_socket");
  tcase_add_test(tc, tcp_ephemeral_and_address);
  tcase_add_test(tc, validation);
  tcase_add_test(tc, tcp_eaddrinuse_is_synchronous);
  tcase_add_test(tc, path_eaddrinuse_and_close_removes_file);
  tcase_add_test(tc, listen_adopts_tcp_and_serves);
  tcase_add_test(tc, socket_adopts_tcp_and_connects_from_bound_port);
  tcase_add_test(tc, pipe_adoption_both_sides);
  tcase_add_test(tc, adopted_pipe_socket_destroyed_removes_file);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
