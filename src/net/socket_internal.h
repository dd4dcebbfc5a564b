/* net.Socket internals shared by src/net/socket*.c, connect.c, lookup.c,
 * timeout.c, sockopt.c and the server (accept path).
 * Not installed. */
#ifndef NNET_SOCKET_INTERNAL_H
#define NNET_SOCKET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "internal.h"
#include "stream/decoder.h"

/* ---- the contract with the server (server.c) ------------------------------
 * nnet__socket_accept: uv_accept()s one pending connection of server_handle
 * into a new socket configured from o (allowHalfOpen, pauseOnConnect,
 * noDelay, keepAlive, highWaterMark). The socket is not reading yet and has
 * emitted nothing. Returns 0, UV_ENOMEM or the uv_accept error (then
 * nothing was created, *out is NULL). The server calls nnet__socket_start()
 * after its 'connection' listeners ran. */
int nnet__socket_accept(nnet_server_t *srv, nnet__loop_t *nl,
                        uv_stream_t *server_handle, bool is_pipe,
                        const nnet_server_opts_t *o, nnet_socket_t **out);
/* The same for a connection accepted elsewhere (multiloop.c's acceptor):
 * opens fd instead of uv_accept(). On success the socket owns fd; on error
 * fd is still the caller's. */
int nnet__socket_accept_fd(nnet_server_t *srv, nnet__loop_t *nl, int fd,
                           bool is_pipe, const nnet_server_opts_t *o,
                           nnet_socket_t **out);
/* Starts reading unless pauseOnConnect or the listeners paused/destroyed
 * it. */
void nnet__socket_start(nnet_socket_t *s);
/* Closes an accepted socket that was never handed to the user (blocked or
 * dropped peer): no event is emitted and nnet__server_connection_closed()
 * is NOT called. The memory is freed once the handle is closed. */
void nnet__socket_discard(nnet_socket_t *s);
/* Peer address of an accepted socket, as Node's remoteAddress/Port/Family
 * (for 'drop' and blockList): 0 or a UV error (pipes: UV_ENOTSUP). */
int nnet__socket_peer(const nnet_socket_t *s, nnet_socketaddress_t *out);
/* Drop the cached remote address (connect() on a closed socket). */
void nnet__socket_forget_peer(nnet_socket_t *s);
/* Defined by server.c: an accepted socket (handed to 'connection') was
 * destroyed. Called once per socket, synchronously from its destroy (as
 * Node's _destroy decrements server._connections), before its 'close';
 * the server unlinks s from its connection list (conn_prev/conn_next). */
void nnet__server_connection_closed(nnet_server_t *srv, nnet_socket_t *s);

/* ---- the socket ---------------------------------------------------------- */

/* One write() / writev() / end(data) call. Bytes that could not be sent at
 * once are copied into data[] (one allocation per queued write). */
typedef struct nnet__wreq_s {
  struct nnet__wreq_s *next;
  nnet_write_cb cb;
  void *ctx;
  size_t len;   /* bytes still counted in writableLength */
  uv_buf_t buf; /* the unsent part, pointing into data[] */
  char data[];
} nnet__wreq_t;

/* A completed write whose callback is due (Node's afterWriteTick). */
typedef struct {
  nnet_write_cb cb;
  void *ctx;
  int status;
} nnet__wdone_t;

