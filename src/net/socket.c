/* net.Socket: creation, lifetime, destroy, events and properties. */
#include "net/socket_internal.h"

int nnet__socket_accept(nnet_server_t *srv, nnet__loop_t *nl,
                        uv_stream_t *server_handle, bool is_pipe,
                        const nnet_server_opts_t *o, nnet_socket_t **out) {
  *out = NULL;
  return UV_ENOSYS;
}

void nnet__socket_start(nnet_socket_t *s) {}

void nnet__socket_discard(nnet_socket_t *s) {}

int nnet__socket_peer(const nnet_socket_t *s, nnet_socketaddress_t *out) {
  return UV_ENOSYS;
}
