/* The server's idle_timeout (beyond Node): silent peers are destroyed once
 * the timeout passes ('close' without 'error'), within the timeout and a
 * margin; a peer that keeps sending is not; a socket with a 'timeout'
 * listener only gets the event (the listener decides); a socket whose
 * 'connection' listener called setTimeout(0) is left alone. Clients are
 * raw libuv; their source address says their role (127.0.0.N). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define IDLE   200 /* ms */
#define MARGIN 800 /* ms: generous for loaded CI machines */
#define SILENT 3
#define SENDS  14 /* the active client: one byte every 50 ms, 700 ms */

enum { R_SILENT = 1, R_ACTIVE = 2, R_LISTENER = 3, R_OPTOUT = 4, R_N };

typedef struct {
  uv_tcp_t tcp;
  uv_connect_t req;
  uv_write_t wreq;
  struct ctx_s *c;
  int role;
  int eof, closed;
} client_t;

typedef struct {
  struct ctx_s *c;
  nnet_socket_t *s;
  int role;
  uint64_t t_conn, t_close;
  int ends, errors, closes, timeouts;
  bool had_error;
} conn_t;

typedef struct ctx_s {
  uv_loop_t loop;
  nnet_server_t *srv;
  int port;
  client_t cl[SILENT + 3];
  int n_cl;
  conn_t conns[SILENT + 3];
  int n_conns;
  uv_timer_t tick;
  int sends;
  client_t *active;
  int active_closed_by_us;
  int listener_open_at_end, optout_open_at_end;
  int srv_closes;
} ctx_t;

static void closed_cb(uv_handle_t *h) {
  ((client_t *)h->data)->closed++;
}

static void alloc_cb(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  static char b[64];
  *buf = uv_buf_init(b, sizeof b);
}

static void read_cb(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  client_t *cl = s->data;
  if (n < 0 && !cl->eof) {
    cl->eof = 1; /* the server closed it */
    uv_close((uv_handle_t *)s, closed_cb);
  }
}

static void connect_cb(uv_connect_t *req, int status) {
  client_t *cl = req->data;
  ck_assert_int_eq(status, 0);
  uv_read_start((uv_stream_t *)&cl->tcp, alloc_cb, read_cb);
}

static void connect_as(ctx_t *c, int role) {
  client_t *cl = &c->cl[c->n_cl++];
  char src[32];
  struct sockaddr_in sa, da;
  cl->c = c;
  cl->role = role;
  uv_tcp_init(&c->loop, &cl->tcp);
  cl->tcp.data = cl;
  cl->req.data = cl;
  snprintf(src, sizeof src, "127.0.0.%d", role);
  uv_ip4_addr(src, 0, &sa);
  uv_ip4_addr("127.0.0.1", c->port, &da);
  ck_assert_int_eq(uv_tcp_bind(&cl->tcp, (struct sockaddr *)&sa, 0), 0);
  ck_assert_int_eq(
      uv_tcp_connect(&cl->req, &cl->tcp, (struct sockaddr *)&da, connect_cb),
      0);
  if (role == R_ACTIVE) c->active = cl;
}

/* The active client: a byte every 50 ms, then it hangs up. */
static void on_tick(uv_timer_t *t) {
  ctx_t *c = t->data;
  client_t *cl = c->active;
  if (c->sends++ == SENDS) {
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, NULL);
    c->active_closed_by_us = 1;
    if (!cl->eof) uv_close((uv_handle_t *)&cl->tcp, closed_cb);
    return;
  }
  if (cl->eof) return;
  uv_buf_t b = uv_buf_init("x", 1);
  ck_assert_int_eq(uv_try_write((uv_stream_t *)&cl->tcp, &b, 1), 1);
}

static void maybe_finish(ctx_t *c);

static void on_sock_event(const nnet_event_t *ev, void *arg) {
  conn_t *k = arg;
  ctx_t *c = k->c;
  switch (ev->type) {
    case NNET_EV_END:
      k->ends++;
      break;
    case NNET_EV_ERROR:
      k->errors++;
      break;
    case NNET_EV_TIMEOUT:
      k->timeouts++;
      break;
    case NNET_EV_CLOSE:
      k->closes++;
      k->had_error = ev->u.close.had_error;
      k->t_close = uv_now(&c->loop);
      maybe_finish(c);
      break;
    default:
      break;
  }
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socket_t *s = ev->u.connection.socket;
  conn_t *k = &c->conns[c->n_conns++];
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_socket_remote_address(s, &sa), 0);
  k->c = c;
  k->s = s;
  k->role = atoi(strrchr(sa.address, '.') + 1);
  k->t_conn = uv_now(&c->loop);
  /* the server's timeout is in place before 'connection' */
  ck_assert_uint_eq(nnet_socket_timeout(s), IDLE);
  nnet_socket_on(s, NNET_EV_END, on_sock_event, k);
  nnet_socket_on(s, NNET_EV_ERROR, on_sock_event, k);
  nnet_socket_on(s, NNET_EV_CLOSE, on_sock_event, k);
  nnet_socket_resume(s); /* read (and so see the active client's bytes) */
  if (k->role == R_LISTENER)
    nnet_socket_on(s, NNET_EV_TIMEOUT, on_sock_event, k);
  if (k->role == R_OPTOUT) {
    ck_assert_int_eq(nnet_socket_set_timeout(s, 0, NULL, NULL), 0);
    ck_assert_uint_eq(nnet_socket_timeout(s), 0);
  }
}

