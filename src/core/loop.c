/* Per-loop state and the deferred queue (Node's process.nextTick).
 *
 * Every object acquires the state of its uv_loop_t on creation and releases
 * it when freed. The state owns one uv_idle_t that drains the queue; it is
 * started only while the queue is non-empty, so an empty queue neither keeps
 * the loop alive nor makes it spin, and it is closed with the last release,
 * so uv_loop_close() succeeds once every object is gone. */
#include <pthread.h>
#include <string.h>

#include "internal.h"

/* Work deferred by deferred work runs in the same drain, as nextTick does,
 * but a callback that re-queues itself forever must not starve I/O: after
 * this many callbacks the rest waits for the next loop turn. */
#define DRAIN_CAP     65536
#define READ_BUF_SIZE ((size_t)NNET__READ_MIN << NNET__READ_MAX_SHIFT)

typedef struct {
  nnet__defer_fn fn;
  void *arg;
} defer_item_t;

typedef struct {
  defer_item_t *ring; /* FIFO ring buffer */
  size_t head, count, cap;
} defer_ring_t;

struct nnet__loop_s {
  uv_loop_t *loop;
  uv_idle_t idle;   /* drains the nextTick ring; runs while work is queued */
  uv_check_t check; /* runs setImmediate work after the poll phase */
  unsigned refs;
  unsigned closing; /* handles still closing */
  unsigned draining : 1;
  unsigned released : 1; /* refs hit 0 while draining: close after drain */
  defer_ring_t tick, imm;
  nnet__loop_t *next; /* registry link */
  /* nnet__loop_read_buf(), READ_BUF_SIZE bytes: not a thread-local array,
   * which every thread the program starts would touch (glibc clears
   * static TLS per thread) */
  char *read_buf;
};

/* One loop per thread, few loops per process: a list under a mutex. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static nnet__loop_t *registry;

static void registry_remove(nnet__loop_t *nl) {
  pthread_mutex_lock(&registry_lock);
  for (nnet__loop_t **p = &registry; *p != NULL; p = &(*p)->next) {
    if (*p == nl) {
      *p = nl->next;
      break;
    }
  }
  pthread_mutex_unlock(&registry_lock);
}

static nnet__loop_t *registry_find(uv_loop_t *loop) {
  nnet__loop_t *nl;
  for (nl = registry; nl != NULL; nl = nl->next)
    if (nl->loop == loop) break;
  return nl;
}

static void drain(nnet__loop_t *nl);

/* The loop's own phases run no user code of this loop around them: drain
 * whatever nnet__user_depth says (it may count an emit of another loop
 * that runs this one nested). */
static void idle_cb(uv_idle_t *idle) {
  drain(nnet__container_of(idle, nnet__loop_t, idle));
}

static void check_cb(uv_check_t *check);

static nnet__loop_t *loop_new(uv_loop_t *loop) {
  nnet__loop_t *nl = nnet__calloc(1, sizeof(*nl));
  if (nl == NULL) return NULL;
  nl->loop = loop;
  nl->read_buf = nnet__malloc(READ_BUF_SIZE);
  if (nl->read_buf == NULL || uv_idle_init(loop, &nl->idle) != 0) {
    nnet__free(nl->read_buf);
    nnet__free(nl);
    return NULL;
  }
  uv_check_init(loop, &nl->check); /* cannot fail on unix */
  return nl;
}

nnet__loop_t *nnet__loop_acquire(uv_loop_t *loop) {
  pthread_mutex_lock(&registry_lock);
  nnet__loop_t *nl = registry_find(loop);
  if (nl == NULL) {
    nl = loop_new(loop);
    if (nl != NULL) {
      nl->next = registry;
      registry = nl;
    }
  }
  if (nl != NULL) nl->refs++;
  pthread_mutex_unlock(&registry_lock);
  return nl;
}

static void free_cb(uv_handle_t *h) {
  nnet__loop_t *nl = h->data;
  if (--nl->closing > 0) return;
  nnet__free(nl->tick.ring);
  nnet__free(nl->imm.ring);
  nnet__free(nl->read_buf);
  nnet__free(nl);
}

/* Work still queued here belongs to objects that no longer exist (each
 * object, and each pending public tick or immediate, holds a reference
 * until it is done), so it is dropped. */
static void loop_close(nnet__loop_t *nl) {
  nl->tick.count = nl->imm.count = 0;
  nl->closing = 2;
  nl->idle.data = nl->check.data = nl;
  uv_close((uv_handle_t *)&nl->idle, free_cb);
  uv_close((uv_handle_t *)&nl->check, free_cb);
}

void nnet__loop_release(nnet__loop_t *nl) {
  if (--nl->refs > 0) return;
  /* Unlink now so that a later acquire on the same uv_loop_t starts a fresh
   * state even while this one is still closing. */
  registry_remove(nl);
  if (nl->draining)
    nl->released = 1;
  else
    loop_close(nl);
}

