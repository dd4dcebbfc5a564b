/* stream.pipeline(src, dst, cb) for two sockets: Node's pipelineImpl
 * (lib/internal/streams/pipeline.js) reduced to two streams.
 *
 * Node counts finish() calls down from 2 (finishCount): one from the
 * end-of-stream watcher of each side (src: 'end' / 'error' / 'close'
 * before 'end'; dst: 'finish' / 'error' / 'close' before 'finish'), plus
 * one when dst closes before src ended (pipeline's own premature-close
 * listener). The first error destroys each side that has not finished
 * (destroyer(): closed, or its watcher fired without error) with that
 * error; the callback is queued (nextTick) when the count reaches 0. */
#include <string.h>

#include "net/socket_internal.h"

typedef struct {
  nnet_socket_t *src, *dst; /* each valid until its 'close' */
  uv_loop_t *loop;
  nnet_pipeline_cb cb;
  void *ctx;
  nnet__error_t err;
  bool has_err;
  int pending;             /* Node's finishCount */
  bool ended;              /* dst.end() called (pipe()'s `ended`) */
  bool src_eos, dst_eos;   /* each watcher fires once */
  bool src_done, dst_done; /* destroyer's `finished` */
  bool dst_closed;         /* dst is gone: never touch it again */
  bool destroys_run;       /* the destroys list was emptied */
  bool src_attached, dst_attached, cb_due, end_due;
} nnet__pipeline_t;

static void pl_free_if_done(nnet__pipeline_t *pl) {
  if (pl->src_attached || pl->dst_attached || pl->cb_due || pl->end_due) return;
  nnet__error_clear(&pl->err);
  nnet__free(pl);
}

static void pl_on_src_end(const nnet_event_t *ev, void *ctx);
static void pl_on_src_error(const nnet_event_t *ev, void *ctx);
static void pl_on_src_close(const nnet_event_t *ev, void *ctx);
static void pl_on_end_dst(const nnet_event_t *ev, void *ctx);
static void pl_on_dst_finish(const nnet_event_t *ev, void *ctx);
static void pl_on_dst_error(const nnet_event_t *ev, void *ctx);
static void pl_on_dst_close(const nnet_event_t *ev, void *ctx);

static void pl_detach_dst(nnet__pipeline_t *pl) {
  if (!pl->dst_attached) return;
  nnet_socket_off(pl->dst, NNET_EV_CLOSE, pl_on_dst_close, pl);
  nnet_socket_off(pl->dst, NNET_EV_FINISH, pl_on_dst_finish, pl);
  nnet_socket_off(pl->dst, NNET_EV_ERROR, pl_on_dst_error, pl);
  pl->dst_attached = false;
}

static void pl_detach_src(nnet__pipeline_t *pl) {
  if (!pl->src_attached) return;
  nnet_socket_off(pl->src, NNET_EV_END, pl_on_end_dst, pl);
  nnet_socket_off(pl->src, NNET_EV_END, pl_on_src_end, pl);
  nnet_socket_off(pl->src, NNET_EV_ERROR, pl_on_src_error, pl);
  nnet_socket_off(pl->src, NNET_EV_CLOSE, pl_on_src_close, pl);
  pl->src_attached = false;
}

static void pl_callback_job(void *arg) {
  nnet__pipeline_t *pl = arg;
  pl->cb_due = false;
  if (pl->cb) pl->cb(pl->has_err ? &pl->err.pub : NULL, pl->ctx);
  pl_free_if_done(pl);
}

static void pl_destroy(nnet_socket_t *s, bool *done, nnet__pipeline_t *pl) {
  if (*done) return;
  *done = true;
  if (pl->has_err)
    nnet_socket_destroy_error(s, &pl->err.pub);
  else
    nnet_socket_destroy(s, NNET_ERR_STREAM_DESTROYED);
}

