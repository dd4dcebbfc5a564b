/* net.Socket, writable side: Node's stream.Writable state machine and
 * Socket._writeGeneric on libuv, from write() straight to the kernel.
 *
 * Node's model, kept exactly: at most one write is in flight; everything
 * written meanwhile (or while corked, or before connect) is buffered, and
 * when the in-flight write completes the whole buffer goes out as one
 * writev (clearBuffer), before that completion's 'drain' and callbacks
 * (afterWrite: 'drain' first, then the callbacks).
 *
 * Fast path: with nothing in flight the bytes are sent at once with
 * send(MSG_NOSIGNAL) — no allocation, no copy, one syscall, no SIGPIPE.
 * Only the part the kernel did not take is copied into a queued request.
 * Node completes such a write synchronously but runs its callback (and
 * 'drain') on the next tick; so do we, from a per-socket array of due
 * callbacks drained by one deferred job. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "net/server_internal.h"
#include "net/socket_internal.h"

/* MAX_IOV: connect_flush's batch, on the stack. SEND_IOV: one send()
 * (Linux's IOV_MAX; where it is lower, EMSGSIZE leaves it to libuv). */
enum { MAX_IOV = 64, SEND_IOV = 1024 };

/* The queue state, created on first need (see nnet__wstate_t). */
static nnet__wstate_t *ws_get(nnet_socket_t *s) {
  if (s->ws == NULL) s->ws = nnet__calloc(1, sizeof(*s->ws));
  return s->ws;
}

static bool has_queue(const nnet_socket_t *s) {
  return s->ws != NULL && s->ws->wq_head != NULL;
}

/* The queue waits for the internal 'connect' listener (Node: the first
 * write is pending on once('connect'), later ones buffered behind it). */
static bool waits_connect(const nnet_socket_t *s) {
  return s->ws != NULL && s->ws->connect_armed;
}

/* The queue may go to the kernel now: connected, nothing in flight, not
 * corked, not waiting for the internal 'connect' listener. */
static bool can_send_queued(const nnet_socket_t *s) {
  const uint32_t need = NNET__S_CONNECTED | NNET__S_HANDLE_INIT;
  if ((s->flags & need) != need) return false;
  if (s->flags & (NNET__S_WRITING | NNET__S_DESTROYED)) return false;
  return nnet__socket_corked(s) == 0 && !waits_connect(s);
}

/* A new write may go straight to the kernel (the fast path): as above,
 * and nothing queued before it. */
static bool can_send(const nnet_socket_t *s) {
  return can_send_queued(s) && !has_queue(s);
}

/* ---- due callbacks ---- */

static int push_done(nnet_socket_t *s, nnet_write_cb cb, void *ctx,
                     int status) {
  nnet__wstate_t *ws = ws_get(s);
  if (ws == NULL) return UV_ENOMEM;
  if (ws->done_len == ws->done_cap) {
    size_t cap = ws->done_cap ? ws->done_cap * 2 : 8;
    nnet__wdone_t *d = nnet__realloc(ws->done, cap * sizeof(*d));
    if (d == NULL) return UV_ENOMEM;
    ws->done = d;
    ws->done_cap = cap;
  }
  ws->done[ws->done_len++] = (nnet__wdone_t){cb, ctx, status};
  return 0;
}

/* Runs the first n due callbacks, in order. A callback may write (and so
 * append to or move the array): index, never hold a pointer. */
static void run_first(nnet_socket_t *s, size_t n) {
  nnet__wstate_t *ws = s->ws;
  if (ws == NULL) return;
  for (size_t i = 0; i < n && i < ws->done_len; i++) {
    nnet__wdone_t d = ws->done[i];
    if (d.cb) d.cb(s, d.status, d.ctx);
  }
  size_t rest = ws->done_len > n ? ws->done_len - n : 0;
  if (rest > 0)
    memmove(ws->done, ws->done + (ws->done_len - rest),
            rest * sizeof(*ws->done));
  ws->done_len = rest;
  ws->done_ready = ws->done_ready > n ? ws->done_ready - n : 0;
}

static void maybe_drain(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_NEED_DRAIN) || s->wlen != 0) return;
  if (s->flags & (NNET__S_ENDING | NNET__S_DESTROYED)) return;
  s->flags &= ~NNET__S_NEED_DRAIN;
  nnet__socket_emit_simple(s, NNET_EV_DRAIN);
}

