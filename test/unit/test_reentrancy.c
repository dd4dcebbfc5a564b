/* Reentrancy: destroy / destroy(err) / end / server close / resetAndDestroy
 * called from inside every kind of socket and server callback (DESIGN §4.3).
 *
 * One table of hook points (scenario, object, event); every hook point is
 * run with every action, each pair in its own forked test. The action runs
 * on the first firing of the hooked event. Invariants checked for every
 * pair: each socket that existed emits exactly one 'close', at most one
 * 'error', 'close' hadError matches it, a user destroy(err) on a live
 * socket is the error reported, the server emits one 'close' per close()
 * call, the hooked event fired the expected number of times, no uncaught
 * error, and uv_loop_close() == 0 (sanitizer builds add: no leak, no use
 * after free). */
#include "test_connect_util.h"

enum { SIDE_CLIENT, SIDE_SCONN, SIDE_SERVER };
enum { SC_MAIN, SC_REFUSED, SC_HE, SC_DROP, SC_SRV_ERROR };
enum {
  A_NONE,
  A_DESTROY,
  A_DESTROY_ERR,
  A_END,
  A_SRV_CLOSE,
  A_RESET, /* resetAndDestroy() */
  A_COUNT_
};

/* Callbacks that are not events get ids after the event ids. */
enum {
  H_WRITE_CB = NNET_EV_COUNT_,
  H_END_CB,
  H_CLOSE_CB,
  H_GETCONN_CB,
};

typedef struct {
  int scenario, side, hook;
  int n; /* times the hooked event fires when the action does nothing */
} hook_point_t;

static const hook_point_t points[] = {
    {SC_MAIN, SIDE_CLIENT, NNET_EV_LOOKUP, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_CONNECT, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_READY, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_DRAIN, 1},
    {SC_MAIN, SIDE_CLIENT, H_WRITE_CB, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_DATA, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_TIMEOUT, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_FINISH, 1},
    {SC_MAIN, SIDE_CLIENT, H_END_CB, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_END, 1},
    {SC_MAIN, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_MAIN, SIDE_SCONN, NNET_EV_DATA, 1},
    {SC_MAIN, SIDE_SCONN, H_WRITE_CB, 1},
    {SC_MAIN, SIDE_SCONN, NNET_EV_END, 1},
    {SC_MAIN, SIDE_SCONN, NNET_EV_FINISH, 1},
    {SC_MAIN, SIDE_SCONN, NNET_EV_CLOSE, 1},
    {SC_MAIN, SIDE_SERVER, NNET_EV_LISTENING, 1},
    {SC_MAIN, SIDE_SERVER, NNET_EV_CONNECTION, 1},
    {SC_MAIN, SIDE_SERVER, H_GETCONN_CB, 1},
    {SC_MAIN, SIDE_SERVER, NNET_EV_CLOSE, 1},
    {SC_MAIN, SIDE_SERVER, H_CLOSE_CB, 1},
    {SC_REFUSED, SIDE_CLIENT, NNET_EV_LOOKUP, 1},
    {SC_REFUSED, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT, 1},
    {SC_REFUSED, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT_FAILED, 1},
    {SC_REFUSED, SIDE_CLIENT, NNET_EV_ERROR, 1},
    {SC_REFUSED, SIDE_CLIENT, H_WRITE_CB, 1},
    {SC_REFUSED, SIDE_CLIENT, NNET_EV_CLOSE, 1},
    {SC_HE, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT, 2},
    {SC_HE, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT_TIMEOUT, 1},
    {SC_HE, SIDE_CLIENT, NNET_EV_CONNECTION_ATTEMPT_FAILED, 1},
    {SC_HE, SIDE_CLIENT, NNET_EV_ERROR, 1},
    {SC_DROP, SIDE_SERVER, NNET_EV_DROP, 1},
    {SC_SRV_ERROR, SIDE_SERVER, NNET_EV_ERROR, 1},
    {SC_SRV_ERROR, SIDE_SERVER, NNET_EV_CLOSE, 1},
    {SC_SRV_ERROR, SIDE_SERVER, H_CLOSE_CB, 1},
};
#define N_POINTS ((int)(sizeof(points) / sizeof(points[0])))

