/* net.Socket and net.Server on a libuv loop. See DESIGN.md §2-§5.
 *
 * Objects are opaque and library-allocated. A socket or server is freed by
 * the library after its 'close' event has been emitted (and every libuv
 * close callback has run); user data may be freed in the 'close' listener.
 * Nothing emits synchronously from the call that caused it, except Node's
 * own exception: a custom `lookup` that answers at once emits 'lookup' and
 * the first 'connectionAttempt' inside connect() (DESIGN §4.5). */
#ifndef NODENET_NET_H
#define NODENET_NET_H

#include "addr.h"
#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Node: AbortController (opaque, library-allocated; see below). */
typedef struct nnet_abort_controller_s nnet_abort_controller_t;

/* ---- Encodings (socket.setEncoding, write with an encoding) ---- */
#define NNET_ENCODING_MAP(XX) \
  XX(BUFFER, "buffer")        \
  XX(UTF8, "utf8")            \
  XX(UTF16LE, "utf16le")      \
  XX(LATIN1, "latin1")        \
  XX(ASCII, "ascii")          \
  XX(BASE64, "base64")        \
  XX(BASE64URL, "base64url")  \
  XX(HEX, "hex")

/* Node: the encoding names of Buffer / setEncoding(). NNET_ENC_BUFFER is
 * Node's "no encoding" (data events carry bytes). */
typedef enum {
#define NNET_ENC_ENUM_(id, name) NNET_ENC_##id,
  NNET_ENCODING_MAP(NNET_ENC_ENUM_)
#undef NNET_ENC_ENUM_
      NNET_ENC_COUNT_
} nnet_encoding_t;

/* Node's Buffer.isEncoding name lookup, case-insensitive, with aliases
 * ("utf-8", "ucs2", "ucs-2", "utf-16le", "binary"). Returns the encoding
 * (>= 0) or NNET_ERR_UNKNOWN_ENCODING. */
NNET_EXTERN int nnet_encoding_from_name(const char *name);

/* ---- Abort controller (Node: AbortController; its .signal is passed as the
 * `signal` option of servers and sockets). ---- */
/* Node: new AbortController(). NULL on out of memory. */
NNET_EXTERN nnet_abort_controller_t *nnet_abort_controller_new(void);
/* Node: controller.abort(). Every object listening on it is closed
 * (servers: as server.close()) or destroyed with an AbortError (sockets:
 * code ABORT_ERR, "The operation was aborted"); their events follow on
 * later turns. A server given an already aborted signal closes before
 * 'listening'. Idempotent. */
NNET_EXTERN void nnet_abort_controller_abort(nnet_abort_controller_t *ac);
/* Node: signal.aborted */
NNET_EXTERN bool nnet_abort_controller_is_aborted(
    const nnet_abort_controller_t *ac);
/* Frees the controller; objects still using it stop listening to it.
 * NULL is a no-op. */
NNET_EXTERN void nnet_abort_controller_free(nnet_abort_controller_t *ac);

/* ---- Bound socket (Node >= 26: net.BoundSocket) ------------------------
 * A TCP or Unix socket bound at once (EADDRINUSE is returned by
 * nnet_bound_socket_new(), not reported later), to be adopted by
 * nnet_server_listen() (nnet_listen_opts_t.bound) or by nnet_socket_new()
 * (nnet_socket_opts_t.bound; its connect() then leaves from the bound
 * address and port). Adoption moves the descriptor (and a Unix socket's
 * file) to the server or socket; the bound socket is then an empty shell
 * whose address(), fd() and close() return
 * NNET_ERR_SOCKET_HANDLE_ADOPTED, as Node's throw; close() does the same.
 * Lifetime: the object is always the caller's. Pair every
 * nnet_bound_socket_new() with one nnet_bound_socket_free(), adopted,
 * closed or not; the library never keeps a pointer to it, so it may be
 * freed right after adoption. Not tied to a loop. */
typedef struct nnet_bound_socket_s nnet_bound_socket_t;

/* Node: new net.BoundSocket(options) options. */
typedef struct nnet_bound_socket_opts_s {
  int port;         /* -1 (Node: undefined): 0, an ephemeral port */
  const char *host; /* a numeric IP; NULL: "0.0.0.0" ("::" if ipv6_only) */
  bool ipv6_only;   /* IPV6_V6ONLY (no effect on an IPv4 host, as Node) */
  bool reuse_port;  /* SO_REUSEPORT */
  /* A Unix socket instead (then port, host and the flags must be unset):
   * a file path, an abstract name ("\0name", Linux) or "" (the kernel
   * picks an abstract name). */
  const char *path;
  size_t path_len; /* 0: strlen(path); needed for abstract names */
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[8];
} nnet_bound_socket_opts_t;

/* Writes Node's defaults into *o: port -1, host and path NULL, flags
 * false. */
NNET_EXTERN void nnet_bound_socket_opts_init(nnet_bound_socket_opts_t *o);

/* Node: new net.BoundSocket([options]). opts NULL: defaults (0.0.0.0, an
 * ephemeral port). A TCP socket gets SO_REUSEADDR, as libuv binds (so an
 * address bound by another socket that does not listen yet can be bound
 * again, as in Node). Returns 0 (*out set), or what Node throws:
 * NNET_ERR_INVALID_ARG_VALUE (host not a numeric IP — no DNS; path
 * together with host/port/ipv6_only/reuse_port), NNET_ERR_SOCKET_BAD_PORT,
 * the bind error (UV_EADDRINUSE, UV_EADDRNOTAVAIL, UV_EACCES — also for a
 * missing directory, as libuv —, UV_EINVAL for a path longer than 108
 * bytes or a file path containing a NUL byte; Node's message "bind
 * EADDRINUSE 127.0.0.1:80"), or UV_ENOMEM. *out is NULL on error. */
NNET_EXTERN int nnet_bound_socket_new(const nnet_bound_socket_opts_t *opts,
                                      nnet_bound_socket_t **out);
/* Node: boundSocket.address() of a TCP bound socket: {address, family,
 * port}, the port the kernel chose for port 0. Returns 0,
 * NNET_ERR_SOCKET_HANDLE_ADOPTED (adopted or closed) or
 * NNET_ERR_INVALID_HANDLE_TYPE (a Unix one: use _path). */
NNET_EXTERN int nnet_bound_socket_address(const nnet_bound_socket_t *b,
                                          nnet_socketaddress_t *out);
/* Node: boundSocket.address() of a Unix bound socket: the path as given,
 * NUL-terminated (an abstract name starts with a NUL byte: use the
 * length). Returns its length, NNET_ERR_SOCKET_HANDLE_ADOPTED,
 * NNET_ERR_INVALID_HANDLE_TYPE (TCP) or UV_ENOBUFS (path_size too
 * small). */
NNET_EXTERN int nnet_bound_socket_address_path(const nnet_bound_socket_t *b,
                                               char *path, size_t path_size);
/* Node: boundSocket.isPipe (also after adoption). */
NNET_EXTERN bool nnet_bound_socket_is_pipe(const nnet_bound_socket_t *b);
/* Node: boundSocket.fd(). The descriptor stays the bound socket's: do not
 * close it. Returns it (>= 0) or NNET_ERR_SOCKET_HANDLE_ADOPTED. */
NNET_EXTERN int nnet_bound_socket_fd(const nnet_bound_socket_t *b);
/* Node: boundSocket.close(). Closes a socket never adopted (and removes the
 * socket file a path created, if it is still that socket). The object
 * stays valid (an empty shell) until nnet_bound_socket_free(). Returns 0
 * or NNET_ERR_SOCKET_HANDLE_ADOPTED (adopted, or closed already). */