/* Node's afterWriteTick. */
static void after_write_tick(void *arg) {
  nnet_socket_t *s = arg;
  s->flags &= ~NNET__S_DONE_SCHEDULED;
  size_t n = s->ws ? s->ws->done_ready : 0;
  maybe_drain(s);
  run_first(s, n);
  nnet__writable_maybe_finish(s);
  nnet__socket_unhold(s);
}

static void schedule_done(nnet_socket_t *s) {
  if (s->ws) s->ws->done_ready = s->ws->done_len;
  if (s->flags & NNET__S_DONE_SCHEDULED) return;
  if (nnet__socket_defer(s, after_write_tick) == 0)
    s->flags |= NNET__S_DONE_SCHEDULED;
}

/* A callback due on a later turn (sync completion or an early error). */
static void complete_later(nnet_socket_t *s, nnet_write_cb cb, void *ctx,
                           int status) {
  if (cb == NULL && !(s->flags & NNET__S_NEED_DRAIN)) return;
  if (push_done(s, cb, ctx, status) != 0) {
    if (cb) cb(s, status, ctx); /* out of memory: at least call it once */
    return;
  }
  /* Destroyed, 'close' not emitted yet: the close sequence runs it after
   * 'error' (Node's emitErrorCloseNT was queued first). */
  if ((s->flags & NNET__S_DESTROYED) && !(s->flags & NNET__S_CLOSED)) return;
  schedule_done(s);
}

void nnet__writable_run_done(nnet_socket_t *s) {
  if (s->ws) run_first(s, s->ws->done_len);
}

/* ---- the queue ---- */

static void wq_push(nnet__wstate_t *ws, nnet__wreq_t *w) {
  w->next = NULL;
  if (ws->wq_tail)
    ws->wq_tail->next = w;
  else
    ws->wq_head = w;
  ws->wq_tail = w;
}

/* A queued request holding the bytes of bufs past the first `skip`. */
static nnet__wreq_t *wreq_new(const uv_buf_t *bufs, size_t nbufs, size_t skip,
                              size_t total, nnet_write_cb cb, void *ctx) {
  nnet__wreq_t *w = nnet__malloc(sizeof(*w) + (total - skip));
  if (w == NULL) return NULL;
  size_t off = 0;
  for (size_t i = 0; i < nbufs; i++) {
    size_t len = bufs[i].len;
    const char *p = bufs[i].base;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    p += skip;
    len -= skip;
    skip = 0;
    memcpy(w->data + off, p, len);
    off += len;
  }
  /* Not uv_buf_init(): its unsigned length truncates writes >= 4 GiB. */
  w->buf.base = w->data;
  w->buf.len = off;
  w->cb = cb;
  w->ctx = ctx;
  w->len = total;
  w->next = NULL;
  return w;
}

static void write_failed(nnet_socket_t *s, int err) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_sys(&e, err, "write", NULL, -1);
  nnet__socket_destroy_with(s, &e);
}

static void write_cb(uv_write_t *req, int status);

/* Node's clearBuffer: everything buffered goes out as one writev. */
static void start_batch(nnet_socket_t *s) {
  nnet__wstate_t *ws = s->ws;
  uv_buf_t small[16] = {{0}};
  size_t n = 0;
  for (nnet__wreq_t *w = ws->wq_head; w; w = w->next) n++;
  uv_buf_t *bufs = n <= 16 ? small : nnet__malloc(n * sizeof(*bufs));
  if (bufs == NULL) {
    write_failed(s, UV_ENOMEM);
    return;
  }
  size_t i = 0, len = 0;
  for (nnet__wreq_t *w = ws->wq_head; w; w = w->next) {
    bufs[i++] = w->buf;
    len += w->len;
  }
  ws->inflight = ws->wq_head;
  ws->inflight_len = len;
  ws->wq_head = ws->wq_tail = NULL;
  s->flags |= NNET__S_WRITING;
  int rc = uv_write(&ws->wreq, &s->h.stream, bufs, (unsigned)n, write_cb);
  if (bufs != small) nnet__free(bufs);
  if (rc != 0) {
    /* Nothing was queued in libuv: fail the batch as a completion would. */
    s->flags &= ~NNET__S_WRITING;
    s->wlen -= len;
    for (nnet__wreq_t *w = ws->inflight, *next; w; w = next) {
      next = w->next;
      push_done(s, w->cb, w->ctx, rc);
      nnet__free(w);
    }
    ws->inflight = NULL;
    schedule_done(s);
    write_failed(s, rc);
  }
}

