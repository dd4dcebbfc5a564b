/* The zero-copy path of src.pipe(dst) on Linux: the bytes go from the
 * source's socket into a kernel pipe and from there into the destination's
 * socket with splice(2), never through user space. pipe.c turns it on
 * (pipe_try_splice) and off (unpipe, a second destination); it turns
 * itself off, flushing what the kernel pipe holds through pipe.c's write
 * path first so no byte is lost or reordered, as soon as the source stops
 * qualifying (a 'data' listener or an encoding added, paused) or the
 * destination does (destroyed, ending); splice errors EINVAL/ENOSYS turn
 * it off for good for that pipe.
 *
 * Readiness of the source: it still reads through libuv (uv_read_start),
 * but its alloc callback gives an empty buffer, which libuv reports to the
 * read callback as UV_ENOBUFS without reading: that is "readable". EOF and
 * errors come from splice itself (0 or -1) and go to socket_read.c, so
 * 'end' and 'error' are the copy path's.
 *
 * Writability of the destination is the tricky part: libuv cannot wait
 * for POLLOUT on a stream without a pending write (a uv_poll_t on the same
 * fd collides with the stream's own epoll registration, and a zero-length
 * uv_write completes at once, without waiting). So when the destination's
 * socket buffer is full (splice gives EAGAIN), the first byte held in the
 * kernel pipe is read out and written with nnet_socket_write(): the kernel
 * does not take it, so it queues, libuv waits for POLLOUT, and its
 * callback means "writable": splicing resumes with the rest, in order (the
 * byte was the head of the pipe). The same happens when the destination
 * has writes of its own queued (the copy path's last chunk, user writes),
 * so spliced bytes never overtake them. Meanwhile the source is not read:
 * its bytes wait in the kernel (its socket buffer and its peer's), so
 * memory stays bounded by the kernel pipe, as the copy path's pause does.
 *
 * bytesRead / bytesWritten count what splice moved, as the copy path
 * counts its reads and writes; the idle timeouts of both sockets are
 * refreshed by it. */
#include "net/pipe_splice.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/socket_internal.h"

#ifdef __linux__
#include <fcntl.h>
#include <sys/syscall.h>

/* splice() and pipe2() need _GNU_SOURCE, which the single-file build
 * (scripts/amalgamate.sh) cannot define early enough: the raw syscalls. */
#ifndef SPLICE_F_MOVE
#define SPLICE_F_MOVE     1
#define SPLICE_F_NONBLOCK 2
#endif
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032
#endif

/* The kernel pipe's size: what one splice moves at most, and what a
 * blocked destination keeps in the kernel per pipe. */
enum { PIPE_SIZE = 256 * 1024, MAX_ROUNDS = 16 };

typedef struct nnet__splice_s {
  nnet_socket_t *src, *dst;
  struct nnet__pipe_s *p;
  nnet__splice_flush_fn flush;
  bool *no_splice; /* the pipe's: splice cannot work for this pair */
  int pfd[2];      /* the kernel pipe: read end, write end */
  size_t cap;      /* its capacity */
  size_t held;     /* bytes in it */
  unsigned refs;   /* src->ext->splice (until stopped), a pending write, pump */
  bool stopped;    /* detached from src */
  bool waiting;    /* a byte is in dst's queue: wait for its callback */
  bool in_pump;
} nnet__splice_t;

static bool disabled_by_env(void) {
  const char *e = getenv("NNET_NO_SPLICE");
  return e != NULL && e[0] != '\0' && strcmp(e, "0") != 0;
}