NNET_EXTERN int nnet_bound_socket_close(nnet_bound_socket_t *b);
/* Node: boundSocket[Symbol.dispose]() (`using`), then the memory: closes
 * the socket if it is still the bound socket's (as close()) and frees the
 * object. NULL is a no-op. */
NNET_EXTERN void nnet_bound_socket_free(nnet_bound_socket_t *b);

/* ---- Server ------------------------------------------------------------- */

/* What a write beyond a socket's write buffer cap does (beyond Node; see
 * nnet_socket_set_max_write_buffer()). */
typedef enum {
  /* the write is refused: write() returns NNET_ERR_WRITE_BUFFER_FULL */
  NNET_WRITE_BUFFER_REFUSE = 0,
  /* as REFUSE, and the socket is destroyed with that error */
  NNET_WRITE_BUFFER_DESTROY = 1
} nnet_write_buffer_policy_t;

/* Node: net.createServer([options]) options. */
typedef struct nnet_server_opts_s {
  uv_loop_t *loop;                   /* NULL: uv_default_loop() */
  bool allow_half_open;              /* false */
  bool pause_on_connect;             /* false */
  bool no_delay;                     /* false */
  bool keep_alive;                   /* false */
  unsigned keep_alive_initial_delay; /* ms, 0 */
  size_t high_water_mark;            /* 16384 (Node's stream default) */
  nnet_blocklist_t *block_list;      /* borrowed; NULL: none */
  /* Protections a server needs, beyond Node (which has none of them); all
   * off by default. max_write_buffer / write_buffer_policy: the write
   * buffer cap of every accepted socket, as
   * nnet_socket_set_max_write_buffer() (which overrides it per socket);
   * 0: no cap. */
  size_t max_write_buffer;
  int write_buffer_policy; /* nnet_write_buffer_policy_t; REFUSE */
  /* At most this many open connections from one remote IP address (an
   * IPv4-mapped IPv6 peer counts as its IPv4 address; an IPv6 peer per
   * full address). The excess is closed at accept and 'drop' is emitted
   * with reason NNET_DROP_PER_IP_LIMIT (after maxConnections and
   * block_list, which come first). A connection counts from 'connection'
   * until it is destroyed. Unix sockets are not counted. 0: no limit. */
  unsigned max_connections_per_ip;
  /* ms; 0: off. Every accepted socket gets setTimeout(idle_timeout)
   * before 'connection', and is destroyed (no 'error'; 'close' with
   * had_error false) when its 'timeout' fires with no 'timeout' listener
   * registered. With a 'timeout' listener the listener decides, as with
   * Node's setTimeout(); nnet_socket_set_timeout() on the socket replaces
   * the server's timeout altogether (0 turns it off). Node's
   * setTimeout() only notifies: a server that never destroys silent peers
   * keeps them forever. */
  unsigned idle_timeout;
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[5];
} nnet_server_opts_t;

/* Writes Node's net.createServer() defaults into *o (every field; the loop
 * NULL; the protections beyond Node off). Call before setting the fields
 * you need. */
NNET_EXTERN void nnet_server_opts_init(nnet_server_opts_t *o);

/* Node: net.createServer([options][, connectionListener]). The listener (if
 * not NULL) is added for 'connection'. opts NULL means defaults. Accepted
 * sockets get allowHalfOpen, pauseOnConnect, noDelay, keepAlive and
 * highWaterMark from opts; a peer matched by block_list is closed right
 * after accept and nothing is emitted. Accept failures come as 'error'
 * (syscall "accept"), except EMFILE/ENFILE: libuv sheds the backlog with
 * its reserved descriptor and the server keeps serving (not reported). */
NNET_EXTERN int nnet_create_server(const nnet_server_opts_t *opts,
                                   nnet_listener_fn connection_listener,
                                   void *ctx, nnet_server_t **out);

/* Node: server.listen(options). */
typedef struct nnet_listen_opts_s {
  int port;         /* -1: not a TCP listen; 0: any port */
  const char *host; /* NULL: "::" dual-stack, falling back to 0.0.0.0 */
  const char *path; /* Unix socket path ("\0name" via path_len: abstract) */
  size_t path_len;  /* 0: strlen(path); needed for abstract names */
  int backlog;      /* 511 */
  bool exclusive;   /* accepted; no effect (no cluster) */
  bool readable_all;
  bool writable_all;
  bool ipv6_only;
  bool reuse_port;
  int fd; /* -1; >= 0: listen on this existing socket fd
           * (TCP or Unix); the server owns it from then on */
  nnet_abort_controller_t *signal;
  /* Node: server.listen(otherServer._handle). NULL, or a listening server
   * whose socket this server listens on too (on a dup of its descriptor:
   * either server may close first; the other keeps listening). */
  nnet_server_t *handle_of;
  /* Beyond Node: when binding `path` fails with EADDRINUSE and the file
   * is a socket nobody accepts on (a connect is refused: its server died
   * without unlinking it), unlink it and bind again. A live server, or a
   * file that is not a socket (lstat), still fails with EADDRINUSE and
   * is left alone. Abstract names vanish with their socket: no effect.
   * false (Node's behaviour). */
  bool unlink_stale;
  /* Node 26: server.listen(boundSocket) / listen({handle: boundSocket}).
   * NULL, or a bound socket to listen on (it takes precedence over every
   * other form; backlog applies, signal is ignored as in Node). Once
   * listen() returns 0 the descriptor (and a path's socket file, removed
   * when the server closes) is the server's and the bound socket is an
   * adopted shell; an adopted one gives NNET_ERR_SOCKET_HANDLE_ADOPTED. */
  nnet_bound_socket_t *bound;
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[6];
} nnet_listen_opts_t;

/* Writes the defaults of server.listen(options) into *o: port -1 (no TCP
 * listen), host/path NULL, backlog 511, fd -1, every flag false, no
 * signal, no handle_of. */
NNET_EXTERN void nnet_listen_opts_init(nnet_listen_opts_t *o);

/* Node: server.listen(...). Every form goes through this one call; opts
 * NULL is listen() (a random port on "::"). The form is chosen as Node
 * does: handle_of, else fd >= 0, else port >= 0, else path. With a host
 * (any but NULL or "", an IP literal included) the host is looked up first,
 * as Node's dns.lookup: nothing is bound and nnet_server_is_listening() is
 * false when this returns, and an already aborted signal closes the server
 * before anything is bound. Without a host the port is bound at once
 * (nnet_server_address() works on return). handle_of must be listening
 * (NNET_ERR_INVALID_ARG_VALUE otherwise).
 * The listener, if not NULL, is added once for 'listening'. Returns 0 (the
 * outcome arrives as 'listening' or 'error': "listen EADDRINUSE: address
 * already in use 127.0.0.1:8080", syscall "listen"; host lookup failures as
 * Node's dns errors, code ENOTFOUND), or synchronously
 * NNET_ERR_SERVER_ALREADY_LISTEN (also while a host lookup is running),
 * NNET_ERR_SOCKET_BAD_PORT, NNET_ERR_INVALID_ARG_VALUE (no port/path/fd,
 * empty path), NNET_ERR_PATH_TOO_LONG (Node silently truncates; we refuse),
 * a uv_pipe_chmod error for readable_all/writable_all (Node throws), or
 * UV_ENOMEM. A Unix socket file is unlinked on close only if this server
 * created it and it is still the same file. */
NNET_EXTERN int nnet_server_listen(nnet_server_t *srv,
                                   const nnet_listen_opts_t *opts,
                                   nnet_listener_fn listening_listener,
                                   void *ctx);
