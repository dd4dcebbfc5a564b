/* readable.pipe() and stream.pipeline() for sockets, on the listener API.
 *
 * pipe: Node's Readable.prototype.pipe (lib/internal/streams/readable.js),
 * listener for listener. A pipe is a record in the source's list (Node's
 * readableState.pipes, in ext->pipes); its `await_drain` flag is Node's
 * awaitDrainWriters membership. Beyond Node, a 'close' listener on the
 * source ends the record's life (JS leaves that to the GC): see
 * pipe_on_src_close().
 * Between two kernel stream sockets on Linux the bytes may skip user space
 * (splice(2), pipe_splice.c): pipe_try_splice() below says when.
 * stream.pipeline() is in pipeline.c. */
#include <string.h>

#include "net/pipe_splice.h"
#include "net/socket_internal.h"

/* ---- pipe ---- */

typedef struct nnet__pipe_s {
  struct nnet__pipe_s *next; /* in src's ext->pipes */
  nnet_socket_t *src, *dst;
  uv_loop_t *loop;
  unsigned refs; /* the list (until cleanup), a pending end job */
  bool end;
  bool cleaned;     /* listeners removed, out of the list */
  bool ondrain;     /* the 'drain' listener was added */
  bool await_drain; /* src paused for this dst (awaitDrainWriters) */
  bool src_closed;  /* src retained past its 'close' (see below) */
  bool no_splice;   /* opts->no_splice, or splice cannot work here */
} nnet__pipe_t;

static void pipe_free_job(void *arg) {
  nnet__free(arg);
}

/* A listener removed during an emit is still called by that emit (Node's
 * rule), so a record outlives its cleanup until the current callback has
 * returned, and its listeners check `cleaned`. Out of memory: leaked,
 * never freed too early. */
static void pipe_unref(nnet__pipe_t *p) {
  if (--p->refs == 0) nnet_next_tick(p->loop, pipe_free_job, p);
}

static nnet__pipe_t **pipes_of(nnet_socket_t *src) {
  return src->ext ? &src->ext->pipes : NULL;
}

/* Take p out of src's list (if it is there). */
static void pipe_unlink(nnet__pipe_t *p) {
  for (nnet__pipe_t **pp = pipes_of(p->src); pp && *pp; pp = &(*pp)->next)
    if (*pp == p) {
      *pp = p->next;
      p->next = NULL;
      return;
    }
}

/* Node's pipeOnDrain: resume once no destination is still awaited. */
static void pipe_drained(nnet__pipe_t *p) {
  p->await_drain = false;
  nnet__pipe_t **head = pipes_of(p->src);
  for (nnet__pipe_t *q = head ? *head : NULL; q; q = q->next)
    if (q->await_drain) return;
  if (!p->src_closed && nnet_socket_listener_count(p->src, NNET_EV_DATA) > 0)
    nnet_socket_resume(p->src);
}

static void pipe_on_drain(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  if (!p->cleaned) pipe_drained(p);
}

static void pipe_on_data(const nnet_event_t *ev, void *ctx);
static void pipe_on_end(const nnet_event_t *ev, void *ctx);
static void pipe_on_src_close(const nnet_event_t *ev, void *ctx);
static void pipe_on_dst_error(const nnet_event_t *ev, void *ctx);
static void pipe_on_dst_close(const nnet_event_t *ev, void *ctx);

/* Node's cleanup(): every listener goes; a destination still awaited
 * counts as drained. Drops the list's reference. */
static void pipe_cleanup(nnet__pipe_t *p) {
  nnet_socket_off(p->dst, NNET_EV_CLOSE, pipe_on_dst_close, p);
  nnet_socket_off(p->dst, NNET_EV_FINISH, pipe_on_dst_close, p);
  if (p->ondrain) nnet_socket_off(p->dst, NNET_EV_DRAIN, pipe_on_drain, p);
  nnet_socket_off(p->dst, NNET_EV_ERROR, pipe_on_dst_error, p);
  nnet_socket_off(p->src, NNET_EV_END, pipe_on_end, p);
  nnet_socket_off(p->src, NNET_EV_DATA, pipe_on_data, p);
  nnet_socket_off(p->src, NNET_EV_CLOSE, pipe_on_src_close, p);
  p->cleaned = true;
  nnet__splice_stop(p->src, p); /* what the kernel holds goes to dst */
  if (p->ondrain && p->await_drain) pipe_drained(p);
  if (p->src_closed) nnet_socket_release(p->src); /* under the caller's hold */
  pipe_unref(p);
}

