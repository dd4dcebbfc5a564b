/* Connection attempts: one address (Node's internalConnect), Node's
 * sequential autoSelectFamily (internalConnectMultiple), or RFC 8305
 * racing.
 *
 * Each attempt is a raw non-blocking socket watched by a uv_poll_t, so
 * several can be in flight; the winner's descriptor is handed to the
 * socket's uv_tcp_t with uv_tcp_open() once its poll watcher is stopped
 * (libuv allows one watcher per descriptor). Losers are closed silently.
 * Attempt handles and timers free themselves in their close callbacks and
 * never touch the socket, so cancelling is just closing them. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/connect_internal.h"

struct nnet__attempt_s {
  nnet__attempt_t *next;
  nnet__connect_t *st;
  uv_poll_t poll;
  int fd;
  int delayed_err; /* connect() refused at once: reported as libuv does */
  size_t cand;
  size_t attempted_index; /* in st->attempted (multi) */
  /* Cancelled by destroy: 'connectionAttemptFailed' (ECANCELED) is emitted
   * on `owner` from the close callback, as Node's afterConnectMultiple does
   * when libuv cancels the pending connect. */
  nnet_socket_t *owner;
  /* fd is the socket's own (a wrapped descriptor connecting): never
   * closed here */
  bool borrowed;
  nnet__cand_t cancelled;
  int port;
  nnet__error_t err;
};

enum { ATT_STARTED, ATT_FAILED, ATT_DEAD };

static void race_next(nnet__connect_t *st);
static void seq_next(nnet__connect_t *st, bool canceled);

/* ---- small helpers ---- */

static bool alive(nnet__connect_t *st) {
  nnet_socket_t *s = st->s;
  return !st->cancelled && !st->finished && !nnet__socket_dead(s) &&
         s->connect_state == st;
}

/* After a user listener: a destroy inside it may have freed st (no lookup
 * outstanding, nothing attempted yet), so look at the socket (held by the
 * caller) before touching st. */
static bool alive_after_emit(nnet_socket_t *s, nnet__connect_t *st) {
  return !nnet__socket_dead(s) && s->connect_state == st && alive(st);
}

/* The payload is copied: a listener that destroys the socket frees st
 * (and its candidates) while later listeners still read the event. */
static void emit_attempt(nnet__connect_t *st, nnet_event_type_t type,
                         const nnet__cand_t *c, const nnet_error_t *err) {
  char text[sizeof(c->text)];
  memcpy(text, c->text, sizeof(text));
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.u.attempt.address = text;
  ev.u.attempt.port = st->port;
  ev.u.attempt.family = c->family;
  ev.u.attempt.err = err;
  nnet__socket_emit(st->s, &ev);
}

static int push_error(nnet__connect_t *st, nnet__error_t *e) {
  nnet__error_t *n = nnet__realloc(st->errors, (st->n_errors + 1) * sizeof(*n));
  if (n == NULL) {
    nnet__error_clear(e);
    return UV_ENOMEM;
  }
  st->errors = n;
  st->errors[st->n_errors++] = *e;
  memset(e, 0, sizeof(*e));
  return 0;
}

static int push_attempted(nnet__connect_t *st, const nnet__cand_t *c) {
  char buf[80];
  snprintf(buf, sizeof(buf), "%s:%d", c->text, st->port);
  char **n = nnet__realloc(st->attempted, (st->n_attempted + 1) * sizeof(*n));
  if (n == NULL) return UV_ENOMEM;
  st->attempted = n;
  n[st->n_attempted] = nnet__strdup(buf);
  if (n[st->n_attempted] == NULL) return UV_ENOMEM;
  st->n_attempted++;
  return 0;
}

/* Node's " - Local (a:p)" details of an asynchronous connect error: only
 * when a local port was asked for (the address defaults per family). */