void nnet__writable_flush(nnet_socket_t *s) {
  if (waits_connect(s)) return;
  if (has_queue(s) && !(s->flags & NNET__S_WRITING) &&
      nnet__socket_corked(s) == 0 && (s->flags & NNET__S_CONNECTED) &&
      !nnet__socket_dead(s))
    start_batch(s);
  nnet__writable_maybe_finish(s);
}

/* The batch in flight completed (or was cancelled by close). */
static void write_cb(uv_write_t *req, int status) {
  nnet_socket_t *s = req->handle->data;
  nnet__wstate_t *ws = s->ws;
  nnet__wreq_t *batch = ws->inflight;
  ws->inflight = NULL;
  s->flags &= ~NNET__S_WRITING;
  s->wlen -= ws->inflight_len;
  ws->inflight_len = 0;
  nnet__socket_hold(s);
  if (status < 0 || nnet__socket_dead(s)) {
    int err = nnet__socket_dead(s) ? NNET_ERR_STREAM_DESTROYED : status;
    /* Due with the other aborted writes, after 'error', before 'close'. */
    for (nnet__wreq_t *w = batch, *next; w; w = next) {
      next = w->next;
      push_done(s, w->cb, w->ctx, err);
      nnet__free(w);
    }
    if (!nnet__socket_dead(s)) write_failed(s, status);
  } else {
    nnet__timeout_touch(s);
    if (has_queue(s) && nnet__socket_corked(s) == 0) start_batch(s);
    maybe_drain(s);
    for (nnet__wreq_t *w = batch, *next; w; w = next) {
      next = w->next;
      if (w->cb) w->cb(s, 0, w->ctx);
      nnet__free(w);
    }
    nnet__writable_maybe_finish(s);
  }
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

/* One send(MSG_NOSIGNAL): bytes sent, 0 (would block) or a UV error. */
static ssize_t try_send(nnet_socket_t *s, const uv_buf_t *bufs, size_t nbufs) {
  uv_os_fd_t fd;
  if (nbufs > SEND_IOV || uv_fileno(&s->h.handle, &fd) != 0)
    return 0; /* let libuv queue it */
  struct msghdr msg;
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = (struct iovec *)bufs; /* uv_buf_t matches iovec on Unix */
  msg.msg_iovlen = nbufs;
  ssize_t n;
  do {
    n = sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n >= 0) return n;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EMSGSIZE) return 0;
  if (errno == ENOTSOCK) { /* a plain pipe given as fd */
    int r = uv_try_write(&s->h.stream, bufs, (unsigned)nbufs);
    return r == UV_EAGAIN ? 0 : r;
  }
  return -errno;
}

static void on_connect_flush(const nnet_event_t *ev, void *ctx);

/* Node's _writeGeneric while connecting: the first write handed to the
 * socket (not corked) waits on a 'connect' listener registered now, so
 * 'connect' listeners added after this write already see it sent. Out of
 * memory for the listener: nnet__writable_flush_connected() sends the
 * queue after every 'connect' listener instead. */
static void wait_connect(nnet_socket_t *s) {
  nnet__wstate_t *ws = s->ws;
  if (ws->connect_armed || nnet__socket_corked(s) != 0) return;
  if ((s->flags & (NNET__S_CONNECTING | NNET__S_CONNECTED)) !=
      NNET__S_CONNECTING)
    return;
  if (nnet__emitter_on(&s->em, NNET_EV_CONNECT, on_connect_flush, NULL, 1, 0) ==
      0)
    ws->connect_armed = true;
}

/* Node: write after end(). With allowHalfOpen false and the peer gone it
 * is Node's writeAfterFIN EPIPE error instead. */
