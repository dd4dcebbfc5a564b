/* net.Socket: socket.connect() / net.createConnection().
 *
 * Validation and the handle set-up happen in the call (what Node throws is
 * returned); every outcome — 'lookup', 'connectionAttempt', 'connect',
 * 'error' — comes on a later turn. Host names go through lookup.c, IP
 * literals straight to happy_eyeballs.c, Unix paths are connected here. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/bound_internal.h"
#include "net/connect_internal.h"

static bool default_auto_select = true;
static unsigned default_attempt_timeout = 250;

bool nnet_get_default_auto_select_family(void) {
  return default_auto_select;
}

void nnet_set_default_auto_select_family(bool value) {
  default_auto_select = value;
}

unsigned nnet_get_default_auto_select_family_attempt_timeout(void) {
  return default_attempt_timeout;
}

/* Node clamps values below 10 to 10. */
int nnet_set_default_auto_select_family_attempt_timeout(unsigned ms) {
  if (ms < 1 || ms > INT32_MAX) return NNET_ERR_OUT_OF_RANGE;
  default_attempt_timeout = ms < 10 ? 10 : ms;
  return 0;
}

void nnet_connect_opts_init(nnet_connect_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->port = -1;
  o->auto_select_family = -1;
  o->happy_eyeballs_mode = NNET_HE_RACE;
}

/* An accepted socket's union slot holds its server (socket_internal.h). */
static nnet__connect_t *state_of(const nnet_socket_t *s) {
  return (s->flags & NNET__S_ACCEPTED) ? NULL : s->connect_state;
}

static void free_attempted(nnet__connect_t *st) {
  for (size_t i = 0; i < st->n_attempted; i++) nnet__free(st->attempted[i]);
  nnet__free(st->attempted);
  st->attempted = NULL;
  st->n_attempted = 0;
}

static void free_errors(nnet__connect_t *st) {
  for (size_t i = 0; i < st->n_errors; i++) nnet__error_clear(&st->errors[i]);
  nnet__free(st->errors);
  st->errors = NULL;
  st->n_errors = 0;
}

static void free_all(nnet__connect_t *st) {
  free_attempted(st);
  nnet__free(st->host);
  nnet__free(st->path);
  nnet__free(st->local_address);
  nnet__free(st);
}

/* The in-progress parts go as soon as the connect is over; the state
 * itself only when nothing outstanding points at it. */
void nnet__connect_state_free(nnet_socket_t *s) {
  nnet__connect_t *st = state_of(s);
  if (st == NULL) return;
  nnet__he_stop(st);
  free_errors(st);
  nnet__free(st->cands);
  st->cands = NULL;
  st->n_cands = st->next_cand = 0;
  st->finished = true;
  if (st->gai_active || st->lookup_active || st->lookup_calling ||
      st->n_attempted > 0)
    return;
  s->connect_state = NULL;
  free_all(st);
}

void nnet__connect_release(nnet_socket_t *s) {
  nnet__connect_t *st = state_of(s);
  if (st == NULL) return;
  nnet__connect_cancel(s);
  st = state_of(s);
  if (st == NULL || st->gai_active || st->lookup_active || st->lookup_calling)
    return;
  s->connect_state = NULL;
  free_all(st);
}

size_t nnet__connect_attempted_count(const nnet_socket_t *s) {
  const nnet__connect_t *st = state_of(s);
  return st ? st->n_attempted : 0;
}

const char *nnet__connect_attempted(const nnet_socket_t *s, size_t i) {
  const nnet__connect_t *st = state_of(s);
  return st && i < st->n_attempted ? st->attempted[i] : NULL;
}

void nnet__connect_cancel(nnet_socket_t *s) {
  nnet__connect_t *st = state_of(s);
  if (st == NULL) return;
  st->cancelled = true;
  if (st->gai_active) uv_cancel((uv_req_t *)&st->gai);
  nnet__he_cancel(st);
  nnet__connect_state_free(s);
}

