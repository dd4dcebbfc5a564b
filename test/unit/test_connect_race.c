/* autoSelectFamily with several addresses on loopback: RFC 8305 racing
 * (default) and Node's sequential mode. A custom lookup answers fixed
 * lists; 127.0.0.2 etc. are blackholes (full accept queue), refusing
 * (nobody listening) or working listeners on the same port. */
#include "test_connect_util.h"

/* The attempted list is read through connect.c until socket_props.c
 * forwards nnet_socket_attempted_address* to it (notes-connect.md). */
size_t nnet__connect_attempted_count(const nnet_socket_t *s);
const char *nnet__connect_attempted(const nnet_socket_t *s, size_t i);

static int g_fds_before;
/* libuv opens two process-wide descriptors (its signal lock pipe) with the
 * first loop: count after that. */
static void count_fds(void) {
  uv_loop_t tmp;
  uv_loop_init(&tmp);
  uv_loop_close(&tmp);
  g_fds_before = cu_fd_count();
}

typedef struct {
  uv_loop_t loop;
  nnet_socket_t *s;
  cu_rec_t r;
  int fds_before;
  char attempted[256];
} fx_t;

static void snap_attempted(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  f->attempted[0] = 0;
  size_t n = nnet__connect_attempted_count(ev->target);
  for (size_t i = 0; i < n; i++) {
    if (i) strcat(f->attempted, " ");
    strcat(f->attempted, nnet__connect_attempted(ev->target, i));
  }
}

/* on_attempt (may be NULL): a 'connectionAttempt' listener added before
 * connect(), since the custom lookup answers inside it and the first
 * attempt starts there (as in Node). */
static void fx_start_with(fx_t *f, const char *const *answers, int port,
                          int mode, unsigned delay_ms,
                          nnet_listener_fn on_attempt, void *attempt_ctx) {
  f->fds_before = g_fds_before;
  uv_loop_init(&f->loop);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->s), 0);
  cu_rec(f->s, &f->r);
  if (on_attempt)
    nnet_socket_on(f->s, NNET_EV_CONNECTION_ATTEMPT, on_attempt, attempt_ctx);
  nnet_socket_on(f->s, NNET_EV_CONNECT, snap_attempted, f);
  nnet_socket_on(f->s, NNET_EV_ERROR, snap_attempted, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "race.test";
  o.lookup = cu_lookup;
  o.lookup_ctx = (void *)answers;
  o.auto_select_family = 1;
  o.auto_select_family_attempt_timeout = delay_ms;
  o.happy_eyeballs_mode = mode;
  ck_assert_int_eq(nnet_socket_connect(f->s, &o, NULL, NULL), 0);
}

static void fx_start(fx_t *f, const char *const *answers, int port, int mode,
                     unsigned delay_ms) {
  fx_start_with(f, answers, port, mode, delay_ms, NULL, NULL);
}

static void fx_finish(fx_t *f) {
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
  ck_assert_int_eq(cu_fd_count(), f->fds_before);
}

/* First address blackholed, second working: racing starts the second after
 * the delay without abandoning the first; the second wins. */
START_TEST(race_blackhole_then_good) {
  cu_listener_t hole, good;
  int port = cu_listen_pair(&hole, "127.0.0.2", 1, &good, "127.0.0.1", 0);
  static const char *const ans[] = {"127.0.0.2", "127.0.0.1", NULL};
  fx_t f;
  fx_start(&f, ans, port, NNET_HE_RACE, 30);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.2,lookup:127.0.0.1,"
                   "connectionAttempt:127.0.0.2,connectionAttempt:127.0.0.1,"
                   "connect,close");
  ck_assert_str_eq(f.r.connected_to, "127.0.0.1");
  char want[128];
  snprintf(want, sizeof want, "127.0.0.2:%d 127.0.0.1:%d", port, port);
  ck_assert_str_eq(f.attempted, want);
  ck_assert_int_eq(f.r.errors, 0);
  cu_close(&hole);
  cu_close(&good);
  fx_finish(&f);
}
END_TEST

/* Same in Node's sequential mode: the first attempt is abandoned
 * ('connectionAttemptTimeout') before the second starts. */
START_TEST(sequential_blackhole_then_good) {
  cu_listener_t hole, good;
  int port = cu_listen_pair(&hole, "127.0.0.2", 1, &good, "127.0.0.1", 0);
  static const char *const ans[] = {"127.0.0.2", "127.0.0.1", NULL};
  fx_t f;
  fx_start(&f, ans, port, NNET_HE_SEQUENTIAL, 30);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.2,lookup:127.0.0.1,"
                   "connectionAttempt:127.0.0.2,"
                   "connectionAttemptTimeout:127.0.0.2,"
                   "connectionAttempt:127.0.0.1,connect,close");
  ck_assert_str_eq(f.r.connected_to, "127.0.0.1");
  cu_close(&hole);
  cu_close(&good);
  fx_finish(&f);
}
END_TEST

/* A refusal starts the next attempt at once (a huge delay proves it). */
START_TEST(race_refused_then_good) {
  cu_listener_t good;
  int port = cu_listen(&good, "127.0.0.1", 0, 0);
  static const char *const ans[] = {"127.0.0.3", "127.0.0.1", NULL};
  fx_t f;
  fx_start(&f, ans, port, NNET_HE_RACE, 60000);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.3,lookup:127.0.0.1,"
                   "connectionAttempt:127.0.0.3,"
                   "connectionAttemptFailed:127.0.0.3,"
                   "connectionAttempt:127.0.0.1,connect,close");
  ck_assert_str_eq(f.r.connected_to, "127.0.0.1");
  cu_close(&good);
  fx_finish(&f);
}
END_TEST