/* Socket flags (nnet_socket_t.flags). */
enum {
  NNET__S_CONNECTING = 1u << 0, /* connect() in progress (lookup/attempt) */
  NNET__S_CONNECTED = 1u << 1,  /* handle open and usable */
  NNET__S_READABLE = 1u << 2,   /* Node: readable side open */
  NNET__S_WRITABLE = 1u << 3,   /* Node: writable side open */
  NNET__S_PAUSED = 1u << 4,     /* user pause() (or pauseOnConnect) */
  NNET__S_READING = 1u << 5,    /* uv_read_start active */
  NNET__S_DESTROYED = 1u << 6,
  NNET__S_CLOSED = 1u << 7,    /* 'close' emitted */
  NNET__S_ENDING = 1u << 8,    /* end() called (Node: writable ending) */
  NNET__S_SHUTDOWN = 1u << 9,  /* uv_shutdown issued */
  NNET__S_FINISHED = 1u << 10, /* 'finish' emitted */
  NNET__S_EOF = 1u << 11,      /* peer ended: 'end' due or emitted */
  NNET__S_END_EMITTED = 1u << 12,
  NNET__S_HALF_OPEN = 1u << 13,   /* allowHalfOpen */
  NNET__S_HANDLE_INIT = 1u << 14, /* h is initialised and must be closed */
  NNET__S_UNREF = 1u << 15,
  NNET__S_NEED_DRAIN = 1u << 16,
  NNET__S_ACCEPTED = 1u << 17, /* server's: report its close */
  NNET__S_DISCARD = 1u << 18,  /* closing silently */
  NNET__S_ERRORED = 1u << 19,  /* 'error' emitted / due */
  NNET__S_DESTROY_SOON = 1u << 20,
  NNET__S_WRITING = 1u << 21, /* a uv_write is in flight */
  NNET__S_EVER_CONNECTED = 1u << 22,
  NNET__S_PIPE = 1u << 23,
  NNET__S_DONE_SCHEDULED = 1u << 24, /* write callbacks deferred */
  NNET__S_RESET = 1u << 25,          /* resetAndDestroy: close with RST */
  NNET__S_NO_DELAY = 1u << 26,       /* wanted; applied on connect */
  NNET__S_KEEP_ALIVE = 1u << 27,
  /* Node's read(0) ran: the socket reads from the kernel (into 'data'
   * when flowing, else into ext->rq up to highWaterMark). Set on connect,
   * accept and resume() unless pauseOnConnect / paused before connect. */
  NNET__S_READ_ARMED = 1u << 28,
  /* allocated with room for a uv_tcp_t only: never init a pipe in it */
  NNET__S_TCP_ONLY = 1u << 29,
  /* destroy(err) ran out of memory storing its error: report ENOMEM */
  NNET__S_OOM_ERROR = 1u << 30,
  /* Node: readableFlowing true (a 'data' listener, resume()). Neither this
   * nor NNET__S_PAUSED: readableFlowing null. */
  NNET__S_FLOWING = 1u << 31,
};

/* Write-queue state (socket_write.c): allocated by the first write
 * that cannot complete at once or needs a callback, by end(), or by a
 * failure; kept until the socket is freed. The fast path (the kernel takes
 * every byte, no callback) never needs it, so an idle connection does not
 * carry a uv_write_t and a uv_shutdown_t. */
typedef struct {
  nnet__wreq_t *wq_head, *wq_tail; /* buffered: not yet handed to libuv */
  nnet__wreq_t *inflight;          /* the batch in the uv_write */
  size_t inflight_len;
  uv_write_t wreq;
  uv_shutdown_t sreq;
  nnet__wdone_t *done; /* callbacks due on a later turn */
  size_t done_len, done_cap;
  size_t done_ready;      /* how many of done[] the deferred job may run */
  nnet__wdone_t *end_cbs; /* end(cb) callbacks: run at 'finish', in order */
  size_t end_len, end_cap;
  /* the queue waits for the internal 'connect' listener (Node's
   * once('connect') of the first write made while connecting) */
  bool connect_armed;
} nnet__wstate_t;

/* Options few sockets use (onread, setEncoding, signal): allocated on first
 * use, kept until the socket is freed. */
