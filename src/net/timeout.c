/* net.Socket: setTimeout() — an idle notifier. 'timeout' is emitted after
 * ms without reads or writes; the socket is not destroyed (except by a
 * server's idle_timeout, beyond Node, when no 'timeout' listener is there).
 *
 * Activity only records uv_now(): the timer is not restarted per read or
 * write (a timer-heap update on the hot path). When it fires early it is
 * re-armed for the rest of the interval. One nnet__timer_t per socket, created
 * by the first setTimeout() (an idle socket that never calls it carries
 * only a NULL pointer); its timer is unref'd like Node's timeout. */
#include "net/socket_internal.h"

static void timer_close_cb(uv_handle_t *h) {
  nnet__socket_closed_one(h->data);
}

static void timer_cb(uv_timer_t *handle) {
  nnet__timer_t *t = (nnet__timer_t *)handle;
  nnet_socket_t *s = handle->data;
  uint64_t idle = uv_now(handle->loop) - t->last_active;
  if (idle < t->ms) {
    uv_timer_start(handle, timer_cb, t->ms - idle, 0);
    return;
  }
  /* The server's idle timeout: nobody listens, so nobody will act. */
  bool destroy =
      t->destroy_idle && nnet__emitter_count(&s->em, NNET_EV_TIMEOUT) == 0;
  nnet__socket_hold(s);
  nnet__socket_emit_simple(s, NNET_EV_TIMEOUT);
  if (destroy) nnet__socket_destroy_with(s, NULL); /* idempotent */
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

void nnet__timeout_touch(nnet_socket_t *s) {
  nnet__timer_t *t = s->timer;
  if (t == NULL || t->ms == 0 || t->closed) return;
  t->last_active = uv_now(t->t.loop);
  if (!uv_is_active((uv_handle_t *)&t->t))
    uv_timer_start(&t->t, timer_cb, t->ms, 0);
}

void nnet__timeout_close(nnet_socket_t *s) {
  nnet__timer_t *t = s->timer;
  if (t == NULL || t->closed) return;
  t->closed = true;
  s->pending_closes++;
  uv_close((uv_handle_t *)&t->t, timer_close_cb);
}

void nnet__timeout_free(nnet_socket_t *s) {
  nnet__free(s->timer);
  s->timer = NULL;
}

/* A socket connect()ed again after its 'close' reuses the memory of its
 * closed timer (its close callback ran before 'close'). */
static int timer_open(nnet_socket_t *s) {
  nnet__timer_t *t = s->timer;
  if (t == NULL) t = nnet__calloc(1, sizeof(*t));
  if (t == NULL) return UV_ENOMEM;
  uv_timer_init(nnet__socket_loop(s), &t->t);
  t->t.data = s;
  t->closed = false;
  uv_unref((uv_handle_t *)&t->t);
  s->timer = t;
  return 0;
}

int nnet_socket_set_timeout(nnet_socket_t *s, unsigned ms, nnet_listener_fn fn,
                            void *ctx) {
  if (s->timer) s->timer->destroy_idle = false; /* the user's now */
  if (ms == 0) {
    if (s->timer) {
      s->timer->ms = 0;
      if (!s->timer->closed) uv_timer_stop(&s->timer->t);
    }
    if (fn) nnet_socket_off(s, NNET_EV_TIMEOUT, fn, ctx);
    return 0;
  }
  if (nnet__socket_dead(s)) return 0; /* Node: no timer on a destroyed one */
  if (s->timer == NULL || s->timer->closed) {
    int rc = timer_open(s);
    if (rc != 0) return rc;
  }
  if (fn) {
    int rc = nnet_socket_once(s, NNET_EV_TIMEOUT, fn, ctx);
    if (rc != 0) return rc;
  }
  nnet__timer_t *t = s->timer;
  t->ms = ms;
  t->last_active = uv_now(t->t.loop);
  uv_timer_start(&t->t, timer_cb, ms, 0);
  return 0;
}

unsigned nnet_socket_timeout(const nnet_socket_t *s) {
  return s->timer ? s->timer->ms : 0;
}

int nnet__timeout_server_idle(nnet_socket_t *s, unsigned ms) {
  int rc = nnet_socket_set_timeout(s, ms, NULL, NULL);
  if (rc == 0 && s->timer != NULL) s->timer->destroy_idle = true;
  return rc;
}
