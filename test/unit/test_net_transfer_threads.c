/* nnet_socket_transfer() / nnet_server_transfer(): a connection accepted
 * on loop A (this thread) moves to loop B (another thread) and echoes
 * there; a listening server moves with its accept queue; a Unix socket
 * moves; every refusal leaves the socket working where it was. Exact
 * counts; every callback's thread is checked. Run under ThreadSanitizer by
 * scripts/test.sh (the name has "threads"). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "testutil.h"

/* ---- loop B: a thread that receives transfers until told to stop ---- */

typedef struct {
  uv_loop_t loop;
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool ready;
  int close_rc;
  /* written on B, read after join */
  int arrived, wrong_thread, b_closes, b_errors, server_conns;
  char got[64];
  size_t got_len;
  nnet_server_t *srv; /* a transferred server */
} loop_b_t;

static void *b_main(void *arg) {
  loop_b_t *b = arg;
  ck_assert_int_eq(nnet_loop_accept_transfers(&b->loop), 0);
  pthread_mutex_lock(&b->lock);
  b->ready = true;
  pthread_cond_signal(&b->cond);
  pthread_mutex_unlock(&b->lock);
  uv_run(&b->loop, UV_RUN_DEFAULT);
  b->close_rc = nnet_test_loop_close(&b->loop);
  return NULL;
}

static void b_start(loop_b_t *b) {
  memset(b, 0, sizeof(*b));
  pthread_mutex_init(&b->lock, NULL);
  pthread_cond_init(&b->cond, NULL);
  ck_assert_int_eq(uv_loop_init(&b->loop), 0);
  ck_assert_int_eq(pthread_create(&b->thread, NULL, b_main, b), 0);
  pthread_mutex_lock(&b->lock);
  while (!b->ready) pthread_cond_wait(&b->cond, &b->lock);
  pthread_mutex_unlock(&b->lock);
}

static void b_join(loop_b_t *b) {
  ck_assert_int_eq(pthread_join(b->thread, NULL), 0);
  ck_assert_int_eq(b->close_rc, 0);
  ck_assert_int_eq(b->wrong_thread, 0);
  pthread_mutex_destroy(&b->lock);
  pthread_cond_destroy(&b->cond);
}

static void b_check_thread(loop_b_t *b) {
  if (!pthread_equal(pthread_self(), b->thread)) b->wrong_thread++;
}

/* B's echo: every byte back; the peer's end ends it; 'close' stops B. */
static void b_data(const nnet_event_t *ev, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  size_t n = ev->u.data.len;
  if (b->got_len + n > sizeof(b->got)) n = sizeof(b->got) - b->got_len;
  memcpy(b->got + b->got_len, ev->u.data.base, n);
  b->got_len += n;
  nnet_socket_write(ev->target, ev->u.data.base, ev->u.data.len, NULL, NULL);
}

static void b_error(const nnet_event_t *ev, void *ctx) {
  ((loop_b_t *)ctx)->b_errors++;
}

static void b_close_stop(const nnet_event_t *ev, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  b->b_closes++;
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b->loop), 0);
}

static void b_echo(loop_b_t *b, nnet_socket_t *s, nnet_listener_fn on_close) {
  nnet_socket_on(s, NNET_EV_DATA, b_data, b);
  nnet_socket_on(s, NNET_EV_ERROR, b_error, b);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, b);
}

static void b_socket_arrived(nnet_socket_t *s, int status, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  ck_assert_int_eq(status, 0);
  ck_assert_ptr_nonnull(s);
  ck_assert_ptr_eq(nnet_socket_loop(s), &b->loop);
  b->arrived++;
  b_echo(b, s, b_close_stop);
}

/* ---- loop A: a server, a client that sends "hello" and reads it back ---- */

typedef struct {
  uv_loop_t loop;
  loop_b_t *b;
  nnet_server_t *srv;
  nnet_socket_t *client;
  char echo[64];
  size_t echo_len;
  int src_closes, src_close_has_arg, src_errors, write_rc;
  int client_closes, transfer_rc;
} loop_a_t;