void nnet__connect_error(nnet__error_t *e, int err, const char *syscall,
                         const char *address, int port, const char *details) {
  memset(e, 0, sizeof(*e));
  if (details)
    nnet__error_sys_ex(e, err, syscall, address, port, details);
  else
    nnet__error_sys(e, err, syscall, address, port);
}

void nnet__connect_destroy(nnet_socket_t *s, nnet__error_t *e) {
  if (nnet__socket_dead(s)) {
    nnet__error_clear(e);
    return;
  }
  nnet__socket_destroy_with(s, e);
}

void nnet__connect_fail(nnet_socket_t *s, int err, const char *syscall,
                        const char *address, int port) {
  nnet__error_t e;
  nnet__connect_error(&e, err, syscall, address, port, NULL);
  nnet__connect_destroy(s, &e);
}

/* The connection exists: Node's afterConnect. Writes queued while
 * connecting wait on an internal 'connect' listener registered by the
 * first of them (socket_write.c), so they are handed to the kernel in that
 * listener's place among the 'connect' listeners; anything left (end()
 * while connecting) goes after them, before 'ready'. Node emits 'ready'
 * even when a 'connect' listener destroyed the socket. Reading starts
 * only then, and not if a listener paused the socket. */
void nnet__connect_established(nnet_socket_t *s) {
  nnet__connect_state_free(s);
  nnet__socket_on_connected_idle(s);
  nnet__socket_emit_simple(s, NNET_EV_CONNECT);
  if (!nnet__socket_dead(s)) nnet__writable_flush_connected(s);
  nnet__socket_emit_simple(s, NNET_EV_READY);
  nnet__socket_read_first(s);
}

/* An IP literal: Node skips the lookup (no 'lookup' event) and connects
 * on the next tick. */
static void literal_job(void *arg) {
  nnet_socket_t *s = arg;
  nnet__connect_t *st = state_of(s);
  if (!nnet__socket_dead(s) && st && !st->cancelled) nnet__he_run(s, false);
  nnet__socket_unhold(s);
}

/* Unix sockets connect at once (or fail at once) on Linux; doing it here
 * rather than with uv_pipe_connect() keeps the exact path length (libuv
 * 1.44 truncates long paths and cannot express abstract names). The
 * outcome is reported on a later turn. */
static void pipe_job(void *arg) {
  nnet_socket_t *s = arg;
  nnet__connect_t *st = state_of(s);
  if (!nnet__socket_dead(s) && st && !st->cancelled) {
    if (st->pipe_err)
      nnet__connect_fail(s, st->pipe_err, "connect", st->path, -1);
    else
      nnet__connect_established(s);
  }
  nnet__socket_unhold(s);
}

static int pipe_connect_now(nnet_socket_t *s, nnet__connect_t *st) {
  struct sockaddr_un sun;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, st->path, st->path_len);
  socklen_t slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
                               st->path_len + (st->path[0] != 0));
  /* A wrapped descriptor (nnet_socket_new with fd) connects itself. */
  uv_os_fd_t wrapped;
  bool own = uv_fileno(&s->h.handle, &wrapped) != 0;
  int fd = own ? socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)
               : wrapped;
  if (fd < 0) return -errno;
  int rc;
  do {
    rc = connect(fd, (struct sockaddr *)&sun, slen);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    rc = -errno;
    if (own) close(fd);
    return rc;
  }
  if (!own) return 0;
  rc = uv_pipe_open(&s->h.pipe, fd);
  if (rc != 0) close(fd);
  return rc;
}

