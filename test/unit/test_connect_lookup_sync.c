/* A custom `lookup` is called inside connect(), as Node does (DESIGN §4.5):
 * an answer given at once emits 'lookup' and the first 'connectionAttempt'
 * before connect() returns; a failure's 'error' still comes later. The
 * listeners may destroy the socket there (Node v20 crashes when that
 * happens in 'connectionAttempt'; we close cleanly). Run under ASan. */
#include "test_connect_util.h"

typedef struct {
  const char *const *answer; /* NULL-terminated */
  int err;                   /* answer with this error instead */
  int calls;
  bool later;         /* answer from a timer instead */
  bool destroy_first; /* destroy the socket inside lookup(), then answer */
  nnet_socket_t *s;
  uv_timer_t timer;
  void *req;
  nnet_lookup_done_fn done;
} lk_t;

static void answer_now(lk_t *k) {
  size_t n = 0;
  if (k->err) {
    k->done(k->req, k->err, NULL, NULL, 0);
    return;
  }
  while (k->answer[n]) n++;
  k->done(k->req, 0, k->answer, NULL, n);
}

static void answer_timer(uv_timer_t *t) {
  lk_t *k = t->data;
  answer_now(k);
  uv_close((uv_handle_t *)t, NULL);
}

static void lookup_fn(const char *host, int family, int hints, bool all,
                      void *req, nnet_lookup_done_fn done, void *ctx) {
  lk_t *k = ctx;
  k->calls++;
  k->req = req;
  k->done = done;
  if (k->destroy_first) nnet_socket_destroy(k->s, 0);
  if (k->later) {
    k->timer.data = k;
    uv_timer_start(&k->timer, answer_timer, 1, 0);
    return;
  }
  answer_now(k);
}

typedef struct {
  uv_loop_t loop;
  nnet_socket_t *s;
  cu_rec_t r;
  lk_t k;
  nnet_event_type_t destroy_in;
  int destroy_count;
} fx_t;

static void destroy_in(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (f->destroy_count++ == 0) nnet_socket_destroy(ev->target, 0);
}

/* Creates the socket, connects; returns connect()'s trace so far. */
static void fx_connect(fx_t *f, int port, bool all, char *during,
                       size_t during_len) {
  uv_loop_init(&f->loop);
  uv_timer_init(&f->loop, &f->k.timer);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->s), 0);
  f->k.s = f->s;
  cu_rec(f->s, &f->r);
  if (f->destroy_in != NNET_EV_COUNT_)
    nnet_socket_on(f->s, f->destroy_in, destroy_in, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "x.test";
  o.lookup = lookup_fn;
  o.lookup_ctx = &f->k;
  o.auto_select_family = all ? 1 : 0;
  ck_assert_int_eq(nnet_socket_connect(f->s, &o, NULL, NULL), 0);
  ck_assert_int_eq(f->k.calls, 1); /* called inside connect() */
  snprintf(during, during_len, "%s", f->r.trace);
  nnet_test_run(&f->loop, 5000);
  if (!uv_is_closing((uv_handle_t *)&f->k.timer))
    uv_close((uv_handle_t *)&f->k.timer, NULL);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}

static void fx_init(fx_t *f, const char *const *answer) {
  memset(f, 0, sizeof *f);
  f->k.answer = answer;
  f->destroy_in = NNET_EV_COUNT_;
}

static const char *const one[] = {"127.0.0.1", NULL};
static const char *const two[] = {"127.0.0.1", "127.0.0.2", NULL};

/* Node v20 (lookup answering at once, autoSelectFamily false):
 * lookup, connectionAttempt, <connect() returns>, connect, ready. */
START_TEST(sync_answer_emits_inside_connect) {
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  fx_t f;
  char during[256];
  fx_init(&f, one);
  fx_connect(&f, port, false, during, sizeof during);
  ck_assert_str_eq(during, "lookup:127.0.0.1,connectionAttempt:127.0.0.1");
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.1,connectionAttempt:127.0.0.1,connect,"
                   "close");
  cu_close(&l);
}
END_TEST

/* Node v20 (all: true, two addresses): lookup, lookup, connectionAttempt
 * before connect() returns. */
START_TEST(sync_answer_multi) {
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  fx_t f;
  char during[256];
  fx_init(&f, two);
  fx_connect(&f, port, true, during, sizeof during);
  ck_assert_str_eq(during,
                   "lookup:127.0.0.1,lookup:127.0.0.2,"
                   "connectionAttempt:127.0.0.1");
  ck_assert_int_eq(f.r.connects, 1);
  ck_assert_int_eq(f.r.closes, 1);
  cu_close(&l);
}
END_TEST

