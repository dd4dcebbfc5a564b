/* connect() on a socket opened from a descriptor that is bound but not
 * connected (Node v20: new net.Socket({fd}).connect() goes through that
 * same handle, for a Pipe and for a TCP handle alike): the connection uses
 * the caller's descriptor (getpeername(fd) is the server, a bound TCP port
 * stays the local port). With autoSelectFamily trying several addresses
 * (Node makes new handles) the winner takes over the descriptor's number.
 * A connected descriptor still refuses with UV_EISCONN, and a path on a TCP
 * descriptor (or a port on a Unix one) with ERR_INVALID_HANDLE_TYPE. */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "nodenet.h"
#include "testutil.h"

typedef struct {
  uv_loop_t loop;
  nnet_server_t *usrv, *tsrv;
  char upath[256];
  int tport, listening;
  int connections, server_bytes, server_ends;
  int connects, closes, errors;
  int bound_port, multi_bound_port;
} ctx_t;

typedef struct {
  ctx_t *c;
  int fd;
  int kind; /* 0 unix, 1 tcp, 2 tcp with several addresses */
} client_t;

static client_t clients[3];

static int bound_fd(int family, const char *path, int *port) {
  int fd = socket(family, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  if (family == AF_UNIX) {
    struct sockaddr_un a;
    memset(&a, 0, sizeof(a));
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
  }
  struct sockaddr_in a;
  socklen_t len = sizeof(a);
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  if (port) *port = ntohs(a.sin_port);
  return fd;
}

static void on_srv_data(const nnet_event_t *ev, void *arg) {
  ((ctx_t *)arg)->server_bytes += (int)ev->u.data.len;
}

static void on_srv_end(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (++c->server_ends < 3) return;
  nnet_server_close(c->usrv, NULL, NULL);
  nnet_server_close(c->tsrv, NULL, NULL);
}

static void on_connection(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  c->connections++;
  nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, on_srv_data, c);
  nnet_socket_on(ev->u.connection.socket, NNET_EV_END, on_srv_end, c);
}

static void on_connect(const nnet_event_t *ev, void *arg) {
  client_t *cl = arg;
  ctx_t *c = cl->c;
  c->connects++;
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  /* the caller's descriptor is the connected one */
  ck_assert_int_eq(getpeername(cl->fd, (struct sockaddr *)&ss, &len), 0);
  if (cl->kind == 0) {
    ck_assert_str_eq(((struct sockaddr_un *)&ss)->sun_path, c->upath);
  } else {
    ck_assert_int_eq(ntohs(((struct sockaddr_in *)&ss)->sin_port), c->tport);
    nnet_socketaddress_t la;
    ck_assert_int_eq(nnet_socket_address(ev->target, &la), 0);
    if (cl->kind == 1) ck_assert_int_eq(la.port, c->bound_port);
    /* a new socket (Node: a new handle), not the bound one */
    if (cl->kind == 2) ck_assert_int_ne(la.port, c->multi_bound_port);
  }
  ck_assert_int_eq(nnet_socket_end(ev->target, "hey", 3, NULL, NULL), 0);
}

static void on_close(const nnet_event_t *ev, void *arg) {
  ((client_t *)arg)->c->closes++;
}

static void on_error(const nnet_event_t *ev, void *arg) {
  ((client_t *)arg)->c->errors++;
}

static nnet_socket_t *wrap(ctx_t *c, int fd, client_t *cl) {
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = &c->loop;
  so.fd = fd;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&so, &s), 0);
  if (cl) {
    nnet_socket_on(s, NNET_EV_CLOSE, on_close, cl);
    nnet_socket_on(s, NNET_EV_ERROR, on_error, cl);
  }
  return s;
}

static void two_addresses(const char *host, int family, int hints, bool all,
                          void *req, nnet_lookup_done_fn done, void *ctx) {
  const char *addrs[] = {"127.0.0.1", "127.0.0.2"};
  const int fams[] = {4, 4};
  done(req, 0, addrs, fams, 2);
}

