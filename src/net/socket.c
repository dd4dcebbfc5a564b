/* net.Socket: creation, lifetime and destroy (DESIGN.md §4).
 *
 * A socket's memory lives until all of these hold: 'close' was emitted,
 * every uv_close callback ran, no hold (emit or deferred job) and no
 * retain is outstanding. destroy() only starts the teardown; 'error' and
 * 'close' are emitted from a later turn. */
#include <stdlib.h>
#include <string.h>

#include "net/bound_internal.h"
#include "net/connect_internal.h"
#include "net/socket_internal.h"
#include "stream/decoder.h"

void nnet_socket_opts_init(nnet_socket_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->fd = -1;
  /* Node 20's Duplex defaults: both sides open unless set to false (the
   * docs say false, the code says true; the code wins). */
  o->readable = true;
  o->writable = true;
  o->high_water_mark = 16384;
}

static void ext_free(nnet_socket_t *s) {
  nnet__sockext_t *x = s->ext;
  if (x == NULL) return;
  nnet__abort_unsubscribe(&x->abort_sub);
  nnet__free(x->decoder);
  nnet__free(x->rbuf.base);
  nnet__free(x->rq.base);
  nnet__free(x->peer);
  nnet__bound_src_free(x->bound);
  nnet__free(x);
  s->ext = NULL;
}

nnet__sockext_t *nnet__socket_ext(nnet_socket_t *s) {
  if (s->ext == NULL) s->ext = nnet__calloc(1, sizeof(*s->ext));
  return s->ext;
}

static void socket_free(nnet_socket_t *s) {
  nnet__loop_t *nl = s->nl;
  nnet__connect_release(s);
  nnet__writable_free(s);
  nnet__socket_clear_error(s);
  nnet__timeout_free(s);
  nnet__emitter_free(&s->em);
  ext_free(s);
  nnet__free(s);
  nnet__loop_release(nl);
}

static bool can_free(const nnet_socket_t *s) {
  return s->holds == 0 && s->retains == 0 && s->pending_closes == 0 &&
         (s->flags & NNET__S_CLOSED);
}

void nnet__socket_hold(nnet_socket_t *s) {
  s->holds++;
}

bool nnet__socket_unhold(nnet_socket_t *s) {
  s->holds--;
  if (!can_free(s)) return true;
  socket_free(s);
  return false;
}

/* tcp_only: the handle will only ever be a uv_tcp_t, so the socket is
 * allocated without the tail only a uv_pipe_t needs (h is the last
 * member). */
static nnet_socket_t *socket_calloc(bool tcp_only) {
  size_t size = sizeof(nnet_socket_t);
  if (tcp_only) size = offsetof(nnet_socket_t, h) + sizeof(uv_tcp_t);
  nnet_socket_t *s = nnet__calloc(1, size);
  if (s != NULL && tcp_only) s->flags |= NNET__S_TCP_ONLY;
  return s;
}

static int socket_alloc(nnet__loop_t *nl, const nnet_socket_opts_t *o,
                        bool tcp_only, nnet_socket_t **out) {
  nnet_socket_t *s = socket_calloc(tcp_only);
  if (s == NULL) return UV_ENOMEM;
  nnet__emitter_init(&s->em);
  s->nl = nl;
  /* Node: without an fd both sides count as open until they end. */
  s->flags |= NNET__S_READABLE | NNET__S_WRITABLE;
  if (o && o->allow_half_open) s->flags |= NNET__S_HALF_OPEN;
  /* The default highWaterMark and no onread: no ext (most sockets). */
  size_t hwm = o ? o->high_water_mark : NNET__DEFAULT_HWM;
  bool hwm_set = hwm != NNET__DEFAULT_HWM;
  bool onread = o && o->onread && o->onread_buf && o->onread_len;
  if (hwm_set || onread) {
    nnet__sockext_t *x = nnet__socket_ext(s);
    if (x == NULL) {
      nnet__free(s);
      return UV_ENOMEM;
    }
    x->hwm = hwm;
    x->hwm_set = hwm_set;
    if (onread) {
      x->onread = o->onread;
      x->onread_buf = o->onread_buf;
      x->onread_len = o->onread_len;
      x->onread_ctx = o->onread_ctx;
    }
  }
  nnet__sigpipe_guard();
  *out = s;
  return 0;
}

int nnet__socket_alloc(nnet__loop_t *nl, const nnet_socket_opts_t *o,
                       nnet_socket_t **out) {
  return socket_alloc(nl, o, false, out);
}

