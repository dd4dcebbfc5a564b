/* Node: test/parallel/test-net-persistent-ref-unref.js
 * unref() then ref() on a socket with no handle yet is remembered: the
 * connected handle ends up referenced. Node counts TCPWrap.ref/unref calls (a
 * JS internals hook); here the effect is checked instead: the server and the
 * accepted socket are unref'd, so only the client's (re-)ref keeps the loop
 * alive until its 'end' arrives. */
#include "common.h"

static nt_count_t *listening_calls, *end_calls;
static nnet_server_t *echo_server;
static nnet_socket_t *sock, *accepted;

static void on_conn(const nnet_event_t *ev, void *ctx) {
  accepted = ev->u.connection.socket;
  nnet_socket_end(accepted, NULL, 0, NULL, NULL);
  nnet_socket_unref(accepted);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(end_calls);
  nnet_socket_ref(accepted); /* so that it sees the client's FIN and closes */
  NT_OK(nnet_server_close(echo_server, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening_calls);
  NT_OK(nnet_socket_new(NULL, &sock));
  nnet_socket_unref(sock);
  nnet_socket_ref(sock);
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(echo_server);
  NT_OK(nnet_socket_connect(sock, &o, NULL, NULL));
  NT_OK(nnet_socket_on(sock, NNET_EV_END, on_end, NULL));
  nnet_server_unref(echo_server);
}

int main(void) {
  nt_init();
  listening_calls = NT_MUST_CALL("listening", 1);
  end_calls = NT_MUST_CALL("sock end", 1);
  NT_OK(nnet_create_server(NULL, on_conn, NULL, &echo_server));
  NT_OK(nnet_server_listen_tcp(echo_server, 0, NULL));
  NT_OK(nnet_server_on(echo_server, NNET_EV_LISTENING, on_listening, NULL));
  return nt_finish();
}
