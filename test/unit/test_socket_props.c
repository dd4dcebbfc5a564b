/* Read-only socket properties against Node v20 (values printed by node on
 * the same steps): pending/connecting/readyState over a socket's life,
 * readyState through a half-close, bytesRead/bytesWritten (queued bytes
 * count as written, and stay counted after destroy), addresses absent
 * before connect and after destroy (but a remoteAddress read while
 * connected, which Node caches). */
#include <stdlib.h>

#include "test_socket_pair.h"

static void check_no_addresses(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  /* Node: address() is {} and remoteAddress undefined */
  ck_assert_int_lt(nnet_socket_address(s, &sa), 0);
  ck_assert_int_lt(nnet_socket_remote_address(s, &sa), 0);
}

/* Node after destroy: address() {}, but the remoteAddress read while
 * connected is cached (_peername) and still there. */
static void check_cached_remote(const nnet_socket_t *s, int port) {
  nnet_socketaddress_t sa;
  ck_assert_int_lt(nnet_socket_address(s, &sa), 0);
  ck_assert_int_eq(nnet_socket_remote_address(s, &sa), 0);
  ck_assert_str_eq(sa.address, "127.0.0.1");
  ck_assert_int_eq(sa.port, port);
}

/* Node: new net.Socket(): pending true, connecting false, readyState
 * "open", readable and writable true, address() {}; after destroy
 * readyState "closed", still pending. */
START_TEST(new_socket) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  trace_t t;
  trace_socket(s, &t);
  nnet_socket_retain(s);
  ck_assert(nnet_socket_is_pending(s));
  ck_assert(!nnet_socket_is_connecting(s));
  ck_assert_str_eq(nnet_socket_ready_state(s), "open");
  ck_assert(nnet_socket_is_readable(s));
  ck_assert(nnet_socket_is_writable(s));
  ck_assert(!nnet_socket_is_destroyed(s));
  ck_assert_uint_eq(nnet_socket_bytes_read(s), 0);
  ck_assert_uint_eq(nnet_socket_bytes_written(s), 0);
  check_no_addresses(s);
  nnet_socket_destroy(s, 0);
  ck_assert_str_eq(nnet_socket_ready_state(s), "closed");
  nnet_test_run(&loop, 5000);
  /* Node: new net.Socket().destroy(): 'close' with no hadError. */
  ck_assert_str_eq(t.trace, "close:undefined/closed");
  ck_assert(nnet_socket_is_pending(s));
  ck_assert(nnet_socket_is_destroyed(s));
  check_no_addresses(s);
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT); /* the library's per-loop handle closes */
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* A write while connecting is queued and counted at once; at 'connect'
 * it is still queued (Node: a 'connect' listener added before the write
 * runs first). A 4 MiB write to a peer that does not read (pauseOnConnect)
 * stays partly queued: write() returns false (0) and bytesWritten counts
 * all of it, before and after destroy. */
typedef struct {
  uv_timer_t timer;
  int connects, timers;
  uint64_t big;
  char *buf;
} queue_t;

static void client_connecting(pair_t *p, nnet_socket_t *c) {
  ck_assert(nnet_socket_is_pending(c));
  ck_assert(nnet_socket_is_connecting(c));
  ck_assert_str_eq(nnet_socket_ready_state(c), "opening");
  check_no_addresses(c);
  ck_assert_int_eq(nnet_socket_write(c, "hello", 5, NULL, NULL), 1);
  ck_assert_uint_eq(nnet_socket_bytes_written(c), 5);
  ck_assert_uint_eq(nnet_socket_writable_length(c), 5);
}

static void destroy_both(uv_timer_t *t) {
  pair_t *p = t->data;
  queue_t *q = p->user;
  q->timers++;
  nnet_socket_t *c = p->client;
  ck_assert_uint_eq(nnet_socket_bytes_written(c), 5 + q->big);
  ck_assert_uint_gt(nnet_socket_writable_length(c), 0);
  nnet_socket_destroy(c, 0);
  nnet_socket_destroy(p->sconn, 0);
  ck_assert(nnet_socket_is_pending(c));
  ck_assert_str_eq(nnet_socket_ready_state(c), "closed");
  check_cached_remote(c, p->port);
  uv_close((uv_handle_t *)t, NULL);
}