static void emit_pipe_event(nnet__pipe_t *p, nnet_event_type_t type) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.u.pipe.source = p->src;
  nnet__socket_emit(p->dst, &ev);
}

/* Node's src.unpipe(dest) for one record already out of the list: the
 * destination's 'unpipe' listeners run, then the pipe's cleanup (its own
 * 'unpipe' listener in Node). */
static void pipe_unpiped(nnet__pipe_t *p) {
  emit_pipe_event(p, NNET_EV_UNPIPE);
  pipe_cleanup(p);
}

static void pipe_pause(nnet__pipe_t *p) {
  p->await_drain = true;
  nnet_socket_pause(p->src);
  if (!p->ondrain) {
    p->ondrain = true;
    nnet_socket_on(p->dst, NNET_EV_DRAIN, pipe_on_drain, p);
  }
}

static void pipe_write(nnet__pipe_t *p, const char *base, size_t len) {
  int rc = nnet_socket_write(p->dst, base, len, NULL, NULL);
  /* dst's write buffer cap refused the chunk: it must not vanish */
  if (rc == NNET_ERR_WRITE_BUFFER_FULL) nnet_socket_destroy(p->dst, rc);
  if (rc <= 0 && !p->cleaned) pipe_pause(p);
}

/* The zero-copy path needs src to pipe to dst alone, flowing, with no
 * other 'data' listener (pipe_splice.c checks the sockets themselves).
 * Asked when the pipe is made and after each chunk the copy path moved,
 * so a pipe made before dst connected, or one that fell back, splices as
 * soon as it can. */
static void pipe_try_splice(nnet__pipe_t *p) {
  nnet__sockext_t *x = p->src->ext;
  if (p->no_splice || p->await_drain || p->cleaned || x == NULL || x->splice)
    return;
  if (x->pipes != p || p->next != NULL) return;
  nnet__splice_start(p, p->src, p->dst, pipe_write, &p->no_splice);
}

/* Decoded text (setEncoding) is UTF-8: Node writes it as utf8 too. A
 * chunk whose emit began before an unpipe is still written, as in Node. */
static void pipe_on_data(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  pipe_write(p, ev->u.data.base, ev->u.data.len);
  pipe_try_splice(p);
}

/* Node: onend (dest.end()) or, with {end: false}, unpipe. */
static void pipe_on_end(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  if (p->cleaned) return;
  if (p->end)
    nnet_socket_end(p->dst, NULL, 0, NULL, NULL);
  else
    nnet_socket_unpipe(p->src, p->dst);
}

static void pipe_end_job(void *arg) {
  nnet__pipe_t *p = arg;
  pipe_on_end(NULL, p);
  pipe_unref(p);
}

/* src is going. After its 'end' (dst ended or ending) the pipe stays, as
 * in Node, until dst's 'finish', 'close' or 'error' unpipes it: src's
 * memory is retained until then. Closed without 'end' (destroyed), the
 * pipe goes now without 'unpipe' (beyond Node, which keeps it as long as
 * dst lives). */
static void pipe_on_src_close(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  if (p->cleaned) return;
  if (p->end && p->src != p->dst && nnet_socket_readable_ended(p->src)) {
    nnet_socket_off(p->src, NNET_EV_DATA, pipe_on_data, p);
    nnet_socket_off(p->src, NNET_EV_CLOSE, pipe_on_src_close, p);
    nnet_socket_retain(p->src);
    p->src_closed = true;
    return;
  }
  pipe_unlink(p);
  pipe_cleanup(p);
}

/* Node's onerror: unpipe; with no other 'error' listener the error is
 * still uncaught (Node re-emits it on the destination). */
