/* Node: test/parallel/test-net-listen-error.js
 * A listen() that the kernel refuses emits 'error' and never
 * 'listening'. Node binds 1.1.1.1:1 (EACCES or EADDRNOTAVAIL); ports may
 * use no address but loopback (and as root port 1 is allowed), so the
 * refusal here is a loopback port already taken (EADDRINUSE). */
#include "common.h"

static nnet_server_t *holder, *server;
static nt_count_t *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(errors);
  NT_STREQ(ev->u.error->syscall, "listen");
  NT_OK(nnet_server_close(server, NULL, NULL));
  NT_OK(nnet_server_close(holder, NULL, NULL));
}

static void on_holder_listening(const nnet_event_t *ev, void *ctx) {
  nnet_listen_opts_t lo;
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  nnet_listen_opts_init(&lo);
  lo.port = nt_server_port(holder);
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(server, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, on_error, NULL));
}

int main(void) {
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  NT_OK(nnet_create_server(NULL, NULL, NULL, &holder));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = 0;
  lo.host = "127.0.0.1";
  NT_OK(nnet_server_listen(holder, &lo, on_holder_listening, NULL));
  return nt_finish();
}
