/* Node: test/sequential/test-net-localport.js
 * A client connecting with localPort uses that port: the server sees it
 * as the remote port and the client as its local port at 'connect'.
 * common.PORT becomes a port found free just before. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *conns, *listens, *connects;
static nnet_server_t *server;
static nnet_socket_t *client;
static int local_port;

/* A port free on every address (bound on [::], dual-stack, then closed). */
static int free_port(void) {
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6};
  socklen_t len = sizeof sa;
  int fd = socket(AF_INET6, SOCK_STREAM, 0);
  NT_ASSERT(fd >= 0);
  NT_ASSERT(bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0);
  NT_ASSERT(getsockname(fd, (struct sockaddr *)&sa, &len) == 0);
  close(fd);
  return ntohs(sa.sin6_port);
}

static void on_socket_close(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->u.connection.socket;
  nnet_socketaddress_t sa;
  NT_HIT(conns);
  NT_OK(nnet_socket_remote_address(socket, &sa));
  NT_EQ(sa.port, local_port);
  NT_OK(nnet_socket_end(socket, NULL, 0, NULL, NULL));
  NT_OK(nnet_socket_on(socket, NNET_EV_CLOSE, on_socket_close, NULL));
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socketaddress_t sa;
  NT_HIT(connects);
  NT_OK(nnet_socket_address(client, &sa));
  NT_EQ(sa.port, local_port);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = nt_server_port(server);
  o.local_port = local_port;
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &client));
  NT_OK(nnet_socket_on(client, NNET_EV_CONNECT, on_connect, NULL));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  local_port = free_port();
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen_tcp(server, 0, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