/* Node: server.listen(port, host). Convenience for the common case: host
 * NULL listens on "::" (falling back to 0.0.0.0); port 0 picks one. Same
 * returns and events as nnet_server_listen(). */
NNET_EXTERN int nnet_server_listen_tcp(nnet_server_t *srv, int port,
                                       const char *host);
/* Node: server.listen(path). A Unix socket path (use nnet_server_listen()
 * with path_len for abstract names). Same returns and events as
 * nnet_server_listen(). */
NNET_EXTERN int nnet_server_listen_path(nnet_server_t *srv, const char *path);

/* The callback of nnet_server_close(): status 0, or
 * NNET_ERR_SERVER_NOT_RUNNING (Node's err argument). srv is valid for the
 * call only, unless retained. */
typedef void (*nnet_close_cb)(nnet_server_t *srv, int status, void *ctx);
/* Node: server.close([callback]). Stops accepting; 'close' fires (on a
 * later turn) once the listener is closed and every accepted connection
 * has closed. cb (may be NULL) runs then, as a once 'close' listener, with
 * 0, or with NNET_ERR_SERVER_NOT_RUNNING if the server was not listening
 * ('close' is emitted in that case too, as in Node). This is also how a
 * server is freed: after its 'close' event, unless retained or listening
 * again. Safe inside any of the server's own listeners. */
NNET_EXTERN int nnet_server_close(nnet_server_t *srv, nnet_close_cb cb,
                                  void *ctx);

/* The callback of nnet_server_shutdown(): status as nnet_close_cb's (0, or
 * NNET_ERR_SERVER_NOT_RUNNING if the first shutdown/close found the server
 * not listening); ended: connections still open at the deadline, which
 * were end()ed; destroyed: those of them still open a grace later, which
 * were destroyed. 0 and 0 when every connection finished in time. */
typedef void (*nnet_shutdown_cb)(nnet_server_t *srv, int status, size_t ended,
                                 size_t destroyed, void *ctx);
/* Beyond Node (Node's server.close() waits for its connections forever;
 * http.Server added closeIdleConnections()/closeAllConnections()).
 * Graceful shutdown with a deadline: stops accepting at once, as
 * nnet_server_close(); open connections may finish on their own. Those
 * still open deadline_ms later are end()ed (a FIN after their queued
 * writes: the peer sees a clean end), and those still open grace_ms after
 * that are destroyed. 'close' comes when the last connection has gone, as
 * for close(); cb (may be NULL) runs on that turn, just before the 'close'
 * listeners. The deadline timer is unref'd (it never keeps uv_run() alive
 * by itself) and closed with the server's 'close'. Calling it again before
 * 'close' joins the shutdown under way (no second 'close'): cb also runs
 * then, with the same counts, and an earlier deadline or shorter grace
 * takes over. After 'close' (a retained server) it starts afresh, as
 * close() again. Safe inside any listener. An ended connection closes
 * when the peer answers the FIN (allowHalfOpen false) or ends too; one
 * that does not read (paused) never sees that answer and waits for the
 * grace. Returns 0, UV_ENOMEM, or NNET_ERR_INVALID_ARG_VALUE for srv
 * NULL. */
NNET_EXTERN int nnet_server_shutdown(nnet_server_t *srv, unsigned deadline_ms,
                                     unsigned grace_ms, nnet_shutdown_cb cb,
                                     void *ctx);

/* Node: server.address(). TCP: returns 0 and fills *out ({address, family,
 * port}; flowlabel 0); UV_ENOTCONN when not listening (Node: null);
 * NNET_ERR_INVALID_HANDLE_TYPE on a Unix server (use _path below).
 * _path: Node's string form. Writes the name NUL-terminated and returns its
 * length (an abstract name starts with a NUL byte, so use the length), or
 * UV_ENOBUFS if path_size is too small. As in Node the name given to
 * listen() is still returned after close(); UV_ENOTCONN for a server that
 * never listened on a path. */
NNET_EXTERN int nnet_server_address(const nnet_server_t *srv,
                                    nnet_socketaddress_t *out);
NNET_EXTERN int nnet_server_address_path(const nnet_server_t *srv, char *path,
                                         size_t path_size);
/* True when the server listens (or last listened) on a Unix socket, i.e.
 * when Node's server.address() would be a string. */
NNET_EXTERN bool nnet_server_is_pipe(const nnet_server_t *srv);

/* The callback of nnet_server_get_connections(): err is always 0 (Node's
 * err is null for a server without workers), count the open accepted
 * connections. */
typedef void (*nnet_count_cb)(nnet_server_t *srv, int err, size_t count,
                              void *ctx);
/* Node: server.getConnections(callback). The count is taken now and cb
 * runs on a later turn (as Node's nextTick); the server is kept alive
 * until then. Returns 0, NNET_ERR_INVALID_ARG_VALUE (srv or cb NULL) or
 * UV_ENOMEM. */
NNET_EXTERN int nnet_server_get_connections(nnet_server_t *srv,
                                            nnet_count_cb cb, void *ctx);
/* Node: server.listening. True from the moment the handle listens (before
 * 'listening' is emitted) until close(). */
NNET_EXTERN bool nnet_server_is_listening(const nnet_server_t *srv);
/* Node: server.maxConnections. -1: unlimited (Node's undefined). Once the
 * server holds max connections, new ones are closed at once and 'drop' is
 * emitted. 0 drops every connection, as Node >= 21 does (Node 20 treats 0
 * as unlimited). */
NNET_EXTERN void nnet_server_set_max_connections(nnet_server_t *srv, int max);
NNET_EXTERN int nnet_server_get_max_connections(const nnet_server_t *srv);
/* Node: server.ref() / server.unref(). An unref'd listener does not keep
 * uv_run() alive; remembered across listen() calls. Accepted sockets are
 * not affected (as in Node). */
NNET_EXTERN void nnet_server_ref(nnet_server_t *srv);
NNET_EXTERN void nnet_server_unref(nnet_server_t *srv);

/* Keep the server's memory past 'close' (to listen again, as Node allows).
 * Every retain needs a release; the last release after 'close' frees it.
 * Without a retain the server is freed after its 'close' event unless a
 * 'close' listener (or close callback) made it listen again. */
NNET_EXTERN void nnet_server_retain(nnet_server_t *srv);
NNET_EXTERN void nnet_server_release(nnet_server_t *srv);

/* One user pointer per server (beyond Node: a JS object takes any
 * property). Not touched by the library; free it in 'close' if it is
 * yours. */
NNET_EXTERN void nnet_server_set_data(nnet_server_t *srv, void *data);
NNET_EXTERN void *nnet_server_get_data(const nnet_server_t *srv);
/* The loop the server runs on (opts.loop or uv_default_loop()). */
NNET_EXTERN uv_loop_t *nnet_server_loop(const nnet_server_t *srv);

/* Node: server.on(event, listener). Listeners run in registration order;
 * one added during an emit is not called by that emit, one removed during
 * it still is (DESIGN §3). Server events: 'listening', 'connection',
 * 'error', 'close', 'drop'. Returns 0, UV_EINVAL (bad type or fn NULL) or
 * UV_ENOMEM. */
NNET_EXTERN int nnet_server_on(nnet_server_t *srv, nnet_event_type_t type,
                               nnet_listener_fn fn, void *ctx);
/* Node: server.once(event, listener): removed before its first call. */
NNET_EXTERN int nnet_server_once(nnet_server_t *srv, nnet_event_type_t type,
                                 nnet_listener_fn fn, void *ctx);