#define USER_ERR NNET_ERR_SOCKET_CLOSED

typedef struct {
  int closes, errors, err_code;
  bool had_error;
  bool user_err; /* destroy(err) was called while it was alive */
} sock_rec_t;

typedef struct {
  uv_loop_t loop;
  const hook_point_t *hp;
  int action;
  int hook_count;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  sock_rec_t cr, sr;
  int srv_closes, srv_close_calls, srv_errors, close_cbs, getconn_cbs;
  int port;
  cu_listener_t aux; /* refused port / blackhole / port in use */
  bool has_aux;
} fx_t;

static fx_t fx;

/* ---- the action ---- */

static void close_cb(nnet_server_t *srv, int status, void *ctx);

static void server_close(fx_t *f) {
  f->srv_close_calls++;
  ck_assert_int_eq(nnet_server_close(f->srv, close_cb, f), 0);
}

static sock_rec_t *rec_of(fx_t *f, nnet_socket_t *s) {
  return s == f->client ? &f->cr : &f->sr;
}

static void act(fx_t *f, nnet_socket_t *s) {
  switch (f->action) {
    case A_DESTROY:
      if (s) nnet_socket_destroy(s, 0);
      break;
    case A_DESTROY_ERR:
      if (s && !nnet_socket_is_destroyed(s)) rec_of(f, s)->user_err = true;
      if (s) nnet_socket_destroy(s, USER_ERR);
      break;
    case A_END:
      if (s) nnet_socket_end(s, NULL, 0, NULL, NULL);
      break;
    case A_SRV_CLOSE:
      if (f->srv) server_close(f);
      break;
    case A_RESET:
      if (s) nnet_socket_reset_and_destroy(s);
      break;
  }
}

/* Counts the hooked event; acts on its first firing. s: the socket the
 * socket actions apply to. */
static void hook(fx_t *f, int side, int id, nnet_socket_t *s) {
  if (f->hp->side != side || f->hp->hook != id) return;
  if (f->hook_count++ == 0) act(f, s);
}

/* For server hooks the socket actions apply to the accepted socket when
 * there is one, else to the client. */
static nnet_socket_t *server_target(fx_t *f) {
  return f->sconn ? f->sconn : f->client;
}

/* ---- sockets ---- */

static void maybe_close_server(fx_t *f) {
  bool client_done = f->client == NULL || f->cr.closes > 0;
  bool sconn_done = f->sconn == NULL || f->sr.closes > 0;
  if (f->srv && client_done && sconn_done && f->srv_close_calls == 0)
    server_close(f);
}

static void sock_fn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  sock_rec_t *r = rec_of(f, s);
  int side = s == f->client ? SIDE_CLIENT : SIDE_SCONN;
  if (ev->type == NNET_EV_ERROR) {
    r->errors++;
    r->err_code = ev->u.error->code;
  }
  if (ev->type == NNET_EV_CLOSE) {
    r->closes++;
    r->had_error = ev->u.close.had_error;
  }
  hook(f, side, ev->type, s);
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)status;
  fx_t *f = ctx;
  hook(f, s == f->client ? SIDE_CLIENT : SIDE_SCONN, H_WRITE_CB, s);
}

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  (void)status;
  hook(ctx, SIDE_CLIENT, H_END_CB, s);
}

/* The scenario's own behaviour, after the hook (listeners added later). */
static void client_driver(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  if (ev->type == NNET_EV_TIMEOUT) {
    nnet_socket_set_timeout(s, 0, NULL, NULL);
    if (!nnet_socket_writable_ended(s)) nnet_socket_end(s, NULL, 0, end_cb, f);
  } else if (ev->type == NNET_EV_CLOSE) {
    maybe_close_server(f);
  }
}

static void sconn_driver(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_t *s = ev->target;
  if (ev->type == NNET_EV_DATA && f->sr.closes == 0 &&
      nnet_socket_bytes_written(s) == 0)
    nnet_socket_write(s, "hello", 5, write_cb, f);
  else if (ev->type == NNET_EV_CLOSE)
    maybe_close_server(f);
}