static void a_src_close(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  a->src_closes++;
  if (ev->u.close.has_had_error) a->src_close_has_arg++;
}

static void a_src_error(const nnet_event_t *ev, void *ctx) {
  ((loop_a_t *)ctx)->src_errors++;
}

static void a_connection_transfer(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_CLOSE, a_src_close, a);
  nnet_socket_on(s, NNET_EV_ERROR, a_src_error, a);
  a->transfer_rc = nnet_socket_transfer(s, &a->b->loop, b_socket_arrived, a->b);
  ck_assert(nnet_socket_is_destroyed(s));
  a->write_rc = nnet_socket_write(s, "x", 1, NULL, NULL);
  nnet_server_close(a->srv, NULL, NULL);
}

static void a_client_data(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  memcpy(a->echo + a->echo_len, ev->u.data.base, ev->u.data.len);
  a->echo_len += ev->u.data.len;
  if (a->echo_len >= 5) nnet_socket_end(ev->target, NULL, 0, NULL, NULL);
}

static void a_client_close(const nnet_event_t *ev, void *ctx) {
  ((loop_a_t *)ctx)->client_closes++;
}

static void a_client_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_write(ev->target, "hello", 5, NULL, NULL);
}

static void a_connect_client(loop_a_t *a, int port) {
  ck_assert_int_eq(
      nnet_create_connection_tcp(&a->loop, port, "127.0.0.1", &a->client), 0);
  nnet_socket_on(a->client, NNET_EV_CONNECT, a_client_connect, a);
  nnet_socket_on(a->client, NNET_EV_DATA, a_client_data, a);
  nnet_socket_on(a->client, NNET_EV_CLOSE, a_client_close, a);
}

static void a_listening(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(a->srv, &sa), 0);
  a_connect_client(a, sa.port);
}

static void a_make_server(loop_a_t *a, nnet_listener_fn on_conn) {
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.loop = &a->loop;
  ck_assert_int_eq(nnet_create_server(&o, on_conn, a, &a->srv), 0);
}

START_TEST(transfer_accepted_socket_echoes_on_b) {
  loop_b_t b;
  loop_a_t a;
  memset(&a, 0, sizeof(a));
  b_start(&b);
  a.b = &b;
  uv_loop_init(&a.loop);
  a_make_server(&a, a_connection_transfer);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(a.srv, &lo, a_listening, &a), 0);
  nnet_test_run(&a.loop, 10000);
  b_join(&b);
  ck_assert_int_eq(a.transfer_rc, 0);
  ck_assert_int_eq(a.write_rc, NNET_ERR_STREAM_DESTROYED);
  ck_assert_int_eq(a.src_closes, 1);
  ck_assert_int_eq(a.src_close_has_arg, 0); /* Node: 'close' without hadError */
  ck_assert_int_eq(a.src_errors, 0);
  ck_assert_int_eq(a.client_closes, 1);
  ck_assert_uint_eq(a.echo_len, 5);
  ck_assert(memcmp(a.echo, "hello", 5) == 0);
  ck_assert_int_eq(b.arrived, 1);
  ck_assert_int_eq(b.b_closes, 1);
  ck_assert_int_eq(b.b_errors, 0);
  ck_assert_uint_eq(b.got_len, 5);
  ck_assert_int_eq(nnet_test_loop_close(&a.loop), 0);
}
END_TEST

/* ---- refusals: each leaves the socket serving on A ---- */

