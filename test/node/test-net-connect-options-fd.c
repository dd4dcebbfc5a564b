/* Node: test/parallel/test-net-connect-options-fd.js
 * A socket wrapping an existing Unix-socket fd (bound, not yet connected)
 * connects through that same descriptor with connect({path}): six
 * clients each send their fd number, the server reads it and ends, and
 * closes after the sixth 'end'. Node makes the fds with an internal Pipe
 * binding; here they are socket(AF_UNIX) + bind(). Node's six variants
 * (net.connect / createConnection / new Socket({fd}).connect, listener
 * passed or added) become nnet_socket_new({fd}) + nnet_socket_connect,
 * three with the listener passed and three with it added, since
 * nnet_connect_opts_t takes no fd. */
#include "common.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CLIENT_VARIANTS 6

static nnet_server_t *server;
static char server_path[400];
static int counter;
static nt_count_t *conns, *srv_datas, *srv_ends, *listens, *connects;

typedef struct {
  int fd;
  char path[400];
  nnet_socket_t *s;
} client_t;

static client_t clients[CLIENT_VARIANTS];

static void srv_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_datas);
  NT_ASSERT(ev->u.data.len > 0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void close_server(void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void srv_on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(srv_ends);
  if (++counter == CLIENT_VARIANTS) nt_set_timeout(close_server, NULL, 10);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->u.connection.socket;
  NT_HIT(conns);
  NT_OK(nnet_socket_on(s, NNET_EV_DATA, srv_on_data, NULL));
  NT_OK(nnet_socket_on(s, NNET_EV_END, srv_on_end, NULL));
}

static void client_on_connect(const nnet_event_t *ev, void *ctx) {
  client_t *c = ctx;
  struct sockaddr_un peer;
  socklen_t len = sizeof(peer);
  char id[16];
  NT_HIT(connects);
  /* The socket connected through the descriptor it was given. */
  NT_EQ(getpeername(c->fd, (struct sockaddr *)&peer, &len), 0);
  NT_STREQ(peer.sun_path, server_path);
  snprintf(id, sizeof(id), "%d", c->fd);
  NT_ASSERT(nnet_socket_write(c->s, id, strlen(id), NULL, NULL) >= 0);
  NT_OK(nnet_socket_on(c->s, NNET_EV_ERROR, nt_must_not_call, "client error"));
}

static int bound_unix_fd(const char *path) {
  struct sockaddr_un a;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  NT_ASSERT(fd >= 0);
  memset(&a, 0, sizeof(a));
  a.sun_family = AF_UNIX;
  NT_ASSERT(strlen(path) < sizeof(a.sun_path));
  strcpy(a.sun_path, path);
  NT_EQ(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
  return fd;
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.path = server_path;
  for (int i = 0; i < CLIENT_VARIANTS; i++) {
    client_t *c = &clients[i];
    nnet_socket_opts_t so;
    snprintf(c->path, sizeof(c->path), "%s-net-connect-options-fd-client-%d",
             nt_pipe_path(), i);
    c->fd = bound_unix_fd(c->path);
    nnet_socket_opts_init(&so);
    so.fd = c->fd;
    so.readable = true;
    so.writable = true;
    NT_OK(nnet_socket_new(&so, &c->s));
    if (i % 2 == 0) {
      NT_OK(nnet_socket_connect(c->s, &o, client_on_connect, c));
    } else {
      NT_OK(nnet_socket_connect(c->s, &o, NULL, NULL));
      NT_OK(nnet_socket_on(c->s, NNET_EV_CONNECT, client_on_connect, c));
    }
  }
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  conns = NT_MUST_CALL_AT_LEAST("server connection", CLIENT_VARIANTS);
  srv_datas = NT_MUST_CALL("server data", CLIENT_VARIANTS);
  srv_ends = NT_MUST_CALL("server end", CLIENT_VARIANTS);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("client connect", CLIENT_VARIANTS);
  snprintf(server_path, sizeof(server_path), "%s-net-connect-options-fd-server",
           nt_pipe_path());
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(
      nnet_server_on(server, NNET_EV_ERROR, nt_must_not_call, "server error"));
  nnet_listen_opts_init(&lo);
  lo.path = server_path;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));
  return nt_finish();
}
