/* Custom `lookup`, validation, localAddress/localPort, blockList and
 * connectTimeout on the connect path. */
#include "test_connect_util.h"

typedef struct {
  uv_loop_t loop;
  nnet_socket_t *s;
  cu_rec_t r;
} fx_t;

static void fx_start(fx_t *f, nnet_connect_opts_t *o) {
  uv_loop_init(&f->loop);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->s), 0);
  cu_rec(f->s, &f->r);
  ck_assert_int_eq(nnet_socket_connect(f->s, o, NULL, NULL), 0);
  nnet_test_run(&f->loop, 5000);
}

static void fx_finish(fx_t *f) {
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}

typedef struct {
  const char *addr;
  int family;
  int err;
  int calls, seen_family, seen_hints;
  bool seen_all;
} answer_t;

static void one_answer(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  answer_t *a = ctx;
  ck_assert_str_eq(host, "x.test");
  a->calls++;
  a->seen_family = family;
  a->seen_hints = hints;
  a->seen_all = all;
  const char *list[1] = {a->addr};
  done(req, a->err, list, &a->family, a->err ? 0 : 1);
}

static void lookup_opts(nnet_connect_opts_t *o, answer_t *a, int port) {
  nnet_connect_opts_init(o);
  o->port = port;
  o->host = "x.test";
  o->lookup = one_answer;
  o->lookup_ctx = a;
  o->auto_select_family = 0;
}

START_TEST(custom_lookup_connects) {
  cu_listener_t good;
  int port = cu_listen(&good, "127.0.0.1", 0, 0);
  answer_t a = {"127.0.0.1", 4, 0, 0, -1, -1, true};
  nnet_connect_opts_t o;
  lookup_opts(&o, &a, port);
  fx_t f;
  fx_start(&f, &o);
  ck_assert_int_eq(a.calls, 1);
  ck_assert_int_eq(a.seen_family, 0);
  ck_assert_int_eq(a.seen_hints, 32); /* Node: dns.ADDRCONFIG */
  ck_assert(!a.seen_all);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.1,connectionAttempt:127.0.0.1,connect,"
                   "close");
  cu_close(&good);
  fx_finish(&f);
}
END_TEST

START_TEST(custom_lookup_not_ip) {
  answer_t a = {"foo", 4, 0, 0, 0, 0, false};
  nnet_connect_opts_t o;
  lookup_opts(&o, &a, 9);
  fx_t f;
  fx_start(&f, &o);
  ck_assert_str_eq(f.r.trace, "lookup:foo,error,close");
  ck_assert_str_eq(f.r.err_code_name, "ERR_INVALID_IP_ADDRESS");
  ck_assert_str_eq(f.r.err_msg, "Invalid IP address: foo");
  fx_finish(&f);
}
END_TEST

START_TEST(custom_lookup_bad_family) {
  answer_t a = {"127.0.0.1", 5, 0, 0, 0, 0, false};
  nnet_connect_opts_t o;
  lookup_opts(&o, &a, 9);
  fx_t f;
  fx_start(&f, &o);
  ck_assert_str_eq(f.r.trace, "lookup:127.0.0.1,error,close");
  ck_assert_str_eq(f.r.err_code_name, "ERR_INVALID_ADDRESS_FAMILY");
  ck_assert_str_eq(f.r.err_msg, "Invalid address family: 5 x.test:9");
  fx_finish(&f);
}
END_TEST

START_TEST(custom_lookup_error) {
  answer_t a = {NULL, 0, UV_EAI_NONAME, 0, 0, 0, false};
  nnet_connect_opts_t o;
  lookup_opts(&o, &a, 9);
  o.auto_select_family = 1;
  fx_t f;
  fx_start(&f, &o);
  ck_assert(a.seen_all);
  ck_assert_str_eq(f.r.trace, "lookup:ENOTFOUND,error,close");
  ck_assert_str_eq(f.r.err_msg, "getaddrinfo ENOTFOUND x.test");
  fx_finish(&f);
}
END_TEST

START_TEST(host_too_long) {
  char host[300];
  memset(host, 'a', sizeof host - 1);
  host[sizeof host - 1] = 0;
  answer_t a = {"127.0.0.1", 4, 0, 0, 0, 0, false};
  nnet_connect_opts_t o;
  lookup_opts(&o, &a, 9);
  o.host = host;
  fx_t f;
  fx_start(&f, &o);
  ck_assert_int_eq(a.calls, 0); /* no lookup at all */
  ck_assert_str_eq(f.r.trace, "lookup:EINVAL,error,close");
  fx_finish(&f);
}
END_TEST