static const char *details_of(nnet__connect_t *st, const nnet__cand_t *c,
                              char *buf, size_t len) {
  if (st->local_port == 0) return NULL;
  const char *la = st->multi ? NULL : st->local_address;
  if (la == NULL) la = c->sa.ss_family == AF_INET6 ? "::" : "0.0.0.0";
  snprintf(buf, len, "%s:%d", la, st->local_port);
  return buf;
}

bool nnet__he_blocked(nnet__connect_t *st, const nnet__cand_t *c,
                      nnet__error_t *e) {
  if (st->block_list == NULL) return false;
  nnet_family_t fam = c->sa.ss_family == AF_INET6 ? NNET_IPV6 : NNET_IPV4;
  if (nnet_blocklist_check(st->block_list, c->text, fam) != 1) return false;
  memset(e, 0, sizeof(*e));
  nnet__error_node(e, NNET_ERR_IP_BLOCKED, "IP(%s) is blocked by net.BlockList",
                   c->text);
  return true;
}

/* ---- timers ---- */

static void timer_free_cb(uv_handle_t *h) {
  nnet__free(h);
}

static void timer_close(uv_timer_t **slot) {
  if (*slot == NULL) return;
  uv_close((uv_handle_t *)*slot, timer_free_cb);
  *slot = NULL;
}

static int timer_start(nnet__connect_t *st, uv_timer_t **slot, unsigned ms,
                       uv_timer_cb cb) {
  if (*slot == NULL) {
    *slot = nnet__malloc(sizeof(**slot));
    if (*slot == NULL) return UV_ENOMEM;
    uv_timer_init(nnet__socket_loop(st->s), *slot);
    (*slot)->data = st;
  }
  return uv_timer_start(*slot, cb, ms, 0);
}

static void timer_stop(uv_timer_t *t) {
  if (t) uv_timer_stop(t);
}

/* ---- attempts ---- */

static void attempt_closed_cb(uv_handle_t *h) {
  nnet__attempt_t *a = nnet__container_of(h, nnet__attempt_t, poll);
  if (a->fd >= 0 && !a->borrowed) close(a->fd);
  nnet_socket_t *s = a->owner;
  if (s) {
    nnet__socket_hold(s);
    nnet_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.type = NNET_EV_CONNECTION_ATTEMPT_FAILED;
    ev.u.attempt.address = a->cancelled.text;
    ev.u.attempt.port = a->port;
    ev.u.attempt.family = a->cancelled.family;
    ev.u.attempt.err = &a->err.pub;
    nnet__socket_emit(s, &ev);
    nnet__error_clear(&a->err);
    nnet__socket_closed_one(s); /* lets 'close' follow */
    nnet__socket_unhold(s);
  }
  nnet__free(a);
}

static void unlink_attempt(nnet__connect_t *st, nnet__attempt_t *a) {
  for (nnet__attempt_t **p = &st->attempts; *p; p = &(*p)->next) {
    if (*p == a) {
      *p = a->next;
      break;
    }
  }
  a->next = NULL;
  a->st = NULL;
}

static void attempt_close(nnet__connect_t *st, nnet__attempt_t *a) {
  unlink_attempt(st, a);
  uv_poll_stop(&a->poll);
  uv_close((uv_handle_t *)&a->poll, attempt_closed_cb);
}

/* The socket is being destroyed with multi attempts in flight: Node's
 * handle close cancels the pending connect and afterConnectMultiple still
 * emits 'connectionAttemptFailed' (ECANCELED), before 'close'. The socket's
 * 'close' waits for these close callbacks (pending_closes). Oldest first. */
void nnet__he_cancel(nnet__connect_t *st) {
  nnet_socket_t *s = st->s;
  if (!st->multi || !(s->flags & NNET__S_DESTROYED) ||
      (s->flags & NNET__S_CLOSED))
    return;
  while (st->attempts) {
    nnet__attempt_t *a = st->attempts;
    while (a->next) a = a->next;
    a->cancelled = st->cands[a->cand];
    a->port = st->port;
    char buf[80];
    nnet__connect_error(&a->err, UV_ECANCELED, "connect", a->cancelled.text,
                        st->port,
                        details_of(st, &a->cancelled, buf, sizeof(buf)));
    a->owner = s;
    s->pending_closes++;
    attempt_close(st, a);
  }
}

