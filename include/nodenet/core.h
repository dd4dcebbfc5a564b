/* Core: allocator, error payloads, events and listeners. See DESIGN.md §2-§5.
 */
#ifndef NODENET_CORE_H
#define NODENET_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Node: net.Socket and net.Server (net.h). Opaque and library-allocated;
 * each is freed by the library after its 'close' event unless retained. */
typedef struct nnet_socket_s nnet_socket_t;
typedef struct nnet_server_s nnet_server_t;

/* ---- Allocation ---------------------------------------------------------
 * Every allocation the library makes goes through these four functions.
 * Set them before creating any object (like uv_replace_allocator()). A NULL
 * argument is refused with UV_EINVAL. Out of memory surfaces as UV_ENOMEM
 * from the call that needed memory; the library never exits on it. */
typedef void *(*nnet_malloc_fn)(size_t size);
typedef void *(*nnet_realloc_fn)(void *ptr, size_t size);
typedef void *(*nnet_calloc_fn)(size_t count, size_t size);
typedef void (*nnet_free_fn)(void *ptr);
NNET_EXTERN int nnet_set_allocator(nnet_malloc_fn m, nnet_realloc_fn r,
                                   nnet_calloc_fn c, nnet_free_fn f);

/* ---- Errors as event payloads --------------------------------------------
 * Node: the Error object given to 'error' listeners. Borrowed for the
 * duration of the callback; copy what you keep. String fields are NULL
 * where Node's error object has no such property. `has_port` says whether
 * it has err.port: false (and `port` -1) for most errors without one;
 * true with `port` -1 for a Unix-socket listen error, which Node reports
 * as port: -1. An AggregateError (every connection attempt failed) lists
 * its parts in `errors`. An error you build yourself (destroy_error(),
 * lookup_fail()) counts as having a port when `port` is not -1 or
 * `has_port` is set. */
typedef struct nnet_error_s {
  int code;              /* negative: UV_E* or NNET_* */
  const char *name;      /* class: "Error", "TypeError", "AggregateError" */
  const char *code_name; /* err.code: "ECONNREFUSED" */
  const char *message;   /* Node's text: "connect ECONNREFUSED 127.0.0.1:9" */
  const char *syscall;   /* "connect", "listen", ... or NULL */
  const char *address;   /* or NULL */
  int port;              /* or -1 */
  const struct nnet_error_s *errors; /* AggregateError parts, or NULL */
  size_t n_errors;
  bool has_port; /* Node: 'port' in err (see above) */
  /* Room to grow without an ABI break (docs/versioning.md): callers also
   * pass this struct in (nnet_lookup_fail, nnet_socket_destroy_error), so
   * a new field takes a slot whose zero means "absent". Leave zeroed. */
  void *reserved_[4];
} nnet_error_t;

/* ---- Events ---------------------------------------------------------------
 * One X-macro table: id and Node's event name cannot drift apart. */
#define NNET_EVENT_MAP(XX)                                   \
  XX(CONNECT, "connect")                                     \
  XX(READY, "ready")                                         \
  XX(DATA, "data")                                           \
  XX(DRAIN, "drain")                                         \
  XX(END, "end")                                             \
  XX(FINISH, "finish")                                       \
  XX(ERROR, "error")                                         \
  XX(CLOSE, "close")                                         \
  XX(TIMEOUT, "timeout")                                     \
  XX(LOOKUP, "lookup")                                       \
  XX(LISTENING, "listening")                                 \
  XX(CONNECTION, "connection")                               \
  XX(DROP, "drop")                                           \
  XX(CONNECTION_ATTEMPT, "connectionAttempt")                \
  XX(CONNECTION_ATTEMPT_FAILED, "connectionAttemptFailed")   \
  XX(CONNECTION_ATTEMPT_TIMEOUT, "connectionAttemptTimeout") \
  XX(PIPE, "pipe")                                           \
  XX(UNPIPE, "unpipe")

/* Node's event names as ids: NNET_EV_DATA is 'data'. NNET_EV_COUNT_ is not
 * an event (remove_all: every event). */
typedef enum {
#define NNET_EVENT_ENUM_(id, name) NNET_EV_##id,
  NNET_EVENT_MAP(NNET_EVENT_ENUM_)
#undef NNET_EVENT_ENUM_
      NNET_EV_COUNT_
} nnet_event_type_t;

