/* net.Server internals shared by server.c (object, events, accept, close)
 * and listen.c (every form of listen()). Not installed. */
#ifndef NNET_SERVER_INTERNAL_H
#define NNET_SERVER_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>
#include <uv.h>

#include "internal.h"

/* One listening handle. Heap-allocated per listen() so a server can listen
 * again while the previous handle is still closing. */
typedef struct nnet__lhandle_s {
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } u;
  nnet_server_t *srv;
  bool is_pipe;
  bool own_path; /* we bound `path`: unlink it on close if still ours */
  dev_t path_dev;
  ino_t path_ino;
  char *path; /* Unix path as given (abstract: leading NUL), or NULL */
  size_t path_len;
} nnet__lhandle_t;

typedef struct nnet__close_rec_s nnet__close_rec_t;
typedef struct nnet__resolve_s nnet__resolve_t;

struct nnet_server_s {
  nnet__emitter_t em;
  nnet__loop_t *nl;
  uv_loop_t *loop;
  nnet_server_opts_t opts;
  nnet__lhandle_t *lh;      /* the listening handle, NULL when not listening */
  nnet__resolve_t *resolve; /* host name lookup in progress, or NULL */
  size_t connections;       /* accepted sockets not yet closed */
  int max_connections;      /* -1: unlimited */
  unsigned holds;   /* emits, deferred work, libuv requests/closes in flight */
  unsigned retains; /* nnet_server_retain() */
  unsigned listen_gen; /* bumped by listen()/close(): stale 'listening' */
  unsigned pending_listening_gen; /* listen_gen of the queued 'listening' */
  char *pipe_name; /* Node's server._pipeName: kept after close */
  size_t pipe_name_len;
  bool close_wanted; /* close() called: emit 'close' once drained */
  bool closed;       /* 'close' emitted and not listening since */
  bool unref;
  void *data;
  nnet__abort_sub_t abort_sub;
  nnet__close_rec_t *close_recs; /* close(cb) callbacks not yet run */
};

/* ---- server.c ---- */
void nnet__server_hold(nnet_server_t *srv);
/* Drops a hold; frees srv when nothing keeps it any more. */
void nnet__server_unhold(nnet_server_t *srv);
/* libuv's connection_cb for every listening handle. */
void nnet__server_on_connection(uv_stream_t *h, int status);
/* Schedules an 'error' (Node emits listen errors on the next tick); takes
 * over *err. Returns 0 or UV_ENOMEM (then *err is cleared). */
int nnet__server_defer_error(nnet_server_t *srv, nnet__error_t *err);
/* The handle listens: adopt it and schedule 'listening'. */
int nnet__server_adopt(nnet_server_t *srv, nnet__lhandle_t *lh);

/* ---- listen.c ---- */
/* Closes a listening handle (unlinks the Unix path it created). */
void nnet__lhandle_close(nnet__lhandle_t *lh);
/* Abandons a host name lookup in progress (close() during listen). */
void nnet__listen_cancel(nnet_server_t *srv);

#endif