typedef struct {
  nnet_onread_fn onread;
  char *onread_buf;
  size_t onread_len;
  void *onread_ctx;
  nnet__decoder_t *decoder; /* setEncoding(), or NULL */
  nnet__buf_t rbuf;         /* decoded text of one read, reused */
  /* Node's readable buffer: bytes read while not flowing (raw; decoded
   * when emitted, so a later setEncoding applies to them as in Node).
   * Freed once emitted: an idle connection keeps no buffer. */
  nnet__buf_t rq;
  bool flow_scheduled; /* flow_job (Node's resume_) is queued */
  /* the `signal` option (Node: addAbortSignal): destroy on abort */
  nnet__abort_sub_t abort_sub;
  /* options asked for before the connection existed (sockopt.c) */
  unsigned keep_alive_delay; /* ms, setKeepAlive's initialDelay */
  unsigned user_timeout;     /* ms, TCP_USER_TIMEOUT; 0: not set */
  bool tos_set;              /* setTypeOfService / typeOfService asked */
  uint8_t tos;               /* socket_tos.c */
  /* nnet_socket_set_max_write_buffer() (socket_write.c): when wcap_set,
   * wcap (0: none) and wcap_policy replace the server's defaults */
  bool wcap_set;
  uint8_t wcap_policy;
  /* destroy(err)'s error, allocated then (few sockets die with one), or
   * NULL. Read it with nnet__socket_error(), free it only with
   * nnet__socket_clear_error(). */
  nnet__error_t *err;
  size_t hwm;      /* highWaterMark when hwm_set (0 is valid, as in Node) */
  bool hwm_set;    /* else NNET__DEFAULT_HWM */
  unsigned corked; /* Node: writableCorked (cork() calls not undone) */
  size_t wcap;     /* see wcap_set */
  /* pipe.c: Node's readableState.pipes (this socket as a pipe() source);
   * empty again by the socket's 'close' */
  struct nnet__pipe_s *pipes;
  /* Node's _peername: the peer address the first time remoteAddress was
   * read while connected, kept past destroy until a new connect()
   * (socket_props.c), or NULL */
  union nnet__peername_u *peer;
  /* an adopted net.BoundSocket (bound_socket.c), or NULL */
  struct nnet__bound_src_s *bound;
  /* pipe_splice.c: this pipe source's bytes go to its destination with
   * splice(2) (or NULL), and how many went that way (bytes_spliced) */
  struct nnet__splice_s *splice;
  uint64_t spliced;
} nnet__sockext_t;

/* A cached TCP peer address (IPv4 or IPv6). */
typedef union nnet__peername_u {
  struct sockaddr sa;
  struct sockaddr_in in;
  struct sockaddr_in6 in6;
} nnet__peername_t;

#define NNET__DEFAULT_HWM 16384

/* The idle timeout (timeout.c): created by the first setTimeout(), its
 * timer closed with the socket, the memory kept until the socket is freed
 * (socket.timeout stays readable after destroy). */
typedef struct {
  uv_timer_t t;
  uint64_t last_active; /* uv_now() of the last read or write */
  unsigned ms;          /* Node: socket.timeout; 0: off */
  bool closed;
  /* set by the server's idle_timeout, cleared by setTimeout(): destroy
   * when 'timeout' fires with no listener */
  bool destroy_idle;
} nnet__timer_t;

/* Field order packs the 32-bit fields together, and the handle union comes
 * last: an accepted TCP socket is allocated without the bytes only a
 * uv_pipe_t needs (NNET__S_TCP_ONLY). Every idle connection pays for each
 * byte here (bench/RESULTS.md, idle memory). */
struct nnet_socket_s {
  nnet__emitter_t em;
  nnet__loop_t *nl; /* the uv loop: nnet__socket_loop() */
  uint32_t flags;
  unsigned holds;          /* emits / internal calls on the stack */
  unsigned retains;        /* nnet_socket_retain() count */
  uint16_t pending_closes; /* uv_close callbacks outstanding (a few) */
  /* Node's 'close' without hadError: destroyed while it had no handle */
  bool close_no_arg;
  /* Opened from an fd (nnet_socket_new) and not connect()ed since: a
   * connect() goes through that descriptor if it is not connected yet
   * (connect.c). Fills padding: no size cost. */
  bool from_fd : 1;
  /* socket_read.c: flowing reads take NNET__READ_MIN << read_shift bytes,
   * grown while reads fill them; read_shrink: the last read would have
   * fit in half. In from_fd's byte: no size cost. */
  uint8_t read_shift : 2;
  bool read_shrink : 1;
  void *data; /* nnet_socket_set_data() */
  /* Never both: an accepted socket forgets its server when destroyed, and
   * only a destroyed, closed socket can connect() again. NNET__S_ACCEPTED
   * says which one is set (connect.c's state_of() checks it). */
  union {
    nnet_server_t *server; /* the accepting server (NNET__S_ACCEPTED) */
    void *connect_state;   /* owned by connect.c while connecting */
  };
  /* The accepting server's list of its open connections (server.c; NULL
   * otherwise): nnet_server_shutdown() ends and destroys through it. */
  struct nnet_socket_s *conn_prev, *conn_next;
  nnet__sockext_t *ext; /* or NULL: see nnet__socket_ext() */
  uint64_t bytes_read;