static void a_refusals(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  nnet_socket_t *s = ev->u.connection.socket;
  uv_loop_t nobody; /* a loop that never accepted transfers */
  nnet_socket_on(s, NNET_EV_CLOSE, a_src_close, a);
  ck_assert_int_eq(nnet_socket_transfer(s, &nobody, b_socket_arrived, a->b),
                   NNET_ERR_TRANSFER_NO_RECEIVER);
  ck_assert_int_eq(nnet_socket_transfer(s, &a->b->loop, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(
      nnet_socket_transfer(NULL, &a->b->loop, b_socket_arrived, a->b),
      NNET_ERR_INVALID_ARG_VALUE);
  ck_assert(!nnet_socket_is_destroyed(s));
  /* written to: Node refuses (the bytes went out on this loop) */
  ck_assert_int_eq(nnet_socket_write(s, "from-a:", 7, NULL, NULL), 1);
  ck_assert_int_eq(nnet_socket_transfer(s, &a->b->loop, b_socket_arrived, a->b),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  /* still ours: echo on A (an A-side echo listener) */
  nnet_socket_on(s, NNET_EV_DATA, b_data, a->b);
  nnet_server_close(a->srv, NULL, NULL);
}

START_TEST(transfer_refused_socket_stays_usable) {
  loop_b_t b;
  loop_a_t a;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  a.b = &b;
  uv_loop_init(&a.loop);
  uv_loop_init(&b.loop);     /* never run: only its receiver matters */
  b.thread = pthread_self(); /* b_data runs on A here */
  ck_assert_int_eq(nnet_loop_accept_transfers(&b.loop), 0);
  a_make_server(&a, a_refusals);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(a.srv, &lo, a_listening, &a), 0);
  nnet_test_run(&a.loop, 10000);
  /* the client got "from-a:" then its own "hello" echoed by A */
  ck_assert_uint_eq(a.echo_len, 12);
  ck_assert(memcmp(a.echo, "from-a:hello", 12) == 0);
  ck_assert_int_eq(a.src_closes, 1);
  ck_assert_int_eq(b.wrong_thread, 0);
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b.loop), 0);
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b.loop),
                   NNET_ERR_TRANSFER_NO_RECEIVER);
  uv_run(&b.loop, UV_RUN_DEFAULT); /* the receiver's close callback */
  ck_assert_int_eq(nnet_test_loop_close(&b.loop), 0);
  ck_assert_int_eq(nnet_test_loop_close(&a.loop), 0);
}
END_TEST

static void never(nnet_socket_t *s, int status, void *ctx) {
  ck_abort_msg("transfer callback of a refused transfer");
}

static void never_srv(nnet_server_t *srv, int status, void *ctx) {
  ck_abort_msg("transfer callback of a refused transfer");
}

/* Pending, connecting, destroyed, read-from, a receiver gone, a server not
 * listening: all refused, nothing moves. */
