/* Declarations shared across src/. Not installed. */
#ifndef NNET_INTERNAL_H
#define NNET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nodenet.h"

#define nnet__container_of(ptr, type, member) \
  ((type *)((char *)(ptr)-offsetof(type, member)))
#define NNET__ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- core/alloc.c: every allocation goes through these ---- */
void *nnet__malloc(size_t size);
void *nnet__calloc(size_t count, size_t size);
void *nnet__realloc(void *ptr, size_t size);
void nnet__free(void *ptr);
char *nnet__strdup(const char *s); /* NULL on OOM */

/* ---- core/emitter.c: Node's EventEmitter ----
 * Listeners live in an array, in call order: the first NNET__EMITTER_INLINE
 * inside the emitter itself (most objects have 2-4 listeners; no allocation
 * and no malloc header for them), more on the heap.
 * Snapshot semantics without copying: an emit calls the entries that existed
 * when it began (its start length, corrected for prepends) and were not
 * removed before it began. Removals and emits take a stamp from a per-emitter
 * 32-bit counter; an emit with stamp e calls l iff l.removed == 0 or
 * l.removed > e. Removed entries are compacted only when no emit is on the
 * stack (depth == 0), and emits walk by index, never by pointer, so growth
 * during an emit is safe. Wrap rule: at depth 0 nothing removed remains, so
 * the counter restarts at 0 there; it only has to count the removals and
 * emits inside one outermost emit (2^32 of them would wrap). A prepend
 * during an emit shifts every index by one; emits correct their index by
 * the number of prepends since they started. A fired `once` listener is
 * never called again, even by an outer emit whose snapshot still holds it
 * (Node's once-wrapper `fired`). */
typedef struct {
  nnet_listener_fn fn;
  void *ctx;
  uint32_t removed; /* 0: live, else the stamp of its removal */
  uint8_t type;     /* nnet_event_type_t */
  uint8_t once;
  uint8_t fired; /* once listener already called */
} nnet__listener_t;

#define NNET__EMITTER_INLINE 3

typedef struct {
  nnet__listener_t *items; /* inl until it outgrows it */
  uint32_t len, cap;
  uint32_t stamp;
  uint32_t prepends;  /* prepends ever made, mod 2^32 (differences only) */
  uint32_t n_removed; /* removed entries awaiting compaction */
  uint32_t depth;     /* emits on the stack */
  nnet__listener_t inl[NNET__EMITTER_INLINE];
} nnet__emitter_t;

void nnet__emitter_init(nnet__emitter_t *em);
void nnet__emitter_free(nnet__emitter_t *em); /* only when depth == 0 */
int nnet__emitter_on(nnet__emitter_t *em, nnet_event_type_t type,
                     nnet_listener_fn fn, void *ctx, int once, int prepend);
int nnet__emitter_off(nnet__emitter_t *em, nnet_event_type_t type,
                      nnet_listener_fn fn, void *ctx);
/* type NNET_EV_COUNT_: every type (Node's removeAllListeners()). */
int nnet__emitter_remove_all(nnet__emitter_t *em, nnet_event_type_t type);
size_t nnet__emitter_count(const nnet__emitter_t *em, nnet_event_type_t type);
/* Calls the listeners of ev->type. For NNET_EV_ERROR with no listener,
 * calls the uncaught-error handler with ev->target. Returns the number of
 * listeners called. The caller must hold its object across the call
 * (depth alone does not keep memory alive). */
size_t nnet__emit(nnet__emitter_t *em, const nnet_event_t *ev);

/* User code on this thread's stack: emits (nnet__emit counts them) and
 * other calls into user callbacks wrapped in nnet__user_enter/leave. While
 * it is above 0, nnet__tick_drain() leaves the deferred queue alone: Node
 * runs nextTick work only once the callback that queued it has returned,
 * never in the middle of an emit. Per thread, as a loop runs on one. */
extern _Thread_local unsigned nnet__user_depth;
static inline void nnet__user_enter(void) {
  nnet__user_depth++;
}
static inline void nnet__user_leave(void) {
  nnet__user_depth--;
}

/* ---- core/loop.c + core/tick.c: per-loop state and the deferred queue ----
 * Node's process.nextTick/setImmediate: work that must run after the
 * current call returns but before the loop waits for I/O again.
 * nnet__loop_acquire() is called by every object on creation and
 * nnet__loop_release() when it is freed; the per-loop state (one uv_idle_t)
 * is closed with the last release, so uv_loop_close() succeeds. */
typedef struct nnet__loop_s nnet__loop_t;
typedef void (*nnet__defer_fn)(void *arg);

nnet__loop_t *nnet__loop_acquire(uv_loop_t *loop); /* NULL on OOM */
void nnet__loop_release(nnet__loop_t *nl);
uv_loop_t *nnet__loop_uv(nnet__loop_t *nl);
/* The read buffer of the loop's sockets (socket_read.c): one per loop, as
 * 'data' borrows the bytes only during the emit. Flowing reads take
 * NNET__READ_MIN << shift bytes, shift <= NNET__READ_MAX_SHIFT. Allocated
 * at the largest size with the loop state (so a loop's allocations do not
 * grow with its traffic; pages are touched only by reads that fill them),
 * freed with it, never per connection. *len: want, at most that size. */
#define NNET__READ_MIN       (64 * 1024)
#define NNET__READ_MAX_SHIFT 2
char *nnet__loop_read_buf(nnet__loop_t *nl, size_t want, size_t *len);
/* Queue fn(arg) for a later turn (FIFO). 0 or UV_ENOMEM. */
int nnet__defer(nnet__loop_t *nl, nnet__defer_fn fn, void *arg);
/* Run queued work now (called at the end of internal libuv callbacks, so
 * deferred work runs as soon as Node's nextTick would). Bounded: work
 * queued while draining runs too, up to a cap per call. Nothing while user
 * code is on the stack (nnet__user_depth): an internal path reached from a
 * listener (a lookup answered there, say) leaves the work to the drain at
 * the end of the outer callback, or to the idle handle nnet__defer started. */
