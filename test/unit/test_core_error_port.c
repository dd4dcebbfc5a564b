/* err.port as Node v20 sets it, through nnet_error_t.has_port: a Unix-path
 * listen error has port -1 (has_port true); a TCP listen error has the
 * port, or none for port 0; a TCP connect error has the port, a Unix
 * connect error none; a listen on a bad fd none. Errors the user builds
 * keep their port when it is not -1. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "test_connect_util.h"

typedef struct {
  int errors;
  bool has_port;
  int port;
  char code[32], msg[256], address[200];
} err_t;

static void on_error(const nnet_event_t *ev, void *ctx) {
  err_t *e = ctx;
  e->errors++;
  e->has_port = ev->u.error->has_port;
  e->port = ev->u.error->port;
  snprintf(e->code, sizeof e->code, "%s", ev->u.error->code_name);
  snprintf(e->msg, sizeof e->msg, "%s", ev->u.error->message);
  snprintf(e->address, sizeof e->address, "%s",
           ev->u.error->address ? ev->u.error->address : "(null)");
}

static void close_srv(const nnet_event_t *ev, void *ctx) {
  nnet_server_close(ev->target, NULL, NULL);
}

static nnet_server_t *server(uv_loop_t *loop, err_t *e) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  nnet_server_t *srv;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &srv), 0);
  memset(e, 0, sizeof *e);
  nnet_server_on(srv, NNET_EV_ERROR, on_error, e);
  nnet_server_on(srv, NNET_EV_ERROR, close_srv, NULL);
  return srv;
}

/* Node v20: {code: EADDRINUSE, address: path, port: -1,
 * message: "listen EADDRINUSE: address already in use <path>"}. */