/* Node: server.prependListener(event, listener): called first. */
NNET_EXTERN int nnet_server_prepend(nnet_server_t *srv, nnet_event_type_t type,
                                    nnet_listener_fn fn, void *ctx);
/* Node: server.off(event, listener): removes the most recently added
 * (type, fn, ctx) match; 0 also when nothing matched, UV_EINVAL for a bad
 * type. */
NNET_EXTERN int nnet_server_off(nnet_server_t *srv, nnet_event_type_t type,
                                nnet_listener_fn fn, void *ctx);
/* Node: server.removeAllListeners([event]). NNET_EV_COUNT_: every event
 * (pending close(cb) callbacks are 'close' listeners too, as in Node). */
NNET_EXTERN int nnet_server_remove_all(nnet_server_t *srv,
                                       nnet_event_type_t type);
/* Node: server.listenerCount(event). */
NNET_EXTERN size_t nnet_server_listener_count(const nnet_server_t *srv,
                                              nnet_event_type_t type);

/* ---- Socket ------------------------------------------------------------- */

/* onread: Node's `onread` option. The library reads into buf; callback
 * gets the byte count. Returning false pauses the socket. */
typedef bool (*nnet_onread_fn)(nnet_socket_t *s, char *buf, size_t nread,
                               void *ctx);

/* Node: new net.Socket([options]). */
typedef struct nnet_socket_opts_s {
  uv_loop_t *loop;        /* NULL: uv_default_loop() */
  int fd;                 /* -1; >= 0: wrap this TCP or Unix socket */
  bool readable;          /* with fd: allow reads (true, as Node 20 does) */
  bool writable;          /* with fd: allow writes (true, as Node 20 does) */
  bool allow_half_open;   /* false */
  size_t high_water_mark; /* 16384 */
  nnet_abort_controller_t *signal;
  char *onread_buf; /* with onread: the caller's buffer */
  size_t onread_len;
  nnet_onread_fn onread;
  void *onread_ctx;
  /* Node 26's typeOfService: as nnet_connect_opts_t.type_of_service (kept
   * for connect(); applied at once with fd). */
  int type_of_service;
  /* Node 26: new net.Socket({handle: boundSocket}). NULL, or a bound
   * socket whose descriptor the new socket takes (precedence over fd). The
   * socket is not pending but not reading; connect() connects that
   * descriptor, so it leaves from the bound address and port (a Unix one:
   * from the bound path, which is removed when the socket closes). Its
   * connect() then refuses local_address/local_port
   * (NNET_ERR_INVALID_ARG_VALUE), never uses autoSelectFamily, connects an
   * IP literal inside the call (its 'connectionAttempt' fires before
   * connect() returns, as Node's), and a Unix one needs a path
   * (NNET_ERR_INVALID_ARG_TYPE). An adopted one gives
   * NNET_ERR_SOCKET_HANDLE_ADOPTED. */
  nnet_bound_socket_t *bound;
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[7];
} nnet_socket_opts_t;

/* Writes Node's new net.Socket() defaults into *o: loop NULL, fd -1,
 * readable and writable true, allowHalfOpen false, highWaterMark 16384,
 * no signal, no onread. */
NNET_EXTERN void nnet_socket_opts_init(nnet_socket_opts_t *o);

/* Custom resolver (Node's `lookup` option, dns.lookup's signature): answer
 * by calling done(req, ...) once, now or later, with an error (err < 0,
 * count 0) or one or more addresses (err 0). The address strings are
 * copied during done(). See nnet_connect_opts_t.lookup. */
typedef void (*nnet_lookup_done_fn)(void *req, int err,
                                    const char *const *addresses,
                                    const int *families, size_t count);
typedef void (*nnet_lookup_fn)(const char *host, int family, int hints,
                               bool all, void *req, nnet_lookup_done_fn done,
                               void *ctx);

/* Answer a custom lookup with a full error (copied), as Node's
 * callback(err) with an Error object: 'lookup' then 'error' carry it. Use
 * instead of done(); req is the same. */
NNET_EXTERN void nnet_lookup_fail(void *req, const nnet_error_t *err);

/* How autoSelectFamily tries several addresses (beyond Node).
 * NNET_HE_RACE: RFC 8305: the next address starts after the attempt delay
 * (autoSelectFamilyAttemptTimeout) WITHOUT abandoning earlier attempts; the
 * first to connect wins, the others are closed; a failure starts the next
 * at once. No 'connectionAttemptTimeout' (nothing is abandoned); the
 * attempted list ends with the winner. NNET_HE_SEQUENTIAL: Node's
 * algorithm: one attempt at a time, abandoned after the timeout. */
typedef enum { NNET_HE_RACE = 0, NNET_HE_SEQUENTIAL = 1 } nnet_he_mode_t;

/* Node: socket.connect(options).
 * lookup: Node's `lookup` option; called inside connect(), as Node does,
 * with the host, family (0/4/6), hints (Node's: ADDRCONFIG added when
 * family is 0 and hints 0) and all (true when autoSelectFamily applies).
 * Answer once with done(req, ...) or nnet_lookup_fail(req, ...), now or
 * later; families may be NULL (taken from each address). An answer given
 * at once emits 'lookup' and the first 'connectionAttempt' before
 * connect() returns (their listeners may destroy the socket; a failure's
 * 'error' still comes on a later turn). The socket is kept alive until
 * the answer.
 * A non-IP answer fails with ERR_INVALID_IP_ADDRESS, a family other than
 * 4/6 with ERR_INVALID_ADDRESS_FAMILY (as Node). A host longer than 255
 * bytes fails as Node's getaddrinfo EINVAL without any lookup.
 * auto_select_family: tried only when family is 0, no local_address and
 * the lookup gave more than one distinct address (as Node). Every attempt
 * failing gives one AggregateError listing each attempt's error.
 * connect_timeout: the whole connect incl. lookup; ETIMEDOUT when it runs
 * out. block_list: outbound; a blocked target fails with ERR_IP_BLOCKED
 * ("IP(1.2.3.4) is blocked by net.BlockList") before any SYN (Node 22). */
typedef struct nnet_connect_opts_s {
  int port;         /* -1: not set */
  const char *host; /* NULL: "localhost" */
  const char *path; /* Unix socket; takes precedence over port */
  size_t path_len;  /* 0: strlen(path) */
  const char *local_address;
  int local_port; /* 0 */
  int family;     /* 0, 4, 6 */
  int hints;      /* getaddrinfo flags: only AI_ADDRCONFIG, AI_V4MAPPED and
                   * AI_ALL (else NNET_ERR_INVALID_ARG_VALUE when the host
                   * needs a lookup, as Node) */
  bool no_delay;
  bool keep_alive;
  unsigned keep_alive_initial_delay;
  unsigned timeout; /* ms; 0: no idle timeout */
  /* connection establishment (see the connect issue) */
  nnet_lookup_fn lookup;
  void *lookup_ctx;
  int auto_select_family; /* -1: process default, 0 off, 1 on */
  unsigned auto_select_family_attempt_timeout; /* 0: process default */
  unsigned connect_timeout;                    /* ms; 0: none (beyond Node) */
  unsigned user_timeout;        /* TCP_USER_TIMEOUT ms; 0: kernel default */
  nnet_blocklist_t *block_list; /* borrowed; outbound */
  /* Node 26's typeOfService: 0..255, applied on connect as
   * nnet_socket_set_type_of_service(); 0: kernel default (Node's 0 or
   * unset); out of range: NNET_ERR_OUT_OF_RANGE. Ignored for a path. */
  int type_of_service;
  int happy_eyeballs_mode; /* NNET_HE_RACE (default) or NNET_HE_SEQUENTIAL */
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[8];
} nnet_connect_opts_t;