/* Node v20: destroy() in 'lookup' stops there; 'close' false later. */
START_TEST(destroy_in_lookup) {
  for (int all = 0; all < 2; all++) {
    fx_t f;
    char during[256];
    fx_init(&f, all ? two : one);
    f.destroy_in = NNET_EV_LOOKUP;
    fx_connect(&f, 9, all, during, sizeof during);
    /* The second 'lookup' (all) is not emitted either. */
    ck_assert_str_eq(during, "lookup:127.0.0.1");
    ck_assert_str_eq(f.r.trace, "lookup:127.0.0.1,close");
    ck_assert_int_eq(f.r.errors, 0);
  }
}
END_TEST

/* Node v20 throws a TypeError here (handle null); we stop cleanly. */
START_TEST(destroy_in_connection_attempt) {
  for (int all = 0; all < 2; all++) {
    cu_listener_t l;
    int port = cu_listen(&l, "127.0.0.1", 0, 0);
    fx_t f;
    char during[256];
    fx_init(&f, all ? two : one);
    f.destroy_in = NNET_EV_CONNECTION_ATTEMPT;
    fx_connect(&f, port, all, during, sizeof during);
    ck_assert_str_eq(during, all ? "lookup:127.0.0.1,lookup:127.0.0.2,"
                                   "connectionAttempt:127.0.0.1"
                                 : "lookup:127.0.0.1,"
                                   "connectionAttempt:127.0.0.1");
    ck_assert_int_eq(f.r.connects, 0);
    ck_assert_int_eq(f.r.errors, 0);
    ck_assert_int_eq(f.r.closes, 1);
    cu_close(&l);
  }
}
END_TEST

/* A lookup error given at once: 'lookup' inside connect(), 'error' after. */
START_TEST(sync_error) {
  fx_t f;
  char during[256];
  fx_init(&f, one);
  f.k.err = UV_EAI_NONAME;
  fx_connect(&f, 9, false, during, sizeof during);
  ck_assert_str_eq(during, "lookup:ENOTFOUND");
  ck_assert_str_eq(f.r.trace, "lookup:ENOTFOUND,error,close");
  ck_assert_str_eq(f.r.err_msg, "getaddrinfo ENOTFOUND x.test");
}
END_TEST

/* Called inside connect() but answering later: nothing emitted inside. */
START_TEST(async_answer) {
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  fx_t f;
  char during[256];
  fx_init(&f, one);
  f.k.later = true;
  fx_connect(&f, port, false, during, sizeof during);
  ck_assert_str_eq(during, "");
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.1,connectionAttempt:127.0.0.1,connect,"
                   "close");
  cu_close(&l);
}
END_TEST

/* The lookup itself destroys the socket, then answers (now or later):
 * the answer is ignored, 'close' comes once. */
START_TEST(destroy_inside_lookup_fn) {
  for (int later = 0; later < 2; later++) {
    fx_t f;
    char during[256];
    fx_init(&f, one);
    f.k.destroy_first = true;
    f.k.later = later;
    fx_connect(&f, 9, false, during, sizeof during);
    ck_assert_str_eq(during, "");
    ck_assert_str_eq(f.r.trace, "close");
  }
}
END_TEST

/* The connect fails at once after a sync answer (nothing listens): the
 * attempt is inside connect(), 'error' and 'close' after it returns. */
START_TEST(sync_answer_refused) {
  cu_listener_t l;
  int port = cu_listen(&l, "127.0.0.1", 0, 0);
  cu_close(&l);
  fx_t f;
  char during[256];
  fx_init(&f, one);
  fx_connect(&f, port, false, during, sizeof during);
  ck_assert_str_eq(during, "lookup:127.0.0.1,connectionAttempt:127.0.0.1");
  /* Node v20: ... returned, connectionAttemptFailed, error, close true. */
  ck_assert_str_eq(f.r.trace,
                   "lookup:127.0.0.1,connectionAttempt:127.0.0.1,"
                   "connectionAttemptFailed:127.0.0.1,error,close");
  ck_assert_str_eq(f.r.err_code_name, "ECONNREFUSED");
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("connect_lookup_sync");
  TCase *tc = tcase_create("lookup_sync");
  tcase_add_test(tc, sync_answer_emits_inside_connect);
  tcase_add_test(tc, sync_answer_multi);
  tcase_add_test(tc, destroy_in_lookup);
  tcase_add_test(tc, destroy_in_connection_attempt);
  tcase_add_test(tc, sync_error);
  tcase_add_test(tc, async_answer);
  tcase_add_test(tc, destroy_inside_lookup_fn);
  tcase_add_test(tc, sync_answer_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  nnet_test_install_uncaught_handler();
  return nnet_test_run_suite(suite());
}