int nnet__socket_handle_init(nnet_socket_t *s, bool is_pipe) {
  /* An accepted TCP socket connect()ed again to a Unix path has no room
   * for a uv_pipe_t. */
  if (is_pipe && (s->flags & NNET__S_TCP_ONLY))
    return NNET_ERR_INVALID_HANDLE_TYPE;
  uv_loop_t *loop = nnet__socket_loop(s);
  int rc = is_pipe ? uv_pipe_init(loop, &s->h.pipe, 0)
                   : uv_tcp_init(loop, &s->h.tcp);
  if (rc != 0) return rc;
  s->h.handle.data = s;
  s->flags |= NNET__S_HANDLE_INIT;
  if (is_pipe)
    s->flags |= NNET__S_PIPE;
  else
    s->flags &= ~NNET__S_PIPE;
  if (s->flags & NNET__S_UNREF) uv_unref(&s->h.handle);
  return 0;
}

/* ---- emitting ---- */

void nnet__socket_emit(nnet_socket_t *s, nnet_event_t *ev) {
  ev->target = s;
  nnet__socket_hold(s);
  nnet__emit(&s->em, ev);
  nnet__socket_unhold(s);
}

void nnet__socket_emit_simple(nnet_socket_t *s, nnet_event_type_t type) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  nnet__socket_emit(s, &ev);
}

int nnet__socket_defer(nnet_socket_t *s, nnet__defer_fn fn) {
  nnet__socket_hold(s);
  int rc = nnet__defer(s->nl, fn, s);
  if (rc != 0) s->holds--; /* cannot free here: the caller holds s */
  return rc;
}

/* ---- the close sequence ---- */

/* 'error' once per destroy(err); NNET__S_ERRORED marks it emitted. */
static void emit_error(nnet_socket_t *s) {
  const nnet__error_t *err = nnet__socket_error(s);
  if (err == NULL || (s->flags & (NNET__S_DISCARD | NNET__S_ERRORED))) return;
  s->flags |= NNET__S_ERRORED;
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = NNET_EV_ERROR;
  ev.u.error = &err->pub;
  nnet__socket_emit(s, &ev);
}

/* Node's emitErrorNT: destroy(err) emits 'error' on the next tick, before
 * anything the teardown emits later (a cancelled connection attempt's
 * 'connectionAttemptFailed', the server's 'close'); 'close' follows once
 * the handles are closed. */
static void emit_error_job(void *arg) {
  nnet_socket_t *s = arg;
  emit_error(s);
  nnet__socket_unhold(s);
}

/* Then the callbacks of writes that never completed, then 'close' (and
 * 'error' here if it could not be queued earlier). DESIGN §4 wants write
 * callbacks before 'close' (Node runs a few of them after it). */
static void emit_error_close(void *arg) {
  nnet_socket_t *s = arg;
  bool had_error = nnet__socket_error(s) != NULL;
  /* Cleared before the emit: a 'close' listener may connect() again. */
  bool no_arg = s->close_no_arg;
  s->close_no_arg = false;
  emit_error(s);
  nnet__writable_run_done(s);
  s->flags |= NNET__S_CLOSED;
  if (!(s->flags & NNET__S_DISCARD)) {
    nnet_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = NNET_EV_CLOSE;
    ev.u.close.had_error = had_error && !no_arg;
    ev.u.close.has_had_error = !no_arg;
    nnet__socket_emit(s, &ev);
  }
  nnet__socket_unhold(s);
}

static void schedule_close_emit(nnet_socket_t *s) {
  if (s->pending_closes > 0) return;
  if (nnet__socket_defer(s, emit_error_close) != 0) {
    nnet__socket_hold(s);
    emit_error_close(s);
  }
}

void nnet__socket_closed_one(nnet_socket_t *s) {
  nnet__socket_hold(s);
  s->pending_closes--;
  if (s->flags & NNET__S_DESTROYED) schedule_close_emit(s);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

static void handle_close_cb(uv_handle_t *h) {
  nnet__socket_closed_one(h->data);
}

static void close_handle(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_HANDLE_INIT)) return;
  s->flags &= ~(NNET__S_HANDLE_INIT | NNET__S_READING);
  nnet__bound_src_closing(s); /* as libuv removes a bound pipe's file */
  s->pending_closes++;
  if ((s->flags & NNET__S_RESET) && !(s->flags & NNET__S_PIPE) &&
      uv_tcp_close_reset(&s->h.tcp, handle_close_cb) == 0)
    return;
  uv_close(&s->h.handle, handle_close_cb);
}

