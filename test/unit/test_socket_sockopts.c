/* Socket options as the kernel sees them: noDelay, keepAlive with Node's
 * TCP_KEEPCNT=10 / TCP_KEEPINTVL=1 and the initial delay as TCP_KEEPIDLE,
 * TCP_USER_TIMEOUT — set through connect options (applied on connect) and
 * through the setters afterwards. Also the process-wide autoSelectFamily
 * defaults (Node v20: on, 250 ms; values below 10 become 10). */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "net/socket_internal.h"
#include "testutil.h"

static int sockopt(nnet_socket_t *s, int level, int name) {
  uv_os_fd_t fd;
  ck_assert_int_eq(uv_fileno(&s->h.handle, &fd), 0);
  int v = -1;
  socklen_t len = sizeof v;
  ck_assert_int_eq(getsockopt(fd, level, name, &v, &len), 0);
  return v;
}

typedef struct {
  nnet_server_t *srv;
  int connects, closes;
} ctx_t;

static void on_connect(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->target;
  c->connects++;
  /* Options given to connect() are in force at 'connect'. */
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_NODELAY), 1);
  ck_assert_int_eq(sockopt(s, SOL_SOCKET, SO_KEEPALIVE), 1);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_KEEPIDLE), 5);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_KEEPCNT), 10);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_KEEPINTVL), 1);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_USER_TIMEOUT), 7000);
  /* The setters change them on a live socket. */
  ck_assert_int_eq(nnet_socket_set_no_delay(s, false), 0);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_NODELAY), 0);
  ck_assert_int_eq(nnet_socket_set_keep_alive(s, true, 2000), 0);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_KEEPIDLE), 2);
  ck_assert_int_eq(nnet_socket_set_user_timeout(s, 3000), 0);
  ck_assert_int_eq(sockopt(s, IPPROTO_TCP, TCP_USER_TIMEOUT), 3000);
  ck_assert_int_eq(nnet_socket_set_keep_alive(s, false, 0), 0);
  ck_assert_int_eq(sockopt(s, SOL_SOCKET, SO_KEEPALIVE), 0);
  nnet_socket_destroy(s, 0);
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->closes++;
  nnet_server_close(c->srv, NULL, NULL);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = sa.port;
  o.no_delay = true;
  o.keep_alive = true;
  o.keep_alive_initial_delay = 5000;
  o.user_timeout = 7000;
  nnet_socket_t *s;
  ck_assert_int_eq(
      nnet_create_connection(nnet_server_loop(c->srv), &o, on_connect, c, &s),
      0);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
}

START_TEST(options_reach_the_kernel) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  ctx_t c = {0};
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &c.srv), 0);
  nnet_server_on(c.srv, NNET_EV_LISTENING, on_listening, &c);
  ck_assert_int_eq(nnet_server_listen_tcp(c.srv, 0, "127.0.0.1"), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(c.connects, 1);
  ck_assert_int_eq(c.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

START_TEST(auto_select_family_defaults) {
  ck_assert(nnet_get_default_auto_select_family());
  ck_assert_uint_eq(nnet_get_default_auto_select_family_attempt_timeout(), 250);
  nnet_set_default_auto_select_family(false);
  ck_assert(!nnet_get_default_auto_select_family());
  nnet_set_default_auto_select_family_attempt_timeout(5);
  ck_assert_uint_eq(nnet_get_default_auto_select_family_attempt_timeout(), 10);
  nnet_set_default_auto_select_family_attempt_timeout(300);
  ck_assert_uint_eq(nnet_get_default_auto_select_family_attempt_timeout(), 300);
  nnet_set_default_auto_select_family(true);
  nnet_set_default_auto_select_family_attempt_timeout(250);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_sockopts");
  TCase *tc = tcase_create("sockopts");
  tcase_add_test(tc, options_reach_the_kernel);
  tcase_add_test(tc, auto_select_family_defaults);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