static void on_srv_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->srv_closes++;
}

/* Once the silent ones are evicted and the active one has hung up (and its
 * server side closed), the two that were kept open still are: close all. */
static void maybe_finish(ctx_t *c) {
  int closed[R_N] = {0};
  for (int i = 0; i < c->n_conns; i++)
    closed[c->conns[i].role] += c->conns[i].closes;
  if (closed[R_SILENT] < SILENT || closed[R_ACTIVE] < 1) return;
  if (c->listener_open_at_end || c->optout_open_at_end) return;
  for (int i = 0; i < c->n_conns; i++) {
    conn_t *k = &c->conns[i];
    if (k->role == R_LISTENER && !nnet_socket_is_destroyed(k->s)) {
      c->listener_open_at_end = 1;
      nnet_socket_destroy(k->s, 0);
    }
    if (k->role == R_OPTOUT && !nnet_socket_is_destroyed(k->s)) {
      c->optout_open_at_end = 1;
      nnet_socket_destroy(k->s, 0);
    }
  }
  nnet_server_close(c->srv, NULL, NULL);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  for (int i = 0; i < SILENT; i++) connect_as(c, R_SILENT);
  connect_as(c, R_ACTIVE);
  connect_as(c, R_LISTENER);
  connect_as(c, R_OPTOUT);
  uv_timer_init(&c->loop, &c->tick);
  c->tick.data = c;
  uv_timer_start(&c->tick, on_tick, 50, 50);
}

START_TEST(idle_peers_evicted) {
  ctx_t *c = calloc(1, sizeof *c);
  ck_assert_int_eq(uv_loop_init(&c->loop), 0);
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  ck_assert_uint_eq(o.idle_timeout, 0); /* off by default */
  o.loop = &c->loop;
  o.idle_timeout = IDLE;
  ck_assert_int_eq(nnet_create_server(&o, on_connection, c, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_srv_close, c);
  ck_assert_int_eq(nnet_server_listen_tcp(c->srv, 0, "127.0.0.1"), 0);
  nnet_server_once(c->srv, NNET_EV_LISTENING, on_listening, c);
  nnet_test_run(&c->loop, 10000);

  ck_assert_int_eq(c->n_conns, SILENT + 3);
  ck_assert_int_eq(c->srv_closes, 1);
  for (int i = 0; i < c->n_conns; i++) {
    conn_t *k = &c->conns[i];
    ck_assert_int_eq(k->closes, 1);
    ck_assert_int_eq(k->errors, 0);
    ck_assert(!k->had_error);
    uint64_t lived = k->t_close - k->t_conn;
    switch (k->role) {
      case R_SILENT: /* evicted by the server, not by the peer */
        ck_assert_int_eq(k->ends, 0);
        ck_assert_uint_ge(lived, IDLE - 5);
        ck_assert_uint_le(lived, IDLE + MARGIN);
        break;
      case R_ACTIVE: /* lived until it hung up, 700 ms > IDLE */
        ck_assert_int_eq(k->ends, 1);
        ck_assert_uint_ge(lived, SENDS * 50 - 60);
        break;
      case R_LISTENER: /* 'timeout' once (no activity re-arms it), kept */
        ck_assert_int_eq(k->timeouts, 1);
        break;
      default:
        ck_assert_int_eq(k->role, R_OPTOUT);
        break;
    }
  }
  ck_assert_int_eq(c->listener_open_at_end, 1);
  ck_assert_int_eq(c->optout_open_at_end, 1);
  ck_assert_int_eq(c->active_closed_by_us, 1);
  for (int i = 0; i < c->n_cl; i++)
    if (!uv_is_closing((uv_handle_t *)&c->cl[i].tcp))
      uv_close((uv_handle_t *)&c->cl[i].tcp, closed_cb);
  uv_run(&c->loop, UV_RUN_DEFAULT);
  for (int i = 0; i < c->n_cl; i++) ck_assert_int_eq(c->cl[i].closed, 1);
  ck_assert_int_eq(nnet_test_loop_close(&c->loop), 0);
  free(c);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_idle_timeout");
  TCase *tc = tcase_create("idle");
  tcase_add_test(tc, idle_peers_evicted);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