/* Node's _destroy() decrements server._connections synchronously, so the
 * count (getConnections) drops before this socket's 'close', and the
 * server's own 'close' (deferred) comes before it too. */
static void server_forget(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_ACCEPTED)) return; /* the slot is connect's */
  nnet_server_t *srv = s->server;
  bool notify = !(s->flags & NNET__S_DISCARD);
  s->flags &= ~NNET__S_ACCEPTED;
  s->server = NULL;
  if (notify) nnet__server_connection_closed(srv, s);
}

/* Out of memory for the error itself: still report that one failed. */
static const nnet__error_t oom_error = {{.code = UV_ENOMEM,
                                         .name = "Error",
                                         .code_name = "ENOMEM",
                                         .message = "Cannot allocate memory",
                                         .port = -1},
                                        NULL,
                                        NULL,
                                        NULL,
                                        NULL,
                                        NULL};

const nnet__error_t *nnet__socket_error(const nnet_socket_t *s) {
  if (s->flags & NNET__S_OOM_ERROR) return &oom_error;
  return s->ext ? s->ext->err : NULL;
}

void nnet__socket_clear_error(nnet_socket_t *s) {
  s->flags &= ~NNET__S_OOM_ERROR;
  nnet__sockext_t *x = s->ext;
  if (x == NULL || x->err == NULL) return;
  nnet__error_clear(x->err);
  nnet__free(x->err);
  x->err = NULL;
}

/* Moves *err into the socket (a fresh allocation): *err is left empty. */
static void keep_error(nnet_socket_t *s, nnet__error_t *err) {
  nnet__sockext_t *x = nnet__socket_ext(s);
  nnet__error_t *e = x ? nnet__malloc(sizeof(*e)) : NULL;
  if (e == NULL) {
    nnet__error_clear(err);
    s->flags |= NNET__S_OOM_ERROR;
  } else {
    *e = *err;
    x->err = e;
  }
  memset(err, 0, sizeof(*err));
}

void nnet__socket_destroy_with(nnet_socket_t *s, nnet__error_t *err) {
  if (s->flags & NNET__S_DESTROYED) {
    if (err) nnet__error_clear(err);
    return;
  }
  s->flags |= NNET__S_DESTROYED;
  s->flags &= ~(NNET__S_CONNECTING | NNET__S_CONNECTED);
  /* Node's _destroy without a handle emits 'close' with no hadError. */
  if (!(s->flags & NNET__S_HANDLE_INIT)) s->close_no_arg = true;
  if (err) {
    keep_error(s, err);
    /* On failure emit_error_close() emits it. */
    (void)nnet__socket_defer(s, emit_error_job);
  }
  if (s->ext) nnet__abort_unsubscribe(&s->ext->abort_sub);
  nnet__connect_cancel(s);
  nnet__timeout_close(s);
  server_forget(s);
  nnet__writable_abort(s, (s->flags & NNET__S_EVER_CONNECTED)
                              ? NNET_ERR_STREAM_DESTROYED
                              : NNET_ERR_SOCKET_CLOSED_BEFORE_CONNECTION);
  close_handle(s);
  schedule_close_emit(s);
}

/* ---- public lifetime API ---- */

void nnet_socket_destroy(nnet_socket_t *s, int err) {
  if (err == 0) {
    nnet__socket_destroy_with(s, NULL);
    return;
  }
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_node(&e, err, NULL);
  nnet__socket_destroy_with(s, &e);
}

void nnet_socket_destroy_error(nnet_socket_t *s, const nnet_error_t *err) {
  if (err == NULL) {
    nnet__socket_destroy_with(s, NULL);
    return;
  }
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_copy(&e, err);
  nnet__socket_destroy_with(s, &e);
}

/* Node: destroySoon(): end the writable side, destroy once it finished. */
void nnet_socket_destroy_soon(nnet_socket_t *s) {
  if (s->flags & NNET__S_DESTROYED) return;
  if (s->flags & NNET__S_WRITABLE) nnet_socket_end(s, NULL, 0, NULL, NULL);
  if (s->flags & NNET__S_FINISHED)
    nnet__socket_destroy_with(s, NULL);
  else
    s->flags |= NNET__S_DESTROY_SOON;
}

/* Node's _reset(): destroy, closing with an RST. */
static void reset_now(nnet_socket_t *s) {
  if (s->flags & NNET__S_DESTROYED) return;
  s->flags |= NNET__S_RESET;
  nnet__socket_destroy_with(s, NULL);
}

