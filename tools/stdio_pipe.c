/* stdin → socket and socket → stdout, never buffering more than one
 * highWaterMark on either side: a full socket stops stdin reads until
 * 'drain'; a full stdout pauses the socket until stdout's queue empties. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stdio_pipe.h"

#define OUT_HIGH_WATER (256 * 1024)

void stdio_pipe_trace(const stdio_pipe_t *p, const char *fmt, ...) {
  if (!p->verbose) return;
  va_list ap;
  fputs("nodenet: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static uv_stream_t *open_stream(uv_loop_t *loop, int fd, void *h,
                                bool readable) {
  uv_handle_type t = uv_guess_handle(fd);
  if (t == UV_TTY) {
    if (uv_tty_init(loop, h, fd, readable) == 0) return h;
  } else if (t == UV_NAMED_PIPE || t == UV_TCP) {
    if (uv_pipe_init(loop, h, 0) == 0) {
      if (uv_pipe_open(h, fd) == 0) return h;
      uv_close(h, NULL);
    }
  }
  return NULL;
}

int stdio_pipe_init(stdio_pipe_t *p, uv_loop_t *loop, bool verbose,
                    bool half_close) {
  memset(p, 0, sizeof *p);
  p->loop = loop;
  p->verbose = verbose;
  p->half_close = half_close;
  p->in_fd_file = -1;
  p->in = open_stream(loop, 0, &p->in_h, true);
  if (p->in)
    p->in_open = true;
  else if (uv_guess_handle(0) == UV_FILE)
    p->in_fd_file = 0;
  else
    p->in_eof = true; /* closed or unusable stdin: nothing to send */
  p->out = open_stream(loop, 1, &p->out_h, false);
  if (p->out) p->out_open = true;
  return 0;
}

/* ---- socket → stdout ---- */

typedef struct {
  uv_write_t req;
  stdio_pipe_t *p;
  char data[];
} out_write_t;

static void out_written(uv_write_t *req, int status) {
  out_write_t *w = (out_write_t *)req;
  stdio_pipe_t *p = w->p;
  free(w);
  if (status < 0) {
    stdio_pipe_trace(p, "stdout: %s", uv_strerror(status));
    if (p->sock) nnet_socket_destroy(p->sock, 0);
    return;
  }
  if (p->sock_paused && p->out &&
      uv_stream_get_write_queue_size(p->out) < OUT_HIGH_WATER) {
    p->sock_paused = false;
    if (p->sock) nnet_socket_resume(p->sock);
  }
}

static void write_out(stdio_pipe_t *p, const char *base, size_t len) {
  if (!p->out) { /* a file or closed stdout: plain blocking writes */
    while (len > 0) {
      ssize_t n = write(1, base, len);
      if (n <= 0) return;
      base += n;
      len -= (size_t)n;
    }
    return;
  }
  uv_buf_t b = uv_buf_init((char *)base, (unsigned)len);
  int n = uv_try_write(p->out, &b, 1);
  if (n == (int)len) return;
  if (n < 0 && n != UV_EAGAIN) return;
  size_t done = n > 0 ? (size_t)n : 0;
  out_write_t *w = malloc(sizeof *w + len - done);
  if (!w) return;
  w->p = p;
  memcpy(w->data, base + done, len - done);
  b = uv_buf_init(w->data, (unsigned)(len - done));
  if (uv_write(&w->req, p->out, &b, 1, out_written) < 0) {
    free(w);
    return;
  }
  if (uv_stream_get_write_queue_size(p->out) >= OUT_HIGH_WATER) {
    p->sock_paused = true;
    nnet_socket_pause(p->sock);
  }
}

/* ---- stdin → socket ---- */

static void in_read_start(stdio_pipe_t *p);

static void in_got(stdio_pipe_t *p, const char *base, ssize_t n) {
  if (n < 0 || n == 0) {
    if (n == 0 || n == UV_EOF)
      stdio_pipe_trace(p, "stdin ended: sending FIN");
    else
      stdio_pipe_trace(p, "stdin: %s", uv_strerror((int)n));
    p->in_eof = true;
    p->in_reading = false;
    if (p->in_open) uv_read_stop(p->in);
    if (p->sock) nnet_socket_end(p->sock, NULL, 0, NULL, NULL);
    return;
  }
  if (nnet_socket_write(p->sock, base, (size_t)n, NULL, NULL) == 0) {
    /* Socket buffer full: stop reading stdin until 'drain'. */
    p->in_reading = false;
    if (p->in_open) uv_read_stop(p->in);
  } else if (p->in_fd_file >= 0) {
    in_read_start(p);
  }
}

