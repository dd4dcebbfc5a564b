/* Reentrancy, second matrix: the paths added with flowing mode and the
 * write-before-connect listener (DESIGN §4.2-4.4), in the style of
 * test_reentrancy.c.
 *
 * Hook points: 'data' delivered from the read buffer when flowing starts
 * (and the moment it starts), 'end' after it, the internal once-'connect'
 * listener of a write queued while connecting ('connect', the write
 * callback and 'drain' it runs), resetAndDestroy() while connecting, a
 * custom lookup failing inside connect() (the failure tick) or on a later
 * tick. Actions: destroy, destroy(err), end, resetAndDestroy, pause (then
 * resume from an immediate), pause+resume, resume, remove_all (then the
 * recorders are added back), setEncoding, destroy+connect() again, and
 * deferred destroy through nested nnet_set_immediate / nnet_next_tick.
 * Each pair runs forked. Checked for every pair: one 'close' per socket,
 * at most one 'error', hadError matches, a user destroy(err) is the error
 * reported, the hook fired as expected, no uncaught error, no handle left
 * open and uv_loop_close() == 0 (ASan: no leak, no use after free). */
#include "test_connect_util.h"

enum { SIDE_CLIENT, SIDE_SCONN };
enum { SC_FLOW, SC_WBC, SC_RESET, SC_LFAIL_SYNC, SC_LFAIL_ASYNC };
enum {
  A_NONE,
  A_DESTROY,
  A_DESTROY_ERR,
  A_END,
  A_RESET,
  A_PAUSE,        /* pause(), resume() from an immediate */
  A_PAUSE_RESUME, /* pause(); resume() */
  A_RESUME,
  A_REMOVE_ALL, /* remove_all(every event), recorders added back */
  A_SET_ENC,
  A_RECONNECT, /* destroy(); connect() again (must be refused or work) */
  A_DEFER,     /* immediate -> immediate + nextTick -> destroy */
  A_COUNT_
};

enum {
  H_WRITE_CB = NNET_EV_COUNT_,
  H_FLOW_START,  /* right after the 'data' listener made it flow */
  H_AFTER_WRITE, /* right after the write queued while connecting */
  H_AFTER_RESET, /* right after resetAndDestroy() while connecting */
  H_AFTER_CONNECT,
};

typedef struct {
  int scenario, side, hook;
  int n; /* times the hooked event fires when the action does nothing */
} hook_point_t;

static const hook_point_t points[] = {
    {SC_FLOW, SIDE_CLIENT, NNET_EV_READY, 1},
    {SC_FLOW, SIDE_CLIENT, H_FLOW_START, 1},
    {SC_FLOW, SIDE_CLIENT, NNET_EV_DATA, 1},
    {SC_FLOW, SIDE_CLIENT, NNET_EV_END, 1},
    {SC_FLOW, SIDE_CLIENT, NNET_EV_FINISH, 1},
    {SC_FLOW, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_FLOW, SIDE_SCONN, NNET_EV_FINISH, 1},
    {SC_FLOW, SIDE_SCONN, NNET_EV_END, 1},
    {SC_WBC, SIDE_CLIENT, H_AFTER_WRITE, 1},
    {SC_WBC, SIDE_CLIENT, NNET_EV_CONNECT, 1},
    {SC_WBC, SIDE_CLIENT, H_WRITE_CB, 1},
    {SC_WBC, SIDE_CLIENT, NNET_EV_DRAIN, 1},
    {SC_WBC, SIDE_CLIENT, NNET_EV_READY, 1},
    {SC_WBC, SIDE_CLIENT, NNET_EV_END, 1},
    {SC_WBC, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_WBC, SIDE_SCONN, NNET_EV_DATA, 1},
    {SC_RESET, SIDE_CLIENT, H_AFTER_RESET, 1},
    {SC_RESET, SIDE_CLIENT, NNET_EV_CONNECT, 1},
    {SC_RESET, SIDE_CLIENT, NNET_EV_READY, 1},
    {SC_RESET, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_LFAIL_SYNC, SIDE_CLIENT, NNET_EV_LOOKUP, 1},
    {SC_LFAIL_SYNC, SIDE_CLIENT, H_AFTER_CONNECT, 1},
    {SC_LFAIL_SYNC, SIDE_CLIENT, H_WRITE_CB, 1},
    {SC_LFAIL_SYNC, SIDE_CLIENT, NNET_EV_ERROR, 1},
    {SC_LFAIL_SYNC, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_LFAIL_ASYNC, SIDE_CLIENT, H_AFTER_CONNECT, 1},
    {SC_LFAIL_ASYNC, SIDE_CLIENT, NNET_EV_LOOKUP, 1},
    {SC_LFAIL_ASYNC, SIDE_CLIENT, H_WRITE_CB, 1},
    {SC_LFAIL_ASYNC, SIDE_CLIENT, NNET_EV_ERROR, 1},
    {SC_LFAIL_ASYNC, SIDE_CLIENT, NNET_EV_CLOSE, 1},
};
#define N_POINTS ((int)(sizeof(points) / sizeof(points[0])))

