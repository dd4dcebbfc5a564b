/* net.Server: the object, its events, the accept path and close().
 *
 * Lifetime: a server lives until its 'close' has been emitted, nothing is
 * on the stack (holds), no libuv request or close is outstanding and it is
 * not retained. Listening again (inside a 'close' listener, or after
 * nnet_server_retain) keeps it alive. The listen forms are in listen.c. */
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "addr/ip.h"
#include "net/server_internal.h"
#include "net/socket_internal.h"

/* A close(cb) callback, run as a once 'close' listener as Node does. */
struct nnet__close_rec_s {
  nnet__close_rec_t *next, *prev;
  nnet_server_t *srv;
  nnet_close_cb cb;
  void *ctx;
  int status;
};

/* A listen error waiting for the next tick. */
typedef struct {
  nnet_server_t *srv;
  nnet__error_t err;
} deferred_t;

/* ---- options and creation ---- */

void nnet_server_opts_init(nnet_server_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->high_water_mark = 16384;
}

int nnet_create_server(const nnet_server_opts_t *opts,
                       nnet_listener_fn connection_listener, void *ctx,
                       nnet_server_t **out) {
  nnet_server_opts_t defaults;
  if (out == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  *out = NULL;
  if (opts == NULL) {
    nnet_server_opts_init(&defaults);
    opts = &defaults;
  }
  nnet_server_t *srv = nnet__calloc(1, sizeof(*srv));
  if (srv == NULL) return UV_ENOMEM;
  srv->opts = *opts;
  srv->loop = opts->loop != NULL ? opts->loop : uv_default_loop();
  srv->max_connections = -1;
  nnet__emitter_init(&srv->em);
  srv->nl = nnet__loop_acquire(srv->loop);
  if (srv->nl == NULL) goto oom;
  if (connection_listener != NULL &&
      nnet__emitter_on(&srv->em, NNET_EV_CONNECTION, connection_listener, ctx,
                       0, 0) != 0)
    goto oom;
  *out = srv;
  return 0;
oom:
  if (srv->nl != NULL) nnet__loop_release(srv->nl);
  nnet__emitter_free(&srv->em);
  nnet__free(srv);
  return UV_ENOMEM;
}

/* ---- lifetime ---- */

static bool can_free(const nnet_server_t *srv) {
  return srv->holds == 0 && srv->retains == 0 && srv->closed &&
         srv->lh == NULL && srv->resolve == NULL && srv->connections == 0 &&
         !srv->close_wanted;
}

static void server_free(nnet_server_t *srv) {
  while (srv->close_recs != NULL) {
    nnet__close_rec_t *r = srv->close_recs;
    srv->close_recs = r->next;
    nnet__free(r);
  }
  nnet__abort_unsubscribe(&srv->abort_sub);
  nnet__emitter_free(&srv->em);
  nnet__free(srv->pipe_name);
  nnet__limits_free(srv);
  nnet__loop_release(srv->nl);
  nnet__free(srv);
}

void nnet__server_hold(nnet_server_t *srv) {
  srv->holds++;
}

void nnet__server_unhold(nnet_server_t *srv) {
  srv->holds--;
  if (can_free(srv)) server_free(srv);
}

void nnet_server_retain(nnet_server_t *srv) {
  srv->retains++;
}

void nnet_server_release(nnet_server_t *srv) {
  nnet__server_hold(srv);
  srv->retains--;
  nnet__server_unhold(srv);
}

static void emit(nnet_server_t *srv, nnet_event_t *ev) {
  ev->target = srv;
  nnet__server_hold(srv);
  nnet__emit(&srv->em, ev);
  nnet__server_unhold(srv);
}

/* ---- deferred events (Node's process.nextTick) ---- */

static void emit_listening_cb(void *arg) {
  nnet_server_t *srv = arg;
  /* Node's emitListeningNT: nothing if closed (or re-listened) since. */
  if (srv->lh != NULL && srv->pending_listening_gen == srv->listen_gen) {
    nnet_event_t ev = {.type = NNET_EV_LISTENING};
    emit(srv, &ev);
  }
  nnet__server_unhold(srv);
}

int nnet__server_adopt(nnet_server_t *srv, nnet__lhandle_t *lh) {
  int rc = nnet__defer(srv->nl, emit_listening_cb, srv);
  if (rc != 0) return rc;
  nnet__server_hold(srv);
  srv->lh = lh;
  srv->closed = false;
  srv->pending_listening_gen = srv->listen_gen;
  if (srv->unref) uv_unref(&lh->u.handle);
  return 0;
}

static void emit_error_cb(void *arg) {
  deferred_t *d = arg;
  nnet_server_t *srv = d->srv;
  nnet_event_t ev = {.type = NNET_EV_ERROR};
  ev.u.error = &d->err.pub;
  emit(srv, &ev);
  nnet__error_clear(&d->err);
  nnet__free(d);
  nnet__server_unhold(srv);
}

int nnet__server_defer_error(nnet_server_t *srv, nnet__error_t *err) {
  deferred_t *d = nnet__calloc(1, sizeof(*d));
  if (d == NULL || nnet__defer(srv->nl, emit_error_cb, d) != 0) {
    nnet__free(d);
    nnet__error_clear(err);
    return UV_ENOMEM;
  }
  d->srv = srv;
  d->err = *err;
  memset(err, 0, sizeof(*err));
  nnet__server_hold(srv);
  return 0;
}

static void emit_close_cb(void *arg) {
  nnet_server_t *srv = arg;
  nnet_event_t ev = {.type = NNET_EV_CLOSE};
  /* Set first: a listener that listens again clears it. */
  srv->closed = true;
  if (srv->shutdown != NULL) nnet__shutdown_on_close(srv);
  emit(srv, &ev);
  nnet__server_unhold(srv);
}

/* Node's _emitCloseIfDrained: 'close' once the listener is gone and every
 * accepted connection has closed. */
static int maybe_emit_close(nnet_server_t *srv) {
  if (!srv->close_wanted || srv->lh != NULL || srv->connections > 0) return 0;
  int rc = nnet__defer(srv->nl, emit_close_cb, srv);
  if (rc != 0) return rc;
  srv->close_wanted = false;
  nnet__server_hold(srv);
  return 0;
}

/* ---- close ---- */

static void close_rec_unlink(nnet__close_rec_t *r) {
  nnet_server_t *srv = r->srv;
  if (r->prev != NULL)
    r->prev->next = r->next;
  else
    srv->close_recs = r->next;
  if (r->next != NULL) r->next->prev = r->prev;
}

static void close_rec_fire(const nnet_event_t *ev, void *ctx) {
  nnet__close_rec_t *r = ctx;
  close_rec_unlink(r);
  nnet_close_cb cb = r->cb;
  void *cb_ctx = r->ctx;
  int status = r->status;
  nnet__free(r);
  cb(ev->target, status, cb_ctx);
}

static int add_close_cb(nnet_server_t *srv, nnet_close_cb cb, void *ctx) {
  nnet__close_rec_t *r = nnet__calloc(1, sizeof(*r));
  if (r == NULL) return UV_ENOMEM;
  r->srv = srv;
  r->cb = cb;
  r->ctx = ctx;
  r->status = srv->lh != NULL ? 0 : NNET_ERR_SERVER_NOT_RUNNING;
  if (nnet__emitter_on(&srv->em, NNET_EV_CLOSE, close_rec_fire, r, 1, 0)) {
    nnet__free(r);
    return UV_ENOMEM;
  }
  r->next = srv->close_recs;
  if (r->next != NULL) r->next->prev = r;
  srv->close_recs = r;
  return 0;
}

int nnet_server_close(nnet_server_t *srv, nnet_close_cb cb, void *ctx) {
  if (srv == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (cb != NULL) {
    int rc = add_close_cb(srv, cb, ctx);
    if (rc != 0) return rc;
  }
  nnet__server_hold(srv);
  srv->listen_gen++;
  if (srv->lh != NULL) {
    nnet__lhandle_close(srv->lh);
    srv->lh = NULL;
  }
  if (srv->resolve != NULL) nnet__listen_cancel(srv);
  nnet__abort_unsubscribe(&srv->abort_sub);
  srv->close_wanted = true;
  int rc = maybe_emit_close(srv);
  nnet__server_unhold(srv);
  return rc;
}

void nnet__server_connection_closed(nnet_server_t *srv, nnet_socket_t *s) {
  if (s->conn_prev != NULL)
    s->conn_prev->conn_next = s->conn_next;
  else
    srv->conns = s->conn_next;
  if (s->conn_next != NULL) s->conn_next->conn_prev = s->conn_prev;
  s->conn_prev = s->conn_next = NULL;
  nnet__limits_release(srv, s);
  if (srv->counter != NULL)
    atomic_fetch_sub_explicit(&srv->counter->open, 1, memory_order_relaxed);
  nnet__server_hold(srv);
  srv->connections--;
  maybe_emit_close(srv);
  nnet__server_unhold(srv);
}

/* ---- the accept path ---- */

typedef struct {
  char local[NNET__IP_MAXLEN], remote[NNET__IP_MAXLEN];
} drop_names_t;

/* Fills address text, port and Node's family name from a sockaddr. */
static int name_of(const struct sockaddr_storage *ss, char *buf, int *port,
                   const char **family) {
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    nnet__ipv4_format((const uint8_t *)&a->sin_addr, buf);
    *port = ntohs(a->sin_port);
    *family = "IPv4";
    return 0;
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    nnet__ipv6_format(a->sin6_addr.s6_addr, buf);
    *port = ntohs(a->sin6_port);
    *family = "IPv6";
    return 0;
  }
  return UV_EAFNOSUPPORT;
}

static void free_on_close(uv_handle_t *h) {
  nnet__free(h);
}

typedef union {
  uv_handle_t handle;
  uv_stream_t stream;
  uv_tcp_t tcp;
  uv_pipe_t pipe;
} any_handle_t;

/* Takes the pending connection off the listener into a throwaway handle so
 * libuv keeps accepting. Returns the handle (to inspect, then close with
 * free_on_close) or NULL when there was nothing to take or no memory. */
static any_handle_t *take_pending(nnet__lhandle_t *lh) {
  any_handle_t *t = nnet__malloc(sizeof(*t));
  if (t == NULL) return NULL;
  uv_loop_t *loop = lh->u.handle.loop;
  if (lh->is_pipe)
    uv_pipe_init(loop, &t->pipe, 0);
  else
    uv_tcp_init(loop, &t->tcp);
  if (uv_accept(&lh->u.stream, &t->stream) != 0) {
    uv_close(&t->handle, free_on_close);
    return NULL;
  }
  return t;
}

/* Node's 'drop': the six address fields of tcp (none for pipes: NULL),
 * and why (beyond Node). */
static void emit_drop(nnet_server_t *srv, const uv_tcp_t *tcp, int reason) {
  nnet_event_t ev = {.type = NNET_EV_DROP};
  drop_names_t names;
  ev.u.drop.local_port = ev.u.drop.remote_port = -1;
  ev.u.drop.reason = reason;
  if (tcp != NULL) {
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    if (uv_tcp_getsockname(tcp, (struct sockaddr *)&ss, &len) == 0 &&
        name_of(&ss, names.local, &ev.u.drop.local_port,
                &ev.u.drop.local_family) == 0)
      ev.u.drop.local_address = names.local;
    len = sizeof(ss);
    if (uv_tcp_getpeername(tcp, (struct sockaddr *)&ss, &len) == 0 &&
        name_of(&ss, names.remote, &ev.u.drop.remote_port,
                &ev.u.drop.remote_family) == 0)
      ev.u.drop.remote_address = names.remote;
  }
  emit(srv, &ev);
}

/* maxConnections reached: 'drop', then the connection is closed. */
static void drop_connection(nnet_server_t *srv, nnet__lhandle_t *lh) {
  any_handle_t *t = take_pending(lh);
  emit_drop(srv, t != NULL && !lh->is_pipe ? &t->tcp : NULL,
            NNET_DROP_MAX_CONNECTIONS);
  if (t != NULL) uv_close(&t->handle, free_on_close);
}

static void discard_pending(nnet__lhandle_t *lh) {
  any_handle_t *t = take_pending(lh);
  if (t != NULL) uv_close(&t->handle, free_on_close);
}

static bool blocked(const nnet_server_t *srv, bool is_pipe, nnet_socket_t *s) {
  nnet_socketaddress_t peer;
  if (srv->opts.block_list == NULL || is_pipe) return false;
  if (nnet__socket_peer(s, &peer) != 0) return false;
  return nnet_blocklist_check_address(srv->opts.block_list, &peer) == 1;
}

/* Node >= 21: maxConnections 0 drops every connection (v20 treats 0 as
 * unlimited). */
static bool at_limit(const nnet_server_t *srv) {
  return srv->max_connections >= 0 &&
         srv->connections >= (size_t)srv->max_connections;
}

/* A new connection past maxConnections: block_list, the per-IP limit,
 * then 'connection'. */
static void admit(nnet_server_t *srv, nnet_socket_t *s, bool is_pipe) {
  if (blocked(srv, is_pipe, s)) {
    nnet__socket_discard(s);
    return;
  }
  int why = nnet__limits_admit(srv, s, is_pipe); /* beyond Node */
  if (why != 0) {
    if (why == NNET_DROP_PER_IP_LIMIT) emit_drop(srv, &s->h.tcp, why);
    nnet__socket_discard(s);
    return;
  }
  if (srv->counter != NULL) {
    atomic_fetch_add_explicit(&srv->counter->open, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&srv->counter->accepted, 1, memory_order_relaxed);
  }
  srv->connections++;
  s->conn_next = srv->conns; /* unlinked by nnet__server_connection_closed */
  if (srv->conns != NULL) srv->conns->conn_prev = s;
  srv->conns = s;
  nnet_event_t ev = {.type = NNET_EV_CONNECTION};
  ev.u.connection.socket = s;
  emit(srv, &ev);
  nnet__socket_start(s);
}

static void accept_one(nnet_server_t *srv, nnet__lhandle_t *lh) {
  if (at_limit(srv)) {
    drop_connection(srv, lh);
    return;
  }
  nnet_socket_t *s = NULL;
  if (nnet__socket_accept(srv, srv->nl, &lh->u.stream, lh->is_pipe, &srv->opts,
                          &s) != 0) {
    /* Out of memory before uv_accept: take the connection off the queue
     * anyway, or libuv stops watching the listener. */
    discard_pending(lh);
    return;
  }
  admit(srv, s, lh->is_pipe);
}

void nnet__server_inject(nnet_server_t *srv, int fd, bool is_pipe) {
  nnet_socket_t *s = NULL;
  nnet__server_hold(srv);
  if (nnet__socket_accept_fd(srv, srv->nl, fd, is_pipe, &srv->opts, &s) != 0) {
    close(fd);
  } else if (at_limit(srv)) {
    emit_drop(srv, is_pipe ? NULL : &s->h.tcp, NNET_DROP_MAX_CONNECTIONS);
    nnet__socket_discard(s);
  } else {
    admit(srv, s, is_pipe);
  }
  nnet__tick_drain(srv->nl);
  nnet__server_unhold(srv);
}

/* libuv reports EMFILE/ENFILE only when its reserved descriptor could not
 * shed the backlog; Node would emit 'error' and most servers would die of
 * it. A full descriptor table is transient: ignore it and keep serving. */
static void accept_error(nnet_server_t *srv, int status) {
  if (status == UV_EMFILE || status == UV_ENFILE) return;
  nnet__error_t e = {0};
  nnet__error_sys(&e, status, "accept", NULL, -1);
  nnet_event_t ev = {.type = NNET_EV_ERROR};
  ev.u.error = &e.pub;
  emit(srv, &ev);
  nnet__error_clear(&e);
}

void nnet__server_on_connection(uv_stream_t *h, int status) {
  nnet__lhandle_t *lh = nnet__container_of(h, nnet__lhandle_t, u.stream);
  nnet_server_t *srv = lh->srv;
  nnet__server_hold(srv);
  if (status < 0)
    accept_error(srv, status);
  else
    accept_one(srv, lh);
  nnet__tick_drain(srv->nl);
  nnet__server_unhold(srv);
}

/* ---- properties ---- */

int nnet_server_address(const nnet_server_t *srv, nnet_socketaddress_t *out) {
  if (srv == NULL || out == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (srv->lh == NULL) return UV_ENOTCONN;
  if (srv->lh->is_pipe) return NNET_ERR_INVALID_HANDLE_TYPE;
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  int rc = uv_tcp_getsockname(&srv->lh->u.tcp, (struct sockaddr *)&ss, &len);
  if (rc != 0) return rc;
  uint8_t raw[16] = {0};
  if (ss.ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)&ss;
    memcpy(raw, &a->sin_addr, 4);
    nnet__socketaddress_set(out, NNET_IPV4, raw, ntohs(a->sin_port), 0);
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&ss;
    memcpy(raw, a->sin6_addr.s6_addr, 16);
    nnet__socketaddress_set(out, NNET_IPV6, raw, ntohs(a->sin6_port), 0);
  }
  return 0;
}

/* Node returns server._pipeName, which outlives close(); a pipe opened
 * from an fd has none, so ask the kernel. */
int nnet_server_address_path(const nnet_server_t *srv, char *path,
                             size_t path_size) {
  if (srv == NULL || path == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (srv->pipe_name != NULL) {
    if (srv->pipe_name_len + 1 > path_size) return UV_ENOBUFS;
    memcpy(path, srv->pipe_name, srv->pipe_name_len + 1);
    return (int)srv->pipe_name_len;
  }
  if (srv->lh == NULL) return UV_ENOTCONN;
  if (!srv->lh->is_pipe) return NNET_ERR_INVALID_HANDLE_TYPE;
  size_t len = path_size;
  int rc = uv_pipe_getsockname(&srv->lh->u.pipe, path, &len);
  return rc != 0 ? rc : (int)len;
}

bool nnet_server_is_pipe(const nnet_server_t *srv) {
  if (srv->lh != NULL) return srv->lh->is_pipe;
  return srv->pipe_name != NULL;
}

typedef struct {
  nnet_server_t *srv;
  nnet_count_cb cb;
  void *ctx;
  size_t count;
} count_req_t;

static void count_cb(void *arg) {
  count_req_t *r = arg;
  nnet_server_t *srv = r->srv;
  nnet_count_cb cb = r->cb;
  void *ctx = r->ctx;
  size_t count = r->count;
  nnet__free(r);
  cb(srv, 0, count, ctx); /* the deferral's hold keeps srv alive */
  nnet__server_unhold(srv);
}

/* Node captures the count at call time and answers on the next tick. */
int nnet_server_get_connections(nnet_server_t *srv, nnet_count_cb cb,
                                void *ctx) {
  if (srv == NULL || cb == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  count_req_t *r = nnet__malloc(sizeof(*r));
  if (r == NULL) return UV_ENOMEM;
  *r = (count_req_t){srv, cb, ctx, srv->connections};
  if (nnet__defer(srv->nl, count_cb, r) != 0) {
    nnet__free(r);
    return UV_ENOMEM;
  }
  nnet__server_hold(srv);
  return 0;
}

/* Node: listening is true from the moment the handle listens, before the
 * 'listening' event. */
bool nnet_server_is_listening(const nnet_server_t *srv) {
  return srv != NULL && srv->lh != NULL;
}

void nnet_server_set_max_connections(nnet_server_t *srv, int max) {
  srv->max_connections = max < 0 ? -1 : max;
}

int nnet_server_get_max_connections(const nnet_server_t *srv) {
  return srv->max_connections;
}

void nnet_server_ref(nnet_server_t *srv) {
  srv->unref = false;
  if (srv->lh != NULL) uv_ref(&srv->lh->u.handle);
}

void nnet_server_unref(nnet_server_t *srv) {
  srv->unref = true;
  if (srv->lh != NULL) uv_unref(&srv->lh->u.handle);
}

void nnet_server_set_data(nnet_server_t *srv, void *data) {
  srv->data = data;
}
void *nnet_server_get_data(const nnet_server_t *srv) {
  return srv->data;
}
uv_loop_t *nnet_server_loop(const nnet_server_t *srv) {
  return srv->loop;
}

/* ---- listeners ---- */

int nnet_server_on(nnet_server_t *srv, nnet_event_type_t type,
                   nnet_listener_fn fn, void *ctx) {
  return nnet__emitter_on(&srv->em, type, fn, ctx, 0, 0);
}

int nnet_server_once(nnet_server_t *srv, nnet_event_type_t type,
                     nnet_listener_fn fn, void *ctx) {
  return nnet__emitter_on(&srv->em, type, fn, ctx, 1, 0);
}

int nnet_server_prepend(nnet_server_t *srv, nnet_event_type_t type,
                        nnet_listener_fn fn, void *ctx) {
  return nnet__emitter_on(&srv->em, type, fn, ctx, 0, 1);
}

int nnet_server_off(nnet_server_t *srv, nnet_event_type_t type,
                    nnet_listener_fn fn, void *ctx) {
  return nnet__emitter_off(&srv->em, type, fn, ctx);
}

int nnet_server_remove_all(nnet_server_t *srv, nnet_event_type_t type) {
  return nnet__emitter_remove_all(&srv->em, type);
}

size_t nnet_server_listener_count(const nnet_server_t *srv,
                                  nnet_event_type_t type) {
  return nnet__emitter_count(&srv->em, type);
}
