/* pause()/resume() and the server's pauseOnConnect: a paused socket emits
 * no 'data' and no 'end' although the bytes (and the FIN) are already in
 * its receive queue; resume() delivers them. The traces are Node v20's for
 * the same steps. The checks run from a timer started once the peer's data
 * has certainly arrived (its 'finish': the kernel took data and FIN on
 * loopback); the delay only gives the library a chance to misbehave. */
#include "test_socket_pair.h"

typedef struct {
  uv_timer_t timer;
  nnet_socket_t *target; /* the socket to check and resume */
  trace_t *trace;
  int checks;
  bool paused_at_check;
} resume_later_t;

static void resume_now(uv_timer_t *t) {
  pair_t *p = t->data;
  resume_later_t *r = p->user;
  r->checks++;
  r->paused_at_check = nnet_socket_is_paused(r->target);
  /* nothing delivered while paused */
  ck_assert_int_eq(r->trace->data_events, 0);
  ck_assert_int_eq(r->trace->counts[NNET_EV_END], 0);
  trace_add(r->trace, "checked");
  nnet_socket_resume(r->target);
  ck_assert(!nnet_socket_is_paused(r->target));
  uv_close((uv_handle_t *)t, NULL);
}

static void check_later(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  resume_later_t *r = p->user;
  ck_assert_int_eq(uv_timer_init(&p->loop, &r->timer), 0);
  r->timer.data = p;
  ck_assert_int_eq(uv_timer_start(&r->timer, resume_now, 50, 0), 0);
}

/* Client paused before it connects; the server sends and ends at once. */
static void client_pause_first(pair_t *p, nnet_socket_t *c) {
  resume_later_t *r = p->user;
  nnet_socket_pause(c);
  ck_assert(nnet_socket_is_paused(c));
  r->target = c;
  r->trace = &p->ct;
}

static void sconn_send_and_end(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, "abc", 3, NULL, NULL), 0);
  nnet_socket_on(s, NNET_EV_FINISH, check_later, p);
}

START_TEST(pause_before_connect) {
  resume_later_t r;
  memset(&r, 0, sizeof(r));
  pair_t p;
  pair_init(&p);
  p.user = &r;
  p.on_client = client_pause_first;
  p.on_sconn = sconn_send_and_end;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(r.checks, 1);
  ck_assert(r.paused_at_check);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/open,checked,"
                   "data/open,end/writeOnly,finish/closed,close:false/closed");
  ck_assert_str_eq(p.st.trace, "finish/readOnly,end/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&p.ct), "abc");
  pair_finish(&p);
}
END_TEST

/* pause() inside 'data' stops the next read: the server sends its second
 * part only after the client's first 'data' (and pause) ran. */
typedef struct {
  resume_later_t r; /* first: resume_now() reads p->user as this */
  int data_seen;
} in_data_t;

static void client_data_pause(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  in_data_t *d = p->user;
  if (d->data_seen++ > 0) return;
  nnet_socket_pause(ev->target);
  ck_assert_int_eq(nnet_socket_end(p->sconn, "two", 3, NULL, NULL), 0);
  nnet_socket_on(p->sconn, NNET_EV_FINISH, check_later, p);
  /* the check counts 'data' events from here on */
  d->r.trace->data_events = 0;
}

static void client_hook_data(pair_t *p, nnet_socket_t *c) {
  in_data_t *d = p->user;
  d->r.target = c;
  d->r.trace = &p->ct;
  nnet_socket_on(c, NNET_EV_DATA, client_data_pause, p);
}

static void sconn_send_one(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_write(s, "one", 3, NULL, NULL), 1);
}

START_TEST(pause_inside_data) {
  in_data_t d;
  memset(&d, 0, sizeof(d));
  pair_t p;
  pair_init(&p);
  p.user = &d;
  p.on_client = client_hook_data;
  p.on_sconn = sconn_send_one;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(d.r.checks, 1);
  ck_assert(d.r.paused_at_check);
  ck_assert_int_eq(d.data_seen, 2);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/open,"
                   "data/open,checked,data/open,end/writeOnly,finish/closed,"
                   "close:false/closed");
  ck_assert_str_eq(trace_text(&p.ct), "onetwo");
  pair_finish(&p);
}
END_TEST

/* Server pauseOnConnect: the accepted socket starts paused and reads
 * nothing until resume(), even after the client ended. */
static void client_end_on_connect(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  ck_assert_int_eq(nnet_socket_end(ev->target, "abc", 3, NULL, NULL), 0);
  nnet_socket_on(ev->target, NNET_EV_FINISH, check_later, p);
}

static void client_hook_end(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_CONNECT, client_end_on_connect, p);
}

static void sconn_note(pair_t *p, nnet_socket_t *s) {
  resume_later_t *r = p->user;
  ck_assert(nnet_socket_is_paused(s));
  r->target = s;
  r->trace = &p->st;
}

START_TEST(pause_on_connect) {
  resume_later_t r;
  memset(&r, 0, sizeof(r));
  pair_t p;
  pair_init(&p);
  p.sopts.pause_on_connect = true;
  p.user = &r;
  p.on_client = client_hook_end;
  p.on_sconn = sconn_note;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(r.checks, 1);
  ck_assert(r.paused_at_check);
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/readOnly,"
                   "finish/readOnly,end/closed,close:false/closed");
  ck_assert_str_eq(p.st.trace,
                   "checked,data/open,end/writeOnly,finish/closed,"
                   "close:false/closed");
  ck_assert_str_eq(trace_text(&p.st), "abc");
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_pause");
  TCase *tc = tcase_create("pause");
  tcase_add_test(tc, pause_before_connect);
  tcase_add_test(tc, pause_inside_data);
  tcase_add_test(tc, pause_on_connect);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
