/* net.BoundSocket (bound_socket.c) as the server (listen.c) and the socket
 * (socket.c, connect.c) adopt it. Not installed. */
#ifndef NNET_BOUND_INTERNAL_H
#define NNET_BOUND_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "internal.h"

/* What a socket that adopted a bound socket keeps (nnet__sockext_t.bound;
 * its presence is Node's kBoundSource, kept for the socket's life). */
typedef struct nnet__bound_src_s {
  char *path; /* the socket file to remove when the handle closes, or NULL */
  dev_t dev;
  ino_t ino;
} nnet__bound_src_t;

/* 0, or NNET_ERR_SOCKET_HANDLE_ADOPTED (adopted or closed). */
int nnet__bound_check(const nnet_bound_socket_t *b);
/* The descriptor of an un-adopted bound socket. */
int nnet__bound_fd(const nnet_bound_socket_t *b);

/* server.listen(bound): srv's listening handle took the descriptor (srv->lh
 * is it, or NULL when listening failed and the handle is closing). Moves the
 * socket file to the handle (or removes it), sets the server's pipe name
 * and leaves b adopted. */
void nnet__bound_listened(nnet_bound_socket_t *b, nnet_server_t *srv);

/* new net.Socket({handle: bound}) (nnet_socket_new): opens b's descriptor
 * in s's handle, bound but not connected, not reading. 0 (b adopted), or an
 * error with s and b unchanged but for s's handle (closed: the caller
 * abandons s). */
int nnet__bound_adopt_socket(nnet_socket_t *s, nnet_bound_socket_t *b);
/* True if s adopted a bound socket (Node's kBoundSource). */
bool nnet__bound_source(const nnet_socket_t *s);
/* What Node throws from connect() on such a socket: 0,
 * NNET_ERR_INVALID_ARG_VALUE (local_address / local_port) or
 * NNET_ERR_INVALID_ARG_TYPE (a Unix one still holding its descriptor and
 * no path). MISSING_ARGS is left to connect.c's validation. */
int nnet__bound_connect_check(const nnet_socket_t *s,
                              const nnet_connect_opts_t *o);
/* The socket's handle closes: remove the bound socket file (once). */
void nnet__bound_src_closing(nnet_socket_t *s);
/* The socket is freed. */
void nnet__bound_src_free(nnet__bound_src_t *src);

#endif
