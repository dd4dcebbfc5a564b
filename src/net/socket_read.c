/* net.Socket, readable side: 'data', 'end', pause/resume, setEncoding.
 *
 * Node's flowing model: a socket reads from the kernel as soon as it is
 * connected, but emits 'data' only once it flows (a 'data' listener,
 * resume()). Until then the bytes are kept in ext->rq, up to
 * highWaterMark (Node's readable buffer), and 'end' waits until they are
 * consumed. pause() stops the flow, not the reading: the buffer fills up
 * to highWaterMark, then reading stops (backpressure to the peer).
 *
 * Flowing (the hot path): no allocation and no copy per read. libuv reads
 * into one buffer per loop (a loop runs on one thread and 'data' borrows
 * the bytes only for the emit), or into the caller's `onread` buffer. */
#include <string.h>

#include "net/socket_internal.h"

/* Bytes that will be buffered (not flowing, or older bytes still due) are
 * read straight into the buffer: no copy there either. Out of memory:
 * an empty buffer, which libuv reports as UV_ENOBUFS. */
static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  nnet_socket_t *s = h->data;
  nnet__sockext_t *x = s->ext;
  if (x && x->onread) {
    buf->base = x->onread_buf;
    buf->len = x->onread_len;
  } else if ((s->flags & NNET__S_FLOWING) && (x == NULL || x->rq.len == 0)) {
    size_t want = (size_t)NNET__READ_MIN << s->read_shift;
    buf->base = nnet__loop_read_buf(s->nl, want, &buf->len);
  } else if ((x = nnet__socket_ext(s)) != NULL &&
             nnet__buf_reserve(&x->rq, suggested) == 0) {
    buf->base = x->rq.base + x->rq.len;
    buf->len = x->rq.cap - x->rq.len;
  } else {
    buf->base = NULL;
    buf->len = 0;
  }
}

static void emit_data(nnet_socket_t *s, const char *base, size_t len,
                      bool is_string) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = NNET_EV_DATA;
  ev.u.data.base = base;
  ev.u.data.len = len;
  ev.u.data.is_string = is_string;
  nnet__socket_emit(s, &ev);
}

/* 'data' with n bytes, decoded first when setEncoding() was called. */
static void deliver(nnet_socket_t *s, const char *base, size_t n) {
  nnet__sockext_t *x = s->ext;
  if (x == NULL || x->decoder == NULL) {
    emit_data(s, base, n, false);
    return;
  }
  x->rbuf.len = 0;
  int rc = nnet__decoder_write(x->decoder, base, n, &x->rbuf);
  if (rc != 0) {
    nnet_socket_destroy(s, rc);
    return;
  }
  if (x->rbuf.len > 0) emit_data(s, x->rbuf.base, x->rbuf.len, true);
}

static void flow_job(void *arg);

/* Node's resume_ on the next tick: emit what was buffered. */
static void schedule_flow(nnet_socket_t *s) {
  nnet__sockext_t *x = s->ext;
  if (x == NULL || x->flow_scheduled || nnet__socket_dead(s)) return;
  if (nnet__socket_defer(s, flow_job) != 0) {
    nnet_socket_destroy(s, UV_ENOMEM);
    return;
  }
  x->flow_scheduled = true;
}

/* Not flowing: Node's push() into the readable buffer. Reading stops once
 * the buffer reached highWaterMark (push() returned false). */
static void buffer_data(nnet_socket_t *s, const char *base, size_t n) {
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) {
    nnet_socket_destroy(s, UV_ENOMEM);
    return;
  }
  /* read elsewhere than into the buffer (see alloc_cb) */
  if (x->rq.base == NULL || base != x->rq.base + x->rq.len) {
    if (nnet__buf_reserve(&x->rq, n) != 0) {
      nnet_socket_destroy(s, UV_ENOMEM);
      return;
    }
    memcpy(x->rq.base + x->rq.len, base, n);
  }
  x->rq.len += n;
  if (x->rq.len >= nnet__socket_hwm(s)) nnet__socket_read_stop(s);
  if (s->flags & NNET__S_FLOWING) schedule_flow(s);
}