void nnet__he_stop(nnet__connect_t *st) {
  while (st->attempts) attempt_close(st, st->attempts);
  timer_close(&st->attempt_timer);
  timer_close(&st->total_timer);
}

/* Every attempt failed: Node destroys with NodeAggregateError(errors), or
 * ERR_SOCKET_CONNECTION_TIMEOUT when there is none. */
static void fail_all(nnet__connect_t *st) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  if (st->n_errors == 0) {
    nnet__error_node(&e, NNET_ERR_SOCKET_CONNECTION_TIMEOUT, NULL);
  } else {
    nnet_error_t *parts = nnet__calloc(st->n_errors, sizeof(*parts));
    if (parts == NULL) {
      nnet__error_node(&e, UV_ENOMEM, NULL);
    } else {
      for (size_t i = 0; i < st->n_errors; i++) parts[i] = st->errors[i].pub;
      nnet__error_aggregate(&e, parts, st->n_errors);
      nnet__free(parts);
    }
  }
  nnet__connect_destroy(st->s, &e);
}

/* A failure of a single (non-multi) attempt: Node destroys at once. */
static int single_fail(nnet__connect_t *st, nnet__error_t *e) {
  nnet__connect_destroy(st->s, e);
  return ATT_DEAD;
}

/* A failure during a multi attempt: recorded, optionally announced. */
static int multi_fail(nnet__connect_t *st, const nnet__cand_t *c,
                      nnet__error_t *e, bool announce) {
  /* Announced from e, recorded after: a destroy in a listener frees
   * st->errors while later listeners still read the error. */
  nnet_socket_t *s = st->s;
  if (announce) {
    emit_attempt(st, NNET_EV_CONNECTION_ATTEMPT_FAILED, c, &e->pub);
    if (!alive_after_emit(s, st)) {
      nnet__error_clear(e);
      return ATT_DEAD;
    }
  }
  if (push_error(st, e) != 0) {
    nnet__connect_fail(s, UV_ENOMEM, "connect", c->text, st->port);
    return ATT_DEAD;
  }
  return alive(st) ? ATT_FAILED : ATT_DEAD;
}

/* A socket opened from a descriptor connects through it, as Node's
 * internalConnect uses the existing handle (*borrowed: the socket's, not
 * the attempt's). Node's autoSelectFamily path makes new handles. */