static int write_after_end(nnet_socket_t *s, nnet_write_cb cb, void *ctx) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  int code = NNET_ERR_STREAM_WRITE_AFTER_END;
  if ((s->flags & NNET__S_EOF) && !(s->flags & NNET__S_HALF_OPEN)) {
    code = UV_EPIPE;
    nnet__error_node(&e, code, "This socket has been ended by the other party");
  } else {
    nnet__error_node(&e, code, NULL);
  }
  complete_later(s, cb, ctx, code);
  nnet__socket_destroy_with(s, &e);
  return code;
}

/* Completed synchronously: Node's result is computed after _write() (so
 * it is true unless older writes are still queued), the callback and any
 * 'drain' come on the next tick. */
static int sent_at_once(nnet_socket_t *s, nnet_write_cb cb, void *ctx) {
  int ret = s->wlen < nnet__socket_hwm(s) ? 1 : 0;
  if (!ret) s->flags |= NNET__S_NEED_DRAIN;
  complete_later(s, cb, ctx, 0);
  return ret;
}

/* ---- the write buffer cap (beyond Node) ---- */

/* The cap in force: the socket's own (set_max_write_buffer), else the
 * accepting server's option; 0 none. Read at each write, so accepted
 * sockets carry no copy of the server's. */
static size_t write_cap(const nnet_socket_t *s, int *policy) {
  const nnet__sockext_t *x = s->ext;
  if (x != NULL && x->wcap_set) {
    *policy = x->wcap_policy;
    return x->wcap;
  }
  if ((s->flags & NNET__S_ACCEPTED) && s->server != NULL) {
    *policy = s->server->opts.write_buffer_policy;
    return s->server->opts.max_write_buffer;
  }
  return 0;
}

/* Refuses the whole write when writableLength would pass the cap. Checked
 * before anything is sent: a partly sent write could not be refused. */
static int over_cap(nnet_socket_t *s, size_t total) {
  int policy = NNET_WRITE_BUFFER_REFUSE;
  size_t cap = write_cap(s, &policy);
  if (cap == 0 || (total <= cap && s->wlen <= cap - total)) return 0;
  if (policy == NNET_WRITE_BUFFER_DESTROY) {
    nnet__error_t e;
    memset(&e, 0, sizeof(e));
    nnet__error_node(&e, NNET_ERR_WRITE_BUFFER_FULL, NULL);
    nnet__socket_destroy_with(s, &e);
  } else if (s->wlen > 0) {
    s->flags |= NNET__S_NEED_DRAIN; /* retry once the queue drained */
  }
  return NNET_ERR_WRITE_BUFFER_FULL;
}

int nnet_socket_set_max_write_buffer(nnet_socket_t *s, size_t bytes,
                                     nnet_write_buffer_policy_t policy) {
  if (s == NULL || (policy != NNET_WRITE_BUFFER_REFUSE &&
                    policy != NNET_WRITE_BUFFER_DESTROY))
    return NNET_ERR_INVALID_ARG_VALUE;
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  x->wcap = bytes;
  x->wcap_policy = (uint8_t)policy;
  x->wcap_set = true;
  return 0;
}

size_t nnet_socket_max_write_buffer(const nnet_socket_t *s) {
  int policy;
  return write_cap(s, &policy);
}