static void on_data(nnet_socket_t *s, char *base, size_t n) {
  s->bytes_read += n;
  nnet__timeout_touch(s);
  nnet__sockext_t *x = s->ext;
  if (x == NULL) {
    if (s->flags & NNET__S_FLOWING)
      emit_data(s, base, n, false);
    else
      buffer_data(s, base, n);
    return;
  }
  if (x->onread) {
    nnet__user_enter();
    bool more = x->onread(s, base, n, x->onread_ctx);
    nnet__user_leave();
    if (!more && !nnet__socket_dead(s)) nnet_socket_pause(s);
    return;
  }
  if (!(s->flags & NNET__S_FLOWING) || x->rq.len > 0)
    buffer_data(s, base, n);
  else
    deliver(s, base, n);
}

/* Node's endReadableNT, then Duplex's onend: destroy when the writable
 * side is done too, or end() it when half-open sockets are not allowed. */
static void emit_end(void *arg) {
  nnet_socket_t *s = arg;
  if (!nnet__socket_dead(s) && !(s->flags & NNET__S_END_EMITTED)) {
    s->flags |= NNET__S_END_EMITTED;
    nnet__socket_emit_simple(s, NNET_EV_END);
    if (!nnet__socket_dead(s)) {
      if ((s->flags & NNET__S_FINISHED) || !(s->flags & NNET__S_WRITABLE))
        nnet__socket_destroy_with(s, NULL);
      else if (!(s->flags & NNET__S_HALF_OPEN))
        nnet_socket_end(s, NULL, 0, NULL, NULL);
    }
  }
  nnet__socket_unhold(s);
}

/* setEncoding()'s decoder holds what decoder.end() turns into text (an odd
 * trailing UTF-16 byte is dropped there: Node pushes nothing for it). */
static bool decoder_holds(const nnet_socket_t *s) {
  const nnet__decoder_t *d = s->ext ? s->ext->decoder : NULL;
  if (d == NULL) return false;
  unsigned n = d->nheld;
  if (d->enc == NNET_ENC_UTF16LE) n -= n % 2;
  return n > 0 || d->high != 0;
}

/* The peer ended and every byte before its FIN was consumed: the
 * decoder's held bytes, then 'end' on a later turn. Node's onEofChunk
 * pushes decoder.end() into the readable buffer: a paused socket gets
 * neither that 'data' nor 'end' until resume() (which runs flow_job). */
static void end_readable(nnet_socket_t *s) {
  nnet__sockext_t *x = s->ext;
  if (decoder_holds(s)) {
    if (!(s->flags & NNET__S_FLOWING)) return;
    x->rbuf.len = 0;
    if (nnet__decoder_end(x->decoder, &x->rbuf) == 0 && x->rbuf.len > 0) {
      emit_data(s, x->rbuf.base, x->rbuf.len, true);
      if (nnet__socket_dead(s)) return;
    }
  }
  if (nnet__socket_defer(s, emit_end) != 0) nnet_socket_destroy(s, UV_ENOMEM);
}

/* Node's flow(): the buffered bytes as one 'data' (a listener may pause;
 * what it does not get is not lost, it was all handed out), then 'end' if
 * the peer's FIN came after them, else read on. The buffer is freed: an
 * idle connection keeps none. */
static void flow_job(void *arg) {
  nnet_socket_t *s = arg;
  nnet__sockext_t *x = s->ext;
  x->flow_scheduled = false;
  if (!nnet__socket_dead(s) && (s->flags & NNET__S_FLOWING)) {
    nnet__buf_t b = x->rq;
    memset(&x->rq, 0, sizeof(x->rq));
    if (b.len > 0) deliver(s, b.base, b.len);
    nnet__free(b.base);
    if (!nnet__socket_dead(s) && x->rq.len == 0) {
      if ((s->flags & (NNET__S_EOF | NNET__S_END_EMITTED)) == NNET__S_EOF)
        end_readable(s);
      else
        nnet__socket_read_start(s);
    }
  }
  nnet__socket_unhold(s);
}