START_TEST(transfer_refused_states) {
  uv_loop_t a, b;
  uv_loop_init(&a);
  uv_loop_init(&b);
  ck_assert_int_eq(nnet_loop_accept_transfers(&b), 0);
  ck_assert_int_eq(nnet_loop_accept_transfers(&b), 0); /* counted */
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &a;
  nnet_socket_t *pending;
  ck_assert_int_eq(nnet_socket_new(&so, &pending), 0);
  ck_assert_int_eq(nnet_socket_transfer(pending, &b, never, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  nnet_socket_t *connecting;
  ck_assert_int_eq(nnet_create_connection_tcp(&a, 9, "127.0.0.1", &connecting),
                   0);
  nnet_socket_on(connecting, NNET_EV_ERROR, a_src_error, &(loop_a_t){0});
  ck_assert_int_eq(nnet_socket_transfer(connecting, &b, never, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  nnet_socket_destroy(connecting, 0);
  ck_assert_int_eq(nnet_socket_transfer(connecting, &b, never, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  nnet_socket_destroy(pending, 0);
  nnet_server_t *srv;
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.loop = &a;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &srv), 0);
  ck_assert_int_eq(nnet_server_transfer(srv, &b, never_srv, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  nnet_server_close(srv, NULL, NULL);
  /* a socketpair end that has read something */
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ck_assert_int_eq(write(sv[1], "z", 1), 1);
  so.fd = sv[0];
  nnet_socket_t *read_from;
  ck_assert_int_eq(nnet_socket_new(&so, &read_from), 0);
  ck_assert(nnet_socket_is_pipe(read_from));
  while (nnet_socket_bytes_read(read_from) == 0) uv_run(&a, UV_RUN_ONCE);
  ck_assert_int_eq(nnet_socket_transfer(read_from, &b, never, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  ck_assert(!nnet_socket_is_destroyed(read_from));
  /* the receiver gone (two accepts, two refusals) */
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b), 0);
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b), 0);
  nnet_socket_resume(read_from);
  ck_assert_int_eq(nnet_socket_transfer(read_from, &b, never, NULL),
                   NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE);
  nnet_socket_destroy(read_from, 0);
  close(sv[1]);
  nnet_test_run(&a, 10000);
  uv_run(&b, UV_RUN_DEFAULT); /* the receiver's close callback */
  ck_assert_int_eq(nnet_test_loop_close(&b), 0);
  ck_assert_int_eq(nnet_test_loop_close(&a), 0);
}
END_TEST

/* ---- a Unix socket moves, the receiver stopped, TCP refused after ---- */

static void b_pipe_arrived(nnet_socket_t *s, int status, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  ck_assert_int_eq(status, 0);
  ck_assert(nnet_socket_is_pipe(s));
  b->arrived++;
  b_echo(b, s, b_close_stop);
}

START_TEST(transfer_unix_socket) {
  loop_b_t b;
  uv_loop_t a;
  b_start(&b);
  uv_loop_init(&a);
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &a;
  so.fd = sv[0];
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  ck_assert_int_eq(nnet_socket_transfer(s, &b.loop, b_pipe_arrived, &b), 0);
  ck_assert(nnet_socket_is_destroyed(s));
  nnet_test_run(&a, 10000); /* s's 'close' */
  ck_assert_int_eq(write(sv[1], "pipe!", 5), 5);
  char buf[8];
  size_t got = 0;
  while (got < 5) {
    ssize_t n = read(sv[1], buf + got, sizeof(buf) - got);
    ck_assert_int_gt(n, 0);
    got += (size_t)n;
  }
  ck_assert(memcmp(buf, "pipe!", 5) == 0);
  shutdown(sv[1], SHUT_WR); /* B's socket ends, closes, stops B */
  b_join(&b);
  close(sv[1]);
  ck_assert_int_eq(b.arrived, 1);
  ck_assert_int_eq(b.b_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&a), 0);
}
END_TEST

/* ---- a listening server moves with its accept queue ---- */

static void b_srv_conn_close(const nnet_event_t *ev, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  b->b_closes++;
  nnet_server_close(b->srv, NULL, NULL);
  ck_assert_int_eq(nnet_loop_refuse_transfers(&b->loop), 0);
}

static void b_srv_connection(const nnet_event_t *ev, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  b->server_conns++;
  b_echo(b, ev->u.connection.socket, b_srv_conn_close);
}

static void b_server_arrived(nnet_server_t *srv, int status, void *ctx) {
  loop_b_t *b = ctx;
  b_check_thread(b);
  ck_assert_int_eq(status, 0);
  ck_assert_ptr_eq(nnet_server_loop(srv), &b->loop);
  ck_assert(nnet_server_is_listening(srv));
  b->arrived++;
  b->srv = srv;
  nnet_server_on(srv, NNET_EV_CONNECTION, b_srv_connection, b);
}

static void a_srv_closed(const nnet_event_t *ev, void *ctx) {
  ((loop_a_t *)ctx)->src_closes++;
}

static void a_listening_transfer(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(a->srv, &sa), 0);
  /* a client queued in the backlog before the move is served by B */
  a_connect_client(a, sa.port);
  a->transfer_rc =
      nnet_server_transfer(a->srv, &a->b->loop, b_server_arrived, a->b);
  ck_assert(!nnet_server_is_listening(a->srv));
}

static void a_no_connection(const nnet_event_t *ev, void *ctx) {
  ck_abort_msg("A accepted after its server moved");
}

START_TEST(transfer_listening_server) {
  loop_b_t b;
  loop_a_t a;
  memset(&a, 0, sizeof(a));
  b_start(&b);
  a.b = &b;
  uv_loop_init(&a.loop);
  a_make_server(&a, a_no_connection);
  nnet_server_on(a.srv, NNET_EV_CLOSE, a_srv_closed, &a);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(a.srv, &lo, a_listening_transfer, &a), 0);
  nnet_test_run(&a.loop, 10000);
  b_join(&b);
  ck_assert_int_eq(a.transfer_rc, 0);
  ck_assert_int_eq(a.src_closes, 1); /* A's server closed */
  ck_assert_int_eq(b.arrived, 1);
  ck_assert_int_eq(b.server_conns, 1);
  ck_assert_int_eq(b.b_closes, 1);
  ck_assert_uint_eq(a.echo_len, 5);
  ck_assert(memcmp(a.echo, "hello", 5) == 0);
  ck_assert_int_eq(nnet_test_loop_close(&a.loop), 0);
}
END_TEST

/* ---- sent, then the receiver refused: delivered inside the refusal ---- */

static void b_close_count(const nnet_event_t *ev, void *ctx) {
  ((loop_b_t *)ctx)->b_closes++;
}

static void b_arrived_keep(nnet_socket_t *s, int status, void *ctx) {
  loop_b_t *b = ctx;
  ck_assert_int_eq(status, 0);
  b->arrived++;
  b_echo(b, s, b_close_count);
}

static void a_transfer_then_refuse(const nnet_event_t *ev, void *ctx) {
  loop_a_t *a = ctx;
  a->transfer_rc = nnet_socket_transfer(ev->u.connection.socket, &a->b->loop,
                                        b_arrived_keep, a->b);
  ck_assert_int_eq(a->b->arrived, 0); /* on a later turn of B ... */
  ck_assert_int_eq(nnet_loop_refuse_transfers(&a->b->loop), 0);
  ck_assert_int_eq(a->b->arrived, 1); /* ... or inside the refusal */
  nnet_server_close(a->srv, NULL, NULL);
}

START_TEST(transfer_delivered_on_refuse) {
  loop_b_t b;
  loop_a_t a;
  memset(&a, 0, sizeof(a));
  memset(&b, 0, sizeof(b));
  a.b = &b;
  b.thread = pthread_self(); /* both loops run on this thread */
  uv_loop_init(&a.loop);
  uv_loop_init(&b.loop);
  ck_assert_int_eq(nnet_loop_accept_transfers(&b.loop), 0);
  a_make_server(&a, a_transfer_then_refuse);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(a.srv, &lo, a_listening, &a), 0);
  for (int i = 0; i < 100000 && (a.client_closes == 0 || b.b_closes == 0);
       i++) {
    uv_run(&a.loop, UV_RUN_NOWAIT);
    uv_run(&b.loop, UV_RUN_NOWAIT);
    usleep(100);
  }
  ck_assert_int_eq(a.transfer_rc, 0);
  ck_assert_int_eq(a.client_closes, 1);
  ck_assert_int_eq(b.b_closes, 1);
  ck_assert_uint_eq(a.echo_len, 5);
  nnet_test_run(&b.loop, 10000);
  nnet_test_run(&a.loop, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&b.loop), 0);
  ck_assert_int_eq(nnet_test_loop_close(&a.loop), 0);
}
END_TEST

