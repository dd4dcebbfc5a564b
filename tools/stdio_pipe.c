/* stdin → socket and socket → stdout, never buffering more than one
 * highWaterMark on either side: a full socket stops stdin reads until
 * 'drain'; a full stdout pauses the socket until stdout's queue empties.
 *
 * Every byte of stdin is accounted for: read (in_total), passed to write()
 * (in_given), handed to the kernel (in_sent, from the write callbacks). A
 * connection that closes before stdin was sent in full and our FIN went
 * out makes the exit status 1, with a message saying how much was sent. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
                    bool split) {
  memset(p, 0, sizeof *p);
  p->loop = loop;
  p->verbose = verbose;
  p->split = split;
  p->in_fd_file = -1;
  p->in_size = -1;
  p->in_tty = uv_guess_handle(0) == UV_TTY;
  p->in = open_stream(loop, 0, &p->in_h, true);
  if (p->in) {
    p->in_open = true;
  } else if (uv_guess_handle(0) == UV_FILE) {
    p->in_fd_file = 0;
    struct stat st;
    off_t at = lseek(0, 0, SEEK_CUR);
    if (fstat(0, &st) == 0 && S_ISREG(st.st_mode) && at >= 0 &&
        st.st_size >= at)
      p->in_size = (int64_t)(st.st_size - at);
  } else {
    p->in_eof = true; /* closed or unusable stdin: nothing to send */
  }
  p->out = open_stream(loop, 1, &p->out_h, false);
  if (p->out) p->out_open = true;
  return 0;
}

/* ---- socket → stdout ---- */

/* Data from the peer could not be written to stdout: that is lost data, so
 * the exit status is 1; the connection is dropped (nothing can take what
 * it still sends). */
static void out_fail(stdio_pipe_t *p, int err) {
  if (!p->out_failed) cli_error("stdout: %s", uv_strerror(err));
  p->out_failed = true;
  p->exit_status = CLI_ERR;
  if (p->sock) nnet_socket_destroy(p->sock, 0);
}

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
    out_fail(p, status);
    return;
  }
  if (p->sock_paused && p->out &&
      uv_stream_get_write_queue_size(p->out) < OUT_HIGH_WATER) {
    p->sock_paused = false;
    if (p->sock) nnet_socket_resume(p->sock);
  }
}

static void write_out(stdio_pipe_t *p, const char *base, size_t len) {
  if (p->out_failed) return;
  if (!p->out) { /* a file or closed stdout: plain blocking writes */
    while (len > 0) {
      ssize_t n = write(1, base, len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        out_fail(p, n < 0 ? uv_translate_sys_error(errno) : UV_EIO);
        return;
      }
      base += n;
      len -= (size_t)n;
    }
    return;
  }
  uv_buf_t b = uv_buf_init((char *)base, (unsigned)len);
  int n = uv_try_write(p->out, &b, 1);
  if (n == (int)len) return;
  if (n < 0 && n != UV_EAGAIN) {
    out_fail(p, n);
    return;
  }
  size_t done = n > 0 ? (size_t)n : 0;
  out_write_t *w = malloc(sizeof *w + len - done);
  if (!w) {
    out_fail(p, UV_ENOMEM);
    return;
  }
  w->p = p;
  memcpy(w->data, base + done, len - done);
  b = uv_buf_init(w->data, (unsigned)(len - done));
  int rc = uv_write(&w->req, p->out, &b, 1, out_written);
  if (rc < 0) {
    free(w);
    out_fail(p, rc);
    return;
  }
  if (uv_stream_get_write_queue_size(p->out) >= OUT_HIGH_WATER) {
    p->sock_paused = true;
    nnet_socket_pause(p->sock);
  }
}

/* ---- stdin → socket ---- */

static void in_read_start(stdio_pipe_t *p);

/* Stop reading stdin. A file read already under way cannot be stopped: its
 * callback clears in_reading (and keeps the chunk for later). */
