/* The type of service (Node 26's setTypeOfService / getTypeOfService and
 * the typeOfService option) as the kernel sees it: IP_TOS on IPv4,
 * IPV6_TCLASS on IPv6. A value set before connect is kept and applied on
 * connect; out-of-range values are refused and change nothing; a pipe or
 * a destroyed socket only keeps the value. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/socket_internal.h"
#include "testutil.h"

/* The kernel's value, read directly. */
static int kernel_tos(nnet_socket_t *s, bool v6) {
  uv_os_fd_t fd;
  ck_assert_int_eq(uv_fileno(&s->h.handle, &fd), 0);
  int v = -1;
  socklen_t len = sizeof v;
  ck_assert_int_eq(getsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
                              v6 ? IPV6_TCLASS : IP_TOS, &v, &len),
                   0);
  return v;
}

typedef struct {
  const char *host;
  bool v6;
  int expect_at_connect; /* the value the connect should have applied */
  nnet_server_t *srv;
  int connects, server_conns, closes;
  bool listening;
} ctx_t;

static void on_connect(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->target;
  c->connects++;
  ck_assert_int_eq(kernel_tos(s, c->v6), c->expect_at_connect);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), c->expect_at_connect);
  /* Linux keeps a TCP socket's two ECN bits its own: 0xff reads 0xfc. */
  static const int set[] = {0x10, 0xff, 0x3f, 0x00, 0xb8};
  for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
    ck_assert_int_eq(nnet_socket_set_type_of_service(s, set[i]), 0);
    ck_assert_int_eq(kernel_tos(s, c->v6), set[i] & 0xfc);
    ck_assert_int_eq(nnet_socket_get_type_of_service(s), set[i] & 0xfc);
  }
  /* Refused, and the kernel's value is unchanged. */
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 256),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, -1),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(kernel_tos(s, c->v6), 0xb8);
  nnet_socket_destroy(s, 0);
  /* No handle any more: the last value set is what Node returns. */
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0xb8);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 0x20), 0);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x20);
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->closes++;
  nnet_server_close(c->srv, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->u.connection.socket;
  c->server_conns++;
  /* An accepted socket takes it too. */
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 0x48), 0);
  ck_assert_int_eq(kernel_tos(s, c->v6), 0x48);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x48);
  nnet_socket_destroy(s, 0);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->listening = true;
}

/* Listens and runs the loop until 'listening' (a host is looked up). */
static void start_server(uv_loop_t *loop, ctx_t *c) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, c, &c->srv), 0);
  ck_assert_int_eq(nnet_server_on(c->srv, NNET_EV_LISTENING, on_listening, c),
                   0);
  ck_assert_int_eq(nnet_server_listen_tcp(c->srv, 0, c->host), 0);
  while (!c->listening) uv_run(loop, UV_RUN_ONCE);
}

static int server_port(ctx_t *c) {
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  return sa.port;
}

static void check_counts(uv_loop_t *loop, ctx_t *c) {
  nnet_test_run(loop, 5000);
  ck_assert_int_eq(c->connects, 1);
  ck_assert_int_eq(c->server_conns, 1);
  ck_assert_int_eq(c->closes, 1);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
  ck_assert_int_eq(uv_loop_close(loop), 0);
}

/* setTypeOfService() before connect(): kept, read back, applied. */
static void set_before_connect(const char *host, bool v6) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  ctx_t c = {.host = host, .v6 = v6, .expect_at_connect = 0x10};
  start_server(&loop, &c);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 256),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 0x10), 0);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x10);
  ck_assert_int_eq(nnet_socket_on(s, NNET_EV_CLOSE, on_close, &c), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = host;
  o.port = server_port(&c);
  ck_assert_int_eq(nnet_socket_connect(s, &o, on_connect, &c), 0);
  /* Still connecting: the kept value. */
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x10);
  check_counts(&loop, &c);
}

START_TEST(ipv4_set_before_connect) {
  set_before_connect("127.0.0.1", false);
}
END_TEST

START_TEST(ipv6_set_before_connect) {
  set_before_connect("::1", true);
}
END_TEST

