/* Threads and loops: moving a socket or a server to another loop (Node's
 * transfer of net.Socket / net.Server to a worker thread), and a server
 * served by several loops in several threads. docs/guide.md, "Threads
 * and loops", has the rules; in short: every object belongs to one loop
 * and is used on that loop's thread only, except a nnet_blocklist_t
 * (shared, lock-free checks) and the calls below that say "any thread". */
#ifndef NODENET_THREADS_H
#define NODENET_THREADS_H

#include "net.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Transfer (Node >= 26: postMessage(value, [socket]) / [server]) -----
 * The sender's object is destroyed at once and a new object with the same
 * connection (or listening socket) is handed to a callback on the target
 * loop's thread. Nothing is copied but the descriptor (a dup(); the kernel
 * socket keeps its options: noDelay, keepAlive, type of service) and the
 * options named below: listeners, user data, timeouts and encodings stay
 * behind. Bytes the peer sends meanwhile wait in the kernel: none is lost.
 * A loop receives transfers only while it has a receiver. */

/* Beyond Node (a worker's MessagePort): let loop receive transfers. Call
 * on loop's own thread, the one that runs uv_run(loop) (before or between
 * runs too): it creates a uv_async_t there. Not checked: nodenet does not
 * record which thread runs a loop, so a call from another thread is not
 * an error code but a data race with the running loop (undefined
 * behaviour). loop NULL: uv_default_loop(). Counted: every call needs one
 * nnet_loop_refuse_transfers(). While it receives, the loop stays alive
 * (uv_run() does not return), as a worker with a message port does.
 * Returns 0 or UV_ENOMEM. */
NNET_EXTERN int nnet_loop_accept_transfers(uv_loop_t *loop);
/* Undoes one nnet_loop_accept_transfers(), on loop's own thread (as
 * above: not checked). With the last one, transfers to loop fail from then
 * on with NNET_ERR_TRANSFER_NO_RECEIVER, those already sent are delivered
 * now (their callbacks run inside this call) and the async handle is
 * closed. Returns 0, or NNET_ERR_TRANSFER_NO_RECEIVER when loop had none. */
NNET_EXTERN int nnet_loop_refuse_transfers(uv_loop_t *loop);

/* The callback of nnet_socket_transfer(): runs on the target loop's
 * thread, exactly once, on a later turn of that loop (or inside
 * nnet_loop_refuse_transfers()). status 0: s is the new socket, reading
 * as a socket opened from a descriptor is (attach 'data' now: nothing is
 * emitted before this returns), valid until its own 'close'. status < 0
 * (UV_ENOMEM, or the open failed): s is NULL and the connection has been
 * closed. */
typedef void (*nnet_socket_transfer_cb)(nnet_socket_t *s, int status,
                                        void *ctx);
/* Node (>= 26): worker.postMessage({socket}, [socket]) for a TCP socket;
 * beyond Node, a Unix one too (as Node does on Unix for a socketpair end).
 * Call on s's loop thread; target is any loop that receives transfers (the
 * same loop too). Only a fresh connection moves, as in Node: connected,
 * not connecting, not destroyed or ended, nothing read yet (bytesRead 0:
 * a freshly accepted socket inside its 'connection' listener, a server's
 * pauseOnConnect socket, or one whose peer has sent nothing yet), nothing
 * written or queued, not piped. The new socket takes s's allowHalfOpen and
 * highWaterMark and belongs to no server.
 * On success s is destroyed before this returns: writes fail with
 * NNET_ERR_STREAM_DESTROYED and 'close' follows on a later turn, without
 * had_error (Node's 'close' of a socket whose handle left; no 'error'); an
 * accepted s leaves its server's count then. Returns 0, or (s unchanged,
 * still usable): NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE (Node's code:
 * the state above), NNET_ERR_TRANSFER_NO_RECEIVER (target does not
 * receive, or stopped receiving), NNET_ERR_INVALID_ARG_VALUE (s, target
 * or cb NULL), or the dup()/allocation error (UV_EMFILE, UV_ENOMEM). */
NNET_EXTERN int nnet_socket_transfer(nnet_socket_t *s, uv_loop_t *target,
                                     nnet_socket_transfer_cb cb, void *ctx);