/* ---- a Unix-path server moves with its socket file ---- */

typedef struct {
  uv_loop_t a, b;
  nnet_server_t *src, *moved;
  char path[256];
  int src_closes, moved_closes, conns, client_closes, transfer_rc;
  bool file_after_src_close;
} path_move_t;

static void pm_src_closed(const nnet_event_t *ev, void *ctx) {
  path_move_t *p = ctx;
  p->src_closes++;
  p->file_after_src_close = access(p->path, F_OK) == 0;
}

static void pm_moved_closed(const nnet_event_t *ev, void *ctx) {
  ((path_move_t *)ctx)->moved_closes++;
}

static void pm_conn(const nnet_event_t *ev, void *ctx) {
  path_move_t *p = ctx;
  p->conns++;
  nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL);
  nnet_server_close(p->moved, NULL, NULL);
}

static void pm_arrived(nnet_server_t *srv, int status, void *ctx) {
  path_move_t *p = ctx;
  ck_assert_int_eq(status, 0);
  char name[256];
  ck_assert_int_eq(nnet_server_address_path(srv, name, sizeof(name)),
                   (int)strlen(p->path));
  ck_assert_str_eq(name, p->path);
  p->moved = srv;
  nnet_server_on(srv, NNET_EV_CONNECTION, pm_conn, p);
  nnet_server_on(srv, NNET_EV_CLOSE, pm_moved_closed, p);
}