/* Every attempt fails: one AggregateError carrying each attempt's error. */
static void all_refused(int mode) {
  cu_listener_t tmp;
  int port = cu_listen(&tmp, "127.0.0.1", 0, 0);
  cu_close(&tmp);
  static const char *const ans[] = {"127.0.0.3", "127.0.0.4", NULL};
  fx_t f;
  fx_start(&f, ans, port, mode, 60000);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.3,lookup:127.0.0.4,"
                   "connectionAttempt:127.0.0.3,"
                   "connectionAttemptFailed:127.0.0.3,"
                   "connectionAttempt:127.0.0.4,"
                   "connectionAttemptFailed:127.0.0.4,error,close");
  ck_assert_str_eq(f.r.err_name, "AggregateError");
  ck_assert_str_eq(f.r.err_code_name, "ECONNREFUSED");
  ck_assert_str_eq(f.r.err_msg, "");
  ck_assert_uint_eq(f.r.n_parts, 2);
  ck_assert_int_eq(f.r.part_codes[0], UV_ECONNREFUSED);
  ck_assert_int_eq(f.r.part_codes[1], UV_ECONNREFUSED);
  char want[128];
  snprintf(want, sizeof want, "127.0.0.3:%d 127.0.0.4:%d", port, port);
  ck_assert_str_eq(f.attempted, want);
  fx_finish(&f);
}

START_TEST(race_all_refused) {
  all_refused(NNET_HE_RACE);
}
END_TEST

START_TEST(sequential_all_refused) {
  all_refused(NNET_HE_SEQUENTIAL);
}
END_TEST

/* destroy() while racing: no error; the attempt in flight is closed and,
 * as Node's afterConnectMultiple does for a cancelled connect, reported
 * as 'connectionAttemptFailed' (ECANCELED) before 'close'. The second
 * attempt never started (destroyed in its 'connectionAttempt'). */
static void destroy_on_second(const nnet_event_t *ev, void *ctx) {
  int *n = ctx;
  if (++*n == 2) nnet_socket_destroy(ev->target, 0);
}

START_TEST(race_destroy_while_racing) {
  cu_listener_t h1, h2;
  int port = cu_listen_pair(&h1, "127.0.0.2", 1, &h2, "127.0.0.4", 1);
  static const char *const ans[] = {"127.0.0.2", "127.0.0.4", NULL};
  fx_t f;
  int n = 0;
  fx_start_with(&f, ans, port, NNET_HE_RACE, 20, destroy_on_second, &n);
  nnet_test_run(&f.loop, 5000);
  ck_assert_int_eq(n, 2);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.2,lookup:127.0.0.4,"
                   "connectionAttempt:127.0.0.2,connectionAttempt:127.0.0.4,"
                   "connectionAttemptFailed:127.0.0.2,close");
  ck_assert_int_eq(f.r.errors, 0);
  cu_close(&h1);
  cu_close(&h2);
  fx_finish(&f);
}
END_TEST

/* First address slow but working (its queue frees up after the second
 * started), second dead: racing keeps the first and it wins. */
static void unblock_on_second(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  cu_listener_t *l = ctx;
  static int n;
  if (++n == 2) cu_unblock(l);
}

START_TEST(race_slow_first_wins) {
  cu_listener_t slow, dead;
  int port = cu_listen_pair(&slow, "127.0.0.2", 1, &dead, "127.0.0.4", 1);
  static const char *const ans[] = {"127.0.0.2", "127.0.0.4", NULL};
  fx_t f;
  fx_start_with(&f, ans, port, NNET_HE_RACE, 20, unblock_on_second, &slow);
  nnet_test_run(&f.loop, 8000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.2,lookup:127.0.0.4,"
                   "connectionAttempt:127.0.0.2,connectionAttempt:127.0.0.4,"
                   "connect,close");
  ck_assert_str_eq(f.r.connected_to, "127.0.0.2");
  char want[128];
  snprintf(want, sizeof want, "127.0.0.4:%d 127.0.0.2:%d", port, port);
  ck_assert_str_eq(f.attempted, want); /* the winner last */
  cu_close(&slow);
  cu_close(&dead);
  fx_finish(&f);
}
END_TEST

/* Duplicates collapse; one distinct address is a plain connect (no list). */
START_TEST(single_distinct_address) {
  cu_listener_t good;
  int port = cu_listen(&good, "127.0.0.1", 0, 0);
  static const char *const ans[] = {"127.0.0.1", "127.0.0.1", NULL};
  fx_t f;
  fx_start(&f, ans, port, NNET_HE_RACE, 20);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.1,lookup:127.0.0.1,"
                   "connectionAttempt:127.0.0.1,connect,close");
  ck_assert_str_eq(f.attempted, "");
  cu_close(&good);
  fx_finish(&f);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("connect_race");
  TCase *tc = tcase_create("race");
  tcase_set_timeout(tc, 15);
  tcase_add_checked_fixture(tc, count_fds, NULL);
  tcase_add_test(tc, race_blackhole_then_good);
  tcase_add_test(tc, sequential_blackhole_then_good);
  tcase_add_test(tc, race_refused_then_good);
  tcase_add_test(tc, race_all_refused);
  tcase_add_test(tc, sequential_all_refused);
  tcase_add_test(tc, race_destroy_while_racing);
  tcase_add_test(tc, race_slow_first_wins);
  tcase_add_test(tc, single_distinct_address);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