static void reset_on_connect(const nnet_event_t *ev, void *ctx) {
  reset_now(ev->target);
}

/* Node's resetAndDestroy(): with a handle, reset (once connected, if still
 * connecting: a once 'connect' listener, as Node's); without one (never
 * connected, or destroyed) destroy(ERR_SOCKET_CLOSED), which does nothing
 * on a socket already destroyed. */
int nnet_socket_reset_and_destroy(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_HANDLE_INIT) || (s->flags & NNET__S_DESTROYED)) {
    nnet_socket_destroy(s, NNET_ERR_SOCKET_CLOSED);
    return 0;
  }
  if (s->flags & NNET__S_PIPE) return NNET_ERR_INVALID_HANDLE_TYPE;
  if (s->flags & NNET__S_CONNECTING)
    return nnet__emitter_on(&s->em, NNET_EV_CONNECT, reset_on_connect, NULL, 1,
                            0);
  reset_now(s);
  return 0;
}

void nnet_socket_retain(nnet_socket_t *s) {
  s->retains++;
}

void nnet_socket_release(nnet_socket_t *s) {
  s->retains--;
  nnet__socket_hold(s);
  nnet__socket_unhold(s);
}

/* ---- creation ---- */

static int wrap_fd(nnet_socket_t *s, const nnet_socket_opts_t *o) {
  uv_handle_type t = uv_guess_handle(o->fd);
  if (t != UV_TCP && t != UV_NAMED_PIPE) return NNET_ERR_INVALID_FD_TYPE;
  int rc = nnet__socket_handle_init(s, t == UV_NAMED_PIPE);
  if (rc != 0) return rc;
  rc = t == UV_TCP ? uv_tcp_open(&s->h.tcp, o->fd)
                   : uv_pipe_open(&s->h.pipe, o->fd);
  if (rc != 0) {
    /* The fd stays the caller's: detach it before closing the handle. */
    s->flags &= ~NNET__S_HANDLE_INIT;
    s->pending_closes++;
    uv_close(&s->h.handle, handle_close_cb);
    return rc;
  }
  /* Node (Duplex readable/writable false): that side starts ended, so a
   * write() is a write after end and no 'end' is ever emitted. */
  s->flags &= ~(NNET__S_READABLE | NNET__S_WRITABLE);
  if (o->readable) s->flags |= NNET__S_READABLE;
  if (o->writable)
    s->flags |= NNET__S_WRITABLE;
  else
    s->flags |= NNET__S_ENDING | NNET__S_SHUTDOWN | NNET__S_FINISHED;
  s->from_fd = true;
  nnet__socket_on_connected(s);
  return 0;
}

/* Node's addAbortSignal: abort() destroys the socket with an AbortError
 * (code ABORT_ERR); 'error' and 'close' follow on later turns. */
static void abort_destroy(void *arg) {
  nnet_socket_t *s = arg;
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_node(&e, NNET_ABORT_ERR, NULL);
  nnet__socket_destroy_with(s, &e);
}

/* A signal that is already aborted destroys the new socket on a later turn
 * (Node 20 leaves socket.destroyed false after the constructor). Node
 * destroys it in the constructor, before any handle, so 'close' comes
 * without hadError even if connect() was called since. (Node then connects
 * anyway and emits a second 'close'; we cancel the connect.) */
static void abort_destroy_job(void *arg) {
  nnet_socket_t *s = arg;
  if (!(s->flags & NNET__S_DESTROYED)) s->close_no_arg = true;
  abort_destroy(s);
  nnet__socket_unhold(s);
}

static int watch_signal(nnet_socket_t *s, nnet_abort_controller_t *ac) {
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  if (nnet__abort_subscribe(ac, &x->abort_sub, abort_destroy, s) == 0) return 0;
  if (nnet__socket_defer(s, abort_destroy_job) != 0) abort_destroy(s);
  return 0;
}

/* Creation failed after s existed: freed once its handle (if any) is
 * closed, silently. */
static void abandon_new(nnet_socket_t *s) {
  s->flags |= NNET__S_DISCARD;
  if (s->flags & NNET__S_HANDLE_INIT) {
    nnet__socket_destroy_with(s, NULL);
    return;
  }
  s->flags |= NNET__S_DESTROYED;
  if (s->pending_closes == 0) {
    s->flags |= NNET__S_CLOSED;
    socket_free(s);
  }
}