static void start_clients(ctx_t *c) {
  nnet_connect_opts_t o;
  char cpath[300];
  /* Unix: bound to its own path, connected to the server's */
  snprintf(cpath, sizeof(cpath), "%s/client.sock", nnet_test_tmpdir());
  clients[0] = (client_t){c, bound_fd(AF_UNIX, cpath, NULL), 0};
  nnet_socket_t *u = wrap(c, clients[0].fd, &clients[0]);
  nnet_connect_opts_init(&o);
  o.port = c->tport; /* a port on a Unix descriptor */
  ck_assert_int_eq(nnet_socket_connect(u, &o, NULL, NULL),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  nnet_connect_opts_init(&o);
  o.path = c->upath;
  ck_assert_int_eq(nnet_socket_connect(u, &o, on_connect, &clients[0]), 0);
  ck_assert(nnet_socket_is_connecting(u));
  ck_assert_int_eq(nnet_socket_connect(u, &o, NULL, NULL), UV_EALREADY);
  /* TCP: bound to 127.0.0.1:bound_port */
  clients[1] = (client_t){c, bound_fd(AF_INET, NULL, &c->bound_port), 1};
  nnet_socket_t *t = wrap(c, clients[1].fd, &clients[1]);
  ck_assert_int_eq(nnet_socket_connect(t, &o, NULL, NULL),
                   NNET_ERR_INVALID_HANDLE_TYPE);
  nnet_connect_opts_init(&o);
  o.port = c->tport;
  o.host = "127.0.0.1";
  ck_assert_int_eq(nnet_socket_connect(t, &o, on_connect, &clients[1]), 0);
  /* TCP, two addresses to try (Node's internalConnectMultiple) */
  clients[2] = (client_t){c, bound_fd(AF_INET, NULL, &c->multi_bound_port), 2};
  nnet_socket_t *m = wrap(c, clients[2].fd, &clients[2]);
  o.host = "twice.test";
  o.lookup = two_addresses;
  o.auto_select_family = 1;
  ck_assert_int_eq(nnet_socket_connect(m, &o, on_connect, &clients[2]), 0);
  /* A connected descriptor: nothing to connect */
  int sv[2];
  ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  nnet_socket_t *p = wrap(c, sv[0], NULL);
  nnet_connect_opts_init(&o);
  o.path = c->upath;
  ck_assert_int_eq(nnet_socket_connect(p, &o, NULL, NULL), UV_EISCONN);
  nnet_socket_destroy(p, 0);
  close(sv[1]);
}

static void on_listening(const nnet_event_t *ev, void *arg) {
  ctx_t *c = arg;
  if (++c->listening < 2) return;
  nnet_socketaddress_t sa;
  ck_assert_int_eq(nnet_server_address(c->tsrv, &sa), 0);
  c->tport = sa.port;
  start_clients(c);
}

START_TEST(connect_through_wrapped_fd) {
  ctx_t c;
  memset(&c, 0, sizeof(c));
  ck_assert_int_eq(uv_loop_init(&c.loop), 0);
  snprintf(c.upath, sizeof(c.upath), "%s/server.sock", nnet_test_tmpdir());
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = &c.loop;
  ck_assert_int_eq(nnet_create_server(&so, on_connection, &c, &c.usrv), 0);
  ck_assert_int_eq(nnet_create_server(&so, on_connection, &c, &c.tsrv), 0);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.path = c.upath;
  ck_assert_int_eq(nnet_server_listen(c.usrv, &lo, on_listening, &c), 0);
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  ck_assert_int_eq(nnet_server_listen(c.tsrv, &lo, on_listening, &c), 0);
  nnet_test_run(&c.loop, 10000);
  ck_assert_int_eq(c.connects, 3);
  ck_assert_int_eq(c.connections, 3);
  ck_assert_int_eq(c.server_bytes, 9);
  ck_assert_int_eq(c.server_ends, 3);
  ck_assert_int_eq(c.closes, 3);
  ck_assert_int_eq(c.errors, 0);
  ck_assert_int_eq(nnet_test_uncaught_count, 0);
  ck_assert_int_eq(nnet_test_loop_close(&c.loop), 0);
}
END_TEST

int main(void) {
  Suite *s = suite_create("socket_fd_connect");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, connect_through_wrapped_fd);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