static void watch_socket(fx_t *f, nnet_socket_t *s, nnet_listener_fn driver) {
  nnet_socket_retain(s);
  for (int t = 0; t < NNET_EV_COUNT_; t++) {
    nnet_socket_on(s, (nnet_event_type_t)t, sock_fn, f);
    nnet_socket_on(s, (nnet_event_type_t)t, driver, f);
  }
}

/* The client: a custom lookup (so 'lookup' fires), a write queued while
 * connecting above a tiny highWaterMark (so 'drain' fires), an idle
 * timeout that ends it (MAIN). */
static void start_client(fx_t *f, const char *const *answers, int port) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  so.high_water_mark = 4;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  watch_socket(f, f->client, client_driver);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "reentrancy.test";
  o.lookup = cu_lookup;
  o.lookup_ctx = (void *)answers;
  if (f->hp->scenario == SC_HE) {
    o.auto_select_family = 1;
    o.auto_select_family_attempt_timeout = 10;
    o.happy_eyeballs_mode = NNET_HE_SEQUENTIAL;
  }
  if (f->hp->scenario == SC_MAIN) o.timeout = 20;
  ck_assert_int_eq(nnet_socket_connect(f->client, &o, NULL, NULL), 0);
  if (f->hp->scenario == SC_MAIN || f->hp->scenario == SC_REFUSED) {
    int rc = nnet_socket_write(f->client, "pingpong", 8, write_cb, f);
    /* The lookup answers inside connect(), as in Node: an action run from
     * 'lookup' or 'connectionAttempt' has destroyed or ended the client
     * already, and the write fails as Node's does (callback included). */
    if (f->hook_count > 0 && rc != 0)
      ck_assert(rc == NNET_ERR_STREAM_DESTROYED ||
                rc == NNET_ERR_STREAM_WRITE_AFTER_END);
    else
      ck_assert_int_eq(rc, 0);
  }
}

/* ---- the server ---- */

static void close_cb(nnet_server_t *srv, int status, void *ctx) {
  (void)srv;
  (void)status;
  fx_t *f = ctx;
  f->close_cbs++;
  hook(f, SIDE_SERVER, H_CLOSE_CB, server_target(f));
}

static void getconn_cb(nnet_server_t *srv, int err, size_t count, void *ctx) {
  (void)srv;
  (void)err;
  (void)count;
  fx_t *f = ctx;
  f->getconn_cbs++;
  hook(f, SIDE_SERVER, H_GETCONN_CB, server_target(f));
}

static const char *const answer_local[] = {"127.0.0.1", NULL};

static void srv_fn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  switch (ev->type) {
    case NNET_EV_LISTENING: {
      nnet_socketaddress_t sa;
      ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
      start_client(f, answer_local, sa.port);
      break;
    }
    case NNET_EV_CONNECTION:
      ck_assert_ptr_null(f->sconn);
      f->sconn = ev->u.connection.socket;
      watch_socket(f, f->sconn, sconn_driver);
      ck_assert_int_eq(nnet_server_get_connections(f->srv, getconn_cb, f), 0);
      break;
    case NNET_EV_ERROR:
      f->srv_errors++;
      break;
    case NNET_EV_CLOSE:
      f->srv_closes++;
      break;
    default:
      break;
  }
  nnet_socket_t *target = server_target(f);
  hook(f, SIDE_SERVER, ev->type, target);
  /* After the hook: a server that failed to listen is closed here. */
  if (ev->type == NNET_EV_ERROR && f->srv_close_calls == 0) server_close(f);
  if (ev->type == NNET_EV_DROP) maybe_close_server(f);
}

static void start_server(fx_t *f, int port, int max_connections) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &f->srv), 0);
  nnet_server_retain(f->srv);
  nnet_server_set_max_connections(f->srv, max_connections);
  static const nnet_event_type_t types[] = {NNET_EV_LISTENING,
                                            NNET_EV_CONNECTION, NNET_EV_DROP,
                                            NNET_EV_ERROR, NNET_EV_CLOSE};
  for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
    nnet_server_on(f->srv, types[i], srv_fn, f);
  ck_assert_int_eq(nnet_server_listen_tcp(f->srv, port, "127.0.0.1"), 0);
}