int nnet_socket_new(const nnet_socket_opts_t *opts, nnet_socket_t **out) {
  nnet_socket_opts_t defaults;
  if (opts == NULL) {
    nnet_socket_opts_init(&defaults);
    opts = &defaults;
  }
  *out = NULL;
  uv_loop_t *loop = opts->loop ? opts->loop : uv_default_loop();
  nnet__loop_t *nl = nnet__loop_acquire(loop);
  if (nl == NULL) return UV_ENOMEM;
  nnet_socket_t *s;
  int rc = nnet__socket_alloc(nl, opts, &s);
  if (rc != 0) {
    nnet__loop_release(nl);
    return rc;
  }
  if (opts->type_of_service) rc = nnet__tos_remember(s, opts->type_of_service);
  if (rc == 0 && opts->bound) /* Node 26: {handle: boundSocket} */
    rc = nnet__bound_adopt_socket(s, opts->bound);
  else if (rc == 0 && opts->fd >= 0)
    rc = wrap_fd(s, opts);
  if (rc == 0 && opts->signal) rc = watch_signal(s, opts->signal);
  if (rc != 0) {
    abandon_new(s);
    return rc;
  }
  *out = s;
  return 0;
}

/* ---- the server's accept path ---- */

/* server_handle: uv_accept() its pending connection; NULL: open fd (a
 * connection accepted elsewhere: multiloop.c's acceptor). */
static int accept_into(nnet_server_t *srv, nnet__loop_t *nl,
                       uv_stream_t *server_handle, int fd, bool is_pipe,
                       const nnet_server_opts_t *o, nnet_socket_t **out) {
  *out = NULL;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  if (o) {
    so.allow_half_open = o->allow_half_open;
    if (o->high_water_mark) so.high_water_mark = o->high_water_mark;
  }
  nnet_socket_t *s;
  if (nnet__loop_acquire(nnet__loop_uv(nl)) == NULL) return UV_ENOMEM;
  int rc = socket_alloc(nl, &so, !is_pipe, &s);
  if (rc != 0) {
    nnet__loop_release(nl);
    return rc;
  }
  rc = nnet__socket_handle_init(s, is_pipe);
  if (rc == 0 && server_handle != NULL)
    rc = uv_accept(server_handle, &s->h.stream);
  else if (rc == 0)
    rc = is_pipe ? uv_pipe_open(&s->h.pipe, fd) : uv_tcp_open(&s->h.tcp, fd);
  if (rc != 0) {
    if (s->flags & NNET__S_HANDLE_INIT) {
      s->flags |= NNET__S_DISCARD;
      nnet__socket_destroy_with(s, NULL);
    } else {
      s->flags |= NNET__S_CLOSED;
      socket_free(s);
    }
    return rc;
  }
  s->server = srv;
  s->flags |= NNET__S_ACCEPTED | NNET__S_READABLE | NNET__S_WRITABLE;
  /* Node's constructor: read(0) (reading into the buffer, not flowing)
   * unless pauseOnCreate, which leaves readableFlowing false and the
   * handle not reading until resume(). */
  if (o && o->pause_on_connect)
    s->flags |= NNET__S_PAUSED;
  else
    s->flags |= NNET__S_READ_ARMED;
  if (o && o->no_delay) s->flags |= NNET__S_NO_DELAY;
  if (o && o->keep_alive) {
    s->flags |= NNET__S_KEEP_ALIVE;
    /* Out of memory only loses the delay (the kernel's default applies). */
    (void)nnet__sockopt_remember_keep_alive(s, o->keep_alive_initial_delay);
  }
  s->flags |= NNET__S_CONNECTED | NNET__S_EVER_CONNECTED;
  nnet__sockopt_apply_pending(s);
  *out = s;
  return 0;
}

int nnet__socket_accept(nnet_server_t *srv, nnet__loop_t *nl,
                        uv_stream_t *server_handle, bool is_pipe,
                        const nnet_server_opts_t *o, nnet_socket_t **out) {
  return accept_into(srv, nl, server_handle, -1, is_pipe, o, out);
}

int nnet__socket_accept_fd(nnet_server_t *srv, nnet__loop_t *nl, int fd,
                           bool is_pipe, const nnet_server_opts_t *o,
                           nnet_socket_t **out) {
  return accept_into(srv, nl, NULL, fd, is_pipe, o, out);
}

void nnet__socket_start(nnet_socket_t *s) {
  if (s->flags & NNET__S_DESTROYED) return;
  nnet__socket_read_start(s);
}

void nnet__socket_discard(nnet_socket_t *s) {
  s->flags |= NNET__S_DISCARD;
  nnet__socket_destroy_with(s, NULL);
}
