/* The zero-copy path of nnet_socket_pipe() (pipe_splice.c): pipe.c asks
 * for it, socket_read.c reads through it. Not installed. */
#ifndef NNET_PIPE_SPLICE_H
#define NNET_PIPE_SPLICE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/socket_internal.h"

struct nnet__pipe_s;

/* pipe.c: write bytes read from the pipe's source to its destination, as
 * its 'data' listener would (backpressure included). */
typedef void (*nnet__splice_flush_fn)(struct nnet__pipe_s *p, const char *base,
                                      size_t len);

/* From now on, move src's bytes to dst with splice(2), if the platform
 * and both sockets allow it (kernel stream sockets, src flowing with no
 * 'data' listener but the pipe's, no encoding, onread or buffered bytes;
 * dst connected, not ending). Returns true if started. *no_splice is set
 * when splice cannot work for this pair (or is disabled): pipe.c then
 * stops asking. */
bool nnet__splice_start(struct nnet__pipe_s *p, nnet_socket_t *src,
                        nnet_socket_t *dst, nnet__splice_flush_fn flush,
                        bool *no_splice);
/* Back to the copy path for src (if splicing for pipe p, or for any pipe
 * with p NULL): the bytes held in the kernel pipe go to dst through flush
 * first (dropped if dst is destroyed or ending), then src reads as usual. */
void nnet__splice_stop(nnet_socket_t *src, const struct nnet__pipe_s *p);

#endif