static void in_stop(stdio_pipe_t *p) {
  if (p->in_open && p->in_reading) {
    uv_read_stop(p->in);
    p->in_reading = false;
  }
}

/* The socket can take stdin now. */
static bool sock_takes_stdin(const stdio_pipe_t *p) {
  return p->sock && !p->conn_over && !p->end_called &&
         !nnet_socket_is_destroyed(p->sock);
}

typedef struct {
  stdio_pipe_t *p;
  size_t len;
} in_write_t;

static void in_written(nnet_socket_t *s, int status, void *ctx) {
  in_write_t *w = ctx;
  if (status == 0) w->p->in_sent += w->len;
  free(w);
}

static void fin_written(nnet_socket_t *s, int status, void *ctx) {
  stdio_pipe_t *p = ctx;
  if (status == 0) {
    p->fin_sent = true;
    stdio_pipe_trace(p, "finish: FIN out after %" PRIu64 " bytes of stdin",
                     p->in_sent);
  }
}

/* Our side is done: FIN after what is queued. */
static void end_ours(stdio_pipe_t *p) {
  if (!p->sock || p->end_called) return;
  p->end_called = true;
  nnet_socket_end(p->sock, NULL, 0, fin_written, p);
}

/* Send the n bytes in in_buf. */
static void in_send(stdio_pipe_t *p, size_t n) {
  in_write_t *w = malloc(sizeof *w);
  if (!w) {
    cli_error("out of memory");
    p->exit_status = CLI_ERR;
    nnet_socket_destroy(p->sock, UV_ENOMEM);
    return;
  }
  w->p = p;
  w->len = n;
  p->in_given += n;
  int rc = nnet_socket_write(p->sock, p->in_buf, n, in_written, w);
  if (rc == 1) {
    in_read_start(p); /* a pipe or tty already reading reads on */
    return;
  }
  /* 0: the socket's queue is full: no more stdin until 'drain'. < 0: the
   * socket is gone (the callback reports the bytes as not sent). */
  in_stop(p);
}

/* One read from stdin: n bytes in in_buf, 0 / UV_EOF at the end, or an
 * error. */
static void in_got(stdio_pipe_t *p, ssize_t n) {
  if (n > 0) {
    p->in_total += (uint64_t)n;
    if (sock_takes_stdin(p)) {
      in_send(p, (size_t)n);
    } else { /* keep it for the next connection (or the report) */
      p->in_pending = n;
      in_stop(p);
    }
    return;
  }
  if (n < 0 && n != UV_EOF) {
    cli_error("stdin: %s: the rest of stdin is not sent", uv_strerror((int)n));
    p->exit_status = CLI_ERR;
  } else {
    stdio_pipe_trace(p, "stdin ended (%" PRIu64 " bytes): sending FIN",
                     p->in_total);
  }
  p->in_eof = true;
  in_stop(p);
  if (sock_takes_stdin(p))
    end_ours(p);
  else if (!p->sock && p->idle && p->on_done) { /* between connections */
    p->idle = false;
    p->on_done(p->done_arg);
  }
}

static void in_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf) {
  stdio_pipe_t *p = h->data;
  *buf = uv_buf_init(p->in_buf, sizeof p->in_buf);
}

static void in_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
  if (n == 0) return; /* EAGAIN */
  in_got(s->data, n);
}

static void in_file_read(uv_fs_t *req) {
  stdio_pipe_t *p = req->data;
  ssize_t n = req->result;
  uv_fs_req_cleanup(req);
  p->in_reading = false;
  in_got(p, n);
}

