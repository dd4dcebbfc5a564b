/* Accept under descriptor exhaustion (EMFILE): the server must neither
 * spin nor die ('error'), and must serve new connections once descriptors
 * are free again. Runs in Check's forked child, which lowers its own
 * RLIMIT_NOFILE. Clients are raw libuv sockets created before the limit is
 * lowered, so only the server's accepts hit it. */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "testutil.h"

#define FIRST 6 /* clients while the table is full */
#define LATER 2 /* clients after descriptors were freed */
#define TOTAL (FIRST + LATER)

typedef struct ctx_s ctx_t;

typedef struct {
  uv_tcp_t tcp;
  uv_connect_t req;
  ctx_t *c;
  int connected, gone, closed;
} client_t;

struct ctx_s {
  uv_loop_t loop;
  uv_prepare_t prep;
  unsigned long iterations;
  nnet_server_t *srv;
  int port;
  client_t clients[TOTAL];
  nnet_socket_t *accepted[TOTAL];
  int connections, errors, closes, sock_closes;
  int free_slots;
  int dropped; /* first clients the server shed while full */
  int phase;   /* 0: table full, 1: freeing, 2: later clients, 3: done */
};

static void count_iteration(uv_prepare_t *p) {
  ((ctx_t *)p->data)->iterations++;
}

static void alloc_cb(uv_handle_t *h, size_t n, uv_buf_t *buf) {
  static char b[64];
  *buf = uv_buf_init(b, sizeof b);
}

static void step(ctx_t *c);

static void client_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  client_t *cl = s->data;
  if (n < 0 && !cl->gone) {
    cl->gone = 1;
    uv_read_stop(s);
    step(cl->c);
  }
}

static void client_connected(uv_connect_t *req, int status) {
  client_t *cl = req->data;
  if (status != 0) {
    cl->gone = 1;
    step(cl->c);
    return;
  }
  cl->connected = 1;
  uv_read_start((uv_stream_t *)&cl->tcp, alloc_cb, client_read);
  step(cl->c);
}

static void connect_client(ctx_t *c, int i) {
  struct sockaddr_in sin;
  uv_ip4_addr("127.0.0.1", c->port, &sin);
  c->clients[i].req.data = &c->clients[i];
  ck_assert_int_eq(uv_tcp_connect(&c->clients[i].req, &c->clients[i].tcp,
                                  (struct sockaddr *)&sin, client_connected),
                   0);
}

static void client_closed(uv_handle_t *h) {
  ((client_t *)h->data)->closed++;
}

/* Descriptor numbers below `limit` that are free. */
static int free_below(int limit) {
  int used = 0;
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  int self = dirfd(d);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    int fd = atoi(e->d_name);
    if (fd != self && fd < limit) used++;
  }
  closedir(d);
  return limit - used;
}

/* The smallest limit that leaves exactly `slots` descriptor numbers free
 * (descriptors already open above a limit stay usable). */
static int limit_for(int slots) {
  int fd = 0;
  for (; slots > 0; fd++)
    if (fcntl(fd, F_GETFD) == -1) slots--;
  return fd;
}

static void on_sock_close(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->sock_closes++;
  step(c);
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->accepted[c->connections++] = ev->u.connection.socket;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_CLOSE, on_sock_close, c);
  step(c);
}

static int settled(ctx_t *c, int from, int to) {
  int n = 0;
  for (int i = from; i < to; i++)
    if (c->clients[i].gone || c->clients[i].connected) n++;
  return n == to - from;
}

static int gone(ctx_t *c, int from, int to) {
  int n = 0;
  for (int i = from; i < to; i++) n += c->clients[i].gone;
  return n;
}

static void step(ctx_t *c) {
  if (c->phase == 0 && c->connections == c->free_slots &&
      settled(c, 0, FIRST) && gone(c, 0, FIRST) == FIRST - c->free_slots) {
    c->phase = 1; /* free every accepted descriptor */
    c->dropped = gone(c, 0, FIRST);
    for (int i = 0; i < c->connections; i++)
      nnet_socket_destroy(c->accepted[i], 0);
  } else if (c->phase == 1 && c->sock_closes == c->connections) {
    c->phase = 2;
    for (int i = FIRST; i < TOTAL; i++) connect_client(c, i);
  } else if (c->phase == 2 && c->connections == c->free_slots + LATER &&
             settled(c, FIRST, TOTAL)) {
    c->phase = 3;
    for (int i = 0; i < TOTAL; i++)
      uv_close((uv_handle_t *)&c->clients[i].tcp, client_closed);
    for (int i = c->free_slots; i < c->connections; i++)
      nnet_socket_destroy(c->accepted[i], 0);
    nnet_server_close(c->srv, NULL, NULL);
  }
}

static void on_error(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->errors++;
}
static void on_close(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->closes++;
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->srv, &sa), 0);
  c->port = sa.port;
  /* Room for exactly a few accepts, then EMFILE. */
  int limit = limit_for(3);
  struct rlimit rl = {.rlim_cur = (rlim_t)limit, .rlim_max = (rlim_t)limit};
  ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
  c->free_slots = free_below(limit);
  ck_assert_int_ge(c->free_slots, 1);
  ck_assert_int_lt(c->free_slots, FIRST);
  for (int i = 0; i < FIRST; i++) connect_client(c, i);
}

START_TEST(emfile_no_spin_no_error_recovers) {
  ctx_t *c = calloc(1, sizeof(*c));
  uv_loop_init(&c->loop);
  uv_prepare_init(&c->loop, &c->prep);
  c->prep.data = c;
  uv_prepare_start(&c->prep, count_iteration);
  uv_unref((uv_handle_t *)&c->prep);
  for (int i = 0; i < TOTAL; i++) {
    /* The descriptor exists now, before the limit is lowered. */
    ck_assert_int_eq(uv_tcp_init_ex(&c->loop, &c->clients[i].tcp, AF_INET), 0);
    c->clients[i].tcp.data = &c->clients[i];
    c->clients[i].c = c;
  }
  nnet_server_opts_t o;
  nnet_server_opts_init(&o);
  o.loop = &c->loop;
  ck_assert_int_eq(nnet_create_server(&o, on_connection, c, &c->srv), 0);
  nnet_server_on(c->srv, NNET_EV_ERROR, on_error, c);
  nnet_server_on(c->srv, NNET_EV_CLOSE, on_close, c);
  ck_assert_int_eq(nnet_server_listen_tcp(c->srv, 0, "127.0.0.1"), 0);
  nnet_server_once(c->srv, NNET_EV_LISTENING, on_listening, c);
  nnet_test_run(&c->loop, 20000);
  ck_assert_int_eq(c->phase, 3);
  ck_assert_int_eq(c->errors, 0);
  ck_assert_int_eq(c->connections, c->free_slots + LATER);
  ck_assert_int_eq(c->dropped, FIRST - c->free_slots);
  ck_assert_int_eq(c->sock_closes, c->connections);
  ck_assert_int_eq(c->closes, 1);
  for (int i = 0; i < TOTAL; i++) ck_assert_int_eq(c->clients[i].closed, 1);
  /* No busy loop: a few dozen iterations do all of this. */
  ck_assert_uint_lt(c->iterations, 1000);
  uv_close((uv_handle_t *)&c->prep, NULL);
  uv_run(&c->loop, UV_RUN_DEFAULT);
  ck_assert_int_eq(nnet_test_loop_close(&c->loop), 0);
  free(c);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("server_emfile");
  TCase *tc = tcase_create("emfile");
  tcase_add_test(tc, emfile_no_spin_no_error_recovers);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
