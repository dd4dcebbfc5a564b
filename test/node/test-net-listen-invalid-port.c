/* Node: test/parallel/test-net-listen-invalid-port.js
 * listen(0) works; an invalid port is refused synchronously with
 * ERR_SOCKET_BAD_PORT (a RangeError) in every listen form: options,
 * port alone, port and host; 'listening' never comes.
 * Left out: the _connectionKey check (a JS-internal property). Node's
 * invalid port is 2^32-1 (-1 >>> 0), not an int in C: the closest values,
 * 65536 and INT_MAX, are used. */
#include "common.h"

#include <limits.h>

static nt_count_t *listening;

static void on_listening(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listening);
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static void expect_bad_port(int rc) {
  NT_ERR(rc, NNET_ERR_SOCKET_BAD_PORT);
  NT_STREQ(nnet_err_name(rc), "ERR_SOCKET_BAD_PORT");
  NT_STREQ(nnet_err_class(rc), "RangeError");
}

static nnet_server_t *new_server(void) {
  nnet_server_t *s;
  NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
  NT_OK(nnet_server_on(s, NNET_EV_LISTENING, nt_must_not_call, "listening"));
  return s;
}

int main(void) {
  static const int invalid_ports[] = {65536, INT_MAX};
  nnet_server_t *server;
  nnet_listen_opts_t lo;
  nt_init();
  listening = NT_MUST_CALL("listening", 1);

  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  NT_OK(nnet_server_listen(server, &lo, on_listening, NULL));

  for (size_t i = 0; i < 2; i++) {
    int port = invalid_ports[i];
    nnet_server_t *s;

    /* listen({port}, cb) */
    s = new_server();
    nnet_listen_opts_init(&lo);
    lo.port = port;
    expect_bad_port(nnet_server_listen(s, &lo, nt_must_not_call, "cb"));
    NT_OK(nnet_server_close(s, NULL, NULL)); /* free it (Node: garbage) */

    /* listen(port, cb) */
    s = new_server();
    expect_bad_port(nnet_server_listen_tcp(s, port, NULL));
    NT_OK(nnet_server_close(s, NULL, NULL));

    /* listen(port, host, cb); the host is never bound (loopback here) */
    s = new_server();
    expect_bad_port(nnet_server_listen_tcp(s, port, "127.0.0.1"));
    NT_OK(nnet_server_close(s, NULL, NULL));
  }
  return nt_finish();
}
