/* new net.Socket({fd, readable, writable}): wrapping an already connected
 * Unix or TCP socket. As in Node v20: no 'connect'/'ready', pending false,
 * readyState "open" at once; both sides default to open; a side set to
 * false starts ended (write() is a write after end, no 'end'). */
#include <sys/socket.h>
#include <unistd.h>

#include "test_socket_pair.h"

static nnet_socket_t *wrap(uv_loop_t *loop, int fd, bool r, bool w) {
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  ck_assert(o.readable && o.writable); /* Node 20's defaults */
  o.loop = loop;
  o.fd = fd;
  o.readable = r;
  o.writable = w;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  nnet_socket_retain(s);
  return s;
}

/* Reads fd until EOF into buf (blocking; the peer has closed). */
static size_t read_all(int fd, char *buf, size_t cap) {
  size_t n = 0;
  for (;;) {
    ssize_t r = read(fd, buf + n, cap - n - 1);
    if (r <= 0) break;
    n += (size_t)r;
  }
  buf[n] = 0;
  return n;
}

/* A socketpair end: the test plays the peer with plain syscalls. */
START_TEST(unix_socketpair) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  nnet_socket_t *s = wrap(&loop, sv[0], true, true);
  trace_t t;
  trace_socket(s, &t);
  ck_assert(nnet_socket_is_pipe(s));
  ck_assert(!nnet_socket_is_pending(s));
  ck_assert(!nnet_socket_is_connecting(s));
  ck_assert_str_eq(nnet_socket_ready_state(s), "open");
  ck_assert_int_eq(nnet_socket_write(s, "pong", 4, NULL, NULL), 1);
  ck_assert_int_eq(write(sv[1], "ping", 4), 4);
  ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
  nnet_test_run(&loop, 5000);
  /* allowHalfOpen false: the peer's FIN ends and then closes the socket */
  ck_assert_str_eq(t.trace,
                   "data/open,end/writeOnly,finish/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&t), "ping");
  ck_assert_uint_eq(nnet_socket_bytes_read(s), 4);
  ck_assert_uint_eq(nnet_socket_bytes_written(s), 4);
  char buf[64];
  ck_assert_uint_eq(read_all(sv[1], buf, sizeof buf), 4);
  ck_assert_str_eq(buf, "pong");
  close(sv[1]);
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* A TCP fd connected (blocking connect()) to a real nnet server. */
typedef struct {
  int fd;
  nnet_socket_t *wrapped;
  trace_t t;
} tcp_fd_t;

static void sconn_hello(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, "hello", 5, NULL, NULL), 0);
}

static void on_listening_wrap(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  tcp_fd_t *x = p->user;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(p->srv, &sa), 0);
  p->port = sa.port;
  struct sockaddr_in sin;
  uv_ip4_addr("127.0.0.1", p->port, &sin);
  x->fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(x->fd, 0);
  /* loopback: completes against the listen backlog without the loop */
  ck_assert_int_eq(connect(x->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
  x->wrapped = wrap(&p->loop, x->fd, true, true);
  trace_socket(x->wrapped, &x->t);
  ck_assert(!nnet_socket_is_pipe(x->wrapped));
  ck_assert(!nnet_socket_is_pending(x->wrapped));
  nnet_socketaddress_t remote;
  ck_assert_int_eq(nnet_socket_remote_address(x->wrapped, &remote), 0);
  ck_assert_int_eq(remote.port, p->port);
  ck_assert_str_eq(remote.address, "127.0.0.1");
  ck_assert_int_eq(nnet_socket_write(x->wrapped, "hi", 2, NULL, NULL), 1);
}

START_TEST(tcp_fd) {
  tcp_fd_t x;
  memset(&x, 0, sizeof(x));
  pair_t p;
  pair_init(&p);
  p.user = &x;
  p.on_sconn = sconn_hello;
  ck_assert_int_eq(nnet_create_server(&p.sopts, pair_on_connection, &p, &p.srv),
                   0);
  ck_assert_int_eq(nnet_server_listen_tcp(p.srv, 0, "127.0.0.1"), 0);
  nnet_server_once(p.srv, NNET_EV_LISTENING, on_listening_wrap, &p);
  pair_run(&p);
  ck_assert_str_eq(x.t.trace,
                   "data/open,end/writeOnly,finish/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&x.t), "hello");
  ck_assert_str_eq(trace_text(&p.st), "hi");
  ck_assert_int_eq(x.t.counts[NNET_EV_CONNECT], 0);
  ck_assert_int_eq(x.t.counts[NNET_EV_READY], 0);
  nnet_socket_release(x.wrapped);
  pair_finish(&p);
}
END_TEST

/* readable false, writable false: readyState "closed" from the start; a
 * write is ERR_STREAM_WRITE_AFTER_END ('error', then 'close'). Data the
 * peer sends is never read. */
START_TEST(both_sides_off) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(write(sv[1], "ignored", 7), 7);
  nnet_socket_t *s = wrap(&loop, sv[0], false, false);
  trace_t t;
  trace_socket(s, &t);
  ck_assert_str_eq(nnet_socket_ready_state(s), "closed");
  ck_assert(!nnet_socket_is_readable(s));
  ck_assert(!nnet_socket_is_writable(s));
  ck_assert(nnet_socket_writable_ended(s));
  ck_assert_int_eq(nnet_socket_write(s, "y", 1, NULL, NULL),
                   NNET_ERR_STREAM_WRITE_AFTER_END);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(t.trace,
                   "error:ERR_STREAM_WRITE_AFTER_END/closed,close:true/closed");
  ck_assert_int_eq(t.data_events, 0);
  ck_assert_uint_eq(nnet_socket_bytes_read(s), 0);
  close(sv[1]);
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Read-only wrap: the peer's data and FIN arrive; with the writable side
 * already ended the socket is destroyed after 'end' (nothing to finish). */
START_TEST(read_only) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  nnet_socket_t *s = wrap(&loop, sv[0], true, false);
  trace_t t;
  trace_socket(s, &t);
  ck_assert_str_eq(nnet_socket_ready_state(s), "readOnly");
  ck_assert_int_eq(write(sv[1], "data", 4), 4);
  ck_assert_int_eq(shutdown(sv[1], SHUT_WR), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_str_eq(t.trace, "data/readOnly,end/closed,close:false/closed");
  ck_assert_str_eq(trace_text(&t), "data");
  close(sv[1]);
  nnet_socket_release(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

/* Not an open socket: Node throws; we return NNET_ERR_INVALID_FD_TYPE
 * and create nothing. */
START_TEST(not_a_socket) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  o.fd = 12345; /* not open */
  nnet_socket_t *s = (nnet_socket_t *)&o;
  ck_assert_int_eq(nnet_socket_new(&o, &s), NNET_ERR_INVALID_FD_TYPE);
  ck_assert_ptr_null(s);
  uv_run(&loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_fd");
  TCase *tc = tcase_create("fd");
  tcase_add_test(tc, unix_socketpair);
  tcase_add_test(tc, tcp_fd);
  tcase_add_test(tc, both_sides_off);
  tcase_add_test(tc, read_only);
  tcase_add_test(tc, not_a_socket);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