static int write_bufs(nnet_socket_t *s, const uv_buf_t *bufs, size_t nbufs,
                      nnet_write_cb cb, void *ctx) {
  if (s->flags & NNET__S_ENDING) return write_after_end(s, cb, ctx);
  if (s->flags & NNET__S_DESTROYED) {
    complete_later(s, cb, ctx, NNET_ERR_STREAM_DESTROYED);
    return NNET_ERR_STREAM_DESTROYED;
  }
  size_t total = 0;
  for (size_t i = 0; i < nbufs; i++) total += bufs[i].len;
  /* One test on the fast path: a socket with neither ext nor a server
   * has no cap. */
  if ((s->ext != NULL || (s->flags & NNET__S_ACCEPTED)) && over_cap(s, total))
    return NNET_ERR_WRITE_BUFFER_FULL;
  size_t sent = 0;
  if (can_send(s)) {
    ssize_t n = try_send(s, bufs, nbufs);
    if (n < 0) {
      s->bytes_written += total;
      complete_later(s, cb, ctx, (int)n);
      write_failed(s, (int)n);
      return 0;
    }
    sent = (size_t)n;
    if (sent == total) {
      s->bytes_written += total;
      nnet__timeout_touch(s);
      return sent_at_once(s, cb, ctx);
    }
  }
  nnet__wreq_t *w = NULL;
  nnet__wstate_t *ws = ws_get(s);
  if (ws != NULL) w = wreq_new(bufs, nbufs, sent, total, cb, ctx);
  if (w == NULL) {
    if (sent == 0) return UV_ENOMEM;
    write_failed(s, UV_ENOMEM); /* part of the bytes left already */
    return UV_ENOMEM;
  }
  s->bytes_written += total;
  s->wlen += total;
  wq_push(ws, w);
  if (!(s->flags & NNET__S_CONNECTED)) wait_connect(s);
  if (sent > 0) nnet__timeout_touch(s);
  /* Node computes write()'s result after _write() ran. */
  int ret = s->wlen < nnet__socket_hwm(s) ? 1 : 0;
  if (!ret) s->flags |= NNET__S_NEED_DRAIN;
  if (can_send_queued(s)) start_batch(s);
  return ret;
}

int nnet_socket_write(nnet_socket_t *s, const void *data, size_t len,
                      nnet_write_cb cb, void *ctx) {
  uv_buf_t b;
  b.base = (char *)data;
  b.len = len; /* uv_buf_init() would truncate len to unsigned */
  return write_bufs(s, &b, 1, cb, ctx);
}

int nnet_socket_writev(nnet_socket_t *s, const uv_buf_t *bufs, size_t nbufs,
                       nnet_write_cb cb, void *ctx) {
  return write_bufs(s, bufs, nbufs, cb, ctx);
}

int nnet_socket_write_str(nnet_socket_t *s, const char *str, size_t len,
                          nnet_encoding_t enc, nnet_write_cb cb, void *ctx) {
  if ((unsigned)enc >= NNET_ENC_COUNT_) return NNET_ERR_UNKNOWN_ENCODING;
  if (enc == NNET_ENC_BUFFER || enc == NNET_ENC_UTF8)
    return nnet_socket_write(s, str, len, cb, ctx);
  nnet__buf_t b = {0};
  int rc = nnet__encode(enc, str, len, &b);
  if (rc == 0) rc = nnet_socket_write(s, b.base, b.len, cb, ctx);
  nnet__buf_free(&b);
  return rc;
}

/* The count lives in s->ext (few sockets cork). Out of memory for it, the
 * socket stays uncorked: writes go out unbatched, nothing is lost. */
void nnet_socket_cork(nnet_socket_t *s) {
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x) x->corked++;
}

void nnet_socket_uncork(nnet_socket_t *s) {
  nnet__sockext_t *x = s->ext;
  if (x == NULL || x->corked == 0) return;
  if (--x->corked > 0) return;
  if (has_queue(s) && !(s->flags & NNET__S_CONNECTED)) wait_connect(s);
  nnet__writable_flush(s);
}

/* ---- end(), shutdown and 'finish' ---- */

/* Node's finish(): end() callbacks, then 'finish', then autoDestroy when
 * the readable side is done too (or destroySoon() asked for it). */
/* Node's kOnFinished: every end(cb) made before 'finish', in call order,
 * all with success even if one of them destroys the socket (the caller
 * holds s). The list is taken first: a callback calling end() again gets
 * ERR_STREAM_ALREADY_FINISHED by then. */
static void run_end_cbs(nnet_socket_t *s) {
  nnet__wstate_t *ws = s->ws;
  if (ws == NULL) return;
  nnet__wdone_t *cbs = ws->end_cbs;
  size_t n = ws->end_len;
  ws->end_cbs = NULL;
  ws->end_len = ws->end_cap = 0;
  for (size_t i = 0; i < n; i++) cbs[i].cb(s, 0, cbs[i].ctx);
  nnet__free(cbs);
}