/* The callback of nnet_server_transfer(), as nnet_socket_transfer_cb:
 * status 0: srv is the new server, listening (its 'listening' comes on a
 * later turn: add listeners now), freed after its 'close' as any server;
 * status < 0: srv NULL, the listening socket was closed. */
typedef void (*nnet_server_transfer_cb)(nnet_server_t *srv, int status,
                                        void *ctx);
/* Node (>= 26): worker.postMessage({server}, [server]). Moves a listening
 * server's socket (TCP or Unix) with its accept queue: connections that
 * wait in the backlog are accepted by the new server. The new server gets
 * srv's options (nnet_server_opts_t: the same block_list pointer, which
 * may be shared across threads) and maxConnections; a Unix socket file
 * moves too (the new server removes it when it closes). On success srv is
 * closed as by nnet_server_close(): it stops listening at once, its open
 * connections stay on its loop, and its 'close' follows when they have
 * gone. Call on srv's loop thread. Returns 0, or (srv unchanged):
 * NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE (not listening, or its host
 * name still being looked up), NNET_ERR_TRANSFER_NO_RECEIVER,
 * NNET_ERR_INVALID_ARG_VALUE, UV_EMFILE, UV_ENOMEM. */
NNET_EXTERN int nnet_server_transfer(nnet_server_t *srv, uv_loop_t *target,
                                     nnet_server_transfer_cb cb, void *ctx);

/* ---- Multi-loop server (beyond Node: node:cluster in one process) -------
 * One call starts N threads, each running its own uv_loop_t with its own
 * net.Server (the "per-loop server") for every listen address; all of
 * them serve the same address, and each connection lives its whole life
 * on the loop that accepted it: its listeners run on that loop's thread.
 * Per-loop servers take every nnet_server_opts_t option; limits hold per
 * loop (maxConnections, max_connections_per_ip and idle_timeout count the
 * connections of that loop), a shared block_list is one list for all.
 * ml keeps its per-loop servers alive until the stop: one the user closes
 * (in setup or a listener) takes no more connections (the acceptor closes
 * those it hands to it; with reuseport its socket stops listening). */
typedef struct nnet_multiloop_s nnet_multiloop_t;

/* How connections are spread over the loops. */
typedef enum {
  /* Each loop listens on its own SO_REUSEPORT socket bound to the same
   * address; the kernel spreads connections by their address hash. No
   * cross-thread work per connection. TCP only. A connection still in a
   * loop's backlog when that loop stops listening is reset. */
  NNET_BALANCE_REUSEPORT = 0,
  /* Loop 0 accepts every connection and hands it to the loop with the
   * fewest open connections (its own included). Even spread, one
   * cross-thread wake-up per connection. Unix paths always use it. */
  NNET_BALANCE_ACCEPTOR = 1
} nnet_balance_t;

/* Called on loop `loop_index`'s thread, once per per-loop server, before
 * it listens: add listeners ('connection', 'error', 'drop', ...), set
 * maxConnections, create what else this loop needs
 * (nnet_server_loop(srv)). listen_index says which address. Return 0, or
 * a negative code to make nnet_multiloop_start() fail with it. */
typedef int (*nnet_multiloop_setup_fn)(nnet_multiloop_t *ml,
                                       unsigned loop_index, size_t listen_index,
                                       nnet_server_t *srv, void *ctx);

/* Options of nnet_multiloop_start(). */
typedef struct nnet_multiloop_opts_s {
  unsigned threads; /* loops (and threads): 1..256; 1 by default */
  int balance;      /* nnet_balance_t; NNET_BALANCE_REUSEPORT */
  /* Every per-loop server's options (loop is ignored: each has its own). */
  nnet_server_opts_t server;
  /* The addresses, each as server.listen(options): port with a numeric
   * host (NULL: "::" dual-stack, else 0.0.0.0; no DNS lookup: the address
   * is bound by nnet_multiloop_start() itself), ipv6_only; or path (with
   * path_len, unlink_stale); backlog. Port 0: one port chosen by the
   * kernel, the same for every loop (nnet_multiloop_address()). fd,
   * handle_of, bound, signal, readable_all, writable_all and reuse_port
   * are not supported (NNET_ERR_INVALID_ARG_VALUE). Borrowed during
   * nnet_multiloop_start() only. */
  const nnet_listen_opts_t *listen;
  size_t n_listen; /* 1 or more */
  /* Added for 'connection' to every per-loop server (may be NULL). */
  nnet_listener_fn on_connection;
  nnet_multiloop_setup_fn setup; /* may be NULL */
  void *ctx;                     /* for on_connection and setup */
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[8];
} nnet_multiloop_opts_t;

