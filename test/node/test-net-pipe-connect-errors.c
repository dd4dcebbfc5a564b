/* Node: test/parallel/test-net-pipe-connect-errors.js
 * Connecting to a Unix path that is a regular file fails with ENOTSOCK or
 * ECONNREFUSED, to a missing path with ENOENT, and (when not root, as in
 * Node) to a socket file with mode 0 with EACCES; no 'connect' in any case. */
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"

static nt_count_t *not_socket_err, *no_ent_err, *access_listening, *access_err;
static nnet_server_t *access_server;

static void not_socket_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(not_socket_err);
  const char *code = ev->u.error->code_name;
  if (strcmp(code, "ENOTSOCK") != 0 && strcmp(code, "ECONNREFUSED") != 0)
    NT_FAIL("received %s instead of ENOTSOCK or ECONNREFUSED", code);
}

static void no_ent_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(no_ent_err);
  NT_STREQ(ev->u.error->code_name, "ENOENT");
}

static void access_on_error(const nnet_event_t *ev, void *ctx) {
  NT_HIT(access_err);
  NT_STREQ(ev->u.error->code_name, "EACCES");
  NT_OK(nnet_server_close(access_server, NULL, NULL));
}

static void access_on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *c;
  NT_HIT(access_listening);
  NT_OK(chmod(nt_pipe_path(), 0));
  NT_OK(nnet_create_connection_path(NT_LOOP, nt_pipe_path(), &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, access_on_error, NULL));
}

int main(void) {
  char empty_txt[300];
  nnet_socket_t *c;
  nt_init();
  not_socket_err = NT_MUST_CALL("notSocketClient error", 1);
  no_ent_err = NT_MUST_CALL("noEntSocketClient error", 1);

  /* A short name: over the sun_path limit the error would be another one. */
  snprintf(empty_txt, sizeof(empty_txt), "%s0.txt", nt_tmpdir());
  unlink(empty_txt);
  FILE *f = fopen(empty_txt, "w");
  NT_ASSERT(f != NULL);
  fclose(f);

  NT_OK(nnet_create_connection_path(NT_LOOP, empty_txt, &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, not_socket_on_error, NULL));

  NT_OK(nnet_create_connection_path(NT_LOOP, "no-ent-file", &c));
  NT_OK(nnet_socket_on(c, NNET_EV_CONNECT, nt_must_not_call, "connect"));
  NT_OK(nnet_socket_on(c, NNET_EV_ERROR, no_ent_on_error, NULL));

  if (getuid() != 0) {
    /* Connecting to a socket one has no access to gives EACCES. */
    access_listening = NT_MUST_CALL("accessServer listening", 1);
    access_err = NT_MUST_CALL("accessClient error", 1);
    NT_OK(nnet_create_server(NULL, nt_must_not_call, "server callback",
                             &access_server));
    nnet_listen_opts_t lo;
    nnet_listen_opts_init(&lo);
    lo.path = nt_pipe_path();
    NT_OK(nnet_server_listen(access_server, &lo, access_on_listening, NULL));
  }
  int rc = nt_finish();
  unlink(empty_txt);
  return rc;
}