#define USER_ERR NNET_ERR_SOCKET_CLOSED

typedef struct {
  int closes, errors, err_code;
  bool had_error;
  bool user_err;
} sock_rec_t;

typedef struct {
  uv_loop_t loop;
  const hook_point_t *hp;
  int action;
  int hook_count;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  sock_rec_t cr, sr;
  int srv_closes, srv_close_calls;
  int port;
  uv_timer_t flow_timer;
  bool timer_started;
  int deferred_ran;
  void *lookup_req;
  nnet_lookup_done_fn lookup_done;
} fx_t;

static fx_t fx;

static void sock_fn(const nnet_event_t *ev, void *ctx);
static void client_driver(const nnet_event_t *ev, void *ctx);
static void sconn_driver(const nnet_event_t *ev, void *ctx);
static void start_client(fx_t *f);

static sock_rec_t *rec_of(fx_t *f, nnet_socket_t *s) {
  return s == f->client ? &f->cr : &f->sr;
}

/* 'data' is left out where the scenario decides when the socket flows. */
static void add_recorders(fx_t *f, nnet_socket_t *s, bool with_data) {
  nnet_listener_fn driver = s == f->client ? client_driver : sconn_driver;
  for (int t = 0; t < NNET_EV_COUNT_; t++) {
    if (t == NNET_EV_DATA && !with_data) continue;
    nnet_socket_on(s, (nnet_event_type_t)t, sock_fn, f);
    nnet_socket_on(s, (nnet_event_type_t)t, driver, f);
  }
}

/* ---- deferred destroy (A_DEFER) ---- */

static void defer_destroy(void *ctx) {
  fx_t *f = ctx;
  f->deferred_ran++;
  nnet_socket_destroy(f->client, 0);
  if (f->sconn) nnet_socket_destroy(f->sconn, 0);
}

static void defer_second(void *ctx) {
  fx_t *f = ctx;
  f->deferred_ran++;
  ck_assert_int_eq(nnet_next_tick(&f->loop, defer_destroy, f), 0);
  ck_assert_int_eq(nnet_set_immediate(&f->loop, defer_destroy, f), 0);
}

static void defer_first(void *ctx) {
  fx_t *f = ctx;
  f->deferred_ran++;
  ck_assert_int_eq(nnet_set_immediate(&f->loop, defer_second, f), 0);
}

static void resume_later(void *ctx) {
  fx_t *f = ctx;
  nnet_socket_resume(f->client);
  if (f->sconn) nnet_socket_resume(f->sconn);
}

static const char *const answer_local[] = {"127.0.0.1", NULL};

static void act(fx_t *f, nnet_socket_t *s) {
  switch (f->action) {
    case A_DESTROY:
      nnet_socket_destroy(s, 0);
      break;
    case A_DESTROY_ERR:
      if (!nnet_socket_is_destroyed(s)) rec_of(f, s)->user_err = true;
      nnet_socket_destroy(s, USER_ERR);
      break;
    case A_END:
      nnet_socket_end(s, NULL, 0, NULL, NULL);
      break;
    case A_RESET:
      nnet_socket_reset_and_destroy(s);
      break;
    case A_PAUSE:
      nnet_socket_pause(s);
      ck_assert_int_eq(nnet_set_immediate(&f->loop, resume_later, f), 0);
      break;
    case A_PAUSE_RESUME:
      nnet_socket_pause(s);
      nnet_socket_resume(s);
      break;
    case A_RESUME:
      nnet_socket_resume(s);
      break;
    case A_REMOVE_ALL:
      ck_assert_int_eq(nnet_socket_remove_all(s, NNET_EV_COUNT_), 0);
      add_recorders(f, s, true);
      break;
    case A_SET_ENC:
      ck_assert_int_eq(nnet_socket_set_encoding(s, NNET_ENC_UTF8), 0);
      break;
    case A_RECONNECT: {
      bool closed = rec_of(f, s)->closes > 0;
      nnet_socket_destroy(s, 0);
      if (closed || s != f->client) break; /* would be a second life */
      nnet_connect_opts_t o;
      nnet_connect_opts_init(&o);
      o.port = 9;
      o.host = "127.0.0.1";
      int rc = nnet_socket_connect(s, &o, NULL, NULL);
      ck_assert_int_lt(rc, 0); /* destroyed, 'close' not emitted yet */
      break;
    }
    case A_DEFER:
      ck_assert_int_eq(nnet_set_immediate(&f->loop, defer_first, f), 0);
      break;
  }
}