static int open_fd(nnet__connect_t *st, const nnet__cand_t *c, bool *borrowed) {
  uv_os_fd_t wrapped;
  *borrowed =
      !st->multi && uv_fileno(&st->s->h.handle, &wrapped) == 0 && wrapped >= 0;
  int fd = *borrowed ? wrapped
                     : socket(c->sa.ss_family,
                              SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  unsigned ut = nnet__sockopt_user_timeout_of(st->s);
  if (ut) (void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ut, sizeof(ut));
  return fd;
}

/* Node binds when a local port (or, single only, a local address) was
 * given; the address defaults to the wildcard of the family. */
static int bind_local(nnet__connect_t *st, const nnet__cand_t *c, int fd,
                      const char **la_out) {
  const char *la = st->multi ? NULL : st->local_address;
  if (la == NULL && st->local_port == 0) return 0;
  bool v6 = c->sa.ss_family == AF_INET6;
  if (la == NULL) la = v6 ? "::" : "0.0.0.0";
  *la_out = la;
  struct sockaddr_storage ss;
  int rc = v6 ? uv_ip6_addr(la, st->local_port, (struct sockaddr_in6 *)&ss)
              : uv_ip4_addr(la, st->local_port, (struct sockaddr_in *)&ss);
  if (rc != 0) return rc;
  socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  return bind(fd, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
}

static int do_connect(int fd, const nnet__cand_t *c) {
  socklen_t len = c->sa.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
  int rc;
  do {
    rc = connect(fd, (const struct sockaddr *)&c->sa, len);
  } while (rc != 0 && errno == EINTR);
  return rc == 0 || errno == EINPROGRESS ? 0 : -errno;
}

static void poll_cb(uv_poll_t *h, int status, int events);

static void release_fd(int fd, bool borrowed) {
  if (!borrowed) close(fd);
}

static nnet__attempt_t *attempt_new(nnet__connect_t *st, size_t idx, int fd) {
  nnet__attempt_t *a = nnet__calloc(1, sizeof(*a));
  if (a == NULL) return NULL;
  if (uv_poll_init_socket(nnet__socket_loop(st->s), &a->poll, fd) != 0) {
    nnet__free(a);
    return NULL;
  }
  a->st = st;
  a->fd = fd;
  a->cand = idx;
  a->next = st->attempts;
  st->attempts = a;
  return a;
}

/* Node's sockname details of a synchronous connect error. */
static const char *sync_details(int fd, char *buf, size_t len) {
  struct sockaddr_storage ss;
  socklen_t sl = sizeof(ss);
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) return NULL;
  char ip[64];
  int port;
  if (ss.ss_family == AF_INET6) {
    uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
  }
  snprintf(buf, len, "%s:%d", ip, port);
  return buf;
}

/* The steps of Node's internalConnect / internalConnectMultiple up to the
 * connect() call, in Node's order (Node 22 for the blockList check). */
static int start_attempt(nnet__connect_t *st, size_t idx) {
  nnet_socket_t *s = st->s;
  const nnet__cand_t *c = &st->cands[idx];
  nnet__error_t e;
  bool borrowed;
  int fd = open_fd(st, c, &borrowed);
  if (fd < 0) {
    nnet__connect_error(&e, fd, "connect", c->text, st->port, NULL);
    return st->multi ? multi_fail(st, c, &e, true) : single_fail(st, &e);
  }
  const char *la = NULL;
  int rc = bind_local(st, c, fd, &la);
  if (rc != 0) {
    release_fd(fd, borrowed);
    nnet__connect_error(&e, rc, "bind", la, st->local_port, NULL);
    return st->multi ? multi_fail(st, c, &e, false) : single_fail(st, &e);
  }
  if (st->multi && nnet__he_blocked(st, c, &e)) { /* after bind, as Node 22 */
    release_fd(fd, borrowed);
    return multi_fail(st, c, &e, true);
  }
  emit_attempt(st, NNET_EV_CONNECTION_ATTEMPT, c, NULL);
  if (!alive_after_emit(s, st)) {
    release_fd(fd, borrowed);
    return ATT_DEAD;
  }
  if (!st->multi && nnet__he_blocked(st, c, &e)) {
    release_fd(fd, borrowed);
    return single_fail(st, &e);
  }
  size_t ai = st->n_attempted;
  if (st->multi && push_attempted(st, c) != 0) {
    release_fd(fd, borrowed);
    nnet__connect_fail(st->s, UV_ENOMEM, "connect", c->text, st->port);
    return ATT_DEAD;
  }
  rc = do_connect(fd, c);
  if (rc != 0 && rc != UV_ECONNREFUSED) {
    char buf[80];
    nnet__connect_error(&e, rc, "connect", c->text, st->port,
                        sync_details(fd, buf, sizeof(buf)));
    release_fd(fd, borrowed);
    return st->multi ? multi_fail(st, c, &e, true) : single_fail(st, &e);
  }
  nnet__attempt_t *a = attempt_new(st, idx, fd);
  if (a == NULL) {
    release_fd(fd, borrowed);
    nnet__connect_fail(st->s, UV_ENOMEM, "connect", c->text, st->port);
    return ATT_DEAD;
  }
  a->borrowed = borrowed;
  a->delayed_err = rc;
  a->attempted_index = ai;
  uv_poll_start(&a->poll, UV_WRITABLE, poll_cb);
  return ATT_STARTED;
}

/* ---- outcome of one attempt ---- */

static void move_to_end(char **list, size_t n, size_t i) {
  if (i >= n) return;
  char *w = list[i];
  memmove(&list[i], &list[i + 1], (n - i - 1) * sizeof(*list));
  list[n - 1] = w;
}

static void won(nnet__connect_t *st, nnet__attempt_t *a) {
  nnet_socket_t *s = st->s;
  if (st->multi)
    move_to_end(st->attempted, st->n_attempted, a->attempted_index);
  int fd = a->fd;
  bool borrowed = a->borrowed;
  a->fd = -1; /* now the socket's */
  attempt_close(st, a);
  uv_os_fd_t wrapped;
  int rc;
  if (borrowed) {
    rc = 0; /* connected through the socket's own descriptor */
  } else if (uv_fileno(&s->h.handle, &wrapped) == 0) {
    /* A wrapped descriptor connecting with autoSelectFamily: Node replaces
     * the handle; here the winner takes over the old descriptor's number
     * (its close-on-exec flag kept). */
    int fdfl = fcntl(wrapped, F_GETFD);
    rc = dup2(fd, wrapped) < 0 ? -errno : 0;
    if (rc == 0 && fdfl > 0) (void)fcntl(wrapped, F_SETFD, fdfl);
    close(fd);
  } else {
    rc = uv_tcp_open(&s->h.tcp, fd);
    if (rc != 0) close(fd);
  }
  if (rc != 0) {
    nnet__connect_fail(s, rc, "connect", st->cands[a->cand].text, st->port);
    return;
  }
  nnet__connect_established(s);
}

static void after_failure(nnet__connect_t *st, int status) {
  if (!alive(st)) return;
  if (!st->multi) return;
  if (st->he_mode == NNET_HE_SEQUENTIAL) {
    seq_next(st, status == UV_ECANCELED);
    return;
  }
  if (st->next_cand < st->n_cands) {
    timer_stop(st->attempt_timer);
    race_next(st);
  } else if (st->attempts == NULL) {
    fail_all(st);
  }
}

/* Node's afterConnect / afterConnectMultiple failure branch. */
static void lost(nnet__connect_t *st, nnet__attempt_t *a, int status) {
  nnet_socket_t *s = st->s;
  nnet__cand_t c = st->cands[a->cand];
  attempt_close(st, a);
  char buf[80];
  nnet__error_t e;
  nnet__connect_error(&e, status, "connect", c.text, st->port,
                      details_of(st, &c, buf, sizeof(buf)));
  if (!st->multi) {
    /* A listener that destroys s frees a single connect's state: st must
     * not be touched after the emit. */
    emit_attempt(st, NNET_EV_CONNECTION_ATTEMPT_FAILED, &c, &e.pub);
    nnet__connect_destroy(s, &e);
    return;
  }
  if (multi_fail(st, &c, &e, true) == ATT_DEAD) return;
  after_failure(st, status);
}

static int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof(err);
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return -errno;
  return -err;
}