static void on_eof(nnet_socket_t *s) {
  nnet__socket_read_stop(s);
  s->flags |= NNET__S_EOF;
  /* Node: read(0) after push(null) ends only an empty buffer; otherwise
   * 'end' follows the last buffered byte (flow_job). */
  if (s->ext && s->ext->rq.len > 0) return;
  end_readable(s);
}

static void on_error(nnet_socket_t *s, int err) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_sys(&e, err, "read", NULL, -1);
  nnet__socket_destroy_with(s, &e);
}

/* The size of the next flowing read. A read that fills the buffer means
 * the kernel holds more: libuv reads again at once, so a bulk stream costs
 * a read() (and, echoed, a write()) per buffer. Larger reads cut those
 * syscalls, but the size stays per socket: a request/response socket on
 * the same loop never fills 64 KiB, keeps it, and keeps its 'data' chunks
 * and libuv's per-turn share of the loop as they were. It doubles on a
 * full read, halves after two reads in a row that half of it would have
 * held (one short read ends every burst; only a trickle shrinks it). The
 * buffer itself is the loop's, sized by its most demanding socket.
 * Unix sockets stay at 64 KiB: the peer's send buffer (208 KiB by default)
 * bounds what is queued, and a larger chunk, echoed or forwarded to a
 * socket bounded the same way, mostly goes out partly and is copied (an
 * echo over a unix socket took more CPU per MB at 128 and 256 KiB). */
static void adapt_read_size(nnet_socket_t *s, const uv_buf_t *buf, size_t n) {
  size_t cap;
  if (buf->base != nnet__loop_read_buf(s->nl, 0, &cap)) return; /* rq */
  int max = (s->flags & NNET__S_PIPE) ? 0 : NNET__READ_MAX_SHIFT;
  if (n == buf->len) {
    if (s->read_shift < max) s->read_shift++;
    s->read_shrink = false;
  } else if (n > buf->len / 2 || s->read_shift == 0) {
    s->read_shrink = false;
  } else if (s->read_shrink) {
    s->read_shift--;
    s->read_shrink = false;
  } else {
    s->read_shrink = true;
  }
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  nnet_socket_t *s = stream->data;
  if (nread == 0) return;
  if (nread > 0) adapt_read_size(s, buf, (size_t)nread);
  nnet__socket_hold(s);
  if (nread > 0)
    on_data(s, buf->base, (size_t)nread);
  else if (nread == UV_EOF)
    on_eof(s);
  else
    on_error(s, (int)nread);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

void nnet__socket_read_start(nnet_socket_t *s) {
  const uint32_t need = NNET__S_CONNECTED | NNET__S_READABLE |
                        NNET__S_HANDLE_INIT | NNET__S_READ_ARMED;
  const uint32_t stop = NNET__S_READING | NNET__S_EOF | NNET__S_DESTROYED;
  if ((s->flags & need) != need || (s->flags & stop)) return;
  /* Node's _read: below highWaterMark, or an empty buffer (hwm 0) */
  nnet__sockext_t *x = s->ext;
  if (x && x->rq.len > 0 && x->rq.len >= nnet__socket_hwm(s)) return;
  int rc = x && x->splice ? nnet__splice_read_start(s) /* pipe_splice.c */
                          : uv_read_start(&s->h.stream, alloc_cb, read_cb);
  if (rc != 0) {
    on_error(s, rc);
    return;
  }
  s->flags |= NNET__S_READING;
}

/* pipe_splice.c met the end of s's bytes or a read error. */
void nnet__socket_read_end(nnet_socket_t *s, int err) {
  if (err == UV_EOF)
    on_eof(s);
  else
    on_error(s, err);
}

void nnet__socket_read_stop(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_READING)) return;
  uv_read_stop(&s->h.stream);
  s->flags &= ~NNET__S_READING;
}

/* Node's Readable.pause(): readableFlowing false. Reading goes on into the
 * buffer (up to highWaterMark); only an `onread` socket stops reading, as
 * Node's Socket.pause() does. */
