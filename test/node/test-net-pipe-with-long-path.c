/* Node: test/parallel/test-net-pipe-with-long-path.js
 * Listening on and connecting to a Unix path far longer than sun_path
 * (10000 bytes) must not silently truncate it. Node >= 22 emits 'error'
 * EINVAL for both; nodenet refuses both synchronously with
 * ERR_PATH_TOO_LONG and emits nothing (documented deviation). */
#include "common.h"

int main(void) {
  static char pipe_path[10100];
  nnet_server_t *server;
  nnet_socket_t *socket = NULL;
  nt_init();
  int n = snprintf(pipe_path, sizeof(pipe_path), "%s/", nt_tmpdir());
  memset(pipe_path + n, 'x', 10000);
  strcpy(pipe_path + n + 10000, ".sock");

  NT_OK(nnet_create_server(NULL, NULL, NULL, &server));
  NT_OK(
      nnet_server_on(server, NNET_EV_LISTENING, nt_must_not_call, "listening"));
  NT_OK(nnet_server_on(server, NNET_EV_ERROR, nt_must_not_call, "error"));
  NT_ERR(nnet_server_listen_path(server, pipe_path), NNET_ERR_PATH_TOO_LONG);
  NT_STREQ(nnet_err_name(NNET_ERR_PATH_TOO_LONG), "ERR_PATH_TOO_LONG");
  NT_ERR(nnet_create_connection_path(NT_LOOP, pipe_path, &socket),
         NNET_ERR_PATH_TOO_LONG);
  NT_ASSERT(socket == NULL);
  /* The server never listened: close() reports ERR_SERVER_NOT_RUNNING. */
  NT_OK(nnet_server_close(server, NULL, NULL));
  return nt_finish();
}
