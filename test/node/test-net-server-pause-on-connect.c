/* Node: test/parallel/test-net-server-pause-on-connect.js
 * An accepted socket of a pauseOnConnect server emits no 'data' (and has
 * read 0 bytes) until resume(), although its client already wrote; a
 * socket of a server without it gets the data at once. */
#include "common.h"

static const char msg[] = "test";
static bool stopped = true;
static nnet_socket_t *server1_sock;
static nnet_server_t *server1, *server2;
static nt_count_t *s1_conns, *s1_data, *s2_conns, *s2_data, *s1_listening,
    *client_written;

static void s1_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(s1_data);
  if (stopped) NT_FAIL("data event should not have happened yet");
  NT_EQ(ev->u.data.len, strlen(msg));
  NT_ASSERT(memcmp(ev->u.data.base, msg, strlen(msg)) == 0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server1, NULL, NULL));
}

static void server1_conn_handler(const nnet_event_t *ev, void *ctx) {
  NT_HIT(s1_conns);
  NT_OK(
      nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, s1_on_data, NULL));
  server1_sock = ev->u.connection.socket;
}

static void s2_on_data(const nnet_event_t *ev, void *ctx) {
  NT_HIT(s2_data);
  NT_EQ(ev->u.data.len, strlen(msg));
  NT_ASSERT(memcmp(ev->u.data.base, msg, strlen(msg)) == 0);
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
  NT_OK(nnet_server_close(server2, NULL, NULL));
  NT_ASSERT(server1_sock != NULL);
  NT_EQ(nnet_socket_bytes_read(server1_sock), 0);
  nnet_socket_resume(server1_sock);
  stopped = false;
}

static void server2_conn_handler(const nnet_event_t *ev, void *ctx) {
  NT_HIT(s2_conns);
  NT_OK(
      nnet_socket_on(ev->u.connection.socket, NNET_EV_DATA, s2_on_data, NULL));
}

static void s2_on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server2);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_write(c, msg, strlen(msg), NULL, NULL));
}

static void client_handler(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(client_written);
  NT_OK(status);
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server2, &lo, s2_on_listening, NULL));
}

static void s1_on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_HIT(s1_listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server1);
  NT_OK(nnet_create_connection(NT_LOOP, &o, NULL, NULL, &c));
  NT_OK(nnet_socket_write(c, msg, strlen(msg), client_handler, NULL));
}

int main(void) {
  nt_init();
  s1_conns = NT_MUST_CALL("server1 connection", 1);
  s1_data = NT_MUST_CALL("server1 data", 1);
  s2_conns = NT_MUST_CALL("server2 connection", 1);
  s2_data = NT_MUST_CALL("server2 data", 1);
  s1_listening = NT_MUST_CALL("server1 listening", 1);
  client_written = NT_MUST_CALL("client write callback", 1);
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.pause_on_connect = true;
  NT_OK(nnet_create_server(&so, server1_conn_handler, NULL, &server1));
  so.pause_on_connect = false;
  NT_OK(nnet_create_server(&so, server2_conn_handler, NULL, &server2));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server1, &lo, s1_on_listening, NULL));
  int rc = nt_finish();
  NT_ASSERT(!stopped);
  return rc;
}
