/* net.Server internals shared by server.c (object, events, accept, close)
 * and listen.c (every form of listen()). Not installed. */
#ifndef NNET_SERVER_INTERNAL_H
#define NNET_SERVER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
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
typedef struct nnet__shutdown_s nnet__shutdown_t;
typedef struct nnet__limits_s nnet__limits_t;

/* Open and accepted connections of the per-loop servers of a multi-loop
 * server (multiloop.c), read from other threads (least-loaded choice,
 * stats): atomics, touched once per connection. */
typedef struct nnet__conn_counter_s {
  _Atomic uint64_t open;     /* admitted ('connection') and not destroyed */
  _Atomic uint64_t accepted; /* admitted ever */
} nnet__conn_counter_t;

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
  nnet_socket_t *conns; /* open accepted sockets (conn_next), newest first */
  nnet__shutdown_t *shutdown;    /* nnet_server_shutdown() under way, or NULL */
  nnet__limits_t *limits;        /* per-IP counts (server_limits.c), or NULL */
  nnet__conn_counter_t *counter; /* multiloop.c's, or NULL */
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
/* A connection accepted elsewhere (fd, non-blocking) enters srv as if
 * srv had accepted it: maxConnections, block_list, the per-IP limit, then
 * 'connection'. fd is srv's from then on (closed if refused). */
void nnet__server_inject(nnet_server_t *srv, int fd, bool is_pipe);
/* The handle listens: adopt it and schedule 'listening'. */
int nnet__server_adopt(nnet_server_t *srv, nnet__lhandle_t *lh);

/* ---- server_shutdown.c ---- */
/* The server is about to emit 'close': run the shutdown callbacks (just
 * before the 'close' listeners), stop the deadline timer, detach. */
void nnet__shutdown_on_close(nnet_server_t *srv);

/* ---- listen_stale.c ---- */
/* bind() said EADDRINUSE for the Unix path `path` (not abstract): if it is
 * a socket nobody accepts on (ECONNREFUSED), unlink it. 0: gone (bind
 * again), else UV_EADDRINUSE (live, not a socket, or undecidable). */
int nnet__unlink_stale(const char *path);

/* ---- server_limits.c: the protections beyond Node ---- */
/* An accepted socket passed maxConnections and block_list: count it
 * against its peer's address and give it the idle timeout. 0: admitted;
 * NNET_DROP_PER_IP_LIMIT: over max_connections_per_ip (emit 'drop',
 * discard it); UV_ENOMEM: discard it silently. */
int nnet__limits_admit(nnet_server_t *srv, nnet_socket_t *s, bool is_pipe);
/* An admitted socket was destroyed (nnet__server_connection_closed). */
void nnet__limits_release(nnet_server_t *srv, nnet_socket_t *s);
void nnet__limits_free(nnet_server_t *srv);

/* ---- listen.c ---- */
/* Closes a listening handle (unlinks the Unix path it created). */
void nnet__lhandle_close(nnet__lhandle_t *lh);
/* Abandons a host name lookup in progress (close() during listen). */
void nnet__listen_cancel(nnet_server_t *srv);

#endif
