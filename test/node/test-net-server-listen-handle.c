/* Node: test/parallel/test-net-server-listen-handle.js
 * A server can listen on an existing bound but not yet listening socket:
 * TCP (bound to a random port) and Unix (bound to a path), given as a
 * handle, {handle}, {_handle} or {fd}, with the listener passed to listen()
 * or added for 'listening'; a descriptor that is not a socket (a regular
 * file) gives 'error' "listen EINVAL: invalid argument". In C a raw handle
 * is a descriptor, so every handle form is listen_opts.fd (the forms are
 * kept, as separate servers). Node binds 0.0.0.0; here 127.0.0.1. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *closes_cb, *closes_ev, *file_err;
static int counter;

typedef struct {
  int port; /* TCP: the bound port; -1 for pipes */
} bound_t;

static int random_handle_tcp(bound_t *b) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  NT_ASSERT(fd >= 0);
  struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = 0};
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0)
    NT_FAIL("unable to bind arbitrary tcp port");
  socklen_t len = sizeof(sin);
  NT_OK(getsockname(fd, (struct sockaddr *)&sin, &len));
  b->port = ntohs(sin.sin_port);
  return fd;
}

static int random_handle_pipe(bound_t *b) {
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  snprintf(sun.sun_path, sizeof(sun.sun_path), "%s-listen-handle-%d",
           nt_pipe_path(), counter++);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  NT_ASSERT(fd >= 0);
  if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0)
    NT_FAIL("unable to bind pipe %s", sun.sun_path);
  b->port = -1;
  return fd;
}

/* The listener given to listen() and the one added for 'listening' are the
 * same in Node (closeServer()); two names here only to count them apart. */
static void close_via_cb(const nnet_event_t *ev, void *ctx) {
  bound_t *b = ctx;
  NT_HIT(closes_cb);
  if (b->port >= 0)
    NT_EQ(nt_server_port(ev->target), b->port);
  else
    NT_ASSERT(nnet_server_is_pipe(ev->target));
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void close_via_event(const nnet_event_t *ev, void *ctx) {
  bound_t *b = ctx;
  NT_HIT(closes_ev);
  if (b->port >= 0)
    NT_EQ(nt_server_port(ev->target), b->port);
  else
    NT_ASSERT(nnet_server_is_pipe(ev->target));
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void listen_fd(int fd, bound_t *b, bool with_cb) {
  nnet_server_t *srv;
  NT_OK(nnet_create_server(NULL, NULL, NULL, &srv));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.fd = fd;
  if (with_cb) {
    NT_OK(nnet_server_listen(srv, &lo, close_via_cb, b));
  } else {
    NT_OK(nnet_server_listen(srv, &lo, NULL, NULL));
    NT_OK(nnet_server_on(srv, NNET_EV_LISTENING, close_via_event, b));
  }
}

static void on_file_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(file_err);
  NT_EXPECT_ERROR(ev->u.error, "EINVAL", "listen EINVAL: invalid argument");
  NT_STREQ(ev->u.error->name, "Error");
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

int main(void) {
  static bound_t b[16];
  int i = 0;
  nt_init();
  closes_cb = NT_MUST_CALL("listen() callback", 8);
  closes_ev = NT_MUST_CALL("'listening' listener", 8);
  file_err = NT_MUST_CALL("regular file fd error", 1);

  /* listen(handle): TCP */
  listen_fd(random_handle_tcp(&b[i]), &b[i], false), i++;
  listen_fd(random_handle_tcp(&b[i]), &b[i], true), i++;
  /* listen(handle): pipes, generated in advance */
  int p0 = random_handle_pipe(&b[i]), p1 = random_handle_pipe(&b[i + 1]);
  listen_fd(p0, &b[i], false), i++;
  listen_fd(p1, &b[i], true), i++;
  /* listen({handle}) and listen({_handle}): TCP */
  for (int k = 0; k < 2; k++) {
    listen_fd(random_handle_tcp(&b[i]), &b[i], true), i++;
    listen_fd(random_handle_tcp(&b[i]), &b[i], false), i++;
  }
  /* listen({fd}): TCP */
  listen_fd(random_handle_tcp(&b[i]), &b[i], true), i++;
  listen_fd(random_handle_tcp(&b[i]), &b[i], false), i++;
  /* {handle}, {_handle}, {fd}: pipes, generated in advance */
  int pipes[6];
  for (int k = 0; k < 6; k++) pipes[k] = random_handle_pipe(&b[i + k]);
  for (int k = 0; k < 6; k++, i++) listen_fd(pipes[k], &b[i], k % 2 == 0);
  NT_EQ(i, 16);

  /* A descriptor that is not a socket. */
  int fd = open(__FILE__, O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  NT_ASSERT(fd >= 0);
  nnet_server_t *srv;
  NT_OK(nnet_create_server(NULL, NULL, NULL, &srv));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.fd = fd;
  NT_OK(nnet_server_listen(srv, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(srv, NNET_EV_ERROR, on_file_error, NULL));
  return nt_finish();
}
