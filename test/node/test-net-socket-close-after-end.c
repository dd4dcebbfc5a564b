/* Node: test/parallel/test-net-socket-close-after-end.js
 * A server socket that reads its data only 100 ms late (both sides already
 * ended) still emits 'end' before 'close'. Node reads in paused mode: once
 * 'readable', then read() after 100 ms; the C API has no 'readable'/read(),
 * so the socket is left unread (no 'data' listener) and resume() is the
 * late read, 100 ms after the first byte could have arrived (timer started
 * at 'connection'). The client never reads the server's "foo" either, so
 * it never sees the FIN: Node's process exits with it open but idle; here
 * the loop ends the same way and the client is destroyed afterwards. */
#include "common.h"

static nt_count_t *conns, *closes, *listening;
static nnet_server_t *server;
static nnet_socket_t *srv_sock, *client;
static bool end_emitted;

static void late_read(void *ctx) {
  nnet_socket_resume(srv_sock);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  end_emitted = true;
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  NT_HIT(closes);
  NT_ASSERT(end_emitted);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  srv_sock = ev->u.connection.socket;
  nt_set_timeout(late_read, NULL, 100);
  NT_OK(nnet_socket_on(srv_sock, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_on(srv_sock, NNET_EV_CLOSE, on_close, NULL));
  NT_OK(nnet_socket_end(srv_sock, "foo", 3, NULL, NULL));
}

static void on_client_connect(const nnet_event_t *ev, void *ctx) {
  NT_OK(nnet_socket_end(ev->target, "foo", 3, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_client_connect, NULL, &client));
  nnet_socket_retain(client);
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  closes = NT_MUST_CALL("server socket close", 1);
  listening = NT_MUST_CALL("listening", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_on(server, NNET_EV_CONNECTION, on_connection, NULL));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* Node's process exits here */
  NT_ASSERT(client != NULL);
  nnet_socket_destroy(client, 0);
  nnet_socket_release(client);
  return nt_finish();
}