static ssize_t xsplice(int in, int out, size_t len) {
  long n;
  do {
    n = syscall(SYS_splice, in, NULL, out, NULL, len,
                SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  } while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : (ssize_t)n;
}

static int fd_of(nnet_socket_t *s) {
  uv_os_fd_t fd;
  return uv_fileno(&s->h.handle, &fd) == 0 ? fd : -1;
}

/* A kernel stream socket (TCP or Unix), not an IPC pipe. */
static bool kernel_stream(const nnet_socket_t *s) {
  if (s->h.handle.type == UV_TCP) return true;
  return s->h.handle.type == UV_NAMED_PIPE && !s->h.pipe.ipc;
}

/* The source flows into the pipe alone: nothing else wants its bytes in
 * user space. */
static bool src_ok(const nnet_socket_t *s) {
  const uint32_t need = NNET__S_CONNECTED | NNET__S_READABLE |
                        NNET__S_HANDLE_INIT | NNET__S_FLOWING |
                        NNET__S_READ_ARMED;
  const uint32_t stop = NNET__S_EOF | NNET__S_DESTROYED | NNET__S_PAUSED;
  const nnet__sockext_t *x = s->ext;
  if ((s->flags & need) != need || (s->flags & stop)) return false;
  if (x == NULL || x->onread || x->decoder || x->rq.len > 0) return false;
  return nnet_socket_listener_count(s, NNET_EV_DATA) == 1;
}

static bool dst_ok(const nnet_socket_t *s) {
  const uint32_t need =
      NNET__S_CONNECTED | NNET__S_WRITABLE | NNET__S_HANDLE_INIT;
  const uint32_t stop = NNET__S_ENDING | NNET__S_DESTROYED;
  return (s->flags & need) == need && !(s->flags & stop);
}

/* dst has bytes of its own to send first. */
static bool dst_busy(const nnet_socket_t *s) {
  return s->wlen > 0 || (s->flags & NNET__S_WRITING) ||
         nnet__socket_corked(s) > 0 || (s->ws && s->ws->connect_armed);
}

static void splice_unref(nnet__splice_t *sp) {
  if (--sp->refs > 0) return;
  close(sp->pfd[0]);
  close(sp->pfd[1]);
  nnet__free(sp);
}

/* Off src: its reads go back to socket_read.c's callbacks (restarted by
 * the caller, if at all). */
static void detach(nnet__splice_t *sp) {
  sp->stopped = true;
  sp->src->ext->splice = NULL;
  nnet__socket_read_stop(sp->src);
}

static void src_done(nnet__splice_t *sp, int err) {
  nnet_socket_t *src = sp->src;
  if (err == UV_EINVAL || err == UV_ENOSYS) {
    *sp->no_splice = true; /* this socket cannot splice: copy from now on */
    nnet__splice_stop(src, NULL);
    return;
  }
  detach(sp); /* the kernel pipe is empty here */
  splice_unref(sp);
  nnet__socket_read_end(src, err == 0 ? UV_EOF : err);
}

static void dst_failed(nnet__splice_t *sp, int err) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_sys(&e, err, "write", NULL, -1);
  nnet__socket_destroy_with(sp->dst, &e);
}

static void pump(nnet__splice_t *sp);

/* The write of wait_writable() completed: dst took it, so it has room. */
static void on_wrote(nnet_socket_t *dst, int status, void *ctx) {
  nnet__splice_t *sp = ctx;
  sp->waiting = false;
  if (!sp->stopped && status == 0 && !sp->in_pump) {
    nnet_socket_t *src = sp->src;
    nnet__socket_hold(src);
    pump(sp);
    nnet__socket_unhold(src);
  }
  splice_unref(sp);
}

/* See the top of the file. Returns true if the byte went at once (the
 * caller goes on), false to wait for on_wrote. */
static bool wait_writable(nnet__splice_t *sp) {
  char byte;
  ssize_t n;
  do {
    n = read(sp->pfd[0], &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) { /* cannot happen: the pipe holds bytes */
    *sp->no_splice = true;
    nnet__splice_stop(sp->src, NULL);
    return false;
  }
  sp->held--;
  sp->waiting = true;
  sp->refs++;
  nnet__socket_read_stop(sp->src);
  int rc = nnet_socket_write(sp->dst, &byte, 1, on_wrote, sp);
  if (rc == NNET_ERR_WRITE_BUFFER_FULL || rc == UV_ENOMEM) {
    /* refused whole, no callback: as pipe.c does, dst must not lose it */
    sp->waiting = false;
    sp->refs--;
    nnet_socket_destroy(sp->dst, rc);
    return false;
  }
  return !sp->waiting; /* out of memory for the deferral: called already */
}

/* Sends what the kernel pipe holds to dst. true: it is empty. */
static bool drain(nnet__splice_t *sp) {
  nnet_socket_t *dst = sp->dst;
  while (sp->held > 0) {
    if (dst_busy(dst)) {
      if (!wait_writable(sp)) return false;
      continue;
    }
    ssize_t n = xsplice(sp->pfd[0], fd_of(dst), sp->held);
    if (n > 0) {
      sp->held -= (size_t)n;
      dst->bytes_written += (uint64_t)n;
      nnet__timeout_touch(dst);
    } else if (n == UV_EAGAIN) {
      if (!wait_writable(sp)) return false;
    } else if (n == 0 || n == UV_EINVAL || n == UV_ENOSYS) {
      *sp->no_splice = true;
      nnet__splice_stop(sp->src, NULL);
      return false;
    } else {
      dst_failed(sp, (int)n);
      return false;
    }
  }
  return true;
}

/* Moves bytes while both sides let it, a bounded number of rounds (the
 * loop serves other handles meanwhile: epoll reports src again). */
static void pump(nnet__splice_t *sp) {
  nnet_socket_t *src = sp->src;
  if (sp->waiting) {
    nnet__socket_read_stop(src);
    return;
  }
  if (!src_ok(src) || !dst_ok(sp->dst)) {
    nnet__splice_stop(src, NULL);
    return;
  }
  sp->refs++;
  sp->in_pump = true;
  for (int round = 0; round < MAX_ROUNDS; round++) {
    if (!drain(sp) || sp->stopped) break;
    ssize_t n = xsplice(fd_of(src), sp->pfd[1], sp->cap);
    if (n > 0) {
      sp->held += (size_t)n;
      src->bytes_read += (uint64_t)n;
      src->ext->spliced += (uint64_t)n;
      nnet__timeout_touch(src);
      /* a short read: src is drained, most likely (libuv's rule too) */
      if ((size_t)n < sp->cap / 2) {
        drain(sp);
        break;
      }
    } else if (n != UV_EAGAIN) {
      src_done(sp, (int)n);
      break;
    } else {
      break;
    }
  }
  sp->in_pump = false;
  if (!sp->stopped && !sp->waiting) nnet__socket_read_start(src);
  splice_unref(sp);
}

static void splice_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  buf->base = NULL;
  buf->len = 0; /* libuv: read_cb(UV_ENOBUFS) instead of reading */
}

