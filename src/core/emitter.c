/* Node's EventEmitter: listeners in registration order, snapshot emits.
 *
 * Node's emit() clones the listener array, so a listener added during an
 * emit is not called by it and one removed during it still is. Cloning on
 * every emit would allocate on the hot path (every 'data'), so instead each
 * add/remove/emit takes a stamp and an emit calls exactly the listeners
 * that were live when its stamp was taken (see internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void nnet__emitter_init(nnet__emitter_t *em) {
  memset(em, 0, sizeof(*em));
  em->items = em->inl;
  em->cap = NNET__EMITTER_INLINE;
}

void nnet__emitter_free(nnet__emitter_t *em) {
  if (em->items != em->inl) nnet__free(em->items);
  nnet__emitter_init(em);
}

/* Removed entries stay in place while any emit is on the stack, because
 * those emits address listeners by index. With none on the stack no
 * removed entry survives, so no stamp is referenced and the counter
 * restarts (the wrap rule in internal.h). */
static void compact(nnet__emitter_t *em) {
  if (em->depth > 0) return;
  if (em->n_removed > 0) {
    uint32_t j = 0;
    for (uint32_t i = 0; i < em->len; i++)
      if (em->items[i].removed == 0) em->items[j++] = em->items[i];
    em->len = j;
    em->n_removed = 0;
  }
  em->stamp = 0;
}

static void mark_removed(nnet__emitter_t *em, nnet__listener_t *l,
                         uint32_t stamp) {
  l->removed = stamp;
  em->n_removed++;
}

static int grow(nnet__emitter_t *em) {
  if (em->len < em->cap) return 0;
  if (em->cap > UINT32_MAX / 2) return UV_ENOMEM;
  uint32_t cap = em->cap * 2;
  nnet__listener_t *items;
  if (em->items == em->inl) {
    items = nnet__malloc(cap * sizeof(*items));
    if (items != NULL) memcpy(items, em->inl, sizeof(em->inl));
  } else {
    items = nnet__realloc(em->items, cap * sizeof(*items));
  }
  if (items == NULL) return UV_ENOMEM;
  em->items = items;
  em->cap = cap;
  return 0;
}

int nnet__emitter_on(nnet__emitter_t *em, nnet_event_type_t type,
                     nnet_listener_fn fn, void *ctx, int once, int prepend) {
  if ((unsigned)type >= NNET_EV_COUNT_ || fn == NULL) return UV_EINVAL;
  compact(em);
  if (grow(em) != 0) return UV_ENOMEM;
  nnet__listener_t l = {fn, ctx, 0, (uint8_t)type, once ? 1 : 0, 0};
  if (prepend) {
    memmove(em->items + 1, em->items, em->len * sizeof(*em->items));
    em->items[0] = l;
    em->prepends++;
  } else {
    em->items[em->len] = l;
  }
  em->len++;
  return 0;
}

/* Node's removeListener walks from the end: the most recent registration of
 * the same (type, fn, ctx) goes first. */
int nnet__emitter_off(nnet__emitter_t *em, nnet_event_type_t type,
                      nnet_listener_fn fn, void *ctx) {
  if ((unsigned)type >= NNET_EV_COUNT_) return UV_EINVAL;
  for (uint32_t i = em->len; i-- > 0;) {
    nnet__listener_t *l = &em->items[i];
    if (l->removed == 0 && l->type == type && l->fn == fn && l->ctx == ctx) {
      mark_removed(em, l, ++em->stamp);
      break;
    }
  }
  compact(em);
  return 0;
}

int nnet__emitter_remove_all(nnet__emitter_t *em, nnet_event_type_t type) {
  if ((unsigned)type > NNET_EV_COUNT_) return UV_EINVAL;
  uint32_t stamp = ++em->stamp;
  for (uint32_t i = 0; i < em->len; i++) {
    nnet__listener_t *l = &em->items[i];
    if (l->removed == 0 && (type == NNET_EV_COUNT_ || l->type == type))
      mark_removed(em, l, stamp);
  }
  compact(em);
  return 0;
}

/* Counted on demand: objects have a handful of listeners, and a per-type
 * count array would cost every idle connection 64 bytes. */
size_t nnet__emitter_count(const nnet__emitter_t *em, nnet_event_type_t type) {
  if ((unsigned)type >= NNET_EV_COUNT_) return 0;
  size_t n = 0;
  for (uint32_t i = 0; i < em->len; i++)
    n += em->items[i].type == type && em->items[i].removed == 0;
  return n;
}

static int in_snapshot(const nnet__listener_t *l, nnet_event_type_t type,
                       uint32_t e) {
  if (l->type != type || l->fired) return 0;
  return l->removed == 0 || l->removed > e;
}

_Thread_local unsigned nnet__user_depth;

size_t nnet__emit(nnet__emitter_t *em, const nnet_event_t *ev) {
  nnet_event_type_t type = ev->type;
  if ((unsigned)type >= NNET_EV_COUNT_) return 0;
  if (type == NNET_EV_ERROR && nnet__emitter_count(em, type) == 0) {
    nnet__user_enter();
    nnet__uncaught_error(ev->target, ev->u.error);
    nnet__user_leave();
    return 0;
  }
  /* Entries appended from here on lie past len0 (plus prepends): not ours. */
  uint32_t e = ++em->stamp;
  uint32_t prepends0 = em->prepends;
  uint32_t len0 = em->len;
  size_t called = 0;
  em->depth++;
  for (uint32_t i = 0; i < len0; i++) {
    /* Every prepend since this emit began moved our position one right. */
    uint32_t k = i + (em->prepends - prepends0);
    nnet__listener_t *l = &em->items[k];
    if (!in_snapshot(l, type, e)) continue;
    if (l->once) {
      l->fired = 1;
      if (l->removed == 0) mark_removed(em, l, ++em->stamp);
    }
    /* Copy out: the call may grow (move) the array. */
    nnet_listener_fn fn = l->fn;
    void *ctx = l->ctx;
    nnet__user_enter();
    fn(ev, ctx);
    nnet__user_leave();
    called++;
  }
  em->depth--;
  compact(em);
  return called;
}

/* ---- 'error' with no listener ------------------------------------------- */

static nnet_uncaught_error_fn uncaught_fn;
static void *uncaught_ctx;

void nnet_set_uncaught_error_handler(nnet_uncaught_error_fn fn, void *ctx) {
  uncaught_fn = fn;
  uncaught_ctx = fn ? ctx : NULL;
}

/* Node throws here and the process dies; a silent error would be worse. */
void nnet__uncaught_error(void *target, const nnet_error_t *err) {
  if (uncaught_fn != NULL) {
    uncaught_fn(target, err, uncaught_ctx);
    return;
  }
  fprintf(stderr, "nodenet: unhandled 'error' event: %s %s\n",
          err && err->code_name ? err->code_name : "UNKNOWN",
          err && err->message ? err->message : "");
  fflush(stderr);
  abort();
}
