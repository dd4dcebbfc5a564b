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
#define DRAIN_CAP 65536

typedef struct {
  nnet__defer_fn fn;
  void *arg;
} defer_item_t;

struct nnet__loop_s {
  uv_loop_t *loop;
  uv_idle_t idle;
  unsigned refs;
  unsigned draining : 1;
  unsigned released : 1; /* refs hit 0 while draining: close after drain */
  defer_item_t *ring;    /* FIFO ring buffer */
  size_t head, count, cap;
  nnet__loop_t *next; /* registry link */
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

static void idle_cb(uv_idle_t *idle) {
  nnet__tick_drain(nnet__container_of(idle, nnet__loop_t, idle));
}

static nnet__loop_t *loop_new(uv_loop_t *loop) {
  nnet__loop_t *nl = nnet__calloc(1, sizeof(*nl));
  if (nl == NULL) return NULL;
  nl->loop = loop;
  if (uv_idle_init(loop, &nl->idle) != 0) {
    nnet__free(nl);
    return NULL;
  }
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
  nnet__loop_t *nl = nnet__container_of(h, nnet__loop_t, idle);
  nnet__free(nl->ring);
  nnet__free(nl);
}

/* Work still queued here belongs to objects that no longer exist (each
 * object holds a reference until it is freed), so it is dropped. */
static void loop_close(nnet__loop_t *nl) {
  nl->count = 0;
  uv_close((uv_handle_t *)&nl->idle, free_cb);
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

static int ring_grow(nnet__loop_t *nl) {
  size_t cap = nl->cap ? nl->cap * 2 : 16;
  defer_item_t *ring = nnet__malloc(cap * sizeof(*ring));
  if (ring == NULL) return UV_ENOMEM;
  for (size_t i = 0; i < nl->count; i++)
    ring[i] = nl->ring[(nl->head + i) % nl->cap];
  nnet__free(nl->ring);
  nl->ring = ring;
  nl->head = 0;
  nl->cap = cap;
  return 0;
}

int nnet__defer(nnet__loop_t *nl, nnet__defer_fn fn, void *arg) {
  if (nl->count == nl->cap && ring_grow(nl) != 0) return UV_ENOMEM;
  nl->ring[(nl->head + nl->count) % nl->cap] = (defer_item_t){fn, arg};
  nl->count++;
  if (!nl->draining) uv_idle_start(&nl->idle, idle_cb);
  return 0;
}

void nnet__tick_drain(nnet__loop_t *nl) {
  /* Re-entry (a deferred callback ending in an internal libuv callback path)
   * leaves the work to the drain already on the stack. */
  if (nl->draining) return;
  nl->draining = 1;
  for (unsigned n = 0; n < DRAIN_CAP && nl->count > 0 && !nl->released; n++) {
    defer_item_t it = nl->ring[nl->head];
    nl->head = (nl->head + 1) % nl->cap;
    nl->count--;
    it.fn(it.arg);
  }
  nl->draining = 0;
  if (nl->released) {
    loop_close(nl);
  } else if (nl->count > 0) {
    uv_idle_start(&nl->idle, idle_cb);
  } else {
    uv_idle_stop(&nl->idle);
  }
}
