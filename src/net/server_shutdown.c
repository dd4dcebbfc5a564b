/* nnet_server_shutdown(): server.close() with a deadline (beyond Node).
 *
 * close() stops accepting; then one timer walks the server's connection
 * list (srv->conns, kept by server.c) twice: at the deadline it end()s what
 * is still open, a grace later it destroys what still is. The shutdown
 * record lives until both the server's 'close' (which runs the callbacks
 * and detaches it) and the timer's close callback have happened; the
 * timer holds the server meanwhile. */
#include "net/server_internal.h"
#include "net/socket_internal.h"

typedef struct shut_cb_s {
  struct shut_cb_s *next;
  nnet_shutdown_cb cb;
  void *ctx;
} shut_cb_t;

enum { WAIT_DEADLINE, WAIT_GRACE, DONE };

struct nnet__shutdown_s {
  uv_timer_t timer;
  nnet_server_t *srv;  /* NULL once detached by the server's 'close' */
  nnet_server_t *held; /* the server the open timer holds */
  shut_cb_t *cbs, **tail;
  uint64_t due;      /* uv_now() at which the timer fires next */
  uint64_t ended_at; /* uv_now() of the deadline's end() pass */
  unsigned grace_ms;
  int status;
  int step;
  size_t ended, destroyed;
  bool timer_open;    /* initialised; its close callback has not run */
  bool timer_closing; /* uv_close() called */
};

static void maybe_free(nnet__shutdown_t *sd) {
  if (sd->srv != NULL || sd->timer_open) return;
  nnet__free(sd);
}

static void timer_closed(uv_handle_t *h) {
  nnet__shutdown_t *sd = nnet__container_of(h, nnet__shutdown_t, timer);
  nnet_server_t *srv = sd->held;
  sd->timer_open = false;
  maybe_free(sd);
  nnet__server_unhold(srv);
}

static void stop_timer(nnet__shutdown_t *sd) {
  if (!sd->timer_open || sd->timer_closing) return;
  sd->timer_closing = true;
  uv_close((uv_handle_t *)&sd->timer, timer_closed);
}

static void arm(nnet__shutdown_t *sd, uint64_t due);

/* Neither pass can make another socket go: end() and destroy() emit
 * nothing synchronously and unlink only their own socket, so `next` read
 * before the call stays valid. */
static void on_timer(uv_timer_t *t) {
  nnet__shutdown_t *sd = nnet__container_of(t, nnet__shutdown_t, timer);
  nnet_server_t *srv = sd->srv;
  nnet__server_hold(srv);
  if (sd->step == WAIT_DEADLINE) {
    for (nnet_socket_t *s = srv->conns, *next; s != NULL; s = next) {
      next = s->conn_next;
      sd->ended++;
      if (!(s->flags & NNET__S_ENDING)) nnet_socket_end(s, NULL, 0, NULL, NULL);
    }
    sd->step = WAIT_GRACE;
    sd->ended_at = uv_now(srv->loop);
    arm(sd, sd->ended_at + sd->grace_ms);
  } else {
    for (nnet_socket_t *s = srv->conns, *next; s != NULL; s = next) {
      next = s->conn_next;
      sd->destroyed++;
      nnet_socket_destroy(s, 0);
    }
    sd->step = DONE;
    stop_timer(sd);
  }
  nnet__tick_drain(srv->nl);
  nnet__server_unhold(srv);
}

/* (Re)starts the timer for `due`, creating it the first time; nothing when
 * no connection is left to wait for ('close' is on its way). */
static void arm(nnet__shutdown_t *sd, uint64_t due) {
  nnet_server_t *srv = sd->srv;
  if (srv->conns == NULL || sd->timer_closing) {
    stop_timer(sd);
    return;
  }
  if (!sd->timer_open) {
    uv_timer_init(srv->loop, &sd->timer);
    uv_unref((uv_handle_t *)&sd->timer);
    sd->timer_open = true;
    sd->held = srv;
    nnet__server_hold(srv);
  }
  uint64_t now = uv_now(srv->loop);
  sd->due = due;
  uv_timer_start(&sd->timer, on_timer, due > now ? due - now : 0, 0);
}

/* A second call: an earlier deadline or a shorter grace takes over. */
static void hurry(nnet__shutdown_t *sd, unsigned deadline_ms,
                  unsigned grace_ms) {
  uint64_t now = uv_now(sd->srv->loop);
  if (grace_ms < sd->grace_ms) sd->grace_ms = grace_ms;
  if (sd->step == WAIT_DEADLINE && now + deadline_ms < sd->due)
    arm(sd, now + deadline_ms);
  else if (sd->step == WAIT_GRACE && sd->ended_at + sd->grace_ms < sd->due)
    arm(sd, sd->ended_at + sd->grace_ms);
}

void nnet__shutdown_on_close(nnet_server_t *srv) {
  nnet__shutdown_t *sd = srv->shutdown;
  srv->shutdown = NULL;
  sd->srv = NULL;
  stop_timer(sd);
  /* Detached first: a callback may start a new shutdown. */
  while (sd->cbs != NULL) {
    shut_cb_t *r = sd->cbs;
    sd->cbs = r->next;
    r->cb(srv, sd->status, sd->ended, sd->destroyed, r->ctx);
    nnet__free(r);
  }
  maybe_free(sd);
}

int nnet_server_shutdown(nnet_server_t *srv, unsigned deadline_ms,
                         unsigned grace_ms, nnet_shutdown_cb cb, void *ctx) {
  if (srv == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  shut_cb_t *r = NULL;
  if (cb != NULL && (r = nnet__calloc(1, sizeof(*r))) == NULL) return UV_ENOMEM;
  nnet__shutdown_t *sd = srv->shutdown;
  int rc = 0;
  if (sd != NULL) {
    hurry(sd, deadline_ms, grace_ms);
  } else {
    sd = nnet__calloc(1, sizeof(*sd));
    if (sd == NULL) {
      nnet__free(r);
      return UV_ENOMEM;
    }
    sd->srv = srv;
    sd->tail = &sd->cbs;
    sd->grace_ms = grace_ms;
    sd->status = srv->lh != NULL ? 0 : NNET_ERR_SERVER_NOT_RUNNING;
    srv->shutdown = sd;
    nnet__server_hold(srv);
    rc = nnet_server_close(srv, NULL, NULL);
    arm(sd, uv_now(srv->loop) + deadline_ms);
    nnet__server_unhold(srv);
  }
  if (r != NULL) {
    r->cb = cb;
    r->ctx = ctx;
    *sd->tail = r;
    sd->tail = &r->next;
  }
  return rc;
}