uv_loop_t *nnet__loop_uv(nnet__loop_t *nl) {
  return nl->loop;
}

char *nnet__loop_read_buf(nnet__loop_t *nl, size_t want, size_t *len) {
  *len = want < READ_BUF_SIZE ? want : READ_BUF_SIZE;
  return nl->read_buf;
}

static int ring_push(defer_ring_t *r, nnet__defer_fn fn, void *arg) {
  if (r->count == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    defer_item_t *ring = nnet__malloc(cap * sizeof(*ring));
    if (ring == NULL) return UV_ENOMEM;
    for (size_t i = 0; i < r->count; i++)
      ring[i] = r->ring[(r->head + i) % r->cap];
    nnet__free(r->ring);
    r->ring = ring;
    r->head = 0;
    r->cap = cap;
  }
  r->ring[(r->head + r->count) % r->cap] = (defer_item_t){fn, arg};
  r->count++;
  return 0;
}

static defer_item_t ring_pop(defer_ring_t *r) {
  defer_item_t it = r->ring[r->head];
  r->head = (r->head + 1) % r->cap;
  r->count--;
  return it;
}

int nnet__defer(nnet__loop_t *nl, nnet__defer_fn fn, void *arg) {
  if (ring_push(&nl->tick, fn, arg) != 0) return UV_ENOMEM;
  if (!nl->draining) uv_idle_start(&nl->idle, idle_cb);
  return 0;
}

/* The idle handle also runs while immediates wait: an active idle handle
 * makes the poll phase return at once, so the check phase comes round
 * without waiting for I/O, as Node's setImmediate does. */
static void idle_update(nnet__loop_t *nl) {
  if (nl->tick.count > 0 || nl->imm.count > 0)
    uv_idle_start(&nl->idle, idle_cb);
  else
    uv_idle_stop(&nl->idle);
}

void nnet__tick_drain(nnet__loop_t *nl) {
  /* Inside a listener: after the outer callback (see internal.h). */
  if (nnet__user_depth > 0) return;
  drain(nl);
}

static void drain(nnet__loop_t *nl) {
  /* Re-entry (a deferred callback ending in an internal libuv callback path)
   * leaves the work to the drain already on the stack. */
  if (nl->draining) return;
  nl->draining = 1;
  for (unsigned n = 0; n < DRAIN_CAP && nl->tick.count > 0 && !nl->released;
       n++) {
    defer_item_t it = ring_pop(&nl->tick);
    it.fn(it.arg);
  }
  nl->draining = 0;
  if (nl->released)
    loop_close(nl);
  else
    idle_update(nl);
}

/* Node runs the immediates queued before the check phase began; ones they
 * queue wait for the next turn. nextTick work runs after each one. */
static void check_cb(uv_check_t *check) {
  nnet__loop_t *nl = nnet__container_of(check, nnet__loop_t, check);
  size_t n = nl->imm.count;
  nl->refs++; /* the loop state outlives the callbacks it runs */
  while (n-- > 0 && nl->imm.count > 0) {
    defer_item_t it = ring_pop(&nl->imm);
    it.fn(it.arg);
    drain(nl);
  }
  if (nl->imm.count == 0) uv_check_stop(&nl->check);
  idle_update(nl);
  nnet__loop_release(nl);
}

/* ---- public nextTick / setImmediate ---- */

typedef struct {
  nnet__loop_t *nl;
  nnet_tick_fn fn;
  void *ctx;
} user_work_t;

static void user_work_run(void *arg) {
  user_work_t w = *(user_work_t *)arg;
  nnet__free(arg);
  w.fn(w.ctx);
  nnet__loop_release(w.nl);
}

static int user_work_queue(uv_loop_t *loop, nnet_tick_fn fn, void *ctx,
                           bool immediate) {
  if (fn == NULL) return UV_EINVAL;
  nnet__loop_t *nl = nnet__loop_acquire(loop ? loop : uv_default_loop());
  if (nl == NULL) return UV_ENOMEM;
  user_work_t *w = nnet__malloc(sizeof(*w));
  int rc = w ? 0 : UV_ENOMEM;
  if (w) *w = (user_work_t){nl, fn, ctx};
  if (rc == 0 && immediate) {
    rc = ring_push(&nl->imm, user_work_run, w);
    if (rc == 0) {
      uv_check_start(&nl->check, check_cb);
      idle_update(nl);
    }
  } else if (rc == 0) {
    rc = nnet__defer(nl, user_work_run, w);
  }
  if (rc != 0) {
    nnet__free(w);
    nnet__loop_release(nl);
  }
  return rc;
}

int nnet_next_tick(uv_loop_t *loop, nnet_tick_fn fn, void *ctx) {
  return user_work_queue(loop, fn, ctx, false);
}

int nnet_set_immediate(uv_loop_t *loop, nnet_tick_fn fn, void *ctx) {
  return user_work_queue(loop, fn, ctx, true);
}
