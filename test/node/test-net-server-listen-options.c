/* Node: test/parallel/test-net-server-listen-options.js
 * listen() with no arguments, a callback, port 0 or {port: 0} listens on a
 * random port; a port outside 0..65535 fails with ERR_SOCKET_BAD_PORT
 * (RangeError), also when a path is given too; options with neither port
 * nor path (nor fd) fail with ERR_INVALID_ARG_VALUE (TypeError). Node
 * throws; the C call returns the code and emits nothing.
 * Left out (JS-only): port given as a string, undefined, null, NaN, 123.456
 * or +-Infinity, and options of the wrong JS type ({port: false/true},
 * true/false, {path: -1}, {host: {port}}). In C, port -1 and fd -1 are the
 * "not given" values, so {port: -1, path} is checked as {port: -2, path}
 * and {fd: -1} is the same call as {}. */
#include "common.h"

static nt_count_t *listenings;

static void close_listener(const nnet_event_t *ev, void *ctx) {
  NT_HIT(listenings);
  NT_OK(nnet_server_close(ev->target, NULL, NULL));
}

static nnet_server_t *new_server(void) {
  nnet_server_t *s;
  NT_OK(nnet_create_server(NULL, NULL, NULL, &s));
  return s;
}

/* listen({port}, cb) and listen(port, cb) */
static int listen_opts_port(int port) {
  nnet_server_t *s = new_server();
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.port = port;
  int rc = nnet_server_listen(s, &lo, close_listener, NULL);
  if (rc < 0) NT_OK(nnet_server_close(s, NULL, NULL));
  return rc;
}

static int listen_port(int port) {
  nnet_server_t *s = new_server();
  int rc = nnet_server_listen_tcp(s, port, NULL);
  if (rc == 0)
    NT_OK(nnet_server_on(s, NNET_EV_LISTENING, close_listener, NULL));
  else
    NT_OK(nnet_server_close(s, NULL, NULL));
  return rc;
}

static void assert_bad_port(int rc) {
  NT_ERR(rc, NNET_ERR_SOCKET_BAD_PORT);
  NT_STREQ(nnet_err_name(rc), "ERR_SOCKET_BAD_PORT");
  NT_STREQ(nnet_err_class(rc), "RangeError");
}

static void should_fail_to_listen(const nnet_listen_opts_t *lo) {
  nnet_server_t *s = new_server();
  int rc = nnet_server_listen(s, lo, nt_must_not_call, "listening");
  NT_ERR(rc, NNET_ERR_INVALID_ARG_VALUE);
  NT_STREQ(nnet_err_name(rc), "ERR_INVALID_ARG_VALUE");
  NT_STREQ(nnet_err_class(rc), "TypeError");
  NT_OK(nnet_server_close(s, NULL, NULL));
}

int main(void) {
  nnet_server_t *s;
  nnet_listen_opts_t lo;
  nt_init();
  listenings = NT_MUST_CALL("listening", 4 + 2 * 2);

  /* listen().on('listening'), listen(cb), listen(0), listen({port: 0}) */
  s = new_server();
  NT_OK(nnet_server_listen(s, NULL, NULL, NULL));
  NT_OK(nnet_server_on(s, NNET_EV_LISTENING, close_listener, NULL));
  s = new_server();
  NT_OK(nnet_server_listen(s, NULL, close_listener, NULL));
  NT_OK(listen_port(0));
  NT_OK(listen_opts_port(0));

  /* Both forms: port 0 listens ('0', undefined and null are JS-only). */
  NT_OK(listen_opts_port(0));
  NT_OK(listen_port(0));
  NT_OK(listen_opts_port(0));
  NT_OK(listen_port(0));
  assert_bad_port(listen_opts_port(-2));
  assert_bad_port(listen_port(-1));
  assert_bad_port(listen_opts_port(65536));
  assert_bad_port(listen_port(65536));
  assert_bad_port(listen_opts_port(-65536));
  assert_bad_port(listen_port(-65536));

  s = new_server();
  nnet_listen_opts_init(&lo);
  lo.port = -2;
  lo.path = nt_pipe_path();
  assert_bad_port(nnet_server_listen(s, &lo, nt_must_not_call, "listening"));
  NT_OK(nnet_server_close(s, NULL, NULL));

  /* {fd: -1} and {} */
  nnet_listen_opts_init(&lo);
  should_fail_to_listen(&lo);
  /* {host: 'localhost'} */
  nnet_listen_opts_init(&lo);
  lo.host = "localhost";
  should_fail_to_listen(&lo);
  /* {host: 'localhost:3000'} */
  lo.host = "localhost:3000";
  should_fail_to_listen(&lo);
  /* {exclusive: true} */
  nnet_listen_opts_init(&lo);
  lo.exclusive = true;
  should_fail_to_listen(&lo);
  return nt_finish();
}
