/* allowHalfOpen: with false the side that sees the peer's FIN ends its
 * own writable side at once; with true it stays writable until it calls
 * end(). Exact event order and readyState at each event, as Node v20
 * prints them (traces below were taken from node on the same steps). */
#include "test_socket_pair.h"

static void client_end_on_connect(const nnet_event_t *ev, void *ctx) {
  ck_assert_int_eq(nnet_socket_end(ev->target, "hi", 2, NULL, NULL), 0);
}

static void hook_client_ends(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_CONNECT, client_end_on_connect, p);
}

/* Node: server allowHalfOpen false, client end('hi') on connect. */
START_TEST(server_half_open_false) {
  pair_t p;
  pair_init(&p);
  p.on_client = hook_client_ends;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(p.connections, 1);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/"
                   "readOnly,finish/readOnly,end/closed,"
                   "close:false/closed");
  ck_assert_str_eq(p.st.trace,
                   "data/open,end/writeOnly,finish/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&p.st), "hi");
  ck_assert_int_eq((int)p.ct.data_len, 0);
  ck_assert(!nnet_socket_allow_half_open(p.sconn));
  pair_finish(&p);
}
END_TEST

/* The half-open server answers after the client's FIN, then ends. */
static void sconn_answer_on_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  ck_assert(nnet_socket_is_writable(s));
  ck_assert(!nnet_socket_is_readable(s));
  ck_assert_int_eq(nnet_socket_write(s, "late", 4, NULL, NULL), 1);
  ck_assert_int_eq(nnet_socket_end(s, "!", 1, NULL, NULL), 0);
}

static void hook_sconn_answers(pair_t *p, nnet_socket_t *s) {
  nnet_socket_on(s, NNET_EV_END, sconn_answer_on_end, p);
}

START_TEST(server_half_open_true) {
  pair_t p;
  pair_init(&p);
  p.sopts.allow_half_open = true;
  p.on_client = hook_client_ends;
  p.on_sconn = hook_sconn_answers;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/"
                   "readOnly,finish/readOnly,data/readOnly,"
                   "end/closed,close:false/closed");
  ck_assert_str_eq(p.st.trace,
                   "data/open,end/writeOnly,finish/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&p.ct), "late!");
  ck_assert(nnet_socket_allow_half_open(p.sconn));
  pair_finish(&p);
}
END_TEST

/* Client side: new Socket({allowHalfOpen: true}); the server ends first
 * and the client replies after 'end'. */
static void sconn_bye(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, "bye", 3, NULL, NULL), 0);
}

static void client_reply_on_end(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  ck_assert_str_eq(nnet_socket_ready_state(c), "writeOnly");
  ck_assert_int_eq(nnet_socket_write(c, "re", 2, NULL, NULL), 1);
  ck_assert_int_eq(nnet_socket_end(c, "ply", 3, NULL, NULL), 0);
}

static void hook_client_replies(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_END, client_reply_on_end, p);
}

START_TEST(client_half_open_true) {
  pair_t p;
  pair_init(&p);
  p.copts.allow_half_open = true;
  p.on_sconn = sconn_bye;
  p.on_client = hook_client_replies;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/open,data/"
                   "open,end/writeOnly,"
                   "finish/closed,close:false/closed");
  ck_assert_str_eq(p.st.trace,
                   "finish/readOnly,data/readOnly,end/closed,"
                   "close:false/closed");
  ck_assert_str_eq(trace_text(&p.ct), "bye");
  ck_assert_str_eq(trace_text(&p.st), "reply");
  ck_assert(nnet_socket_allow_half_open(p.client));
  pair_finish(&p);
}
END_TEST

/* Client side, allowHalfOpen false (default): the server's FIN makes the
 * client end at once; a write inside 'end' still goes out first. */
START_TEST(client_half_open_false) {
  pair_t p;
  pair_init(&p);
  p.on_sconn = sconn_bye;
  pair_start(&p);
  pair_run(&p);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/open,data/"
                   "open,end/writeOnly,"
                   "finish/closed,close:false/closed");
  ck_assert_str_eq(p.st.trace, "finish/readOnly,end/closed,close:false/closed");
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_halfopen");
  TCase *tc = tcase_create("halfopen");
  tcase_add_test(tc, server_half_open_false);
  tcase_add_test(tc, server_half_open_true);
  tcase_add_test(tc, client_half_open_true);
  tcase_add_test(tc, client_half_open_false);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