/* Node's finish(err) / finishImpl(err, final). */
static void pl_finish(nnet__pipeline_t *pl, const nnet_error_t *err) {
  bool final = --pl->pending == 0;
  if (err &&
      (!pl->has_err || pl->err.pub.code == NNET_ERR_STREAM_PREMATURE_CLOSE)) {
    nnet__error_clear(&pl->err);
    memset(&pl->err, 0, sizeof(pl->err));
    nnet__error_copy(&pl->err, err);
    pl->has_err = true;
  }
  if (!pl->has_err && !final) return;
  if (!pl->destroys_run) {
    pl->destroys_run = true;
    pl_destroy(pl->src, &pl->src_done, pl);
    pl_destroy(pl->dst, &pl->dst_done, pl);
  }
  if (!final) return;
  /* Node's lastStreamCleanup: the last stream keeps no listener. */
  if (!pl->has_err) pl_detach_dst(pl);
  if (nnet_next_tick(pl->loop, pl_callback_job, pl) == 0)
    pl->cb_due = true;
  else if (pl->cb) /* out of memory: call now rather than never */
    pl->cb(pl->has_err ? &pl->err.pub : NULL, pl->ctx);
}

static void pl_premature(nnet__pipeline_t *pl) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  nnet__error_node(&e, NNET_ERR_STREAM_PREMATURE_CLOSE, NULL);
  pl_finish(pl, &e.pub);
  nnet__error_clear(&e);
}

/* The watchers (Node's eos()): each reports once. */
static void pl_src_eos(nnet__pipeline_t *pl, const nnet_error_t *err) {
  if (pl->src_eos) return;
  pl->src_eos = true;
  if (!err) pl->src_done = true;
  pl_finish(pl, err);
}

static void pl_dst_eos(nnet__pipeline_t *pl, const nnet_error_t *err) {
  if (pl->dst_eos) return;
  pl->dst_eos = true;
  if (!err) pl->dst_done = true;
  pl_finish(pl, err);
}

static void pl_on_end_dst(const nnet_event_t *ev, void *ctx) {
  nnet__pipeline_t *pl = ctx;
  pl->ended = true;
  if (!pl->dst_closed) nnet_socket_end(pl->dst, NULL, 0, NULL, NULL);
}

static void pl_on_src_end(const nnet_event_t *ev, void *ctx) {
  pl_src_eos(ctx, NULL);
}

static void pl_on_src_error(const nnet_event_t *ev, void *ctx) {
  pl_src_eos(ctx, ev->u.error);
}

static void pl_on_src_close(const nnet_event_t *ev, void *ctx) {
  nnet__pipeline_t *pl = ctx;
  pl->src_done = true;
  if (!pl->src_eos && nnet_socket_readable_ended(pl->src))
    pl_src_eos(pl, NULL);
  else if (!pl->src_eos) {
    pl->src_eos = true;
    pl_premature(pl);
  }
  pl_detach_src(pl);
  pl_free_if_done(pl);
}

static void pl_on_dst_finish(const nnet_event_t *ev, void *ctx) {
  pl_dst_eos(ctx, NULL);
}

static void pl_on_dst_error(const nnet_event_t *ev, void *ctx) {
  pl_dst_eos(ctx, ev->u.error);
}

/* pipeline's pipe(): dst closing before src ended is a premature close;
 * then the watcher's own close check. */
static void pl_on_dst_close(const nnet_event_t *ev, void *ctx) {
  nnet__pipeline_t *pl = ctx;
  pl->dst_done = pl->dst_closed = true;
  if (!pl->ended) pl_premature(pl);
  if (!pl->dst_eos && !nnet_socket_writable_finished(pl->dst)) {
    pl->dst_eos = true;
    pl_premature(pl);
  }
  pl_detach_dst(pl);
  pl_free_if_done(pl);
}

/* src had ended before pipeline(): end dst and report src done on the
 * next turn (Node's nextTick(endFn) and eos's already-finished check). */
static void pl_end_job(void *arg) {
  nnet__pipeline_t *pl = arg;
  pl->end_due = false;
  if (pl->src_attached) {
    pl_on_end_dst(NULL, pl);
    pl_src_eos(pl, NULL);
  }
  pl_free_if_done(pl);
}