/* Writes Node's socket.connect(options) defaults into *o: port -1 (must
 * be set unless path), host NULL ("localhost"), family 0, every flag false,
 * auto_select_family -1 (process default), timeouts 0, NNET_HE_RACE. */
NNET_EXTERN void nnet_connect_opts_init(nnet_connect_opts_t *o);

/* Node: new net.Socket([options]). opts NULL: defaults on the default
 * loop. Not connected yet unless opts->fd is given (then it is open at
 * once and reads start; the descriptor belongs to the socket). A
 * descriptor not connected yet (bound, say) is connected by
 * nnet_socket_connect() in place, as Node connects through the handle
 * (call it before the loop runs: Node's first read of an unconnected
 * socket fails and destroys it). The socket
 * is freed after its 'close' unless retained; one never connected and
 * never destroyed stays until nnet_socket_destroy(). Returns 0 (*out set),
 * NNET_ERR_INVALID_FD_TYPE (fd not a TCP/Unix socket), a uv_*_open error,
 * NNET_ERR_OUT_OF_RANGE (type_of_service) or UV_ENOMEM (*out NULL, nothing
 * emitted, fd not closed). */
NNET_EXTERN int nnet_socket_new(const nnet_socket_opts_t *opts,
                                nnet_socket_t **out);

/* Node: net.createConnection(options[, connectListener]) / net.connect().
 * Creates a socket on loop (NULL: default) and starts connecting. The
 * listener, if not NULL, is added once for 'connect'. Returns 0 (*out set;
 * every outcome comes as events: 'lookup', 'connectionAttempt*',
 * 'connect' + 'ready', or 'error' + 'close'), or what Node throws:
 * NNET_ERR_MISSING_ARGS (no port or path), NNET_ERR_SOCKET_BAD_PORT,
 * NNET_ERR_INVALID_ARG_VALUE, NNET_ERR_INVALID_IP_ADDRESS
 * (local_address), NNET_ERR_PATH_TOO_LONG, NNET_ERR_OUT_OF_RANGE
 * (type_of_service), UV_ENOMEM (*out NULL, nothing emitted). */
NNET_EXTERN int nnet_create_connection(uv_loop_t *loop,
                                       const nnet_connect_opts_t *opts,
                                       nnet_listener_fn connect_listener,
                                       void *ctx, nnet_socket_t **out);
/* Node: net.createConnection(port, host). host NULL: "localhost". As
 * nnet_create_connection(). */
NNET_EXTERN int nnet_create_connection_tcp(uv_loop_t *loop, int port,
                                           const char *host,
                                           nnet_socket_t **out);
/* Node: net.createConnection(path). A Unix socket. As
 * nnet_create_connection(). */
NNET_EXTERN int nnet_create_connection_path(uv_loop_t *loop, const char *path,
                                            nnet_socket_t **out);

/* Node: socket.connect(options[, connectListener]). A socket is freed after
 * its 'close' unless retained; a retained socket may connect again after
 * 'close', as Node allows. Writes made before or during connecting are
 * queued and sent after the 'connect' listeners, before 'ready'. Returns
 * 0 or the synchronous errors of nnet_create_connection(), plus
 * UV_EALREADY (already connecting), UV_EISCONN (connected, or opened from
 * a connected fd), UV_EBUSY (destroyed but 'close' not yet emitted).
 * Opened from an fd that is not connected (nnet_socket_new): connects that
 * descriptor (a bound address or port stays; with autoSelectFamily trying
 * several addresses, as Node's new handles, the winner replaces it under
 * the same number); a path needs a Unix fd and a port a TCP one, else
 * NNET_ERR_INVALID_HANDLE_TYPE. */
NNET_EXTERN int nnet_socket_connect(nnet_socket_t *s,
                                    const nnet_connect_opts_t *opts,
                                    nnet_listener_fn connect_listener,
                                    void *ctx);

/* Callback of write()/writev()/end(): status 0 once the bytes are handed
 * to the kernel (end: at 'finish'), or the error that failed the write
 * (NNET_ERR_STREAM_DESTROYED, NNET_ERR_SOCKET_CLOSED_BEFORE_CONNECTION,
 * NNET_ERR_STREAM_WRITE_AFTER_END, a system error). Called exactly once,
 * in write order, never from inside the write() call; on destroy, after
 * 'error' and before 'close'. */
typedef void (*nnet_write_cb)(nnet_socket_t *s, int status, void *ctx);

/* Node: socket.write(data[, callback]). Data is copied if it cannot be sent
 * at once; the caller may reuse it when this returns. Returns 1 (below
 * highWaterMark: keep writing), 0 (queued; wait for 'drain'), or negative:
 * NNET_ERR_STREAM_WRITE_AFTER_END / NNET_ERR_STREAM_DESTROYED (cb is then
 * also called with that error, on a later turn, as Node does), or
 * NNET_ERR_WRITE_BUFFER_FULL (beyond Node: over the socket's write buffer
 * cap; nothing was written and cb is never called, see
 * nnet_socket_set_max_write_buffer()). */
NNET_EXTERN int nnet_socket_write(nnet_socket_t *s, const void *data,
                                  size_t len, nnet_write_cb cb, void *ctx);
/* Node: socket.write(string, encoding[, callback]). str is len bytes of
 * UTF-8 text (the JS string), turned into bytes as Node's
 * Buffer.from(str, encoding) does (latin1: one byte per character;
 * hex/base64: decoded). Returns as nnet_socket_write(), plus
 * NNET_ERR_UNKNOWN_ENCODING. */
NNET_EXTERN int nnet_socket_write_str(nnet_socket_t *s, const char *str,
                                      size_t len, nnet_encoding_t enc,
                                      nnet_write_cb cb, void *ctx);
/* Node: socket.write() of several buffers as one chunk (Node's writev
 * under cork). One callback for all buffers; returns as
 * nnet_socket_write(). The buffers may be reused when it returns. */
NNET_EXTERN int nnet_socket_writev(nnet_socket_t *s, const uv_buf_t *bufs,
                                   size_t nbufs, nnet_write_cb cb, void *ctx);
/* Beyond Node: a cap on the bytes a socket holds for writing. Node has
 * none: a writer that ignores write()'s return value (and 'drain') makes
 * writableLength grow without bound while the peer does not read, and a
 * server dies of memory. With a cap, a write()/writev()/write_str()/
 * end(data) after which writableLength (bytes accepted and not yet handed
 * to the kernel, nnet_socket_writable_length()) would exceed `bytes` is
 * refused whole, checked before anything is sent: it returns
 * NNET_ERR_WRITE_BUFFER_FULL, no byte of it is sent or queued,
 * bytesWritten does not change, its callback is never called and no event
 * is emitted for it (end(data) does not end either). So writableLength
 * never exceeds the cap, and a single write larger than the cap is always
 * refused. Policy NNET_WRITE_BUFFER_REFUSE: the socket stays open; when
 * writes were queued, 'drain' is armed (writableNeedDrain) so the writer
 * can wait for it and retry. NNET_WRITE_BUFFER_DESTROY: the refusing
 * write() also destroys the socket with NNET_ERR_WRITE_BUFFER_FULL: on
 * later turns 'error' (code ERR_WRITE_BUFFER_FULL), the queued writes'
 * callbacks failing as on any destroy(err), then 'close' (had_error
 * true).
 * bytes 0 removes the cap. Applies to later writes only (bytes already
 * queued stay, even above a lowered cap). Overrides the server's
 * max_write_buffer for an accepted socket. A socket that pipes into dst
 * (nnet_socket_pipe) destroys dst with this error when the pipe's write
 * is refused, so nothing is lost unseen. Returns 0,
 * NNET_ERR_INVALID_ARG_VALUE (s NULL, unknown policy) or UV_ENOMEM. */