static void poll_cb(uv_poll_t *h, int status, int events) {
  (void)events;
  nnet__attempt_t *a = nnet__container_of(h, nnet__attempt_t, poll);
  nnet__connect_t *st = a->st;
  if (st == NULL) return;
  nnet_socket_t *s = st->s;
  int err = a->delayed_err ? a->delayed_err : socket_error(a->fd);
  if (err == 0 && status < 0) err = status;
  nnet__socket_hold(s);
  timer_stop(st->attempt_timer);
  if (err == 0)
    won(st, a);
  else
    lost(st, a, err);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

/* ---- the two multi-address algorithms ---- */

/* Node's internalConnectMultipleTimeout. */
static void seq_timeout_cb(uv_timer_t *t) {
  nnet__connect_t *st = t->data;
  nnet__attempt_t *a = st->attempts;
  if (a == NULL || !alive(st)) return;
  nnet_socket_t *s = st->s;
  nnet__socket_hold(s);
  nnet__cand_t c = st->cands[a->cand];
  /* Abandoned before the event (Node drops req.oncomplete): a destroy in
   * the listener reports no ECANCELED for it. */
  attempt_close(st, a);
  emit_attempt(st, NNET_EV_CONNECTION_ATTEMPT_TIMEOUT, &c, NULL);
  if (alive(st)) {
    char buf[80];
    nnet__error_t e;
    nnet__connect_error(&e, UV_ETIMEDOUT, "connect", c.text, st->port,
                        details_of(st, &c, buf, sizeof(buf)));
    if (push_error(st, &e) != 0)
      nnet__connect_fail(s, UV_ENOMEM, "connect", c.text, st->port);
    else
      seq_next(st, false);
  }
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

/* Node's internalConnectMultiple: one attempt at a time. */
static void seq_next(nnet__connect_t *st, bool canceled) {
  timer_stop(st->attempt_timer);
  for (;;) {
    if (canceled || st->next_cand == st->n_cands) {
      fail_all(st);
      return;
    }
    size_t idx = st->next_cand++;
    int r = start_attempt(st, idx);
    if (r == ATT_DEAD) return;
    if (r == ATT_FAILED) continue;
    if (idx + 1 < st->n_cands &&
        timer_start(st, &st->attempt_timer, st->attempt_timeout,
                    seq_timeout_cb) != 0)
      nnet__connect_fail(st->s, UV_ENOMEM, "connect", st->host, st->port);
    return;
  }
}

static void race_delay_cb(uv_timer_t *t) {
  nnet__connect_t *st = t->data;
  if (!alive(st)) return;
  nnet_socket_t *s = st->s;
  nnet__socket_hold(s);
  race_next(st);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

/* RFC 8305 §5: start the next candidate; earlier attempts keep running.
 * The next one starts after the attempt delay, or at once when an attempt
 * fails. */
static void race_next(nnet__connect_t *st) {
  while (st->next_cand < st->n_cands) {
    size_t idx = st->next_cand++;
    int r = start_attempt(st, idx);
    if (r == ATT_DEAD) return;
    if (r == ATT_FAILED) continue;
    if (st->next_cand < st->n_cands &&
        timer_start(st, &st->attempt_timer, st->attempt_timeout,
                    race_delay_cb) != 0)
      nnet__connect_fail(st->s, UV_ENOMEM, "connect", st->host, st->port);
    return;
  }
  if (st->attempts == NULL) fail_all(st);
}

void nnet__he_run(nnet_socket_t *s, bool multi) {
  nnet__connect_t *st = s->connect_state;
  st->multi = multi;
  st->next_cand = 0;
  if (!multi) {
    st->next_cand = 1;
    (void)start_attempt(st, 0);
  } else if (st->he_mode == NNET_HE_SEQUENTIAL) {
    seq_next(st, false);
  } else {
    race_next(st);
  }
}

/* ---- connectTimeout (beyond Node) ---- */

static void total_timeout_cb(uv_timer_t *t) {
  nnet__connect_t *st = t->data;
  if (!alive(st)) return;
  nnet_socket_t *s = st->s;
  nnet__socket_hold(s);
  nnet__connect_fail(s, UV_ETIMEDOUT, "connect", st->host, st->port);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

int nnet__he_total_timer(nnet_socket_t *s, unsigned ms) {
  nnet__connect_t *st = s->connect_state;
  return timer_start(st, &st->total_timer, ms, total_timeout_cb);
}