static void pm_client_close(const nnet_event_t *ev, void *ctx) {
  ((path_move_t *)ctx)->client_closes++;
}

static void pm_ignore(const nnet_event_t *ev, void *ctx) {}

START_TEST(transfer_unix_server_moves_its_file) {
  path_move_t p;
  memset(&p, 0, sizeof(p));
  snprintf(p.path, sizeof(p.path), "%s/moved.sock", nnet_test_tmpdir());
  uv_loop_init(&p.a);
  uv_loop_init(&p.b);
  ck_assert_int_eq(nnet_loop_accept_transfers(&p.b), 0);
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.loop = &p.a;
  ck_assert_int_eq(nnet_create_server(&o, NULL, NULL, &p.src), 0);
  nnet_server_on(p.src, NNET_EV_CLOSE, pm_src_closed, &p);
  ck_assert_int_eq(nnet_server_listen_path(p.src, p.path), 0);
  p.transfer_rc = nnet_server_transfer(p.src, &p.b, pm_arrived, &p);
  ck_assert_int_eq(p.transfer_rc, 0);
  nnet_test_run(&p.a, 10000); /* the source's 'close' */
  ck_assert_int_eq(p.src_closes, 1);
  ck_assert(p.file_after_src_close); /* not the old server's to remove */
  ck_assert_int_eq(nnet_loop_refuse_transfers(&p.b), 0); /* delivers */
  ck_assert_ptr_nonnull(p.moved);
  nnet_socket_t *c;
  ck_assert_int_eq(nnet_create_connection_path(&p.a, p.path, &c), 0);
  nnet_socket_on(c, NNET_EV_DATA, pm_ignore, &p);
  nnet_socket_on(c, NNET_EV_CLOSE, pm_client_close, &p);
  for (int i = 0; i < 100000 && (p.client_closes == 0 || p.moved_closes == 0);
       i++) {
    uv_run(&p.a, UV_RUN_NOWAIT);
    uv_run(&p.b, UV_RUN_NOWAIT);
    usleep(100);
  }
  ck_assert_int_eq(p.conns, 1);
  ck_assert_int_eq(p.client_closes, 1);
  ck_assert_int_eq(p.moved_closes, 1);
  ck_assert_int_eq(access(p.path, F_OK), -1); /* the new server removed it */
  nnet_test_run(&p.b, 10000);
  nnet_test_run(&p.a, 10000);
  ck_assert_int_eq(nnet_test_loop_close(&p.b), 0);
  ck_assert_int_eq(nnet_test_loop_close(&p.a), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("net_transfer_threads");
  TCase *tc = tcase_create("transfer");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, transfer_accepted_socket_echoes_on_b);
  tcase_add_test(tc, transfer_refused_socket_stays_usable);
  tcase_add_test(tc, transfer_refused_states);
  tcase_add_test(tc, transfer_unix_socket);
  tcase_add_test(tc, transfer_listening_server);
  tcase_add_test(tc, transfer_delivered_on_refuse);
  tcase_add_test(tc, transfer_unix_server_moves_its_file);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
