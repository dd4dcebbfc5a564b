/* Node: test/parallel/test-net-socket-end-callback.js
 * end(cb), end(data, cb) and end(data, encoding, cb) inside 'connect' each
 * call cb once. The server is unref'd; its connections end the run.
 * end(data, 'utf8', cb) is write_str(data, UTF8) then end(cb), which is
 * what Node's end(data, encoding, cb) does. */
#include "common.h"

static nt_count_t *listens, *cbs;
static nnet_server_t *server;

static void end_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(cbs);
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_resume(ev->u.connection.socket);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *socket = ev->target;
  switch ((int)(intptr_t)ctx) {
    case 0:
      NT_OK(nnet_socket_end(socket, NULL, 0, end_cb, NULL));
      break;
    case 1:
      NT_OK(nnet_socket_end(socket, "foo", 3, end_cb, NULL));
      break;
    default:
      NT_OK(nnet_socket_write_str(socket, "foo", 3, NNET_ENC_UTF8, NULL, NULL));
      NT_OK(nnet_socket_end(socket, NULL, 0, end_cb, NULL));
  }
}

static void connect_(int form) {
  nnet_connect_opts_t o;
  nnet_socket_t *socket;
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_create_connection(NT_LOOP, &o, on_connect, (void *)(intptr_t)form,
                               &socket));
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listens);
  connect_(0);
  connect_(1);
  connect_(2);
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  cbs = NT_MUST_CALL("end callback", 3);
  NT_OK(nnet_create_server(NULL, on_connection, NULL, &server));
  nnet_server_unref(server);
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  uv_run(NT_LOOP, UV_RUN_DEFAULT); /* process exit: only the server is left */
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
