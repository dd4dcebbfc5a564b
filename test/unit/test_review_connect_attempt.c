/* Destroying a socket inside its own 'connectionAttempt' listener when no
 * lookup is outstanding (IP literal, or a getaddrinfo answer): the connect
 * state is freed by the destroy, and the attempt code must not touch it
 * afterwards (DESIGN §4.2/§4.3). Under ASan a use after free fails here. */
#include "test_connect_util.h"

static void destroy_now(const nnet_event_t *ev, void *ctx) {
  int *n = ctx;
  (*n)++;
  nnet_socket_destroy(ev->target, 0);
}

static void run_case(const char *host) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = host;
  o.port = port;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_create_connection(&loop, &o, NULL, NULL, &s), 0);
  int attempts = 0;
  nnet_socket_on(s, NNET_EV_CONNECTION_ATTEMPT, destroy_now, &attempts);
  cu_rec_t r;
  cu_rec(s, &r);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(attempts, 1);
  ck_assert_int_eq(r.connects, 0);
  ck_assert_int_eq(r.errors, 0);
  ck_assert_int_eq(r.closes, 1);
  cu_close(&l);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}

START_TEST(destroy_in_attempt_literal) {
  run_case("127.0.0.1");
}
END_TEST

/* Not an IP for Node, so it goes through getaddrinfo (inet_aton form). */
START_TEST(destroy_in_attempt_getaddrinfo) {
  run_case("127.1");
}
END_TEST

/* A second listener that reads every borrowed payload string. */
typedef struct {
  int calls;
  char seen[512];
} reader_t;

static void read_payload(const nnet_event_t *ev, void *ctx) {
  reader_t *r = ctx;
  r->calls++;
  const char *str = NULL;
  if (ev->type == NNET_EV_LOOKUP)
    str = ev->u.lookup.host;
  else if (ev->u.attempt.err)
    str = ev->u.attempt.err->message;
  else
    str = ev->u.attempt.address;
  snprintf(r->seen, sizeof r->seen, "%s", str ? str : "(null)");
}

static void run_two_listeners(nnet_connect_opts_t *o, nnet_event_type_t where,
                              const char *expect) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  /* Listeners before connect(): a custom lookup answers inside it (as in
   * Node), so the first events can fire before connect() returns. */
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  int first = 0;
  reader_t r = {0};
  nnet_socket_on(s, where, destroy_now, &first);
  nnet_socket_on(s, where, read_payload, &r);
  cu_rec_t rec;
  cu_rec(s, &rec);
  ck_assert_int_eq(nnet_socket_connect(s, o, NULL, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(first, 1);
  ck_assert_int_eq(r.calls, 1); /* snapshot: still called after destroy */
  ck_assert_str_eq(r.seen, expect);
  ck_assert_int_eq(rec.connects, 0);
  ck_assert_int_eq(rec.errors, 0);
  ck_assert_int_eq(rec.closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}

/* 'lookup' via getaddrinfo: the host string must outlive the listener
 * that destroys the socket. */
START_TEST(destroy_in_lookup_getaddrinfo) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "127.1";
  o.port = 9;
  run_two_listeners(&o, NNET_EV_LOOKUP, "127.1");
}
END_TEST

/* A host too long for DNS fails without a resolver; same payload rule. */
START_TEST(destroy_in_lookup_too_long) {
  static char host[301];
  memset(host, 'a', 300);
  host[300] = 0;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = host;
  o.port = 9;
  run_two_listeners(&o, NNET_EV_LOOKUP, host);
}
END_TEST

/* autoSelectFamily with the first candidate blocked: its
 * 'connectionAttemptFailed' error must outlive a destroy in the first
 * listener. */
START_TEST(destroy_in_attempt_failed_blocked) {
  static const char *const answers[] = {"127.0.0.1", "127.0.0.2", NULL};
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_ptr_nonnull(bl);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "127.0.0.1", NNET_IPV4), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.host = "example.test";
  o.port = 9;
  o.lookup = cu_lookup;
  o.lookup_ctx = (void *)answers;
  o.auto_select_family = 1;
  o.block_list = bl;
  run_two_listeners(&o, NNET_EV_CONNECTION_ATTEMPT_FAILED,
                    "IP(127.0.0.1) is blocked by net.BlockList");
  nnet_blocklist_free(bl);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("review_connect_attempt");
  TCase *tc = tcase_create("destroy");
  tcase_add_test(tc, destroy_in_attempt_literal);
  tcase_add_test(tc, destroy_in_attempt_getaddrinfo);
  tcase_add_test(tc, destroy_in_lookup_getaddrinfo);
  tcase_add_test(tc, destroy_in_lookup_too_long);
  tcase_add_test(tc, destroy_in_attempt_failed_blocked);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
