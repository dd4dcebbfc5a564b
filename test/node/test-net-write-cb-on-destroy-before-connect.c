/* Node: test/parallel/test-net-write-cb-on-destroy-before-connect.js
 * A write queued while connecting fails its callback with
 * ERR_SOCKET_CLOSED_BEFORE_CONNECTION when the socket is destroyed before
 * it connected; 'connect' never fires. */
#include "common.h"

static nt_count_t *listens, *write_cbs;
static nnet_server_t *server;

static void write_cb(nnet_socket_t *s, int status, void *ctx) {
  NT_HIT(write_cbs);
  NT_ERR(status, NNET_ERR_SOCKET_CLOSED_BEFORE_CONNECTION);
  NT_STREQ(nnet_err_name(status), "ERR_SOCKET_CLOSED_BEFORE_CONNECTION");
  NT_STREQ(nnet_err_class(status), "Error");
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *socket;
  NT_HIT(listens);
  NT_OK(nnet_socket_new(NULL, &socket));
  NT_OK(nnet_socket_on(socket, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  nnet_connect_opts_init(&o);
  o.port = nt_server_port(server);
  NT_OK(nnet_socket_connect(socket, &o, NULL, NULL));
  NT_ASSERT(nnet_socket_is_connecting(socket));
  NT_OK(nnet_socket_write(socket, "foo", 3, write_cb, NULL));
  nnet_socket_destroy(socket, 0);
  NT_OK(nnet_server_close(server, NULL, NULL));
}

int main(void) {
  nt_init();
  listens = NT_MUST_CALL("listening", 1);
  write_cbs = NT_MUST_CALL("write callback", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(nnet_server_listen(server, NULL, on_listening, NULL));
  return nt_finish();
}