NNET_EXTERN int nnet_socket_set_max_write_buffer(
    nnet_socket_t *s, size_t bytes, nnet_write_buffer_policy_t policy);
/* The cap in force (the socket's own, else its server's), 0 when none. */
NNET_EXTERN size_t nnet_socket_max_write_buffer(const nnet_socket_t *s);
/* Node: socket.cork() / socket.uncork(). Writes are held until as many
 * uncorks as corks, then sent as one writev. Extra uncorks are ignored. */
NNET_EXTERN void nnet_socket_cork(nnet_socket_t *s);
NNET_EXTERN void nnet_socket_uncork(nnet_socket_t *s);
/* Node: socket.end([data][, callback]). data may be NULL. Sends data,
 * then the FIN once every queued write is out; 'finish' follows. cb runs
 * at 'finish' (before it), or with an error (destroyed first). May be
 * called again: cb then queues for the same 'finish'; after 'finish'
 * returns NNET_ERR_STREAM_ALREADY_FINISHED. end(data) after end() is a
 * write after end. Returns 0 or negative as nnet_socket_write(). */
NNET_EXTERN int nnet_socket_end(nnet_socket_t *s, const void *data, size_t len,
                                nnet_write_cb cb, void *ctx);
/* Node: socket.destroy([error]). err 0: no error; else an NNET_/UV_ code
 * that becomes the 'error' payload (Node's message for the code).
 * Idempotent; safe inside any of the socket's listeners. Stops reading,
 * fails queued writes, closes the handle. On later turns: 'error' (if
 * err), the failed writes' callbacks, then 'close'(had_error). */
NNET_EXTERN void nnet_socket_destroy(nnet_socket_t *s, int err);
/* Node: socket.destroy(error) with a full error object (copied; NULL: as
 * destroy(0)). */
NNET_EXTERN void nnet_socket_destroy_error(nnet_socket_t *s,
                                           const nnet_error_t *err);
/* Node: socket.destroySoon(): end() the writable side, destroy once it
 * finished (at once when it already has). */
NNET_EXTERN void nnet_socket_destroy_soon(nnet_socket_t *s);
/* Node: socket.resetAndDestroy(): destroy and close with a TCP RST
 * (SO_LINGER 0) instead of a FIN; 'close' has had_error false. A
 * connecting socket is reset once connected (a once 'connect' listener,
 * after those added before it; 'ready' still follows); if the connect
 * fails, its 'error' and 'close' come as usual. A socket that never had a
 * connection is destroyed with ERR_SOCKET_CLOSED ('error' "Socket is
 * closed", then 'close' without hadError); a destroyed one is left alone.
 * Returns 0, NNET_ERR_INVALID_HANDLE_TYPE on a Unix socket (open or
 * connecting; nothing done), or UV_ENOMEM. */
NNET_EXTERN int nnet_socket_reset_and_destroy(nnet_socket_t *s);

/* Node: socket.pause() / socket.resume() (readable flowing mode). A
 * socket reads from the kernel once connected but emits 'data' only when
 * it flows: after resume(), or when a 'data' listener is added to a socket
 * that was not paused. Until then the bytes are kept (up to
 * highWaterMark; then reading stops, which is the backpressure to the
 * peer; nnet_socket_readable_length() counts them) and 'end' waits until
 * they have been emitted. pause(): 'data' stops (reading goes on into the
 * buffer up to highWaterMark); a 'data' listener added later does not
 * resume. resume(): the buffered bytes come as 'data' on a later turn.
 * With `onread` the callback gets every read at once; pause() stops
 * reading there. A server's pauseOnConnect and pause() before connect()
 * leave the socket not reading at all until resume(). */
NNET_EXTERN void nnet_socket_pause(nnet_socket_t *s);
NNET_EXTERN void nnet_socket_resume(nnet_socket_t *s);
/* Node: socket.isPaused(). */
NNET_EXTERN bool nnet_socket_is_paused(const nnet_socket_t *s);
/* Node: socket.setEncoding([encoding]). 'data' then carries text as UTF-8
 * (is_string true); characters split across reads are held back.
 * NNET_ENC_BUFFER: back to bytes. Returns 0, NNET_ERR_UNKNOWN_ENCODING or
 * UV_ENOMEM. */
NNET_EXTERN int nnet_socket_set_encoding(nnet_socket_t *s, nnet_encoding_t enc);
/* Node: socket.setTimeout(timeout[, callback]). 'timeout' fires after ms
 * of inactivity (no read or write); it only notifies, the socket stays
 * open. Re-armed by activity. ms 0 disables. The callback, if given, is
 * added once for 'timeout'. Returns 0 or UV_ENOMEM; no-op on a destroyed
 * socket. */
NNET_EXTERN int nnet_socket_set_timeout(nnet_socket_t *s, unsigned ms,
                                        nnet_listener_fn fn, void *ctx);
/* Node: socket.timeout (0 when none). */
NNET_EXTERN unsigned nnet_socket_timeout(const nnet_socket_t *s);
/* Node: socket.setNoDelay([noDelay]) (TCP_NODELAY). Before the
 * connection exists the wish is kept and applied on connect. Returns 0 or
 * the setsockopt error; no-op (0) on pipes. */
NNET_EXTERN int nnet_socket_set_no_delay(nnet_socket_t *s, bool enable);
/* Node: socket.setKeepAlive([enable][, initialDelay]) (ms): SO_KEEPALIVE,
 * TCP_KEEPIDLE, TCP_KEEPCNT 10, TCP_KEEPINTVL 1. Kept and applied on
 * connect when called earlier. Returns 0 or the setsockopt error; no-op
 * on pipes. */
NNET_EXTERN int nnet_socket_set_keep_alive(nnet_socket_t *s, bool enable,
                                           unsigned initial_delay_ms);
/* TCP_USER_TIMEOUT (Linux; beyond Node): how long sent data may stay
 * unacknowledged before the connection fails with ETIMEDOUT. ms 0: kernel
 * default. Kept until connect when called earlier. */
NNET_EXTERN int nnet_socket_set_user_timeout(nnet_socket_t *s, unsigned ms);
/* Node (>= 26): socket.setTypeOfService(tos) / socket.getTypeOfService().
 * The IP type of service (IPv4 IP_TOS) or traffic class (IPv6
 * IPV6_TCLASS), 0..255. Before the connection exists the value is kept and
 * applied on connect (beyond Node: a failure to apply it then is ignored,
 * never an 'error'); on a pipe or a destroyed socket it is only kept.
 * set: returns 0, NNET_ERR_OUT_OF_RANGE (tos < 0 or > 255; nothing
 * changes), UV_ENOMEM, or the setsockopt error (Node throws it). An
 * unchanged value makes no system call, as in Node.
 * get: the kernel's value on a connected TCP socket (Linux keeps the two
 * ECN bits of a TCP socket's own: 0xff reads back 0xfc), else the kept
 * value or 0; negative: the getsockopt error. */
NNET_EXTERN int nnet_socket_set_type_of_service(nnet_socket_t *s, int tos);
NNET_EXTERN int nnet_socket_get_type_of_service(const nnet_socket_t *s);

/* Node: socket.ref() / socket.unref(). An unref'd socket (and its idle
 * timer) does not keep uv_run() alive. Remembered across connects. */