void nnet__tick_drain(nnet__loop_t *nl);

/* ---- core/mailbox.c: work posted from other threads ----
 * Opened and closed on the loop's thread; posted to from any thread. A
 * mail's run(m, closing) runs on the loop's thread, once, in post order:
 * closing is true when it runs inside nnet__mailbox_close(). A post to a
 * closed mailbox returns NNET_ERR_TRANSFER_NO_RECEIVER (m not taken). The
 * memory is freed once it is closed and every nnet__mailbox_ref() was
 * dropped; the async handle keeps the loop alive until it is closed. */
typedef struct nnet__mail_s {
  struct nnet__mail_s *next;
  void (*run)(struct nnet__mail_s *m, bool closing);
} nnet__mail_t;
typedef struct nnet__mailbox_s nnet__mailbox_t;

int nnet__mailbox_open(uv_loop_t *loop, nnet__mailbox_t **out);
int nnet__mailbox_post(nnet__mailbox_t *mb, nnet__mail_t *m);
void nnet__mailbox_close(nnet__mailbox_t *mb);
void nnet__mailbox_ref(nnet__mailbox_t *mb);
void nnet__mailbox_unref(nnet__mailbox_t *mb);

/* ---- core/error.c: building Node-shaped errors ----
 * An nnet__error_t owns its strings and can be handed out as the public
 * nnet_error_t (its first member). Builders overwrite *e without releasing
 * what it held: start from a zeroed struct or nnet__error_clear() first.
 * On UV_ENOMEM a builder still leaves *e usable (code, name and a fixed
 * message, no address), so the caller can emit a degraded error. `syscall`
 * is borrowed: pass a string literal. */
typedef struct nnet__error_s {
  nnet_error_t pub;
  char *msg_owned;
  char *addr_owned;
  struct nnet__error_s *parts; /* AggregateError parts */
  char *extra_owned;           /* copied name/code_name/syscall (copy only) */
  nnet_error_t *pub_parts;     /* pub.errors: shallow views of parts */
} nnet__error_t;

/* Node's errnoException / exceptionWithHostPort: message
 * "<syscall> <CODE>[ <address>[:<port>]]". port <= 0: no port (none in
 * the message, pub.has_port false, pub.port -1), as Node's connect errors
 * on a Unix socket or to port 0. */
int nnet__error_sys(nnet__error_t *e, int code, const char *syscall,
                    const char *address, int port);
/* Same with Node's localAddress suffix: "... - Local (<local>)" (Node's
 * connect error when localAddress/localPort were given). local may be NULL. */
int nnet__error_sys_ex(nnet__error_t *e, int code, const char *syscall,
                       const char *address, int port, const char *local);
/* Node's uvExceptionWithHostPort (listen): message
 * "<syscall> <CODE>: <uv message> <address>[:<port>]" (":<port>" only for
 * port > 0). Node sets err.port whenever port is not 0: port 0 means none
 * (pub.has_port false: a TCP listen on port 0, an fd); port < 0 gives
 * has_port with pub.port -1 (a Unix path: Node's port -1). */
int nnet__error_uv(nnet__error_t *e, int code, const char *syscall,
                   const char *address, int port);
/* A Node-level error (NNET_ code) with a printf-formatted message; fmt NULL
 * uses the default message of the code. */
int nnet__error_node(nnet__error_t *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Node's NodeAggregateError(errors) (every Happy Eyeballs attempt failed):
 * name "AggregateError", message "", code of parts[0], no syscall/address,
 * port -1; the parts are deep-copied into pub.errors. n must be >= 1. */
int nnet__error_aggregate(nnet__error_t *e, const nnet_error_t *parts,
                          size_t n);
/* Deep copy of any public error (e.g. one a user passed to destroy()). */
int nnet__error_copy(nnet__error_t *e, const nnet_error_t *src);
void nnet__error_clear(nnet__error_t *e);

/* Calls the uncaught-error handler (emitter.c uses it). */
void nnet__uncaught_error(void *target, const nnet_error_t *err);

/* ---- net/abort.c: AbortController / AbortSignal ----
 * An object that takes a `signal` option embeds one nnet__abort_sub_t and
 * subscribes it; no allocation, so subscribing cannot fail. On abort every
 * subscriber is unlinked, then its fn(arg) is called, synchronously inside
 * nnet_abort_controller_abort() (as Node's 'abort' listeners run): defer the
 * visible effects (close, destroy) as Node does. Unsubscribing is idempotent
 * and safe at any time, including from inside fn and after the controller
 * was freed (freeing unlinks every subscriber without calling it). */
typedef void (*nnet__abort_fn)(void *arg);
typedef struct nnet__abort_sub_s {
  struct nnet__abort_sub_s *next, *prev;
  nnet_abort_controller_t *ac; /* NULL: not subscribed */
  nnet__abort_fn fn;
  void *arg;
} nnet__abort_sub_t;

/* Subscribes sub (must not be subscribed already). Returns 1 without
 * subscribing if ac is already aborted (the caller acts as for an abort,
 * on a later turn), else 0. */
int nnet__abort_subscribe(nnet_abort_controller_t *ac, nnet__abort_sub_t *sub,
                          nnet__abort_fn fn, void *arg);
void nnet__abort_unsubscribe(nnet__abort_sub_t *sub);

#endif