/* The typeOfService option of net.connect() / new net.Socket(). */
static void option(const char *host, bool v6, bool socket_opt) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  ctx_t c = {.host = host, .v6 = v6, .expect_at_connect = 0x28};
  start_server(&loop, &c);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = host;
  o.port = server_port(&c);
  nnet_socket_t *s = NULL;
  if (socket_opt) {
    nnet_socket_opts_t so;
    nnet_socket_opts_init(&so);
    so.loop = &loop;
    so.type_of_service = 300;
    ck_assert_int_eq(nnet_socket_new(&so, &s), NNET_ERR_OUT_OF_RANGE);
    ck_assert_ptr_null(s);
    so.type_of_service = 0x28;
    ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
    ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x28);
    ck_assert_int_eq(nnet_socket_on(s, NNET_EV_CLOSE, on_close, &c), 0);
    ck_assert_int_eq(nnet_socket_connect(s, &o, on_connect, &c), 0);
  } else {
    o.type_of_service = -1;
    ck_assert_int_eq(nnet_create_connection(&loop, &o, on_connect, &c, &s),
                     NNET_ERR_OUT_OF_RANGE);
    ck_assert_ptr_null(s);
    o.type_of_service = 0x28;
    ck_assert_int_eq(nnet_create_connection(&loop, &o, on_connect, &c, &s), 0);
    ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x28);
    ck_assert_int_eq(nnet_socket_on(s, NNET_EV_CLOSE, on_close, &c), 0);
  }
  check_counts(&loop, &c);
}

START_TEST(ipv4_connect_option) {
  option("127.0.0.1", false, false);
}
END_TEST

START_TEST(ipv6_connect_option) {
  option("::1", true, false);
}
END_TEST

START_TEST(ipv4_socket_option) {
  option("127.0.0.1", false, true);
}
END_TEST

START_TEST(ipv6_socket_option) {
  option("::1", true, true);
}
END_TEST

/* A Unix socket has no type of service: the value is only kept. */
static int pipe_connects, pipe_closes;
static nnet_server_t *pipe_srv;

static void pipe_on_connect(const nnet_event_t *ev, void *arg) {
  nnet_socket_t *s = ev->target;
  pipe_connects++;
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x30);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 0x40), 0);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x40);
  ck_assert_int_eq(nnet_socket_set_type_of_service(s, 256),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x40);
  nnet_socket_destroy(s, 0);
}

static void pipe_on_close(const nnet_event_t *ev, void *arg) {
  pipe_closes++;
  nnet_server_close(pipe_srv, NULL, NULL);
}

START_TEST(pipe_keeps_value) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  char path[512];
  snprintf(path, sizeof path, "%s/tos.sock", nnet_test_tmpdir());
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &pipe_srv), 0);
  ck_assert_int_eq(nnet_server_listen_path(pipe_srv, path), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = path;
  o.type_of_service = 0x30;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, pipe_on_connect, NULL, &s),
                   0);
  ck_assert_int_eq(nnet_socket_on(s, NNET_EV_CLOSE, pipe_on_close, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(pipe_connects, 1);
  ck_assert_int_eq(pipe_closes, 1);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

/* new net.Socket({fd, typeOfService}): applied to the open descriptor at
 * once (beyond Node, which keeps it for a connect that never comes). */
START_TEST(fd_socket_option) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  socklen_t len = sizeof sa;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(lfd, 0);
  ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
  ck_assert_int_eq(listen(lfd, 1), 0);
  ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
  int cfd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(cfd, 0);
  ck_assert_int_eq(connect(cfd, (struct sockaddr *)&sa, sizeof sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &loop;
  so.fd = cfd;
  so.type_of_service = 0x18;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  ck_assert_int_eq(kernel_tos(s, false), 0x18);
  ck_assert_int_eq(nnet_socket_get_type_of_service(s), 0x18);
  nnet_socket_destroy(s, 0);
  nnet_test_run(&loop, 5000);
  close(lfd);
  ck_assert_int_eq(uv_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_tos");
  TCase *tc = tcase_create("tos");
  tcase_add_test(tc, ipv4_set_before_connect);
  tcase_add_test(tc, ipv6_set_before_connect);
  tcase_add_test(tc, ipv4_connect_option);
  tcase_add_test(tc, ipv6_connect_option);
  tcase_add_test(tc, ipv4_socket_option);
  tcase_add_test(tc, ipv6_socket_option);
  tcase_add_test(tc, pipe_keeps_value);
  tcase_add_test(tc, fd_socket_option);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