START_TEST(unix_listen_error_port_minus_one) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  char path[300];
  snprintf(path, sizeof path, "%s/inuse.sock", nnet_test_tmpdir());
  err_t ea, eb;
  nnet_server_t *a = server(&loop, &ea);
  nnet_server_t *b = server(&loop, &eb);
  ck_assert_int_eq(nnet_server_listen_path(a, path), 0);
  ck_assert_int_eq(nnet_server_listen_path(b, path), 0);
  nnet_server_close(a, NULL, NULL);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(ea.errors, 0);
  ck_assert_int_eq(eb.errors, 1);
  ck_assert_str_eq(eb.code, "EADDRINUSE");
  ck_assert(eb.has_port);
  ck_assert_int_eq(eb.port, -1);
  ck_assert_str_eq(eb.address, path);
  char msg[400];
  snprintf(msg, sizeof msg, "listen EADDRINUSE: address already in use %s",
           path);
  ck_assert_str_eq(eb.msg, msg);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20 (libuv's uv_pipe_bind): a path in a missing directory is
 * EACCES, "listen EACCES: permission denied <path>", port -1. */
START_TEST(unix_listen_missing_dir) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  char path[300];
  snprintf(path, sizeof path, "%s/nodir/x.sock", nnet_test_tmpdir());
  err_t e;
  nnet_server_t *srv = server(&loop, &e);
  ck_assert_int_eq(nnet_server_listen_path(srv, path), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(e.errors, 1);
  ck_assert_str_eq(e.code, "EACCES");
  ck_assert(e.has_port);
  ck_assert_int_eq(e.port, -1);
  char msg[400];
  snprintf(msg, sizeof msg, "listen EACCES: permission denied %s", path);
  ck_assert_str_eq(e.msg, msg);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20: TCP EADDRINUSE has the port; port 0 on a foreign address has
 * none ("listen EADDRNOTAVAIL: address not available 192.0.2.1"). */
START_TEST(tcp_listen_errors) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  err_t e1, e2;
  nnet_server_t *s1 = server(&loop, &e1);
  nnet_server_t *s2 = server(&loop, &e2);
  ck_assert_int_eq(nnet_server_listen_tcp(s1, port, "127.0.0.1"), 0);
  ck_assert_int_eq(nnet_server_listen_tcp(s2, 0, "192.0.2.1"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(e1.errors, 1);
  ck_assert(e1.has_port);
  ck_assert_int_eq(e1.port, port);
  ck_assert_int_eq(e2.errors, 1);
  ck_assert_str_eq(e2.code, "EADDRNOTAVAIL");
  ck_assert(!e2.has_port);
  ck_assert_int_eq(e2.port, -1);
  cu_close(&l);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20: listen({fd}) on something that is not a socket: EINVAL,
 * "listen EINVAL: invalid argument", address null, no port. */
START_TEST(fd_listen_error_no_port) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  char path[300];
  snprintf(path, sizeof path, "%s/plain", nnet_test_tmpdir());
  int fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  ck_assert_int_ge(fd, 0);
  err_t e;
  nnet_server_t *srv = server(&loop, &e);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.fd = fd;
  ck_assert_int_eq(nnet_server_listen(srv, &o, NULL, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(e.errors, 1);
  ck_assert_str_eq(e.code, "EINVAL");
  ck_assert_str_eq(e.msg, "listen EINVAL: invalid argument");
  ck_assert(!e.has_port);
  ck_assert_int_eq(e.port, -1);
  close(fd);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node v20: connect ECONNREFUSED 127.0.0.1:<port> has the port; a Unix
 * connect ENOENT has none. */
START_TEST(connect_errors) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  cu_close(&l);
  nnet_socket_t *t, *u;
  ck_assert_int_eq(nnet_create_connection_tcp(&loop, port, "127.0.0.1", &t), 0);
  char path[300];
  snprintf(path, sizeof path, "%s/none.sock", nnet_test_tmpdir());
  ck_assert_int_eq(nnet_create_connection_path(&loop, path, &u), 0);
  err_t et = {0}, eu = {0};
  nnet_socket_on(t, NNET_EV_ERROR, on_error, &et);
  nnet_socket_on(u, NNET_EV_ERROR, on_error, &eu);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(et.code, "ECONNREFUSED");
  ck_assert(et.has_port);
  ck_assert_int_eq(et.port, port);
  ck_assert_str_eq(eu.code, "ENOENT");
  ck_assert(!eu.has_port);
  ck_assert_int_eq(eu.port, -1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* A user's error (destroy_error): port other than -1 means present, -1
 * means absent unless has_port says otherwise. */
START_TEST(user_error_copy) {
  static const struct {
    int port;
    bool has_port, want_has;
  } cases[] = {
      {-1, false, false}, {80, false, true}, {-1, true, true}, {0, true, true}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uv_loop_t loop;
    uv_loop_init(&loop);
    nnet_socket_opts_t so;
    nnet_socket_opts_init(&so);
    so.loop = &loop;
    nnet_socket_t *s;
    ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
    err_t e = {0};
    nnet_socket_on(s, NNET_EV_ERROR, on_error, &e);
    nnet_error_t ue = {.code = UV_ECANCELED,
                       .name = "Error",
                       .code_name = "EBOOM",
                       .message = "boom",
                       .port = cases[i].port,
                       .has_port = cases[i].has_port};
    nnet_socket_destroy_error(s, &ue);
    nnet_test_run(&loop, 5000);
    ck_assert_int_eq(e.errors, 1);
    ck_assert_int_eq(e.has_port, cases[i].want_has);
    ck_assert_int_eq(e.port, cases[i].port);
    ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
  }
}
END_TEST

/* A custom lookup answering family 5: Node's ERR_INVALID_ADDRESS_FAMILY
 * has host and port properties. */
static void bad_family(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  static const char *const list[] = {"127.0.0.1"};
  static const int fam[] = {5};
  done(req, 0, list, fam, 1);
}

START_TEST(invalid_address_family_has_port) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = 4321;
  o.host = "x.test";
  o.lookup = bad_family;
  o.auto_select_family = 0;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s), 0);
  err_t e = {0};
  nnet_socket_on(s, NNET_EV_ERROR, on_error, &e);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(e.code, "ERR_INVALID_ADDRESS_FAMILY");
  ck_assert_str_eq(e.msg, "Invalid address family: 5 x.test:4321");
  ck_assert(e.has_port);
  ck_assert_int_eq(e.port, 4321);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("core_error_port");
  TCase *tc = tcase_create("error_port");
  tcase_add_test(tc, unix_listen_error_port_minus_one);
  tcase_add_test(tc, unix_listen_missing_dir);
  tcase_add_test(tc, tcp_listen_errors);
  tcase_add_test(tc, fd_listen_error_no_port);
  tcase_add_test(tc, connect_errors);
  tcase_add_test(tc, user_error_copy);
  tcase_add_test(tc, invalid_address_family_has_port);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