static void splice_read_cb(uv_stream_t *stream, ssize_t nread,
                           const uv_buf_t *buf) {
  nnet_socket_t *src = stream->data;
  nnet__splice_t *sp = src->ext ? src->ext->splice : NULL;
  if (sp == NULL) return;
  nnet_socket_t *dst = sp->dst;
  nnet__socket_hold(src);
  nnet__socket_hold(dst);
  pump(sp); /* readable (UV_ENOBUFS), or EOF / error that splice will see */
  nnet__tick_drain(src->nl);
  nnet__socket_unhold(dst);
  nnet__socket_unhold(src);
}

int nnet__splice_read_start(nnet_socket_t *s) {
  return uv_read_start(&s->h.stream, splice_alloc_cb, splice_read_cb);
}

bool nnet__splice_start(struct nnet__pipe_s *p, nnet_socket_t *src,
                        nnet_socket_t *dst, nnet__splice_flush_fn flush,
                        bool *no_splice) {
  if (!src_ok(src) || !dst_ok(dst)) return false;
  if (disabled_by_env() || !kernel_stream(src) || !kernel_stream(dst)) {
    *no_splice = true;
    return false;
  }
  nnet__splice_t *sp = nnet__calloc(1, sizeof(*sp));
  if (sp == NULL) return false;
  if (syscall(SYS_pipe2, sp->pfd, O_NONBLOCK | O_CLOEXEC) != 0) {
    nnet__free(sp); /* out of descriptors: copy, and do not retry */
    *no_splice = true;
    return false;
  }
  fcntl(sp->pfd[1], F_SETPIPE_SZ, PIPE_SIZE); /* best effort */
  int cap = fcntl(sp->pfd[1], F_GETPIPE_SZ);
  sp->cap = cap > 0 ? (size_t)cap : 65536;
  sp->src = src;
  sp->dst = dst;
  sp->p = p;
  sp->flush = flush;
  sp->no_splice = no_splice;
  sp->refs = 1;
  nnet__socket_read_stop(src);
  src->ext->splice = sp;
  nnet__socket_read_start(src);
  return true;
}

/* The kernel pipe's bytes, read from src already, go to dst as the copy
 * path would have sent them; dropped if dst cannot take them any more. */
static void flush_held(nnet__splice_t *sp) {
  if (sp->held == 0) return;
  if (sp->dst->flags & (NNET__S_DESTROYED | NNET__S_ENDING)) return;
  char *buf = nnet__malloc(sp->held);
  if (buf == NULL) {
    nnet_socket_destroy(sp->dst, UV_ENOMEM);
    return;
  }
  size_t got = 0;
  while (got < sp->held) {
    ssize_t n = read(sp->pfd[0], buf + got, sp->held - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += (size_t)n;
  }
  sp->held = 0;
  sp->flush(sp->p, buf, got);
  nnet__free(buf);
}

void nnet__splice_stop(nnet_socket_t *src, const struct nnet__pipe_s *p) {
  nnet__splice_t *sp = src->ext ? src->ext->splice : NULL;
  if (sp == NULL || (p != NULL && sp->p != p)) return;
  detach(sp);
  flush_held(sp);
  splice_unref(sp);
  if (!nnet__socket_dead(src)) nnet__socket_read_start(src);
}

#else /* no splice(2): the copy path only */

bool nnet__splice_start(struct nnet__pipe_s *p, nnet_socket_t *src,
                        nnet_socket_t *dst, nnet__splice_flush_fn flush,
                        bool *no_splice) {
  *no_splice = true;
  return false;
}

void nnet__splice_stop(nnet_socket_t *src, const struct nnet__pipe_s *p) {}

int nnet__splice_read_start(nnet_socket_t *s) {
  return UV_ENOSYS;
}

#endif

uint64_t nnet_socket_bytes_spliced(const nnet_socket_t *s) {
  return s && s->ext ? s->ext->spliced : 0;
}