static void client_connected(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  queue_t *q = p->user;
  nnet_socket_t *c = ev->target;
  q->connects++;
  ck_assert(!nnet_socket_is_pending(c));
  ck_assert(!nnet_socket_is_connecting(c));
  ck_assert_str_eq(nnet_socket_ready_state(c), "open");
  ck_assert_uint_eq(nnet_socket_bytes_written(c), 5);
  ck_assert_uint_eq(nnet_socket_writable_length(c), 5);
  nnet_socketaddress_t local, remote;
  ck_assert_int_eq(nnet_socket_address(c, &local), 0);
  ck_assert_int_eq(nnet_socket_remote_address(c, &remote), 0);
  ck_assert_str_eq(local.address, "127.0.0.1");
  ck_assert_str_eq(remote.address, "127.0.0.1");
  ck_assert_int_eq(remote.port, p->port);
  ck_assert_int_eq(local.family, NNET_IPV4);
  ck_assert_int_gt(local.port, 0);
  ck_assert_int_eq(nnet_socket_write(c, q->buf, q->big, NULL, NULL), 0);
  ck_assert_uint_eq(nnet_socket_bytes_written(c), 5 + q->big);
  ck_assert_uint_gt(nnet_socket_writable_length(c), 0);
  ck_assert_int_eq(uv_timer_init(&p->loop, &q->timer), 0);
  q->timer.data = p;
  ck_assert_int_eq(uv_timer_start(&q->timer, destroy_both, 50, 0), 0);
}

static void client_hook_connect(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_CONNECT, client_connected, p);
}

START_TEST(bytes_written_counts_queued) {
  queue_t q;
  memset(&q, 0, sizeof(q));
  /* More than the kernel can take off our hands while the peer does not
   * read: the send buffer autotunes up to tcp_wmem's max (4 MiB here), so
   * with 4 MiB the whole write could leave the queue before the timer. */
  q.big = 16u << 20;
  q.buf = calloc(1, q.big);
  pair_t p;
  pair_init(&p);
  p.sopts.pause_on_connect = true;
  p.user = &q;
  p.on_client = client_hook_connect;
  p.on_connecting = client_connecting;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(q.connects, 1);
  ck_assert_int_eq(q.timers, 1);
  ck_assert_uint_eq(nnet_socket_bytes_written(p.client), 5 + q.big);
  ck_assert_uint_eq(nnet_socket_writable_length(p.client), 0);
  ck_assert_uint_eq(nnet_socket_bytes_read(p.sconn), 0);
  ck_assert(nnet_socket_is_pending(p.client));
  ck_assert_str_eq(nnet_socket_ready_state(p.client), "closed");
  check_cached_remote(p.client, p.port);
  check_no_addresses(p.sconn); /* never read while connected */
  free(q.buf);
  pair_finish(&p);
}
END_TEST

/* bytesRead on both sides; readyState through the client's half-close:
 * "readOnly" as soon as end() is called (Node: writable false), "closed"
 * once the peer's FIN was read. */
enum { NBYTES = 1000 };

static void sconn_send(pair_t *p, nnet_socket_t *s) {
  static char buf[NBYTES];
  memset(buf, 'z', sizeof(buf));
  ck_assert_int_eq(nnet_socket_write(s, buf, sizeof(buf), NULL, NULL), 1);
}

static void client_end_on_ready(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c = ev->target;
  ck_assert_int_eq(nnet_socket_end(c, "ping", 4, NULL, NULL), 0);
  ck_assert_str_eq(nnet_socket_ready_state(c), "readOnly");
  ck_assert(!nnet_socket_is_writable(c));
  ck_assert(nnet_socket_writable_ended(c));
  ck_assert(nnet_socket_is_readable(c));
}

static void client_hook_ready(pair_t *p, nnet_socket_t *c) {
  nnet_socket_on(c, NNET_EV_READY, client_end_on_ready, p);
}

START_TEST(bytes_read_and_half_close) {
  pair_t p;
  pair_init(&p);
  p.on_client = client_hook_ready;
  p.on_sconn = sconn_send;
  pair_start(&p);
  pair_run(&p);
  /* 'data' may come before or after 'finish'; both in readOnly */
  ck_assert_int_eq(p.ct.counts[NNET_EV_FINISH], 1);
  ck_assert(strstr(p.ct.trace, "finish/readOnly") != NULL);
  ck_assert(strstr(p.ct.trace, "end/closed,close:false/closed") != NULL);
  ck_assert(strstr(p.st.trace, "end/writeOnly,finish/closed") != NULL);
  ck_assert_uint_eq(nnet_socket_bytes_read(p.client), NBYTES);
  ck_assert_uint_eq(nnet_socket_bytes_written(p.client), 4);
  ck_assert_uint_eq(nnet_socket_bytes_read(p.sconn), 4);
  ck_assert_uint_eq(nnet_socket_bytes_written(p.sconn), NBYTES);
  ck_assert_str_eq(nnet_socket_ready_state(p.client), "closed");
  ck_assert_str_eq(nnet_socket_ready_state(p.sconn), "closed");
  ck_assert(!nnet_socket_is_readable(p.client));
  ck_assert(!nnet_socket_is_writable(p.client));
  pair_finish(&p);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_props");
  TCase *tc = tcase_create("props");
  tcase_add_test(tc, new_socket);
  tcase_add_test(tc, bytes_written_counts_queued);
  tcase_add_test(tc, bytes_read_and_half_close);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