static int pl_attach(nnet__pipeline_t *pl) {
  nnet_socket_t *src = pl->src, *dst = pl->dst;
  pl->dst_attached = true;
  int rc = nnet_socket_on(dst, NNET_EV_CLOSE, pl_on_dst_close, pl);
  if (rc == 0) {
    nnet_pipe_opts_t po;
    nnet_pipe_opts_init(&po);
    po.end = false;
    rc = nnet_socket_pipe(src, dst, &po);
  }
  pl->src_attached = true;
  if (rc == 0 && !nnet_socket_readable_ended(src))
    rc = nnet_socket_once(src, NNET_EV_END, pl_on_end_dst, pl);
  else if (rc == 0 && (rc = nnet_next_tick(pl->loop, pl_end_job, pl)) == 0)
    pl->end_due = true;
  if (rc == 0) rc = nnet_socket_on(src, NNET_EV_END, pl_on_src_end, pl);
  if (rc == 0) rc = nnet_socket_on(src, NNET_EV_ERROR, pl_on_src_error, pl);
  if (rc == 0) rc = nnet_socket_on(src, NNET_EV_CLOSE, pl_on_src_close, pl);
  if (rc == 0) rc = nnet_socket_on(dst, NNET_EV_FINISH, pl_on_dst_finish, pl);
  if (rc == 0) rc = nnet_socket_on(dst, NNET_EV_ERROR, pl_on_dst_error, pl);
  return rc;
}

static int pipeline_start(nnet_socket_t *src, nnet_socket_t *dst,
                          nnet_pipeline_cb cb, void *ctx) {
  if (!src || !dst || src == dst) return UV_EINVAL;
  nnet__pipeline_t *pl = nnet__calloc(1, sizeof(*pl));
  if (!pl) return UV_ENOMEM;
  pl->src = src;
  pl->dst = dst;
  pl->loop = nnet_socket_loop(src);
  pl->cb = cb;
  pl->ctx = ctx;
  pl->pending = 2;
  if (pl_attach(pl) != 0) {
    nnet_socket_unpipe(src, dst);
    pl_detach_src(pl);
    pl_detach_dst(pl);
    pl->cb = NULL; /* a queued end job only frees */
    pl_free_if_done(pl);
    return UV_ENOMEM;
  }
  return 0;
}

int nnet_pipeline(nnet_socket_t *src, nnet_socket_t *dst, nnet_pipeline_cb cb,
                  void *ctx) {
  return pipeline_start(src, dst, cb, ctx);
}

/* ---- both directions ---- */

typedef struct {
  nnet_pipeline_cb cb;
  void *ctx;
  nnet__error_t err;
  bool has_err;
  int pending;
} nnet__duplex_t;

static void duplex_done(const nnet_error_t *err, void *ctx) {
  nnet__duplex_t *d = ctx;
  if (err &&
      (!d->has_err || d->err.pub.code == NNET_ERR_STREAM_PREMATURE_CLOSE)) {
    nnet__error_clear(&d->err);
    memset(&d->err, 0, sizeof(d->err));
    nnet__error_copy(&d->err, err);
    d->has_err = true;
  }
  if (--d->pending > 0) return;
  if (d->cb) d->cb(d->has_err ? &d->err.pub : NULL, d->ctx);
  nnet__error_clear(&d->err);
  nnet__free(d);
}

int nnet_pipeline_duplex(nnet_socket_t *a, nnet_socket_t *b,
                         nnet_pipeline_cb cb, void *ctx) {
  if (!a || !b || a == b) return UV_EINVAL;
  nnet__duplex_t *d = nnet__calloc(1, sizeof(*d));
  if (!d) return UV_ENOMEM;
  d->cb = cb;
  d->ctx = ctx;
  d->pending = 2;
  int rc = pipeline_start(a, b, duplex_done, d);
  if (rc != 0) {
    nnet__free(d);
    return rc;
  }
  if ((rc = pipeline_start(b, a, duplex_done, d)) != 0) {
    /* the first direction stays; it reports ENOMEM as its error */
    nnet_socket_destroy(a, UV_ENOMEM);
    nnet_socket_destroy(b, UV_ENOMEM);
    d->pending--;
  }
  return 0;
}