/* Node's event name ("data"), or NULL for an unknown id. */
NNET_EXTERN const char *nnet_event_name(nnet_event_type_t type);

/* Why a server emitted 'drop' (nnet_event_t.u.drop.reason). Beyond Node,
 * whose only reason is maxConnections: a server with protections enabled
 * drops for more than one cause, and a listener must tell them apart. */
typedef enum {
  /* Node: server.maxConnections was reached */
  NNET_DROP_MAX_CONNECTIONS = 0,
  /* nnet_server_opts_t.max_connections_per_ip was reached for the peer's
   * address */
  NNET_DROP_PER_IP_LIMIT = 1
} nnet_drop_reason_t;

/* The payload of one emit. Everything in it is borrowed for the call. */
typedef struct nnet_event_s {
  nnet_event_type_t type;
  void *target; /* the nnet_socket_t * or nnet_server_t * that emitted */
  union {
    /* 'data': bytes, or after setEncoding() the decoded text as UTF-8. */
    struct {
      const char *base;
      size_t len;
      bool is_string;
    } data;
    /* 'error' */
    const nnet_error_t *error;
    /* 'close': socket hadError. has_had_error false: Node emits 'close'
     * with no argument (hadError undefined; had_error is then false):
     * always for servers, and for a socket destroyed before it had a
     * connection handle (never connected, destroyed before connect(),
     * an already aborted signal). */
    struct {
      bool had_error;
      bool has_had_error;
    } close;
    /* 'lookup': (err, address, family, host); err NULL on success */
    struct {
      const nnet_error_t *err;
      const char *address;
      int family;
      const char *host;
    } lookup;
    /* 'connection': the accepted socket, valid until its own 'close' */
    struct {
      nnet_socket_t *socket;
    } connection;
    /* 'drop': Node's six address fields (NULL / -1 for Unix sockets),
     * and why (beyond Node): an nnet_drop_reason_t. `reason` sits in the
     * padding after remote_port on LP64, so nnet_event_t keeps its size. */
    struct {
      const char *local_address;
      int local_port;
      const char *local_family;
      const char *remote_address;
      int remote_port;
      int reason; /* nnet_drop_reason_t */
      const char *remote_family;
    } drop;
    /* 'connectionAttempt*' */
    struct {
      const char *address;
      int port;
      int family;
      const nnet_error_t *err; /* 'connectionAttemptFailed' only */
    } attempt;
    /* 'pipe' / 'unpipe' (emitted on the destination of
     * nnet_socket_pipe()): the source socket */
    struct {
      nnet_socket_t *source;
    } pipe;
  } u;
} nnet_event_t;

/* Node: an event listener. ev and everything it points to are borrowed for
 * the call; ctx is the pointer given to on()/once(). Any API call is
 * allowed inside, including destroying or closing ev->target. */
typedef void (*nnet_listener_fn)(const nnet_event_t *ev, void *ctx);

/* ---- Unhandled 'error' ----------------------------------------------------
 * Node: an 'error' event with no listener throws (uncaught exception).
 * Called instead when an 'error' is emitted on an object with no 'error'
 * listener. Default handler (also restored by passing NULL): print
 * "nodenet: unhandled 'error' event: <code> <message>" to stderr and
 * abort(). Process-wide. */
typedef void (*nnet_uncaught_error_fn)(void *target, const nnet_error_t *err,
                                       void *ctx);
NNET_EXTERN void nnet_set_uncaught_error_handler(nnet_uncaught_error_fn fn,
                                                 void *ctx);

/* ---- Deferred work (Node: process.nextTick, setImmediate) ----------------
 * Both queue fn(ctx) on the library's per-loop queue; loop NULL means
 * uv_default_loop(). Node's order holds: nextTick work runs as soon as the
 * current callback (and any nextTick work before it) returns, before the
 * loop waits for I/O; setImmediate work runs in the loop's check phase
 * (after the I/O poll), the ones queued before that phase began, each
 * followed by the nextTick work it queued. Pending work keeps the loop
 * alive. Returns 0, UV_EINVAL (fn NULL) or UV_ENOMEM. Call only on the
 * loop's own thread. */
typedef void (*nnet_tick_fn)(void *ctx);
NNET_EXTERN int nnet_next_tick(uv_loop_t *loop, nnet_tick_fn fn, void *ctx);
NNET_EXTERN int nnet_set_immediate(uv_loop_t *loop, nnet_tick_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif
#endif