static void in_read_start(stdio_pipe_t *p) {
  if (p->in_eof || p->in_reading || p->in_pending) return;
  if (p->sock ? !sock_takes_stdin(p) : !p->idle) return;
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

void stdio_pipe_idle(stdio_pipe_t *p) {
  p->idle = true;
  in_read_start(p);
}

/* The connection closed before stdin was sent in full: say how much was. */
static void report_unsent(stdio_pipe_t *p) {
  uint64_t total = p->in_eof         ? p->in_total
                   : p->in_size >= 0 ? (uint64_t)p->in_size
                                     : 0;
  if (total < p->in_total) total = p->in_total;
  if (p->in_eof || p->in_size >= 0)
    cli_error("stdin not sent in full: %" PRIu64 " of %" PRIu64
              " bytes written to the socket, %" PRIu64 " not sent",
              p->in_sent, total, total - p->in_sent);
  else
    cli_error("stdin not sent in full: %" PRIu64
              " bytes written to the socket, the rest of stdin not sent",
              p->in_sent);
}

/* ---- socket events ---- */

static void on_connect(const nnet_event_t *ev, void *ctx) {
  stdio_pipe_t *p = ctx;
  p->connected = true;
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  write_out(ctx, ev->u.data.base, ev->u.data.len);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  in_read_start(ctx);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  stdio_pipe_t *p = ctx;
  stdio_pipe_trace(p, "end: the peer sent FIN");
  if (p->in_eof || p->end_called) return;
  if (p->split) { /* the rest of stdin goes to the next connection */
    p->conn_over = true;
    in_stop(p);
    end_ours(p);
  } else if (p->in_tty) {
    cli_error("the peer has ended; still sending stdin until its end (^D)");
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
  in_stop(p);
  /* Every write callback has run before 'close'. */
  uint64_t lost = p->in_given - p->in_sent;
  if (p->split && !p->in_eof && p->fin_sent) {
    /* this connection's share of stdin went out in full */
  } else if (!p->in_eof || lost || !p->fin_sent) {
    p->exit_status = CLI_ERR;
    if (p->split && lost && !p->in_eof)
      cli_error("connection lost: %" PRIu64
                " bytes of stdin written to it were not sent",
                lost);
    else if ((p->connected || p->in_sent) && (!p->in_eof || lost))
      report_unsent(p);
  }
  p->in_given = p->in_sent; /* the next connection starts even */
  if (p->on_done) p->on_done(p->done_arg);
}

void stdio_pipe_attach(stdio_pipe_t *p, nnet_socket_t *s) {
  p->sock = s;
  nnet_socket_on(s, NNET_EV_CONNECT, on_connect, p);
  nnet_socket_on(s, NNET_EV_DATA, on_data, p);
  nnet_socket_on(s, NNET_EV_DRAIN, on_drain, p);
  nnet_socket_on(s, NNET_EV_END, on_end, p);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, p);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, p);
  p->idle = false;
  p->connected = !nnet_socket_is_pending(s) && !nnet_socket_is_connecting(s);
  p->conn_over = p->end_called = p->fin_sent = false;
  if (p->in_pending > 0) { /* a chunk read while no connection took it */
    ssize_t n = p->in_pending;
    p->in_pending = 0;
    in_send(p, (size_t)n); /* it reads on, or waits for 'drain' */
  } else if (p->in_eof) {
    end_ours(p);
  } else {
    in_read_start(p);
  }
}

static uv_shutdown_t out_shutdown;

static void out_flushed(uv_shutdown_t *req, int status) {
  /* The status is ENOTSOCK for a pipe or tty: the writes were flushed all
   * the same (a failed one reports through out_written). */
  uv_close((uv_handle_t *)req->handle, NULL);
}

void stdio_pipe_close(stdio_pipe_t *p) {
  p->idle = false;
  if (p->in_open) {
    uv_close((uv_handle_t *)p->in, NULL);
    p->in_open = false;
    p->in_reading = false;
  }
  if (p->out_open) {
    p->out_open = false;
    if (uv_shutdown(&out_shutdown, p->out, out_flushed) < 0)
      uv_close((uv_handle_t *)p->out, NULL);
  }
}