/* ---- scenarios ---- */

static void start_scenario(fx_t *f) {
  static const char *const answer_he[] = {"127.0.0.2", "127.0.0.3", NULL};
  switch (f->hp->scenario) {
    case SC_MAIN:
      start_server(f, 0, -1);
      break;
    case SC_DROP:
      start_server(f, 0, 0);
      break;
    case SC_REFUSED:
      /* A bound but not listening socket: connects are refused. */
      f->port = cu_listen(&f->aux, "127.0.0.1", 0, 0);
      cu_close(&f->aux);
      start_client(f, answer_local, f->port);
      break;
    case SC_HE:
      /* 127.0.0.2 never answers (full accept queue), 127.0.0.3 refuses. */
      f->port = cu_listen(&f->aux, "127.0.0.2", 0, 1);
      f->has_aux = true;
      start_client(f, answer_he, f->port);
      break;
    case SC_SRV_ERROR:
      f->port = cu_listen(&f->aux, "127.0.0.1", 0, 0);
      f->has_aux = true;
      start_server(f, f->port, -1);
      break;
  }
}

static void check_socket(fx_t *f, nnet_socket_t *s, const sock_rec_t *r,
                         bool exact_errors) {
  if (s == NULL) return;
  ck_assert_int_eq(r->closes, 1);
  ck_assert_int_le(r->errors, 1);
  ck_assert(r->had_error == (r->errors == 1));
  if (r->user_err) {
    ck_assert_int_eq(r->errors, 1);
    ck_assert_int_eq(r->err_code, USER_ERR);
  } else if (exact_errors && f->action == A_NONE) {
    bool natural = f->hp->scenario == SC_REFUSED || f->hp->scenario == SC_HE;
    ck_assert_int_eq(r->errors, natural ? 1 : 0);
  }
}

START_TEST(reentrant_action) {
  fx_t *f = &fx;
  memset(f, 0, sizeof(*f));
  f->hp = &points[_i / A_COUNT_];
  f->action = _i % A_COUNT_;
  nnet_test_uncaught_count = 0;
  nnet_test_install_uncaught_handler();
  ck_assert_int_eq(uv_loop_init(&f->loop), 0);
  start_scenario(f);
  nnet_test_run(&f->loop, 10000);

  bool destroyed_at_once =
      (f->action == A_DESTROY || f->action == A_DESTROY_ERR) &&
      f->hp->side != SIDE_SERVER;
  if (f->action == A_NONE)
    ck_assert_int_eq(f->hook_count, f->hp->n);
  else if (destroyed_at_once)
    ck_assert_int_eq(f->hook_count, 1);
  else
    ck_assert_int_ge(f->hook_count, 1);
  check_socket(f, f->client, &f->cr, true);
  /* The accepted side may see ECONNRESET when the client dies early. */
  check_socket(f, f->sconn, &f->sr, false);
  if (f->srv) {
    ck_assert_int_ge(f->srv_close_calls, 1);
    ck_assert_int_eq(f->srv_closes, f->srv_close_calls);
    ck_assert_int_eq(f->close_cbs, f->srv_close_calls);
    ck_assert_int_eq(f->srv_errors, f->hp->scenario == SC_SRV_ERROR);
    ck_assert_int_eq(f->getconn_cbs, f->sconn ? 1 : 0);
  }
  ck_assert_int_eq(nnet_test_uncaught_count, 0);

  if (f->client) nnet_socket_release(f->client);
  if (f->sconn) nnet_socket_release(f->sconn);
  if (f->srv) nnet_server_release(f->srv);
  if (f->has_aux) cu_close(&f->aux);
  uv_run(&f->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&f->loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("reentrancy");
  TCase *tc = tcase_create("destroy_end_close_in_every_callback");
  tcase_add_loop_test(tc, reentrant_action, 0, N_POINTS * A_COUNT_);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
