/* server.listen(otherServer._handle): nnet_listen_opts_t.handle_of. The
 * second server listens on a duplicate of the first one's socket, so
 * either can close first and the other keeps accepting. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *a, *b;
  nnet_socket_t *client;
  int port;
  bool use_path;
  char path[64]; /* abstract name: leading NUL, path_len bytes */
  size_t path_len;
  int a_listening, b_listening, a_conns, b_conns, a_closes, b_closes;
  int client_connects, client_closes, client_errors;
  int sconn_closes;
} fx_t;

static void count_sconn_close(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  ((fx_t *)ctx)->sconn_closes++;
}

static void on_conn(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->target == f->a)
    f->a_conns++;
  else
    f->b_conns++;
  nnet_socket_t *s = ev->u.connection.socket;
  nnet_socket_on(s, NNET_EV_CLOSE, count_sconn_close, f);
  nnet_socket_end(s, NULL, 0, NULL, NULL);
  nnet_server_close(ev->target, NULL, NULL);
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->target == f->a)
    f->a_closes++;
  else
    f->b_closes++;
}

static void client_event(const nnet_event_t *ev, void *ctx) {
  fx_t *f = ctx;
  if (ev->type == NNET_EV_CONNECT) f->client_connects++;
  if (ev->type == NNET_EV_CLOSE) f->client_closes++;
  if (ev->type == NNET_EV_ERROR) f->client_errors++;
}

/* B listens: A is closed first, so only B's descriptor can accept the
 * client that connects now. */
static void b_listening(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  f->b_listening++;
  if (f->use_path) {
    char name[256];
    ck_assert_int_eq(nnet_server_address_path(f->b, name, sizeof name),
                     (int)f->path_len);
    ck_assert(memcmp(name, f->path, f->path_len) == 0);
  } else {
    nnet_socketaddress_t sa;
    ck_assert_int_eq(nnet_server_address(f->b, &sa), 0);
    ck_assert_int_eq(sa.port, f->port);
  }
  ck_assert_int_eq(nnet_server_close(f->a, NULL, NULL), 0);
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_socket_new(&so, &f->client), 0);
  nnet_socket_on(f->client, NNET_EV_CONNECT, client_event, f);
  nnet_socket_on(f->client, NNET_EV_CLOSE, client_event, f);
  nnet_socket_on(f->client, NNET_EV_ERROR, client_event, f);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  if (f->use_path) {
    o.path = f->path;
    o.path_len = f->path_len;
  } else {
    o.port = f->port;
    o.host = "127.0.0.1";
  }
  ck_assert_int_eq(nnet_socket_connect(f->client, &o, NULL, NULL), 0);
}

static void a_listening(const nnet_event_t *ev, void *ctx) {
  (void)ev;
  fx_t *f = ctx;
  f->a_listening++;
  if (!f->use_path) {
    nnet_socketaddress_t sa;
    ck_assert_int_eq(nnet_server_address(f->a, &sa), 0);
    f->port = sa.port;
  }
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.handle_of = f->a;
  ck_assert_int_eq(nnet_server_listen(f->b, &o, b_listening, f), 0);
}

static void make_server(fx_t *f, nnet_server_t **out) {
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &f->loop;
  ck_assert_int_eq(nnet_create_server(&so, on_conn, f, out), 0);
  nnet_server_on(*out, NNET_EV_CLOSE, on_close, f);
}

static void run_case(bool use_path) {
  fx_t f;
  memset(&f, 0, sizeof f);
  f.use_path = use_path;
  ck_assert_int_eq(uv_loop_init(&f.loop), 0);
  make_server(&f, &f.a);
  make_server(&f, &f.b);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  if (use_path) {
    int n = snprintf(f.path, sizeof f.path, "@nnet-handle-%d", (int)getpid());
    f.path[0] = '\0';
    f.path_len = (size_t)n;
    o.path = f.path;
    o.path_len = f.path_len;
  } else {
    o.port = 0;
    o.host = "127.0.0.1";
  }
  ck_assert_int_eq(nnet_server_listen(f.a, &o, a_listening, &f), 0);
  nnet_test_run(&f.loop, 10000);
  ck_assert_int_eq(f.a_listening, 1);
  ck_assert_int_eq(f.b_listening, 1);
  ck_assert_int_eq(f.a_conns, 0);
  ck_assert_int_eq(f.b_conns, 1);
  ck_assert_int_eq(f.a_closes, 1);
  ck_assert_int_eq(f.b_closes, 1);
  ck_assert_int_eq(f.client_connects, 1);
  ck_assert_int_eq(f.client_errors, 0);
  ck_assert_int_eq(f.client_closes, 1);
  ck_assert_int_eq(f.sconn_closes, 1);
  ck_assert_int_eq(nnet_test_loop_close(&f.loop), 0);
}

/* TCP: B keeps accepting on A's port after A closed. */
START_TEST(listen_on_other_servers_tcp_handle) {
  run_case(false);
}
END_TEST

/* Unix socket (an abstract name: a file path would be unlinked by A's
 * close, as Node does for the server that created it). */
START_TEST(listen_on_other_servers_pipe_handle) {
  run_case(true);
}
END_TEST

/* Node: listen() with neither port, path nor a handle throws. */
START_TEST(handle_of_not_listening_is_refused) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &loop;
  nnet_server_t *a, *b;
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &a), 0);
  ck_assert_int_eq(nnet_create_server(&so, NULL, NULL, &b), 0);
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.handle_of = a;
  ck_assert_int_eq(nnet_server_listen(b, &o, NULL, NULL),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert(!nnet_server_is_listening(b));
  ck_assert_int_eq(nnet_server_close(a, NULL, NULL), 0);
  ck_assert_int_eq(nnet_server_close(b, NULL, NULL), 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("server_listen_handle");
  TCase *tc = tcase_create("handle_of");
  tcase_add_test(tc, listen_on_other_servers_tcp_handle);
  tcase_add_test(tc, listen_on_other_servers_pipe_handle);
  tcase_add_test(tc, handle_of_not_listening_is_refused);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