static void pipe_on_dst_error(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  nnet_socket_t *dst = p->dst;
  if (p->cleaned) return;
  nnet_socket_unpipe(p->src, dst);
  nnet_socket_off(dst, NNET_EV_ERROR, pipe_on_dst_error, p);
  if (nnet_socket_listener_count(dst, NNET_EV_ERROR) == 0)
    nnet__uncaught_error(dst, ev->u.error);
}

/* Node's onclose and onfinish (each removes the other, then unpipes). */
static void pipe_on_dst_close(const nnet_event_t *ev, void *ctx) {
  nnet__pipe_t *p = ctx;
  if (!p->cleaned) nnet_socket_unpipe(p->src, p->dst);
}

void nnet_pipe_opts_init(nnet_pipe_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->end = true;
}

static int pipe_listen(nnet__pipe_t *p) {
  nnet_socket_t *src = p->src, *dst = p->dst;
  int rc = 0;
  if (!nnet_socket_readable_ended(src))
    rc = nnet_socket_once(src, NNET_EV_END, pipe_on_end, p);
  if (rc == 0) rc = nnet_socket_on(src, NNET_EV_DATA, pipe_on_data, p);
  if (rc == 0)
    rc = nnet_socket_prepend(dst, NNET_EV_ERROR, pipe_on_dst_error, p);
  if (rc == 0) rc = nnet_socket_once(dst, NNET_EV_CLOSE, pipe_on_dst_close, p);
  if (rc == 0) rc = nnet_socket_once(dst, NNET_EV_FINISH, pipe_on_dst_close, p);
  if (rc == 0) rc = nnet_socket_on(src, NNET_EV_CLOSE, pipe_on_src_close, p);
  return rc;
}

int nnet_socket_pipe(nnet_socket_t *src, nnet_socket_t *dst,
                     const nnet_pipe_opts_t *opts) {
  if (!src || !dst) return UV_EINVAL;
  nnet__sockext_t *x = nnet__socket_ext(src);
  nnet__pipe_t *p = x ? nnet__calloc(1, sizeof(*p)) : NULL;
  if (!p) return UV_ENOMEM;
  p->src = src;
  p->dst = dst;
  p->loop = nnet_socket_loop(src);
  p->end = opts ? opts->end : true;
  p->no_splice = opts ? opts->no_splice : false;
  p->refs = 1;
  bool ended = nnet_socket_readable_ended(src);
  if (ended && nnet_next_tick(p->loop, pipe_end_job, p) == 0)
    p->refs++;
  else if (ended) {
    nnet__free(p);
    return UV_ENOMEM;
  }
  nnet__splice_stop(src, NULL);  /* a second destination: copy to both */
  nnet__pipe_t **pp = &x->pipes; /* appended: unpipe takes the first */
  while (*pp) pp = &(*pp)->next;
  *pp = p;
  if (pipe_listen(p) != 0) {
    pipe_unlink(p);
    pipe_cleanup(p); /* a pending end job sees `cleaned` */
    return UV_ENOMEM;
  }
  nnet__socket_hold(src);
  emit_pipe_event(p, NNET_EV_PIPE);
  if (!p->cleaned) {
    if (nnet_socket_writable_need_drain(dst))
      pipe_pause(p);
    else if (nnet_socket_readable_flowing(src) != 1)
      nnet_socket_resume(src);
    pipe_try_splice(p);
  }
  nnet__socket_unhold(src);
  return 0;
}

int nnet_socket_unpipe(nnet_socket_t *src, nnet_socket_t *dst) {
  if (!src) return UV_EINVAL;
  nnet__pipe_t **pp = pipes_of(src), *taken = NULL;
  while (pp && *pp && dst && (*pp)->dst != dst) pp = &(*pp)->next;
  if (!pp || !*pp) return 0;
  if (dst) { /* one record */
    taken = *pp;
    *pp = taken->next;
    taken->next = NULL;
  } else { /* all of them */
    taken = *pp;
    *pp = NULL;
  }
  nnet__socket_hold(src);
  if (!*pipes_of(src) && !nnet_socket_is_closed(src)) nnet_socket_pause(src);
  while (taken) {
    nnet__pipe_t *next = taken->next;
    taken->next = NULL;
    pipe_unpiped(taken);
    taken = next;
  }
  nnet__socket_unhold(src);
  return 0;
}
