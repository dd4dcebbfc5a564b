/* Node's event order around connect and destroy(err), checked against
 * Node v20 (/usr/bin/node):
 * - writes queued while connecting go to the kernel after the 'connect'
 *   listeners and before 'ready' (writableLength 6 at 'connect', 0 at
 *   'ready', the write callback already run);
 * - destroy(err) with a connection attempt in flight: 'error', then
 *   'connectionAttemptFailed' (ECANCELED), then 'close';
 * - an accepted socket destroyed with an error after server.close():
 *   its 'error', the server's 'close', its 'close'. */
#include "test_connect_util.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *srv;
  nnet_socket_t *client, *sconn;
  char trace[512];
  size_t wlen_connect, wlen_ready;
  uint64_t written_connect, written_ready;
  int connects, readies, wcbs, closes, wcbs_at_ready;
  uv_timer_t timer;
} fx_t;

static void add(fx_t *f, const char *item) {
  if (f->trace[0]) strcat(f->trace, ",");
  strcat(f->trace, item);
}

/* ---- queued writes before 'ready' ---- */

static void on_connect(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  f->connects++;
  f->wlen_connect = nnet_socket_writable_length(ev->target);
  f->written_connect = nnet_socket_bytes_written(ev->target);
}

static void on_ready(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  f->readies++;
  f->wlen_ready = nnet_socket_writable_length(ev->target);
  f->written_ready = nnet_socket_bytes_written(ev->target);
  f->wcbs_at_ready = f->wcbs;
}

static void on_write(nnet_socket_t *s, int status, void *ctx) {
  fx_t *f = ctx;
  ck_assert_int_eq(status, 0);
  f->wcbs++;
  nnet_socket_end(s, NULL, 0, NULL, NULL);
}

static void count_close(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  ((fx_t *)ctx)->closes++;
}

static void echo_conn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, count_close, f);
  /* Node: nothing consumes the data otherwise, so 'end' never comes. */
  nnet_socket_resume(ev->u.connection.socket);
  nnet_server_close(f->srv, NULL, NULL);
}

static void start_client(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = sa.port;
  o.host = "127.0.0.1";
  /* Registered before the write, as Node's connectListener would be. */
  ck_assert_int_eq(nnet_socket_connect(f->client, &o, on_connect, f), 0);
  nnet_socket_on(f->client, NNET_EV_READY, on_ready, f);
  nnet_socket_on(f->client, NNET_EV_CLOSE, count_close, f);
  ck_assert_int_eq(nnet_socket_write(f->client, "abcdef", 6, on_write, f), 1);
  ck_assert_uint_eq(nnet_socket_writable_length(f->client), 6);
}

START_TEST(queued_writes_flushed_before_ready) {
  fx_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f.loop;
  ck_assert_int_eq(nnet_create_server(&so, echo_conn, &f, &f.srv), 0);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(f.srv, &lo, start_client, &f), 0);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.connects, 1);
  ck_assert_int_eq(f.readies, 1);
  ck_assert_uint_eq(f.wlen_connect, 6);
  ck_assert_uint_eq(f.written_connect, 6);
  ck_assert_uint_eq(f.wlen_ready, 0);
  ck_assert_uint_eq(f.written_ready, 6);
  ck_assert_int_eq(f.wcbs, 1);
  ck_assert_int_eq(f.wcbs_at_ready, 1); /* Node: the callback runs first */
  ck_assert_int_eq(f.closes, 2);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

/* ---- destroy(err) while an attempt is in flight ---- */

static void destroy_later(uv_timer_t *t) {
  fx_t *f = t->data;
  nnet_socket_destroy(f->client, NNET_ERR_SOCKET_CLOSED);
  uv_close((uv_handle_t *)t, NULL);
}

static void attempt_destroy_err(int mode) {
  cu_listener_t hole;
  int port = cu_listen(&hole, "127.0.0.2", 0, 1);
  static const char *const ans[] = {"127.0.0.2", "127.0.0.3", NULL};
  fx_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f.loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f.client), 0);
  cu_rec_t r;
  cu_rec(f.client, &r);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = "order.test";
  o.lookup = cu_lookup;
  o.lookup_ctx = (void *)ans;
  o.auto_select_family = 1;
  o.auto_select_family_attempt_timeout = 60000; /* one attempt only */
  o.happy_eyeballs_mode = mode;
  ck_assert_int_eq(nnet_socket_connect(f.client, &o, NULL, NULL), 0);
  uv_timer_init(&f.loop, &f.timer);
  f.timer.data = &f;
  uv_timer_start(&f.timer, destroy_later, 50, 0);
  nnet_test_run(&f.loop, 5000);
  ck_assert_str_eq(r.trace,
                   "lookup:127.0.0.2,lookup:127.0.0.3,"
                   "connectionAttempt:127.0.0.2,error,"
                   "connectionAttemptFailed:127.0.0.2,close");
  ck_assert_str_eq(r.err_code_name, "ERR_SOCKET_CLOSED");
  ck_assert_int_eq(r.errors, 1);
  ck_assert_int_eq(r.closes, 1);
  cu_close(&hole);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}

START_TEST(destroy_error_during_attempt_sequential) {
  attempt_destroy_err(NNET_HE_SEQUENTIAL);
}
END_TEST

START_TEST(destroy_error_during_attempt_race) {
  attempt_destroy_err(NNET_HE_RACE);
}
END_TEST

/* ---- accepted socket: its 'error' before the server's 'close' ---- */

static void trace_fn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  char item[64];
  snprintf(item, sizeof item, "%s %s", ev->target == f->srv ? "srv" : "sconn",
           nnet_event_name(ev->type));
  add(f, item);
}

static void sconn_destroy_later(uv_timer_t *t) {
  fx_t *f = t->data;
  nnet_socket_destroy(f->sconn, NNET_ERR_SOCKET_CLOSED);
  uv_close((uv_handle_t *)t, NULL);
}

static void conn_then_close(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  f->sconn = ev->u.connection.socket;
  nnet_socket_on(f->sconn, NNET_EV_ERROR, trace_fn, f);
  nnet_socket_on(f->sconn, NNET_EV_CLOSE, trace_fn, f);
  nnet_server_close(f->srv, NULL, NULL);
  uv_timer_init(&f->loop, &f->timer);
  f->timer.data = f;
  uv_timer_start(&f->timer, sconn_destroy_later, 10, 0);
}

static void client_ignore_error(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  (void)ctx;
}

static void connect_client(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(f->srv, &sa), 0);
  ck_assert_int_eq(
      nnet_create_connection_tcp(&f->loop, sa.port, "127.0.0.1", &f->client),
      0);
  nnet_socket_on(f->client, NNET_EV_ERROR, client_ignore_error, f);
}

START_TEST(accepted_error_before_server_close) {
  fx_t f;
  memset(&f, 0, sizeof f);
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f.loop;
  ck_assert_int_eq(nnet_create_server(&so, conn_then_close, &f, &f.srv), 0);
  nnet_server_on(f.srv, NNET_EV_CLOSE, trace_fn, &f);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(f.srv, &lo, connect_client, &f), 0);
  nnet_test_run(&f.loop, 10000);
  ck_assert_str_eq(f.trace, "sconn error,srv close,sconn close");
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("connect_order");
  TCase *tc = tcase_create("order");
  tcase_add_test(tc, queued_writes_flushed_before_ready);
  tcase_add_test(tc, destroy_error_during_attempt_sequential);
  tcase_add_test(tc, destroy_error_during_attempt_race);
  tcase_add_test(tc, accepted_error_before_server_close);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