/* What Node throws from connect(). */
static int validate(const nnet_connect_opts_t *o, size_t *path_len) {
  if (o == NULL) return NNET_ERR_MISSING_ARGS;
  if (o->type_of_service < 0 || o->type_of_service > 255)
    return NNET_ERR_OUT_OF_RANGE;
  if (o->path) {
    *path_len = o->path_len ? o->path_len : strlen(o->path);
    if (*path_len == 0) return NNET_ERR_INVALID_ARG_VALUE;
    if (*path_len >= sizeof(((struct sockaddr_un *)0)->sun_path))
      return NNET_ERR_PATH_TOO_LONG;
    return 0;
  }
  if (o->port == -1) return NNET_ERR_MISSING_ARGS;
  if (o->port < 0 || o->port > 65535) return NNET_ERR_SOCKET_BAD_PORT;
  if (o->family != 0 && o->family != 4 && o->family != 6)
    return NNET_ERR_INVALID_ARG_VALUE;
  /* Node checks hints only when the host has to be looked up. */
  if ((o->host == NULL || !nnet_is_ip(o->host)) &&
      (o->hints & ~(AI_ADDRCONFIG | AI_V4MAPPED | AI_ALL)) != 0)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (o->local_address && !nnet_is_ip(o->local_address))
    return NNET_ERR_INVALID_IP_ADDRESS;
  if (o->local_port < 0 || o->local_port > 65535)
    return NNET_ERR_SOCKET_BAD_PORT;
  if (o->happy_eyeballs_mode != NNET_HE_RACE &&
      o->happy_eyeballs_mode != NNET_HE_SEQUENTIAL)
    return NNET_ERR_INVALID_ARG_VALUE;
  return 0;
}

static void copy_opts(nnet__connect_t *st, const nnet_connect_opts_t *o) {
  st->port = o->port;
  st->family = o->family;
  st->hints = o->hints;
  st->local_port = o->local_port;
  st->lookup = o->lookup;
  st->lookup_ctx = o->lookup_ctx;
  st->auto_select = o->auto_select_family < 0 ? default_auto_select
                                              : o->auto_select_family != 0;
  if (nnet__bound_source(st->s)) st->auto_select = false; /* Node 26 */
  unsigned t = o->auto_select_family_attempt_timeout;
  if (t == 0) t = default_attempt_timeout;
  st->attempt_timeout = t < 10 ? 10 : t;
  st->he_mode = o->happy_eyeballs_mode;
  st->connect_timeout = o->connect_timeout;
  st->block_list = o->block_list;
}

static nnet__connect_t *state_new(nnet_socket_t *s,
                                  const nnet_connect_opts_t *o,
                                  size_t path_len) {
  nnet__connect_t *st = nnet__calloc(1, sizeof(*st));
  if (st == NULL) return NULL;
  st->s = s;
  copy_opts(st, o);
  bool ok = true;
  if (o->path) {
    st->path = nnet__malloc(path_len + 1);
    ok = st->path != NULL;
    if (ok) {
      memcpy(st->path, o->path, path_len);
      st->path[path_len] = 0;
      st->path_len = path_len;
    }
  } else {
    st->host = nnet__strdup(o->host && o->host[0] ? o->host : "localhost");
    ok = st->host != NULL;
    if (ok && o->local_address) {
      st->local_address = nnet__strdup(o->local_address);
      ok = st->local_address != NULL;
    }
  }
  if (!ok) {
    free_all(st);
    return NULL;
  }
  return st;
}

/* A socket opened from a descriptor that is not connected yet (bound,
 * say): Node's connect() goes through its handle, as for a new one. */
static bool fd_unconnected(const nnet_socket_t *s) {
  uv_os_fd_t fd;
  if (!s->from_fd || nnet__socket_dead(s) || uv_fileno(&s->h.handle, &fd) != 0)
    return false;
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  int err = 0;
  socklen_t elen = sizeof(err);
  return getpeername(fd, (struct sockaddr *)&ss, &len) != 0 &&
         errno == ENOTCONN &&
         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) == 0 && err == 0;
}

