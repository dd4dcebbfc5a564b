/* Node: test/parallel/test-net-client-bind-twice.js
 * A client whose localAddress/localPort is a port another server already
 * listens on fails with 'error' EADDRINUSE and never connects. */
#include "common.h"

static nnet_server_t *server1, *server2;
static nt_count_t *listens1, *listens2, *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->code_name, "EADDRINUSE");
  NT_OK(nnet_server_close(server1, NULL, NULL));
  NT_OK(nnet_server_close(server2, NULL, NULL));
}

static void on_listening2(const nnet_event_t *ev, void *ctx) {
  nnet_connect_opts_t o;
  nnet_socket_t *client;
  NT_HIT(listens2);
  nnet_connect_opts_init(&o);
  o.host = "127.0.0.1";
  o.port = nt_server_port(server1);
  o.local_address = "127.0.0.1";
  o.local_port = nt_server_port(server2);
  NT_OK(nnet_create_connection(NT_LOOP, &o, nt_must_not_call, "connect",
                               &client));
  NT_OK(nnet_socket_on(client, NNET_EV_ERROR, on_error, NULL));
}

static void on_listening1(const nnet_event_t *ev, void *ctx) {
  nnet_listen_opts_t lo;
  NT_HIT(listens1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection 2", &server2));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server2, &lo, on_listening2, NULL));
}

int main(void) {
  nnet_listen_opts_t lo;
  nt_init();
  listens1 = NT_MUST_CALL("listening 1", 1);
  listens2 = NT_MUST_CALL("listening 2", 1);
  errors = NT_MUST_CALL("client error", 1);
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection 1", &server1));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server1, &lo, on_listening1, NULL));
  return nt_finish();
}