  /* writing (socket_write.c); highWaterMark and the cork count are
   * in ext: nnet__socket_hwm(), nnet__socket_corked() */
  size_t wlen; /* Node: writableLength */
  uint64_t bytes_written;
  nnet__wstate_t *ws; /* or NULL: nothing queued, nothing due */

  nnet__timer_t *timer; /* or NULL: setTimeout() never called */

  /* Last: sized by handle type when the type is known at allocation. */
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_tcp_t tcp;
    uv_pipe_t pipe;
  } h;
};

static inline uv_loop_t *nnet__socket_loop(const nnet_socket_t *s) {
  return nnet__loop_uv(s->nl);
}

/* s's rarely used options, allocated (zeroed) on first use; NULL on OOM. */
nnet__sockext_t *nnet__socket_ext(nnet_socket_t *s);

static inline size_t nnet__socket_hwm(const nnet_socket_t *s) {
  return s->ext && s->ext->hwm_set ? s->ext->hwm : NNET__DEFAULT_HWM;
}
static inline unsigned nnet__socket_corked(const nnet_socket_t *s) {
  return s->ext ? s->ext->corked : 0;
}

/* ---- lifetime (socket.c) ---- */
int nnet__socket_alloc(nnet__loop_t *nl, const nnet_socket_opts_t *o,
                       nnet_socket_t **out);
void nnet__socket_hold(nnet_socket_t *s);
/* Drops a hold; frees the socket when it can go. Returns true if s is
 * still alive. */
bool nnet__socket_unhold(nnet_socket_t *s);
/* Emit ev on s (holds s around the call). */
void nnet__socket_emit(nnet_socket_t *s, nnet_event_t *ev);
void nnet__socket_emit_simple(nnet_socket_t *s, nnet_event_type_t type);
/* A uv_close callback of one of s's handles ran (pending_closes). */
void nnet__socket_closed_one(nnet_socket_t *s);
/* Run fn(s) on a later turn, holding s until then. */
int nnet__socket_defer(nnet_socket_t *s, nnet__defer_fn fn);
/* destroy(err)'s error, or NULL (destroyed without one, or not yet). */
const nnet__error_t *nnet__socket_error(const nnet_socket_t *s);
/* Forget the error of an earlier destroy (connect() reusing the socket). */
void nnet__socket_clear_error(nnet_socket_t *s);
/* Destroy with an already built error (moved into the socket). */
void nnet__socket_destroy_with(nnet_socket_t *s, nnet__error_t *err);
/* Initialise s->h as TCP or pipe on the loop. */
int nnet__socket_handle_init(nnet_socket_t *s, bool is_pipe);
static inline bool nnet__socket_dead(const nnet_socket_t *s) {
  return (s->flags & NNET__S_DESTROYED) != 0;
}

/* ---- reading (socket_read.c) ---- */
void nnet__socket_read_start(nnet_socket_t *s);
void nnet__socket_read_stop(nnet_socket_t *s);
/* The connection is usable (fd opened): connected, reading unless paused. */
void nnet__socket_on_connected(nnet_socket_t *s);
/* connect() done: connected, not reading until nnet__socket_read_first()
 * after 'connect' and 'ready' (Node's afterConnect). */
