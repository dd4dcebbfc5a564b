/* Node: test/parallel/test-net-write-after-end-nt.js
 * After end() and the peer's FIN ('end'), write() returns false (C: an
 * error code) and fails its callback with EPIPE "This socket has been
 * ended by the other party"; the socket's 'error' comes on a later turn,
 * not from inside write(). */
#include "common.h"

static nt_count_t *conns, *listens, *connects, *errors, *ends, *write_cbs;
static nnet_server_t *server;
static bool has_error;

static void on_connection(const nnet_event_t *ev, void *ctx) {
  NT_HIT(conns);
  NT_OK(nnet_socket_end(ev->u.connection.socket, NULL, 0, NULL, NULL));
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  /* The write's error: its message is only in the payload in C. */
  NT_EXPECT_ERROR(ev->u.error, "EPIPE",
                  "This socket has been ended by the other party");
  NT_STREQ(ev->u.error->name, "Error");
  NT_EQ(write_cbs->calls, 1); /* Node: the callback first, then 'error' */
  has_error = true;
  NT_OK(nnet_server_close(server, NULL, NULL));
}

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_ERR(status, UV_EPIPE);
  NT_STREQ(nnet_err_name(status), "EPIPE");
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  NT_HIT(ends);
  int ret = nnet_socket_write(ev->target, "hello", 5, write_cb, NULL);
  NT_ASSERT(ret <= 0);   /* false */
  NT_ASSERT(!has_error); /* the error is emitted on a later turn */
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  NT_HIT(connects);
  NT_OK(nnet_socket_on(ev->target, NNET_EV_ERROR, on_error, NULL));
  NT_OK(nnet_socket_on(ev->target, NNET_EV_END, on_end, NULL));
  NT_OK(nnet_socket_end(ev->target, NULL, 0, NULL, NULL));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens);
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, NULL, &client));
}

int main(void) {
  nt_init();
  conns = NT_MUST_CALL("connection", 1);
  listens = NT_MUST_CALL("listening", 1);
  connects = NT_MUST_CALL("connect", 1);
  errors = NT_MUST_CALL("client error", 1);
  ends = NT_MUST_CALL("client end", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