static void finish_job(void *arg) {
  nnet_socket_t *s = arg;
  if (!nnet__socket_dead(s) && !(s->flags & NNET__S_FINISHED)) {
    s->flags |= NNET__S_FINISHED;
    run_end_cbs(s);
    if (!nnet__socket_dead(s)) nnet__socket_emit_simple(s, NNET_EV_FINISH);
    if (!nnet__socket_dead(s) &&
        ((s->flags & (NNET__S_END_EMITTED | NNET__S_DESTROY_SOON)) ||
         !(s->flags & NNET__S_READABLE)))
      nnet__socket_destroy_with(s, NULL);
  }
  nnet__socket_unhold(s);
}

static void shutdown_cb(uv_shutdown_t *req, int status) {
  nnet_socket_t *s = req->handle->data;
  nnet__socket_hold(s);
  /* Node's afterShutdown ignores the status; a cancelled shutdown means the
   * socket is being destroyed and the end() callback fails there. */
  if (!nnet__socket_dead(s) && nnet__socket_defer(s, finish_job) != 0)
    nnet_socket_destroy(s, UV_ENOMEM);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

void nnet__writable_maybe_finish(nnet_socket_t *s) {
  const uint32_t need =
      NNET__S_ENDING | NNET__S_CONNECTED | NNET__S_HANDLE_INIT;
  if ((s->flags & need) != need) return;
  if (s->flags & (NNET__S_SHUTDOWN | NNET__S_WRITING | NNET__S_DESTROYED))
    return;
  if (has_queue(s)) return;
  nnet__wstate_t *ws = ws_get(s);
  if (ws == NULL) {
    nnet_socket_destroy(s, UV_ENOMEM);
    return;
  }
  s->flags |= NNET__S_SHUTDOWN;
  int rc = uv_shutdown(&ws->sreq, &s->h.stream, shutdown_cb);
  if (rc != 0 && nnet__socket_defer(s, finish_job) != 0)
    nnet_socket_destroy(s, UV_ENOMEM);
}

static int push_end_cb(nnet_socket_t *s, nnet_write_cb cb, void *ctx) {
  nnet__wstate_t *ws = ws_get(s);
  if (ws == NULL) return UV_ENOMEM;
  if (ws->end_len == ws->end_cap) {
    size_t cap = ws->end_cap ? ws->end_cap * 2 : 2;
    nnet__wdone_t *d = nnet__realloc(ws->end_cbs, cap * sizeof(*d));
    if (d == NULL) return UV_ENOMEM;
    ws->end_cbs = d;
    ws->end_cap = cap;
  }
  ws->end_cbs[ws->end_len++] = (nnet__wdone_t){cb, ctx, 0};
  return 0;
}

/* Node's Writable.end(): data goes through write() (a write after end
 * destroys the socket, and cb gets that error); the first end() starts
 * the shutdown; every cb given before 'finish' runs at 'finish', in order;
 * afterwards cb gets ERR_STREAM_ALREADY_FINISHED (even once destroyed),
 * and on a destroyed socket ERR_STREAM_DESTROYED, on a later turn. */
int nnet_socket_end(nnet_socket_t *s, const void *data, size_t len,
                    nnet_write_cb cb, void *ctx) {
  if (data && len) {
    int rc = nnet_socket_write(s, data, len, NULL, NULL);
    if (rc == NNET_ERR_WRITE_BUFFER_FULL) return rc; /* refused whole */
    if (rc < 0) {
      complete_later(s, cb, ctx, rc);
      return rc;
    }
  }
  int err = 0;
  if (s->flags & NNET__S_FINISHED)
    err = NNET_ERR_STREAM_ALREADY_FINISHED;
  else if (s->flags & NNET__S_DESTROYED)
    err = NNET_ERR_STREAM_DESTROYED;
  if (err != 0) {
    complete_later(s, cb, ctx, err);
    return err;
  }
  if (cb && push_end_cb(s, cb, ctx) != 0) return UV_ENOMEM;
  if (s->flags & NNET__S_ENDING) return 0;
  s->flags |= NNET__S_ENDING;
  if (s->ext) s->ext->corked = 0; /* Node: end() uncorks */
  nnet__writable_flush(s);
  return 0;
}

/* destroy(): queued writes (with err) and pending end() callbacks fail;
 * they run in the close sequence (after 'error', before 'close'). The
 * batch in flight is cancelled by uv_close and joins them from write_cb. */
void nnet__writable_abort(nnet_socket_t *s, int err) {
  nnet__wstate_t *ws = s->ws;
  if (ws == NULL) return;
  for (nnet__wreq_t *w = ws->wq_head, *next; w; w = next) {
    next = w->next;
    s->wlen -= w->len;
    push_done(s, w->cb, w->ctx, err);
    nnet__free(w);
  }
  ws->wq_head = ws->wq_tail = NULL;
  /* Node: pending end() callbacks get the destroy error itself, or
   * ERR_STREAM_DESTROYED when destroyed without one. */
  const nnet__error_t *derr = nnet__socket_error(s);
  int end_err = derr ? derr->pub.code : NNET_ERR_STREAM_DESTROYED;
  for (size_t i = 0; i < ws->end_len; i++)
    push_done(s, ws->end_cbs[i].cb, ws->end_cbs[i].ctx, end_err);
  ws->end_len = 0;
}

void nnet__writable_free(nnet_socket_t *s) {
  nnet__wstate_t *ws = s->ws;
  if (ws == NULL) return;
  for (nnet__wreq_t *w = ws->wq_head, *next; w; w = next) {
    next = w->next;
    nnet__free(w);
  }
  nnet__free(ws->done);
  nnet__free(ws->end_cbs);
  nnet__free(ws);
  s->ws = NULL;
}

/* ---- writes queued while connecting ---- */

/* try_send() took `sent` bytes of the queue: skip them (a fully sent
 * buffer stays as an empty one; its wreq completes with the batch). */
static void skip_sent(nnet__wstate_t *ws, size_t sent) {
  for (nnet__wreq_t *w = ws->wq_head; w && sent > 0; w = w->next) {
    size_t k = sent < w->buf.len ? sent : w->buf.len;
    w->buf.base += k;
    w->buf.len -= k;
    sent -= k;
  }
}

/* The internal 'connect' listener: Node's once('connect') of the first
 * queued write. It runs outside any write() call, so a synchronous
 * completion runs afterWrite at once: 'drain' and the first write's
 * callback come here; the writes buffered behind it went out with it
 * (Node's clearBuffer, a synchronous writev) and their callbacks come on
 * the next tick, after 'ready'. What the kernel does not take at once goes
 * through uv_write as any batch. */
static void connect_flush(nnet_socket_t *s) {
  nnet__wstate_t *ws = s->ws;
  ws->connect_armed = false;
  uv_buf_t bufs[MAX_IOV];
  size_t n = 0, total = 0;
  nnet__wreq_t *w = ws->wq_head;
  for (; w && n < MAX_IOV; w = w->next, n++) {
    bufs[n] = w->buf;
    total += w->buf.len;
  }
  ssize_t sent = 0;
  if (n > 0 && w == NULL && can_send_queued(s)) sent = try_send(s, bufs, n);
  if (sent <= 0 || (size_t)sent < total) {
    if (sent > 0) skip_sent(ws, (size_t)sent);
    nnet__writable_flush(s); /* errors surface through uv_write */
    return;
  }
  nnet__wreq_t *first = ws->wq_head;
  ws->wq_head = ws->wq_tail = NULL;
  for (w = first; w; w = w->next) s->wlen -= w->len;
  nnet__socket_hold(s);
  nnet__timeout_touch(s);
  bool later = false;
  for (nnet__wreq_t *next, *r = first->next; r; r = next) {
    next = r->next;
    if (r->cb && push_done(s, r->cb, r->ctx, 0) == 0)
      later = true;
    else if (r->cb)
      r->cb(s, 0, r->ctx); /* out of memory: at least call it once */
    nnet__free(r);
  }
  if (later) schedule_done(s);
  maybe_drain(s);
  if (first->cb) first->cb(s, 0, first->ctx);
  nnet__free(first);
  nnet__writable_maybe_finish(s);
  nnet__socket_unhold(s);
}

static void on_connect_flush(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *s = ev->target;
  (void)ctx;
  if (waits_connect(s) && !nnet__socket_dead(s)) connect_flush(s);
}

/* After the 'connect' listeners: what the internal listener did not send
 * (its registration failed or it was removed; writes made before connect()
 * was called; end() while connecting). */
void nnet__writable_flush_connected(nnet_socket_t *s) {
  if (waits_connect(s))
    connect_flush(s);
  else
    nnet__writable_flush(s);
}