/* Writes the defaults into *o: 1 thread, NNET_BALANCE_REUSEPORT, Node's
 * server defaults, no address, no callbacks. */
NNET_EXTERN void nnet_multiloop_opts_init(nnet_multiloop_opts_t *o);

/* Binds every address (synchronously: EADDRINUSE is returned here), starts
 * the threads, runs setup on each and returns once every loop listens.
 * Returns 0 (*out set), or (nothing left running, *out NULL):
 * NNET_ERR_INVALID_ARG_VALUE (bad options, see above), what listen() or
 * net.BoundSocket would return (NNET_ERR_SOCKET_BAD_PORT,
 * NNET_ERR_PATH_TOO_LONG, UV_EADDRINUSE, ...), setup's code, UV_EAGAIN
 * (no thread), UV_ENOMEM. Any thread. */
NNET_EXTERN int nnet_multiloop_start(const nnet_multiloop_opts_t *opts,
                                     nnet_multiloop_t **out);
/* Graceful stop, from any thread (a loop's thread too): every per-loop
 * server is shut down as by nnet_server_shutdown(deadline_ms, grace_ms)
 * on its own thread; each thread ends when its loop has nothing left
 * (close what setup created there, e.g. in the servers' 'close'). A second
 * call hurries (an earlier deadline or shorter grace wins). Returns 0. */
NNET_EXTERN int nnet_multiloop_stop(nnet_multiloop_t *ml, unsigned deadline_ms,
                                    unsigned grace_ms);
/* Waits until every thread has ended. Returns 0 when every loop closed
 * cleanly (uv_loop_close() == 0), UV_EBUSY if one still had handles, or
 * UV_EINVAL from one of ml's own threads. Not from two threads at once. */
NNET_EXTERN int nnet_multiloop_join(nnet_multiloop_t *ml);
/* Frees ml; if it still runs, stops it (deadline and grace 0) and joins
 * first. From one of its own threads it cannot join: it only stops ml
 * (free it later from another thread). NULL is a no-op. */
NNET_EXTERN void nnet_multiloop_free(nnet_multiloop_t *ml);

/* The number of loops. */
NNET_EXTERN unsigned nnet_multiloop_threads(const nnet_multiloop_t *ml);
/* Loop i (0 .. threads-1): to transfer to it, or to tell which loop a
 * callback runs on. Valid until nnet_multiloop_free(). */
NNET_EXTERN uv_loop_t *nnet_multiloop_loop(const nnet_multiloop_t *ml,
                                           unsigned i);
/* The bound TCP address of listen address `listen_index` (the port chosen
 * for port 0). Returns 0, NNET_ERR_INVALID_HANDLE_TYPE (a path) or
 * NNET_ERR_INVALID_ARG_VALUE. Any thread. */
NNET_EXTERN int nnet_multiloop_address(const nnet_multiloop_t *ml,
                                       size_t listen_index,
                                       nnet_socketaddress_t *out);

/* Per-loop counts, summed over the loop's servers. */
typedef struct nnet_multiloop_stats_s {
  uint64_t accepted;  /* connections that reached 'connection' */
  uint64_t open;      /* of them, not destroyed yet */
  uint64_t ended;     /* ended by the stop's deadline (shutdown's count) */
  uint64_t destroyed; /* destroyed a grace later */
  uint64_t reserved_[4];
} nnet_multiloop_stats_t;
/* Loop i's counts, from any thread (open and accepted are live; ended and
 * destroyed are final once the loop's thread ended). Returns 0 or
 * NNET_ERR_INVALID_ARG_VALUE. */
NNET_EXTERN int nnet_multiloop_stats(const nnet_multiloop_t *ml, unsigned i,
                                     nnet_multiloop_stats_t *out);

#ifdef __cplusplus
}
#endif
#endif
