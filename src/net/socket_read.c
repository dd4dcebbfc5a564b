/* net.Socket, readable side: 'data', 'end', pause/resume, setEncoding.
 *
 * No allocation and no copy per read: libuv reads into one buffer per
 * thread (a loop runs on one thread and 'data' borrows the bytes only for
 * the emit), or into the caller's `onread` buffer. */
#include <string.h>

#include "net/socket_internal.h"

static _Thread_local char read_buf[64 * 1024];

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  nnet_socket_t *s = h->data;
  if (s->ext && s->ext->onread) {
    buf->base = s->ext->onread_buf;
    buf->len = s->ext->onread_len;
  } else {
    buf->base = read_buf;
    buf->len = sizeof(read_buf);
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

static void on_data(nnet_socket_t *s, char *base, size_t n) {
  s->bytes_read += n;
  nnet__timeout_touch(s);
  nnet__sockext_t *x = s->ext;
  if (x == NULL || (x->onread == NULL && x->decoder == NULL)) {
    emit_data(s, base, n, false);
    return;
  }
  if (x->onread) {
    if (!x->onread(s, base, n, x->onread_ctx) && !nnet__socket_dead(s))
      nnet_socket_pause(s);
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

static void on_eof(nnet_socket_t *s) {
  nnet__socket_read_stop(s);
  s->flags |= NNET__S_EOF;
  nnet__sockext_t *x = s->ext;
  if (x && x->decoder) {
    x->rbuf.len = 0;
    if (nnet__decoder_end(x->decoder, &x->rbuf) == 0 && x->rbuf.len > 0) {
      emit_data(s, x->rbuf.base, x->rbuf.len, true);
      if (nnet__socket_dead(s)) return;
    }
  }
  if (nnet__socket_defer(s, emit_end) != 0) nnet_socket_destroy(s, UV_ENOMEM);
}

static void on_error(nnet_socket_t *s, int err) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_sys(&e, err, "read", NULL, -1);
  nnet__socket_destroy_with(s, &e);
}

static void read_cb(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  nnet_socket_t *s = stream->data;
  if (nread == 0) return;
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
  const uint32_t need =
      NNET__S_CONNECTED | NNET__S_READABLE | NNET__S_HANDLE_INIT;
  const uint32_t stop =
      NNET__S_PAUSED | NNET__S_READING | NNET__S_EOF | NNET__S_DESTROYED;
  if ((s->flags & need) != need || (s->flags & stop)) return;
  int rc = uv_read_start(&s->h.stream, alloc_cb, read_cb);
  if (rc != 0) {
    on_error(s, rc);
    return;
  }
  s->flags |= NNET__S_READING;
}

void nnet__socket_read_stop(nnet_socket_t *s) {
  if (!(s->flags & NNET__S_READING)) return;
  uv_read_stop(&s->h.stream);
  s->flags &= ~NNET__S_READING;
}

void nnet_socket_pause(nnet_socket_t *s) {
  s->flags |= NNET__S_PAUSED;
  nnet__socket_read_stop(s);
}

void nnet_socket_resume(nnet_socket_t *s) {
  s->flags &= ~NNET__S_PAUSED;
  nnet__socket_read_start(s);
}

bool nnet_socket_is_paused(const nnet_socket_t *s) {
  return (s->flags & NNET__S_PAUSED) != 0;
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

/* The connection is usable: TCP/pipe connected, accepted, or an fd. */
void nnet__socket_on_connected(nnet_socket_t *s) {
  s->flags |= NNET__S_CONNECTED | NNET__S_EVER_CONNECTED;
  s->flags &= ~NNET__S_CONNECTING;
  nnet__sockopt_apply_pending(s);
  nnet__timeout_touch(s);
  nnet__socket_read_start(s);
}