NNET_EXTERN void nnet_socket_ref(nnet_socket_t *s);
NNET_EXTERN void nnet_socket_unref(nnet_socket_t *s);

/* Node: socket.bytesRead / socket.bytesWritten (queued bytes included).
 * Still readable after destroy (retain the socket to read them after
 * 'close'). */
NNET_EXTERN uint64_t nnet_socket_bytes_read(const nnet_socket_t *s);
NNET_EXTERN uint64_t nnet_socket_bytes_written(const nnet_socket_t *s);
/* Node: socket.writableLength (== deprecated bufferSize): bytes accepted
 * by write() whose callback has not run yet. */
NNET_EXTERN size_t nnet_socket_writable_length(const nnet_socket_t *s);
/* Node: socket.readyState: "opening", "open", "readOnly", "writeOnly",
 * "closed". A static string. */
NNET_EXTERN const char *nnet_socket_ready_state(const nnet_socket_t *s);
/* Node: socket.pending (not connected yet: no usable handle). */
NNET_EXTERN bool nnet_socket_is_pending(const nnet_socket_t *s);
/* Node: socket.connecting (connect() called, 'connect' not yet emitted). */
NNET_EXTERN bool nnet_socket_is_connecting(const nnet_socket_t *s);
/* Node: socket.destroyed. */
NNET_EXTERN bool nnet_socket_is_destroyed(const nnet_socket_t *s);
/* True for a Unix-socket connection (Node: handle is a Pipe). */
NNET_EXTERN bool nnet_socket_is_pipe(const nnet_socket_t *s);
/* Node: socket.readable / socket.writable (a side is open until it ended or
 * the socket was destroyed). */
NNET_EXTERN bool nnet_socket_is_readable(const nnet_socket_t *s);
NNET_EXTERN bool nnet_socket_is_writable(const nnet_socket_t *s);
/* Node: socket.writableEnded (end() was called). */
NNET_EXTERN bool nnet_socket_writable_ended(const nnet_socket_t *s);
/* Node: socket.allowHalfOpen */
NNET_EXTERN bool nnet_socket_allow_half_open(const nnet_socket_t *s);
/* Node: socket.readableLength: bytes read while the socket was not
 * flowing, not yet emitted as 'data' (bytes, also after setEncoding(); Node
 * counts the decoded characters then). */
NNET_EXTERN size_t nnet_socket_readable_length(const nnet_socket_t *s);
/* Node: socket.readableFlowing: 1 (true: flowing), 0 (false: paused), -1
 * (null: neither resume() nor pause() nor a 'data' listener yet). */
NNET_EXTERN int nnet_socket_readable_flowing(const nnet_socket_t *s);
/* Node: socket.readableEncoding: the nnet_encoding_t of setEncoding(), or
 * -1 (Node: null) when 'data' carries bytes. */
NNET_EXTERN int nnet_socket_readable_encoding(const nnet_socket_t *s);
/* Node: socket.readableEnded ('end' was emitted, or the socket was opened
 * from an fd with readable false). */
NNET_EXTERN bool nnet_socket_readable_ended(const nnet_socket_t *s);
/* Node: socket.writableHighWaterMark / socket.readableHighWaterMark (the
 * highWaterMark option; 16384 by default). */
NNET_EXTERN size_t nnet_socket_writable_high_water_mark(const nnet_socket_t *s);
NNET_EXTERN size_t nnet_socket_readable_high_water_mark(const nnet_socket_t *s);
/* Node: socket.writableNeedDrain: a write() returned 0 and 'drain' is
 * still due (false once ending or destroyed). */
NNET_EXTERN bool nnet_socket_writable_need_drain(const nnet_socket_t *s);
/* Node: socket.writableFinished: 'finish' is being or was emitted (set
 * just before the end() callbacks run). */
NNET_EXTERN bool nnet_socket_writable_finished(const nnet_socket_t *s);
/* Node: socket.writableCorked: cork() calls not undone by uncork(). */
NNET_EXTERN unsigned nnet_socket_writable_corked(const nnet_socket_t *s);
/* Node: socket.closed: true from destroy() on (Node sets it in destroy()
 * itself, before 'close' is emitted). */
NNET_EXTERN bool nnet_socket_is_closed(const nnet_socket_t *s);
/* Node: socket.errored: the error the socket was destroyed with (the
 * 'error' payload, owned by the socket, valid until it is freed or
 * connects again), or NULL (Node: null). */
NNET_EXTERN const nnet_error_t *nnet_socket_errored(const nnet_socket_t *s);

/* Node: socket.address(): local address. Returns 0, UV_ENOTCONN (no
 * handle yet), UV_EBADF after destroy, UV_ENOTSUP on a pipe (Node: {}). */
NNET_EXTERN int nnet_socket_address(const nnet_socket_t *s,
                                    nnet_socketaddress_t *out);
/* Node: socket.remoteAddress / remotePort / remoteFamily as one value.
 * As Node's _peername, the first value read while connected is kept: it
 * is still returned after destroy and in 'close' (until connect() starts
 * over). Returns 0, UV_ENOTCONN (not connected, or connecting), UV_EBADF
 * after destroy when it was never read while connected (Node: undefined)
 * or UV_ENOTSUP on a pipe. */
NNET_EXTERN int nnet_socket_remote_address(const nnet_socket_t *s,
                                           nnet_socketaddress_t *out);
/* Node: socket.autoSelectFamilyAttemptedAddresses ("IP:PORT" strings, in
 * attempt order, the winner last). Count 0 when autoSelectFamily was not
 * used. The strings are owned by the socket and valid until its next
 * connect or its freeing; kept after destroy. NULL for i out of range. */
NNET_EXTERN size_t nnet_socket_attempted_address_count(const nnet_socket_t *s);
NNET_EXTERN const char *nnet_socket_attempted_address(const nnet_socket_t *s,
                                                      size_t i);

/* Keep the socket's memory past 'close' (for reconnecting, or to read its
 * final counters). Every retain needs a release; the last release after
 * 'close' frees it. */
NNET_EXTERN void nnet_socket_retain(nnet_socket_t *s);
NNET_EXTERN void nnet_socket_release(nnet_socket_t *s);

/* One user pointer per socket (beyond Node: a JS object takes any
 * property). Not touched by the library; free it in 'close' if it is
 * yours. */
NNET_EXTERN void nnet_socket_set_data(nnet_socket_t *s, void *data);
NNET_EXTERN void *nnet_socket_get_data(const nnet_socket_t *s);
/* The loop the socket runs on. */
NNET_EXTERN uv_loop_t *nnet_socket_loop(const nnet_socket_t *s);

/* Node: socket.on(event, listener). Listeners run in registration order;
 * one added during an emit is not called by that emit, one removed during
 * it still is (DESIGN §3). Socket events: 'connect', 'ready', 'data',
 * 'drain', 'end', 'finish', 'error', 'close', 'timeout', 'lookup',
 * 'connectionAttempt', 'connectionAttemptFailed',
 * 'connectionAttemptTimeout'. Returns 0, UV_EINVAL (bad type or fn NULL)
 * or UV_ENOMEM. */
NNET_EXTERN int nnet_socket_on(nnet_socket_t *s, nnet_event_type_t type,
                               nnet_listener_fn fn, void *ctx);
/* Node: socket.once(event, listener): removed before its first call. */
NNET_EXTERN int nnet_socket_once(nnet_socket_t *s, nnet_event_type_t type,
                                 nnet_listener_fn fn, void *ctx);
/* Node: socket.prependListener(event, listener): called first. */
NNET_EXTERN int nnet_socket_prepend(nnet_socket_t *s, nnet_event_type_t type,
                                    nnet_listener_fn fn, void *ctx);