/* connect() through a wrapped descriptor: it stops reading until the
 * connection exists (nnet__socket_on_connected starts it again) and keeps
 * its handle and the sides nnet_socket_new opened. A path needs a Unix
 * socket and a port a TCP one (Node aborts on the mismatch). */
static void reuse_fd_for_connect(nnet_socket_t *s) {
  nnet__socket_read_stop(s);
  nnet__socket_forget_peer(s);
  s->from_fd = false;
  const uint32_t keep = NNET__S_HALF_OPEN | NNET__S_UNREF | NNET__S_NO_DELAY |
                        NNET__S_KEEP_ALIVE | NNET__S_PAUSED | NNET__S_FLOWING |
                        NNET__S_HANDLE_INIT | NNET__S_PIPE | NNET__S_READABLE |
                        NNET__S_WRITABLE | NNET__S_ENDING | NNET__S_SHUTDOWN |
                        NNET__S_FINISHED;
  s->flags &= keep;
}

/* Node's connect() on a socket that was destroyed: _undestroy(). Only a
 * socket whose 'close' was emitted can start over. *reuse: connect
 * through the wrapped descriptor already open (fd_unconnected). */
static int reset_for_connect(nnet_socket_t *s, bool is_pipe, bool *reuse) {
  *reuse = false;
  if (s->flags & NNET__S_CONNECTING) return UV_EALREADY;
  if ((s->flags & NNET__S_CONNECTED) && fd_unconnected(s)) {
    *reuse = true;
    return is_pipe == ((s->flags & NNET__S_PIPE) != 0)
               ? 0
               : NNET_ERR_INVALID_HANDLE_TYPE;
  }
  if ((s->flags & NNET__S_CONNECTED) && !nnet__socket_dead(s))
    return UV_EISCONN;
  if (nnet__socket_dead(s) && !(s->flags & NNET__S_CLOSED)) return UV_EBUSY;
  if (s->flags & NNET__S_HANDLE_INIT) return UV_EISCONN; /* fd socket */
  nnet__connect_t *old = state_of(s);
  if (old && (old->gai_active || old->lookup_active || old->lookup_calling))
    return UV_EBUSY;
  if (old) {
    s->connect_state = NULL;
    free_all(old);
  }
  /* Node: a destroyed socket gets a new handle, whose bytesRead and
   * bytesWritten start at 0, and forgets _peername. */
  if (nnet__socket_dead(s)) {
    s->bytes_read = s->bytes_written = 0;
    nnet__socket_forget_peer(s);
    s->from_fd = false;
  }
  const uint32_t keep = NNET__S_HALF_OPEN | NNET__S_UNREF | NNET__S_NO_DELAY |
                        NNET__S_KEEP_ALIVE | NNET__S_PAUSED | NNET__S_FLOWING |
                        NNET__S_TCP_ONLY;
  s->flags &= keep;
  nnet__socket_clear_error(s);
  s->server = NULL; /* (the same slot as connect_state) */
  return 0;
}

static void apply_opts(nnet_socket_t *s, const nnet_connect_opts_t *o) {
  if (o->no_delay) s->flags |= NNET__S_NO_DELAY;
  /* Out of memory for these two only loses the option (as a failed
   * setsockopt would); the connect goes on. */
  if (o->keep_alive) {
    s->flags |= NNET__S_KEEP_ALIVE;
    (void)nnet__sockopt_remember_keep_alive(s, o->keep_alive_initial_delay);
  }
  if (o->user_timeout)
    (void)nnet__sockopt_remember_user_timeout(s, o->user_timeout);
  if (o->type_of_service) (void)nnet__tos_remember(s, o->type_of_service);
  if (o->timeout) nnet_socket_set_timeout(s, o->timeout, NULL, NULL);
}