void nnet__socket_on_connected_idle(nnet_socket_t *s);
void nnet__socket_read_first(nnet_socket_t *s);
/* A 'data' listener was added: flow unless paused (Node's on('data')). */
void nnet__socket_data_listener_added(nnet_socket_t *s);
/* pipe_splice.c: start reading s while it splices (x->splice set);
 * socket_read.c: the end of s's bytes (UV_EOF) or a read error, found by
 * splice. */
int nnet__splice_read_start(nnet_socket_t *s);
void nnet__socket_read_end(nnet_socket_t *s, int err);

/* ---- writing (socket_write.c) ---- */
/* Hand buffered writes to libuv (after connect or uncork). */
void nnet__writable_flush(nnet_socket_t *s);
/* After the 'connect' listeners ran: sends what the internal 'connect'
 * listener (registered by the first write while connecting) did not, and
 * finishes an end() made while connecting. */
void nnet__writable_flush_connected(nnet_socket_t *s);
/* Fail every queued write with err (destroy); their callbacks run on a
 * later turn, before 'close'. */
void nnet__writable_abort(nnet_socket_t *s, int err);
/* Runs due write callbacks now (before 'close'). */
void nnet__writable_run_done(nnet_socket_t *s);
void nnet__writable_free(nnet_socket_t *s);
/* Called when the writable side should finish after the queue drained. */
void nnet__writable_maybe_finish(nnet_socket_t *s);

/* ---- connect (connect.c / lookup.c) ---- */
/* Connect to one resolved address (the lookup step calls this). */
void nnet__connect_attempt(nnet_socket_t *s, const struct sockaddr *sa);
/* Start resolving the host of the current connect. */
int nnet__lookup_start(nnet_socket_t *s);
/* Report a connect failure: builds the Node error and destroys s. */
void nnet__connect_fail(nnet_socket_t *s, int err, const char *syscall,
                        const char *address, int port);
void nnet__connect_cancel(nnet_socket_t *s);

/* ---- idle timeout (timeout.c) ---- */
void nnet__timeout_touch(nnet_socket_t *s); /* activity: re-arm */
void nnet__timeout_close(nnet_socket_t *s);
void nnet__timeout_free(nnet_socket_t *s); /* after the timer's close */
/* The server's idle_timeout (beyond Node): setTimeout(ms) that destroys
 * the socket when 'timeout' fires with no listener. 0 or UV_ENOMEM. */
int nnet__timeout_server_idle(nnet_socket_t *s, unsigned ms);

/* ---- socket options (sockopt.c) ---- */
int nnet__sockopt_no_delay(nnet_socket_t *s, bool enable);
int nnet__sockopt_keep_alive(nnet_socket_t *s, bool enable, unsigned delay_ms);
int nnet__sockopt_user_timeout(nnet_socket_t *s, unsigned ms);
/* TCP_USER_TIMEOUT asked for (ms), 0 if none. */
static inline unsigned nnet__sockopt_user_timeout_of(const nnet_socket_t *s) {
  return s->ext ? s->ext->user_timeout : 0;
}
/* Remember keepAlive's initial delay / TCP_USER_TIMEOUT for a connection
 * to come (in s->ext; no allocation for 0). 0 or UV_ENOMEM. */
int nnet__sockopt_remember_keep_alive(nnet_socket_t *s, unsigned delay_ms);
int nnet__sockopt_remember_user_timeout(nnet_socket_t *s, unsigned ms);
/* Apply options asked for before the connection existed. */
void nnet__sockopt_apply_pending(nnet_socket_t *s);
/* Type of service (socket_tos.c): remember tos for the connection
 * (0, NNET_ERR_OUT_OF_RANGE or UV_ENOMEM); apply a remembered one now
 * (errors ignored; called by nnet__sockopt_apply_pending). */
int nnet__tos_remember(nnet_socket_t *s, int tos);
void nnet__tos_apply_pending(nnet_socket_t *s);
/* Make SIGPIPE harmless for this process (idempotent, thread-safe). */
void nnet__sigpipe_guard(void);

#endif