static void hook(fx_t *f, int side, int id, nnet_socket_t *s) {
  if (f->hp->side != side || f->hp->hook != id) return;
  if (f->hook_count++ == 0) act(f, s);
}

/* ---- server ---- */

static void srv_close_cb(nnet_server_t *srv, int status, void *ctx) {
  (void)srv, (void)status, (void)ctx;
}

static void maybe_close_server(fx_t *f) {
  bool client_done = f->client == NULL || f->cr.closes > 0;
  bool sconn_done = f->sconn == NULL || f->sr.closes > 0;
  if (f->srv && client_done && sconn_done && f->srv_close_calls == 0) {
    f->srv_close_calls++;
    ck_assert_int_eq(nnet_server_close(f->srv, srv_close_cb, f), 0);
  }
}

static void sock_fn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  sock_rec_t *r = rec_of(f, s);
  if (ev->type == NNET_EV_ERROR) {
    r->errors++;
    r->err_code = ev->u.error->code;
  }
  if (ev->type == NNET_EV_CLOSE) {
    r->closes++;
    r->had_error = ev->u.close.had_error;
  }
  hook(f, s == f->client ? SIDE_CLIENT : SIDE_SCONN, ev->type, s);
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)status;
  fx_t *f = ctx;
  hook(f, s == f->client ? SIDE_CLIENT : SIDE_SCONN, H_WRITE_CB, s);
}

static void timer_closed(uv_handle_t *h) {
  (void)h;
}

/* SC_FLOW: the bytes and the FIN are buffered by now; a 'data' listener
 * makes the socket flow: 'data' from the buffer, then 'end'. */
static void flow_timer_cb(uv_timer_t *t) {
  fx_t *f = t->data;
  uv_close((uv_handle_t *)t, timer_closed);
  nnet_socket_t *s = f->client;
  if (f->cr.closes == 0 && !nnet_socket_is_destroyed(s))
    ck_assert_int_eq(nnet_socket_readable_length(s), 11);
  nnet_socket_on(s, NNET_EV_DATA, sock_fn, f);
  nnet_socket_on(s, NNET_EV_DATA, client_driver, f);
  hook(f, SIDE_CLIENT, H_FLOW_START, s);
}

static void client_driver(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  if (ev->type == NNET_EV_READY && f->hp->scenario == SC_FLOW &&
      !f->timer_started) {
    f->timer_started = true;
    uv_timer_init(&f->loop, &f->flow_timer);
    f->flow_timer.data = f;
    uv_timer_start(&f->flow_timer, flow_timer_cb, 50, 0);
  } else if (ev->type == NNET_EV_READY && f->hp->scenario == SC_RESET) {
    /* The reset listener was removed (A_REMOVE_ALL): end normally. */
    if (!nnet_socket_is_destroyed(s)) nnet_socket_end(s, NULL, 0, NULL, NULL);
  } else if (ev->type == NNET_EV_CLOSE) {
    maybe_close_server(f);
  }
}

static void sconn_driver(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->type == NNET_EV_DATA && f->hp->scenario == SC_WBC &&
      !nnet_socket_writable_ended(ev->target))
    nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
  else if (ev->type == NNET_EV_CLOSE)
    maybe_close_server(f);
}

static void srv_fn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  switch (ev->type) {
    case NNET_EV_LISTENING: {
      nnet_socketaddress_t sa;
      ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
      f->port = sa.port;
      start_client(f);
      break;
    }
    case NNET_EV_CONNECTION:
      ck_assert_ptr_null(f->sconn);
      f->sconn = ev->u.connection.socket;
      nnet_socket_retain(f->sconn);
      add_recorders(f, f->sconn, true);
      if (f->hp->scenario == SC_FLOW)
        nnet_socket_end(f->sconn, "hello world", 11, NULL, NULL);
      break;
    case NNET_EV_CLOSE:
      f->srv_closes++;
      break;
    default:
      break;
  }
}

static void start_server(fx_t *f) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &f->srv), 0);
  nnet_server_retain(f->srv);
  nnet_server_on(f->srv, NNET_EV_LISTENING, srv_fn, f);
  nnet_server_on(f->srv, NNET_EV_CONNECTION, srv_fn, f);
  nnet_server_on(f->srv, NNET_EV_CLOSE, srv_fn, f);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, 0, "127.0.0.1"), 0);
}

/* ---- lookups that fail ---- */

static void fail_sync(const char *host, int family, int hints, bool all,
                      void *req, nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all, (void)ctx;
  done(req, UV_EAI_NONAME, NULL, NULL, 0);
}

static void fail_now(void *ctx) {
  fx_t *f = ctx;
  f->lookup_done(f->lookup_req, UV_EAI_NONAME, NULL, NULL, 0);
}

