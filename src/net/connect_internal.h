/* State of one socket.connect() while it is in progress (connect.c and
 * lookup.c). Freed once connected, failed or cancelled and no libuv request
 * still points at it. */
#ifndef NNET_CONNECT_INTERNAL_H
#define NNET_CONNECT_INTERNAL_H

#include "net/socket_internal.h"

typedef struct {
  nnet_socket_t *s;
  uv_connect_t req;
  uv_getaddrinfo_t gai;
  bool req_active, gai_active, cancelled;
  char *host; /* TCP: the host asked for ("localhost" by default) */
  int port;
  int family, hints;
  char *local_address;
  int local_port;
  char *path; /* Unix: exact bytes, NUL-terminated copy */
  size_t path_len;
  int pipe_err;
  struct sockaddr_storage sa; /* IP literal */
  char addr[64];              /* address of the current attempt */
} nnet__connect_t;

/* Frees the state unless a request is still outstanding. */
void nnet__connect_state_free(nnet_socket_t *s);

#endif