/* Node: socket.off(event, listener): removes the most recently added
 * (type, fn, ctx) match; 0 also when nothing matched, UV_EINVAL for a bad
 * type. */
NNET_EXTERN int nnet_socket_off(nnet_socket_t *s, nnet_event_type_t type,
                                nnet_listener_fn fn, void *ctx);
/* Node: socket.removeAllListeners([event]). NNET_EV_COUNT_: every event. */
NNET_EXTERN int nnet_socket_remove_all(nnet_socket_t *s,
                                       nnet_event_type_t type);
/* Node: socket.listenerCount(event). */
NNET_EXTERN size_t nnet_socket_listener_count(const nnet_socket_t *s,
                                              nnet_event_type_t type);

/* ---- Piping (Node: readable.pipe(), stream.pipeline()) ---------------
 * Built on the listener API: a pipe adds 'data', 'end' and 'close'
 * listeners to the source and 'error' (prepended), 'close', 'finish' and
 * 'drain' listeners to the destination; unpipe removes them. Do not
 * remove_all() the listeners of a piped socket: unpipe first. */

/* Node: readable.pipe(destination, options) options. */
typedef struct nnet_pipe_opts_s {
  bool end; /* true (Node's default): end() the destination after 'end' */
  /* Beyond Node: never use the zero-copy path (splice(2), see
   * nnet_socket_pipe()) for this pipe. Added after 0.1.0: it takes the first
   * of the eight reserved slots (the union keeps it there), so a program
   * built before it, with a zeroed tail, reads as "splice allowed". */
  union {
    bool no_splice;
    uint64_t slot0_; /* never set */
  };
  /* Room to grow without an ABI break (docs/versioning.md): a new option
   * takes the place of a slot. Zeroed by the _init() function. */
  uint64_t reserved_[7];
} nnet_pipe_opts_t;

/* Writes Node's pipe() defaults into *o: end true, no_splice false. */
NNET_EXTERN void nnet_pipe_opts_init(nnet_pipe_opts_t *o);

/* Node: src.pipe(dst[, options]). Every 'data' of src is written to dst;
 * when dst's write() returns 0, src is paused until dst's 'drain'
 * (backpressure: dst's writableLength stays near its highWaterMark). src
 * starts flowing (Node's resume()) unless dst already needs a drain. On
 * src's 'end', dst is ended (opts->end) or unpiped. dst emits 'pipe'
 * (u.pipe.source src) synchronously, and 'unpipe' when the pipe ends: on
 * nnet_socket_unpipe(), src's 'end' with end false, dst's 'finish',
 * 'close' or 'error'. An error on dst unpipes; if dst has no other
 * 'error' listener it is then an uncaught error, as in Node. An error or
 * close of src does not touch dst (use nnet_pipeline()). A src that
 * closes after its 'end' stays piped (its memory kept) until dst's
 * 'finish', 'close' or 'error', as in Node; one destroyed before its
 * 'end' drops the pipe at its 'close', without 'unpipe' (beyond Node,
 * which keeps it as long as dst lives). One source may pipe to several
 * destinations (it resumes when every one has drained), and to itself
 * (Node's echo idiom socket.pipe(socket)). A chunk whose 'data' emit had
 * begun before an unpipe is still written (Node's emit snapshot). opts
 * NULL: defaults. Returns 0, UV_EINVAL (src or dst NULL) or UV_ENOMEM
 * (nothing done).
 * Zero-copy (beyond Node; Linux): while both are connected TCP or Unix
 * stream sockets, src pipes to dst alone and has no other 'data'
 * listener, no encoding and no onread, the bytes go from socket to socket
 * with splice(2) without entering user space: src emits no 'data' for
 * them (nobody listens), bytesRead/bytesWritten, backpressure, 'end',
 * errors and timeouts are as above. Adding a 'data' listener or an
 * encoding, pause(), a second destination or unpipe switch back to the
 * copy path without losing or reordering a byte. Off with
 * opts->no_splice, or for the process with the environment variable
 * NNET_NO_SPLICE=1. */
NNET_EXTERN int nnet_socket_pipe(nnet_socket_t *src, nnet_socket_t *dst,
                                 const nnet_pipe_opts_t *opts);
/* Node: src.unpipe([dst]). Removes the pipe to dst (the earliest made, if
 * several), or with dst NULL every pipe of src. When src has no pipe left
 * it is paused. dst emits 'unpipe' synchronously. Returns 0 (also when
 * there was no such pipe) or UV_EINVAL (src NULL). */
NNET_EXTERN int nnet_socket_unpipe(nnet_socket_t *src, nnet_socket_t *dst);
/* Beyond Node (no equivalent): how many of src's bytesRead a pipe moved
 * with splice(2) (nnet_socket_pipe()), never seen in user space; 0 when
 * the zero-copy path was never used. Readable after destroy, as
 * bytesRead. */
NNET_EXTERN uint64_t nnet_socket_bytes_spliced(const nnet_socket_t *s);

/* The callback of nnet_pipeline(): err NULL on success, else the first
 * error (borrowed for the call). The sockets may already be closed and
 * freed when it runs. */
typedef void (*nnet_pipeline_cb)(const nnet_error_t *err, void *ctx);
/* Node: stream.pipeline(src, dst, callback) for two sockets. Pipes src to
 * dst (end() after src's 'end'). An error on either ('error', or a
 * 'close' before src's 'end' / dst's 'finish': ERR_STREAM_PREMATURE_CLOSE)
 * destroys the other with the same error (so it emits 'error' too), and
 * cb gets it. cb runs exactly once, on a later turn: after src's 'end' and
 * dst's 'finish', or after both sides reported the error. The pipeline's
 * own 'error' listeners stay on src until its 'close' (later errors are
 * swallowed, as in Node); on dst they go at success. cb may be NULL.
 * Returns 0, UV_EINVAL (src or dst NULL, src == dst) or UV_ENOMEM
 * (nothing done). */
NNET_EXTERN int nnet_pipeline(nnet_socket_t *src, nnet_socket_t *dst,
                              nnet_pipeline_cb cb, void *ctx);
/* Node: stream.pipeline(a, b, a) for two sockets: the proxy shape. Two
 * nnet_pipeline()s, a to b and b to a; an error on either destroys both.
 * cb runs once, when both directions are done, with the first error
 * (a real one before ERR_STREAM_PREMATURE_CLOSE) or NULL. Give both
 * sockets allowHalfOpen so that each FIN is passed on on its own. Returns
 * as nnet_pipeline(). */
NNET_EXTERN int nnet_pipeline_duplex(nnet_socket_t *a, nnet_socket_t *b,
                                     nnet_pipeline_cb cb, void *ctx);

/* Node: net.getDefaultAutoSelectFamily() / setDefaultAutoSelectFamily()
 * and net.getDefaultAutoSelectFamilyAttemptTimeout() /
 * setDefaultAutoSelectFamilyAttemptTimeout() (ms; 1..9 become 10, as
 * Node; 0 or above 2^31-1 is NNET_ERR_OUT_OF_RANGE and changes nothing,
 * as Node throws). Process-wide defaults (true, 250) for connects whose
 * options leave them unset; not thread-safe. */
NNET_EXTERN bool nnet_get_default_auto_select_family(void);
NNET_EXTERN void nnet_set_default_auto_select_family(bool value);
NNET_EXTERN unsigned nnet_get_default_auto_select_family_attempt_timeout(void);
NNET_EXTERN int nnet_set_default_auto_select_family_attempt_timeout(
    unsigned ms);

#ifdef __cplusplus
}
#endif
#endif