void nnet_socket_pause(nnet_socket_t *s) {
  s->flags = (s->flags & ~NNET__S_FLOWING) | NNET__S_PAUSED;
  if (s->ext && s->ext->onread) {
    s->flags &= ~NNET__S_READ_ARMED;
    nnet__socket_read_stop(s);
  }
}

/* Node's Readable.resume(): flowing; the buffered bytes come on a later
 * turn; reading starts (Node's read(0)). */
void nnet_socket_resume(nnet_socket_t *s) {
  s->flags =
      (s->flags & ~NNET__S_PAUSED) | NNET__S_FLOWING | NNET__S_READ_ARMED;
  if (s->ext && s->ext->rq.len > 0)
    schedule_flow(s);
  else if ((s->flags & (NNET__S_EOF | NNET__S_END_EMITTED)) == NNET__S_EOF &&
           decoder_holds(s))
    schedule_flow(s); /* the decoder's tail, then 'end' (end_readable) */
  nnet__socket_read_start(s);
}

bool nnet_socket_is_paused(const nnet_socket_t *s) {
  return (s->flags & NNET__S_PAUSED) != 0;
}

int nnet_socket_readable_flowing(const nnet_socket_t *s) {
  if (s->flags & NNET__S_FLOWING) return 1;
  return (s->flags & NNET__S_PAUSED) ? 0 : -1;
}

size_t nnet_socket_readable_length(const nnet_socket_t *s) {
  return s->ext ? s->ext->rq.len : 0;
}

int nnet_socket_readable_encoding(const nnet_socket_t *s) {
  return s->ext && s->ext->decoder ? (int)s->ext->decoder->enc : -1;
}

/* Node's readable.on('data'): flows unless explicitly paused. */
void nnet__socket_data_listener_added(nnet_socket_t *s) {
  if (!(s->flags & (NNET__S_PAUSED | NNET__S_FLOWING))) nnet_socket_resume(s);
}

int nnet_socket_set_encoding(nnet_socket_t *s, nnet_encoding_t enc) {
  if ((unsigned)enc >= NNET_ENC_COUNT_) return NNET_ERR_UNKNOWN_ENCODING;
  if (enc == NNET_ENC_BUFFER) {
    if (s->ext) {
      nnet__free(s->ext->decoder);
      s->ext->decoder = NULL;
    }
    return 0;
  }
  nnet__sockext_t *x = nnet__socket_ext(s);
  if (x == NULL) return UV_ENOMEM;
  if (x->decoder == NULL) {
    x->decoder = nnet__malloc(sizeof(*x->decoder));
    if (x->decoder == NULL) return UV_ENOMEM;
  }
  nnet__decoder_init(x->decoder, enc);
  return 0;
}

/* A socket opened on a connected descriptor (nnet_socket_new with fd) is
 * usable: reading starts unless the socket was paused first. */
void nnet__socket_on_connected(nnet_socket_t *s) {
  nnet__socket_on_connected_idle(s);
  nnet__socket_read_first(s);
}

/* Connected, not reading yet: connect() reads only after 'connect' and
 * 'ready' (nnet__socket_read_first), as Node's afterConnect does. */
void nnet__socket_on_connected_idle(nnet_socket_t *s) {
  s->flags |= NNET__S_CONNECTED | NNET__S_EVER_CONNECTED;
  s->flags &= ~(NNET__S_CONNECTING | NNET__S_READ_ARMED);
  s->read_shift = 0; /* a new connection (maybe a pipe now): 64 KiB */
  s->read_shrink = false;
  nnet__sockopt_apply_pending(s);
  nnet__timeout_touch(s);
}

/* Node's read(0) `if (readable && !isPaused())`. A resume() since the
 * connection came (in a 'connect' listener, say) already armed reading. */
void nnet__socket_read_first(nnet_socket_t *s) {
  if (nnet__socket_dead(s)) return;
  if (!(s->flags & NNET__S_PAUSED)) s->flags |= NNET__S_READ_ARMED;
  nnet__socket_read_start(s);
}
