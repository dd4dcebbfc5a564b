/* net.Socket: setTimeout() — an idle notifier. 'timeout' is emitted after
 * ms without reads or writes; the socket is not destroyed.
 *
 * Activity only records uv_now(): the timer is not restarted per read or
 * write (a timer-heap update on the hot path). When it fires early it is
 * re-armed for the rest of the interval. One uv_timer_t per socket, created
 * by the first setTimeout() and unref'd like Node's timeout. */
#include "net/socket_internal.h"

static void timer_close_cb(uv_handle_t *h) {
  nnet_socket_t *s = h->data;
  nnet__free(h);
  nnet__socket_closed_one(s);
}

static void timer_cb(uv_timer_t *t) {
  nnet_socket_t *s = t->data;
  uint64_t idle = uv_now(s->loop) - s->last_active;
  if (idle < s->timeout_ms) {
    uv_timer_start(t, timer_cb, s->timeout_ms - idle, 0);
    return;
  }
  nnet__socket_hold(s);
  nnet__socket_emit_simple(s, NNET_EV_TIMEOUT);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

void nnet__timeout_touch(nnet_socket_t *s) {
  if (s->timeout_ms == 0) return;
  s->last_active = uv_now(s->loop);
  if (s->timer && !uv_is_active((uv_handle_t *)s->timer))
    uv_timer_start(s->timer, timer_cb, s->timeout_ms, 0);
}

void nnet__timeout_close(nnet_socket_t *s) {
  if (s->timer == NULL) return;
  s->pending_closes++;
  uv_close((uv_handle_t *)s->timer, timer_close_cb);
  s->timer = NULL;
}

int nnet_socket_set_timeout(nnet_socket_t *s, unsigned ms, nnet_listener_fn fn,
                            void *ctx) {
  if (ms == 0) {
    s->timeout_ms = 0;
    if (s->timer) uv_timer_stop(s->timer);
    if (fn) nnet_socket_off(s, NNET_EV_TIMEOUT, fn, ctx);
    return 0;
  }
  if (nnet__socket_dead(s)) return 0; /* Node: no timer on a destroyed one */
  if (s->timer == NULL) {
    s->timer = nnet__malloc(sizeof(*s->timer));
    if (s->timer == NULL) return UV_ENOMEM;
    uv_timer_init(s->loop, s->timer);
    s->timer->data = s;
    uv_unref((uv_handle_t *)s->timer);
  }
  if (fn) {
    int rc = nnet_socket_once(s, NNET_EV_TIMEOUT, fn, ctx);
    if (rc != 0) return rc;
  }
  s->timeout_ms = ms;
  s->last_active = uv_now(s->loop);
  uv_timer_start(s->timer, timer_cb, ms, 0);
  return 0;
}

unsigned nnet_socket_timeout(const nnet_socket_t *s) {
  return s->timeout_ms;
}
