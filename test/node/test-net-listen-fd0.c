/* Node: test/parallel/test-net-listen-fd0.js
 * listen({fd: 0}) on a descriptor that is not a socket fails with an
 * asynchronous 'error' EINVAL or ENOTSOCK, not a synchronous throw. So
 * that fd 0 is not a socket whatever the runner passes as stdin, it is
 * /dev/null here. */
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

static nt_count_t *errors;

static void on_error(const nnet_event_t *ev, void *ctx) {
  const char *code = ev->u.error->code_name;
  NT_HIT(errors);
  NT_ASSERT(code != NULL &&
            (strcmp(code, "EINVAL") == 0 || strcmp(code, "ENOTSOCK") == 0));
  NT_OK(nnet_server_close(ev->target, NULL, NULL)); /* free it */
}

int main(void) {
  nnet_server_t *server;
  nt_init();
  errors = NT_MUST_CALL("error", 1);
  int null_fd = open("/dev/null", O_RDONLY);
  NT_ASSERT(null_fd >= 0);
  if (null_fd != STDIN_FILENO) {
    NT_ASSERT(dup2(null_fd, STDIN_FILENO) == STDIN_FILENO);
    close(null_fd);
  }
  NT_OK(nnet_create_server(NULL, nt_must_not_call, "connection", &server));
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.fd = 0;
  NT_OK(nnet_server_listen(server, &lo, NULL, NULL));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, on_error, NULL));
  return nt_finish();
}