START_TEST(sync_validation) {
  uv_loop_t loop;
  uv_loop_init(&loop);
  nnet_socket_t *s;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_MISSING_ARGS);
  o.port = 70000;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_SOCKET_BAD_PORT);
  o.port = 9;
  o.local_address = "foo";
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_INVALID_IP_ADDRESS);
  o.local_address = NULL;
  o.local_port = -2;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s),
                   NNET_ERR_SOCKET_BAD_PORT);
  ck_assert_ptr_null(s);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Node: " - Local (0.0.0.0:P)" only when a local port was given. */
START_TEST(local_port_in_message) {
  cu_listener_t t1, t2;
  int port = cu_listen(&t1, "127.0.0.1", 0, 0);
  int lport = cu_listen(&t2, "127.0.0.1", 0, 0);
  cu_close(&t1);
  cu_close(&t2);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.1";
  o.local_port = lport;
  fx_t f;
  fx_start(&f, &o);
  char want[128];
  snprintf(want, sizeof want,
           "connect ECONNREFUSED 127.0.0.1:%d - Local (0.0.0.0:%d)", port,
           lport);
  ck_assert_str_eq(f.r.err_msg, want);
  fx_finish(&f);
}
END_TEST

START_TEST(blocklist_literal) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  nnet_blocklist_add_address(bl, "127.0.0.1", NNET_IPV4);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = 9;
  o.host = "127.0.0.1";
  o.block_list = bl;
  fx_t f;
  fx_start(&f, &o);
  ck_assert_str_eq(f.r.trace, "connectionAttempt:127.0.0.1,error,close");
  ck_assert_str_eq(f.r.err_code_name, "ERR_IP_BLOCKED");
  ck_assert_str_eq(f.r.err_msg, "IP(127.0.0.1) is blocked by net.BlockList");
  fx_finish(&f);
  nnet_blocklist_free(bl);
}
END_TEST

/* Each racing candidate is checked; an allow-list refuses the unlisted. */
START_TEST(blocklist_candidates_allow_list) {
  cu_listener_t good;
  int port = cu_listen(&good, "127.0.0.1", 0, 0);
  nnet_blocklist_t *bl = nnet_blocklist_new();
  nnet_blocklist_add_address(bl, "127.0.0.1", NNET_IPV4);
  nnet_blocklist_set_allow_list(bl, true);
  static const char *const ans[] = {"127.0.0.5", "127.0.0.1", NULL};
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "x.test";
  o.lookup = cu_lookup;
  o.lookup_ctx = (void *)ans;
  o.block_list = bl;
  fx_t f;
  fx_start(&f, &o);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.5,lookup:127.0.0.1,"
                   "connectionAttemptFailed:127.0.0.5,"
                   "connectionAttempt:127.0.0.1,connect,close");
  cu_close(&good);
  fx_finish(&f);
  nnet_blocklist_free(bl);
}
END_TEST

/* connectTimeout covers the whole connect: a blackhole gives ETIMEDOUT. */
START_TEST(connect_timeout) {
  cu_listener_t hole;
  int port = cu_listen(&hole, "127.0.0.2", 0, 1);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "127.0.0.2";
  o.connect_timeout = 50;
  fx_t f;
  fx_start(&f, &o);
  ck_assert_str_eq(f.r.trace, "connectionAttempt:127.0.0.2,error,close");
  ck_assert_str_eq(f.r.err_code_name, "ETIMEDOUT");
  cu_close(&hole);
  fx_finish(&f);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("connect_lookup");
  TCase *tc = tcase_create("lookup");
  tcase_add_test(tc, custom_lookup_connects);
  tcase_add_test(tc, custom_lookup_not_ip);
  tcase_add_test(tc, custom_lookup_bad_family);
  tcase_add_test(tc, custom_lookup_error);
  tcase_add_test(tc, host_too_long);
  tcase_add_test(tc, sync_validation);
  tcase_add_test(tc, local_port_in_message);
  tcase_add_test(tc, blocklist_literal);
  tcase_add_test(tc, blocklist_candidates_allow_list);
  tcase_add_test(tc, connect_timeout);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