static void fail_async(const char *host, int family, int hints, bool all,
                       void *req, nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all;
  fx_t *f = ctx;
  f->lookup_req = req;
  f->lookup_done = done;
  ck_assert_int_eq(nnet_next_tick(&f->loop, fail_now, f), 0);
}

static void start_client(fx_t *f) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  so.high_water_mark = 4;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  nnet_socket_retain(f->client);
  add_recorders(f, f->client, f->hp->scenario != SC_FLOW);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = f->port ? f->port : 9;
  o.host = "reentrancy.test";
  switch (f->hp->scenario) {
    case SC_LFAIL_SYNC:
      o.lookup = fail_sync;
      break;
    case SC_LFAIL_ASYNC:
      o.lookup = fail_async;
      o.lookup_ctx = f;
      break;
    default:
      o.lookup = cu_lookup;
      o.lookup_ctx = (void *)answer_local;
      break;
  }
  ck_assert_int_eq(nnet_socket_connect(f->client, &o, NULL, NULL), 0);
  nnet_socket_t *s = f->client;
  switch (f->hp->scenario) {
    case SC_WBC: {
      int rc = nnet_socket_write(s, "pingpong", 8, write_cb, f);
      ck_assert_int_eq(rc, 0); /* above highWaterMark 4: wait for 'drain' */
      hook(f, SIDE_CLIENT, H_AFTER_WRITE, s);
      break;
    }
    case SC_RESET:
      ck_assert_int_eq(nnet_socket_reset_and_destroy(s), 0);
      hook(f, SIDE_CLIENT, H_AFTER_RESET, s);
      break;
    case SC_LFAIL_SYNC:
    case SC_LFAIL_ASYNC: {
      hook(f, SIDE_CLIENT, H_AFTER_CONNECT, s);
      int rc = nnet_socket_write(s, "x", 1, write_cb, f);
      if (f->hook_count == 0) ck_assert_int_ge(rc, 0);
      break;
    }
    default:
      break;
  }
}

static void count_handle(uv_handle_t *h, void *arg) {
  if (!uv_is_closing(h)) (*(int *)arg)++;
}

static void check_socket(fx_t *f, nnet_socket_t *s, const sock_rec_t *r,
                         bool exact) {
  if (s == NULL) return;
  ck_assert_int_eq(r->closes, 1);
  ck_assert_int_le(r->errors, 1);
  ck_assert(r->had_error == (r->errors == 1));
  if (r->user_err) {
    ck_assert_int_eq(r->errors, 1);
    ck_assert_int_eq(r->err_code, USER_ERR);
  } else if (exact && f->action == A_NONE) {
    bool natural =
        f->hp->scenario == SC_LFAIL_SYNC || f->hp->scenario == SC_LFAIL_ASYNC;
    ck_assert_int_eq(r->errors, natural ? 1 : 0);
  }
}

START_TEST(reentrant_flowing) {
  fx_t *f = &fx;
  memset(f, 0, sizeof(*f));
  f->hp = &points[_i / A_COUNT_];
  f->action = _i % A_COUNT_;
  nnet_test_uncaught_count = 0;
  nnet_test_install_uncaught_handler();
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  if (f->hp->scenario == SC_LFAIL_SYNC || f->hp->scenario == SC_LFAIL_ASYNC)
    start_client(f);
  else
    start_server(f);
  nnet_test_run(&f->loop, 10000);

  bool destroyed_at_once = f->action == A_DESTROY ||
                           f->action == A_DESTROY_ERR ||
                           f->action == A_RECONNECT;
  if (f->action == A_NONE)
    ck_assert_int_eq(f->hook_count, f->hp->n);
  else if (destroyed_at_once && f->hp->side == SIDE_CLIENT)
    ck_assert_int_eq(f->hook_count, 1);
  else
    ck_assert_int_ge(f->hook_count, 1);
  check_socket(f, f->client, &f->cr, true);
  check_socket(f, f->sconn, &f->sr, false);
  if (f->srv) {
    ck_assert_int_eq(f->srv_close_calls, 1);
    ck_assert_int_eq(f->srv_closes, 1);
  }
  if (f->action == A_DEFER) ck_assert_int_ge(f->deferred_ran, 3);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);

  if (f->client) nnet_socket_release(f->client);
  if (f->sconn) nnet_socket_release(f->sconn);
  if (f->srv) nnet_server_release(f->srv);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  int open = 0;
  uv_walk(&f->loop, count_handle, &open);
  ck_assert_int_eq(open, 0);
  ck_assert_int_eq(uv_loop_close(&f->loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("reentrancy_flowing");
  TCase *tc = tcase_create("flowing_connect_lookup_in_every_callback");
  tcase_add_loop_test(tc, reentrant_flowing, 0, N_POINTS * A_COUNT_);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