static int literal_cand(nnet__connect_t *st, int fam) {
  st->cands = nnet__calloc(1, sizeof(*st->cands));
  if (st->cands == NULL) return UV_ENOMEM;
  nnet__cand_t *c = &st->cands[0];
  int rc = fam == 4
               ? uv_ip4_addr(st->host, st->port, (struct sockaddr_in *)&c->sa)
               : uv_ip6_addr(st->host, st->port, (struct sockaddr_in6 *)&c->sa);
  if (rc != 0) return rc;
  c->family = fam;
  snprintf(c->text, sizeof(c->text), "%s", st->host);
  st->n_cands = 1;
  return 0;
}

static int start(nnet_socket_t *s, nnet__connect_t *st) {
  if (st->path) {
    st->pipe_err = pipe_connect_now(s, st);
    return nnet__socket_defer(s, pipe_job);
  }
  int rc = 0;
  if (st->connect_timeout) rc = nnet__he_total_timer(s, st->connect_timeout);
  if (rc != 0) return rc;
  int fam = nnet_is_ip(st->host);
  if (fam == 0) return nnet__lookup_begin(s);
  rc = literal_cand(st, fam);
  if (rc != 0) return rc;
  /* Node 26: an adopted BoundSocket connects in the call (no tick). */
  if (nnet__bound_source(s)) {
    nnet__he_run(s, false);
    return 0;
  }
  return nnet__socket_defer(s, literal_job);
}

int nnet_socket_connect(nnet_socket_t *s, const nnet_connect_opts_t *opts,
                        nnet_listener_fn connect_listener, void *ctx) {
  size_t path_len = 0;
  int rc = nnet__bound_connect_check(s, opts);
  if (rc == 0) rc = validate(opts, &path_len);
  bool reuse = false;
  if (rc == 0) rc = reset_for_connect(s, opts->path != NULL, &reuse);
  if (rc != 0) return rc;
  nnet__connect_t *st = state_new(s, opts, path_len);
  if (st == NULL) return UV_ENOMEM;
  if (reuse)
    reuse_fd_for_connect(s);
  else
    rc = nnet__socket_handle_init(s, opts->path != NULL);
  if (rc != 0) {
    free_all(st);
    return rc;
  }
  s->connect_state = st;
  s->flags |= NNET__S_CONNECTING;
  if (!reuse) s->flags |= NNET__S_READABLE | NNET__S_WRITABLE;
  if (connect_listener)
    nnet_socket_once(s, NNET_EV_CONNECT, connect_listener, ctx);
  apply_opts(s, opts);
  /* A custom lookup may answer (and its listeners run) inside start(). */
  nnet__socket_hold(s);
  rc = start(s, st);
  if (rc != 0) nnet__connect_fail(s, rc, "connect", st->host, st->port);
  nnet__socket_unhold(s);
  return 0;
}

int nnet_create_connection(uv_loop_t *loop, const nnet_connect_opts_t *opts,
                           nnet_listener_fn connect_listener, void *ctx,
                           nnet_socket_t **out) {
  *out = NULL;
  size_t path_len;
  int rc = validate(opts, &path_len);
  if (rc != 0) return rc;
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  nnet_socket_t *s;
  rc = nnet_socket_new(&so, &s);
  if (rc != 0) return rc;
  rc = nnet_socket_connect(s, opts, connect_listener, ctx);
  if (rc != 0) {
    /* Nothing started: free it silently. */
    s->flags |= NNET__S_DISCARD;
    nnet__socket_destroy_with(s, NULL);
    return rc;
  }
  *out = s;
  return 0;
}

int nnet_create_connection_tcp(uv_loop_t *loop, int port, const char *host,
                               nnet_socket_t **out) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.port = port;
  o.host = host;
  return nnet_create_connection(loop, &o, NULL, NULL, out);
}

int nnet_create_connection_path(uv_loop_t *loop, const char *path,
                                nnet_socket_t **out) {
  nnet_connect_opts_t o;
  nnet_connect_opts_init(&o);
  o.path = path;
  return nnet_create_connection(loop, &o, NULL, NULL, out);
}