static void in_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
  stdio_pipe_t *p = h->data;
  *buf = uv_buf_init(p->in_buf, sizeof p->in_buf);
}

static void in_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  if (n == 0) return; /* EAGAIN */
  in_got(s->data, buf->base, n);
}

static void in_file_read(uv_fs_t *req) {
  stdio_pipe_t *p = req->data;
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  p->in_reading = false;
  if (!p->sock || p->conn_over || nnet_socket_is_destroyed(p->sock)) {
    p->in_pending = n; /* for the next connection (listen --keep) */
    return;
  }
  in_got(p, p->in_buf, n);
}

static void in_read_start(stdio_pipe_t *p) {
  if (p->in_eof || p->in_reading || p->conn_over || !p->sock) return;
  p->in_reading = true;
  if (p->in_open) {
    p->in->data = p;
    uv_read_start(p->in, in_alloc, in_read);
  } else if (p->in_fd_file >= 0) {
    uv_buf_t b = uv_buf_init(p->in_buf, sizeof p->in_buf);
    p->in_req.data = p;
    uv_fs_read(p->loop, &p->in_req, p->in_fd_file, &b, 1, -1, in_file_read);
  } else {
    p->in_reading = false;
  }
}

/* ---- socket events ---- */

static void on_data(const nnet_event_t *ev, void *ctx) {
  write_out(ctx, ev->u.data.base, ev->u.data.len);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  in_read_start(ctx);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  stdio_pipe_t *p = ctx;
  stdio_pipe_trace(p, "end: the peer sent FIN");
  if (!p->half_close && !p->in_eof) {
    /* allowHalfOpen is false: the socket ends itself, so this connection
     * takes no more stdin (a next one, with listen --keep, does). */
    p->conn_over = true;
    if (p->in_open && p->in_reading) uv_read_stop(p->in);
    p->in_reading = false;
  }
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  stdio_pipe_t *p = ctx;
  const nnet_error_t *e = ev->u.error;
  cli_error("%s (%s)", e->message, e->code_name);
  p->exit_status = CLI_ERR;
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  stdio_pipe_t *p = ctx;
  stdio_pipe_trace(p, "close: hadError=%s",
                   ev->u.close.had_error ? "true" : "false");
  p->sock = NULL;
  if (p->in_open && p->in_reading) uv_read_stop(p->in);
  p->in_reading = false;
  if (p->on_done) p->on_done(p->done_arg);
}

void stdio_pipe_attach(stdio_pipe_t *p, nnet_socket_t *s) {
  p->sock = s;
  nnet_socket_on(s, NNET_EV_DATA, on_data, p);
  nnet_socket_on(s, NNET_EV_DRAIN, on_drain, p);
  nnet_socket_on(s, NNET_EV_END, on_end, p);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, p);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, p);
  p->conn_over = false;
  if (p->in_pending != 0) { /* a chunk read while no connection took it */
    ssize_t n = p->in_pending;
    p->in_pending = 0;
    in_got(p, p->in_buf, n); /* it reads on, or waits for 'drain' */
    return;
  }
  if (p->in_eof)
    nnet_socket_end(s, NULL, 0, NULL, NULL);
  else
    in_read_start(p);
}

static uv_shutdown_t out_shutdown;

static void out_flushed(uv_shutdown_t *req, int status) {
  /* The status is ENOTSOCK for a pipe or tty: the writes were flushed all
   * the same, which is all this waits for. */
  uv_close((uv_handle_t *)req->handle, NULL);
}

void stdio_pipe_close(stdio_pipe_t *p) {
  if (p->in_open) {
    uv_close((uv_handle_t *)p->in, NULL);
    p->in_open = false;
  }
  if (p->out_open) {
    p->out_open = false;
    if (uv_shutdown(&out_shutdown, p->out, out_flushed) < 0)
      uv_close((uv_handle_t *)p->out, NULL);
  }
}
