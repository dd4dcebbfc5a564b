/* A server served by N loops in N threads (nnet_multiloop_start()).
 *
 * Every loop has its own per-loop server for each address, so a connection
 * is created, read, written and closed on one thread, and every server
 * option applies as usual, per loop. Two ways to spread connections:
 *
 * - SO_REUSEPORT: the starting thread binds one socket per loop to the
 *   same address (net.BoundSocket's reusePort) and listen()s on each, so
 *   bind and listen errors are the start's errors; each loop's server then
 *   adopts its own socket and the kernel balances. Nothing crosses threads.
 * - acceptor: one listening socket, watched by a uv_poll_t on loop 0, which
 *   accepts and hands each descriptor to the loop with the fewest open
 *   connections (atomics), through that loop's mailbox (core/mailbox.c);
 *   the loop injects it into its server as if that server had accepted it.
 *
 * Stopping: a stop mail on each loop runs nnet_server_shutdown() on its
 * servers; when they have all closed the mailbox closes, and the loop ends
 * once nothing else is left on it. ml->lock orders the acceptor's "accept,
 * then post" against stop()'s "set stopping, then post the stop mails", so
 * no descriptor reaches a loop after its stop mail. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/server_internal.h"
#include "net/socket_internal.h"

#define MAX_THREADS  256
#define ACCEPT_BATCH 64  /* accept4() per wake-up: the loop stays fair */
#define BACKOFF_MS   100 /* out of descriptors: try again after this */

typedef struct ml_loop_s ml_loop_t;

/* One listen address. */
typedef struct {
  bool is_pipe;
  bool acceptor;
  int backlog;
  nnet_bound_socket_t **bound; /* reuseport: one per loop; acceptor: [0] */
  nnet_socketaddress_t addr;   /* TCP: the bound address */
} ml_addr_t;

/* Loop 0's watcher of an acceptor address. */
typedef struct {
  uv_poll_t poll;
  uv_timer_t backoff;
  ml_loop_t *L;
  size_t j;
  int fd;
  bool open;
} ml_acceptor_t;

/* A descriptor on its way to a loop. */
typedef struct {
  nnet__mail_t mail;
  ml_loop_t *L;
  size_t j;
  int fd;
} fd_mail_t;

struct ml_loop_s {
  nnet_multiloop_t *ml;
  unsigned index;
  pthread_t thread;
  bool started;
  uv_loop_t loop;
  nnet__mailbox_t *mb; /* ml holds a reference */
  nnet_server_t **servers;
  ml_acceptor_t *acc; /* loop 0: one per address (used if acceptor) */
  nnet__conn_counter_t counter;
  _Atomic uint64_t inflight; /* posted here, not injected yet */
  _Atomic uint64_t ended, destroyed;
  nnet__mail_t stop_mail;
  bool stop_queued; /* under ml->lock */
  bool stopping;    /* loop thread */
  size_t shutting;  /* loop thread: servers whose shutdown is under way */
  int close_rc;
};

struct nnet_multiloop_s {
  unsigned n;
  ml_loop_t *loops;
  size_t n_listen;
  ml_addr_t *addrs;
  nnet_multiloop_opts_t o; /* o.listen is not kept */
  pthread_mutex_t lock;
  pthread_cond_t cond;
  unsigned reported; /* threads done starting (under lock) */
  int start_rc;      /* first failure (under lock) */
  bool stopping;     /* under lock */
  unsigned deadline, grace;
  unsigned rr; /* acceptor: where the least-loaded search starts */
  bool joined;
};

void nnet_multiloop_opts_init(nnet_multiloop_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->threads = 1;
  o->balance = NNET_BALANCE_REUSEPORT;
  nnet_server_opts_init(&o->server);
}

/* ---- binding (on the starting thread) ---- */

static int check_listen(const nnet_listen_opts_t *lo) {
  if (lo->fd >= 0 || lo->handle_of || lo->bound || lo->signal ||
      lo->readable_all || lo->writable_all || lo->reuse_port)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (lo->port > 65535 || lo->port < -1) return NNET_ERR_SOCKET_BAD_PORT;
  if (lo->port >= 0) {
    if (lo->host != NULL && lo->host[0] != '\0' && !nnet_is_ip(lo->host))
      return NNET_ERR_INVALID_ARG_VALUE; /* no DNS here */
    return 0;
  }
  if (lo->path == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  size_t len = lo->path_len ? lo->path_len : strlen(lo->path);
  if (len == 0) return NNET_ERR_INVALID_ARG_VALUE;
  if (len >= sizeof(((struct sockaddr_un *)0)->sun_path) && lo->path[0] != 0)
    return NNET_ERR_PATH_TOO_LONG;
  return 0;
}

static int bind_one(const nnet_listen_opts_t *lo, const char *host, int port,
                    bool reuse_port, nnet_bound_socket_t **out) {
  nnet_bound_socket_opts_t bo;
  nnet_bound_socket_opts_init(&bo);
  if (lo->port < 0) {
    bo.path = lo->path;
    bo.path_len = lo->path_len;
  } else {
    bo.host = host;
    bo.port = port;
    bo.ipv6_only = lo->ipv6_only;
    bo.reuse_port = reuse_port;
  }
  int rc = nnet_bound_socket_new(&bo, out);
  /* As server.listen(): a socket file nobody accepts on is replaced. */
  if (rc == UV_EADDRINUSE && lo->port < 0 && lo->unlink_stale &&
      lo->path[0] != '\0' && nnet__unlink_stale(lo->path) == 0)
    rc = nnet_bound_socket_new(&bo, out);
  if (rc != 0) return rc;
  if (listen(nnet_bound_socket_fd(*out), lo->backlog > 0 ? lo->backlog : 511))
    rc = -errno;
  if (rc != 0) {
    nnet_bound_socket_free(*out);
    *out = NULL;
  }
  return rc;
}

/* Node's default host: "::" (dual stack), falling back to 0.0.0.0. */
static int bind_host(const nnet_listen_opts_t *lo, int port, bool reuse_port,
                     nnet_bound_socket_t **out) {
  if (lo->port < 0 || (lo->host != NULL && lo->host[0] != '\0'))
    return bind_one(lo, lo->host, port, reuse_port, out);
  int rc = bind_one(lo, "::", port, reuse_port, out);
  if (rc != 0 && rc != UV_ENOMEM)
    rc = bind_one(lo, "0.0.0.0", port, reuse_port, out);
  return rc;
}

static int bind_addr(nnet_multiloop_t *ml, ml_addr_t *A,
                     const nnet_listen_opts_t *lo) {
  A->is_pipe = lo->port < 0;
  A->acceptor = A->is_pipe || ml->o.balance == NNET_BALANCE_ACCEPTOR;
  A->backlog = lo->backlog > 0 ? lo->backlog : 511;
  unsigned n = A->acceptor ? 1 : ml->n;
  A->bound = nnet__calloc(ml->n, sizeof(*A->bound));
  if (A->bound == NULL) return UV_ENOMEM;
  int rc = bind_host(lo, lo->port, !A->acceptor, &A->bound[0]);
  if (rc == 0 && !A->is_pipe)
    rc = nnet_bound_socket_address(A->bound[0], &A->addr);
  /* The same port for every loop, also when the kernel picked it. */
  for (unsigned i = 1; rc == 0 && i < n; i++) {
    nnet_listen_opts_t same = *lo;
    same.host = A->addr.address;
    rc = bind_one(&same, same.host, A->addr.port, true, &A->bound[i]);
  }
  return rc;
}

/* ---- the acceptor (loop 0) ---- */

/* accept4() needs _GNU_SOURCE, which the single-file build
 * (scripts/amalgamate.sh) cannot define early enough: the raw syscall. */
static int accept_nb(int lfd) {
#ifdef SYS_accept4
  return (int)syscall(SYS_accept4, lfd, NULL, NULL,
                      SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
  int fd = accept(lfd, NULL, NULL);
  if (fd >= 0 && (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0 ||
                  fcntl(fd, F_SETFD, FD_CLOEXEC) != 0)) {
    close(fd);
    return -1;
  }
  return fd;
#endif
}

/* A per-loop server its user closed (close() bumps listen_gen; an
 * acceptor's per-loop server never listens) takes no more connections:
 * Node's closed server accepts none. ml retains it, so it is still there. */
static bool takes_connections(const nnet_server_t *srv) {
  return srv != NULL && srv->listen_gen == 0 && !srv->closed;
}

static void inject(ml_loop_t *L, size_t j, int fd) {
  if (L->stopping || !takes_connections(L->servers[j]))
    close(fd);
  else
    nnet__server_inject(L->servers[j], fd, L->ml->addrs[j].is_pipe);
}

static void fd_arrived(nnet__mail_t *m, bool closing) {
  fd_mail_t *f = (fd_mail_t *)m;
  ml_loop_t *L = f->L;
  if (closing)
    close(f->fd); /* does not happen: the stop mail comes after */
  else
    inject(L, f->j, f->fd);
  atomic_fetch_sub_explicit(&L->inflight, 1, memory_order_relaxed);
  nnet__free(f);
}

/* The loop with the fewest open (and in-flight) connections; ties go
 * round-robin so that equal loads still alternate. Under ml->lock. */
static ml_loop_t *least_loaded(nnet_multiloop_t *ml) {
  ml_loop_t *best = NULL;
  uint64_t best_load = UINT64_MAX;
  for (unsigned k = 0; k < ml->n; k++) {
    ml_loop_t *L = &ml->loops[(ml->rr + k) % ml->n];
    uint64_t load =
        atomic_load_explicit(&L->counter.open, memory_order_relaxed) +
        atomic_load_explicit(&L->inflight, memory_order_relaxed);
    if (load < best_load) {
      best = L;
      best_load = load;
    }
  }
  ml->rr = (unsigned)(best - ml->loops + 1) % ml->n;
  return best;
}

static void backoff_cb(uv_timer_t *t);

/* Accept errors: a full descriptor table waits a little (a level-triggered
 * poll would spin); the rest (a peer gone before accept) are skipped.
 * Returns false when the batch should end. */
static bool accept_failed(ml_acceptor_t *a, int err) {
  if (err == EINTR || err == ECONNABORTED || err == EPROTO) return true;
  if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
    uv_poll_stop(&a->poll);
    uv_timer_start(&a->backoff, backoff_cb, BACKOFF_MS, 0);
  }
  return false;
}

static void acceptable(uv_poll_t *p, int status, int events) {
  ml_acceptor_t *a = p->data;
  nnet_multiloop_t *ml = a->L->ml;
  for (int i = 0; i < ACCEPT_BATCH; i++) {
    pthread_mutex_lock(&ml->lock);
    if (ml->stopping) {
      pthread_mutex_unlock(&ml->lock);
      uv_poll_stop(&a->poll); /* loop 0's stop mail closes it */
      return;
    }
    int fd = accept_nb(a->fd);
    if (fd < 0) {
      int err = errno;
      pthread_mutex_unlock(&ml->lock);
      if (accept_failed(a, err)) continue;
      return;
    }
    ml_loop_t *T = least_loaded(ml);
    atomic_fetch_add_explicit(&T->inflight, 1, memory_order_relaxed);
    fd_mail_t *f = T == a->L ? NULL : nnet__malloc(sizeof(*f));
    int rc = 0;
    if (f != NULL) {
      *f = (fd_mail_t){{NULL, fd_arrived}, T, a->j, fd};
      rc = nnet__mailbox_post(T->mb, &f->mail);
    }
    pthread_mutex_unlock(&ml->lock);
    if (T == a->L) { /* our own: no mail (user code runs here, unlocked) */
      inject(T, a->j, fd);
      atomic_fetch_sub_explicit(&T->inflight, 1, memory_order_relaxed);
    } else if (f == NULL || rc != 0) {
      close(fd);
      nnet__free(f);
      atomic_fetch_sub_explicit(&T->inflight, 1, memory_order_relaxed);
    }
  }
}

static void backoff_cb(uv_timer_t *t) {
  ml_acceptor_t *a = t->data;
  uv_poll_start(&a->poll, UV_READABLE, acceptable);
}

static int acceptor_open(ml_loop_t *L, size_t j) {
  ml_acceptor_t *a = &L->acc[j];
  a->L = L;
  a->j = j;
  a->fd = nnet_bound_socket_fd(L->ml->addrs[j].bound[0]);
  int rc = uv_poll_init_socket(&L->loop, &a->poll, a->fd);
  if (rc != 0) return rc;
  uv_timer_init(&L->loop, &a->backoff);
  a->poll.data = a->backoff.data = a;
  a->open = true;
  return uv_poll_start(&a->poll, UV_READABLE, acceptable);
}

/* Stops accepting at once: the listening socket closes (and its socket
 * file goes), so new clients are refused instead of waiting. */
static void acceptors_close(ml_loop_t *L) {
  for (size_t j = 0; L->acc != NULL && j < L->ml->n_listen; j++) {
    ml_acceptor_t *a = &L->acc[j];
    if (!a->open) continue;
    a->open = false;
    uv_close((uv_handle_t *)&a->poll, NULL);
    uv_close((uv_handle_t *)&a->backoff, NULL);
    nnet_bound_socket_free(L->ml->addrs[j].bound[0]);
    L->ml->addrs[j].bound[0] = NULL;
  }
}

/* ---- stopping (on each loop) ---- */

/* ml's retain of a per-loop server (make_server) ends: it is freed after
 * its 'close' (it may be inside that emit now). */
static void server_done(ml_loop_t *L, size_t j) {
  nnet_server_t *srv = L->servers[j];
  L->servers[j] = NULL;
  nnet_server_release(srv);
  if (--L->shutting == 0) nnet__mailbox_close(L->mb);
}

static void on_shut(nnet_server_t *srv, int status, size_t ended,
                    size_t destroyed, void *ctx) {
  ml_loop_t *L = ctx;
  atomic_fetch_add_explicit(&L->ended, ended, memory_order_relaxed);
  atomic_fetch_add_explicit(&L->destroyed, destroyed, memory_order_relaxed);
  for (size_t j = 0; j < L->ml->n_listen; j++)
    if (L->servers[j] == srv) server_done(L, j);
}

/* A per-loop server the user closed and whose 'close' was emitted is done
 * already: shutting it down would emit a second 'close'. */
static bool already_closed(const nnet_server_t *srv) {
  return srv->closed && srv->lh == NULL && srv->resolve == NULL &&
         !srv->close_wanted && srv->shutdown == NULL;
}

static void local_stop(ml_loop_t *L, unsigned deadline, unsigned grace) {
  bool first = !L->stopping;
  L->stopping = true;
  if (L->index == 0) acceptors_close(L);
  if (first) L->shutting = L->ml->n_listen;
  for (size_t j = 0; j < L->ml->n_listen; j++) {
    nnet_server_t *srv = L->servers[j];
    if (srv == NULL) continue; /* done (server_done) */
    if (first && already_closed(srv)) {
      server_done(L, j);
    } else if (nnet_server_shutdown(srv, deadline, grace,
                                    first ? on_shut : NULL, L) != 0 &&
               first) {
      /* Out of memory: on_shut may never run, and the open mailbox would
       * keep the loop (and join()) alive. Close the server as
       * loop_abandon() does; a late on_shut finds no slot (no-op). */
      nnet_server_close(srv, NULL, NULL);
      server_done(L, j);
    }
  }
}

static void stop_arrived(nnet__mail_t *m, bool closing) {
  ml_loop_t *L = nnet__container_of(m, ml_loop_t, stop_mail);
  nnet_multiloop_t *ml = L->ml;
  pthread_mutex_lock(&ml->lock);
  L->stop_queued = false;
  unsigned deadline = ml->deadline, grace = ml->grace;
  pthread_mutex_unlock(&ml->lock);
  if (!closing) local_stop(L, deadline, grace);
}

int nnet_multiloop_stop(nnet_multiloop_t *ml, unsigned deadline_ms,
                        unsigned grace_ms) {
  if (ml == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  pthread_mutex_lock(&ml->lock);
  ml->stopping = true;
  ml->deadline = deadline_ms;
  ml->grace = grace_ms;
  for (unsigned i = 0; i < ml->n; i++) {
    ml_loop_t *L = &ml->loops[i];
    if (L->mb == NULL || L->stop_queued) continue;
    L->stop_queued = nnet__mailbox_post(L->mb, &L->stop_mail) == 0;
  }
  pthread_mutex_unlock(&ml->lock);
  return 0;
}

/* ---- each loop's thread ---- */

static void swallow(const nnet_event_t *ev, void *ctx) {}

static int make_server(ml_loop_t *L, size_t j) {
  nnet_multiloop_t *ml = L->ml;
  ml_addr_t *A = &ml->addrs[j];
  nnet_server_opts_t so = ml->o.server;
  so.loop = &L->loop;
  nnet_server_t *srv;
  int rc = nnet_create_server(&so, ml->o.on_connection, ml->o.ctx, &srv);
  if (rc != 0) return rc;
  /* Kept until its shutdown ends (server_done): a user's close() in setup
   * or a listener would free it under the mails and the stop. */
  nnet_server_retain(srv);
  L->servers[j] = srv;
  srv->counter = &L->counter;
  if (ml->o.setup != NULL) rc = ml->o.setup(ml, L->index, j, srv, ml->o.ctx);
  if (rc != 0 || A->acceptor) return rc;
  /* The socket was bound and listens: this cannot fail but for memory. A
   * failure would be a deferred 'error': keep a listener for it. */
  nnet_listen_opts_t lo;
  nnet_listen_opts_init(&lo);
  lo.bound = A->bound[L->index];
  lo.backlog = A->backlog;
  if ((rc = nnet_server_on(srv, NNET_EV_ERROR, swallow, NULL)) != 0) return rc;
  rc = nnet_server_listen(srv, &lo, NULL, NULL);
  if (rc == 0 && !nnet_server_is_listening(srv)) return UV_EIO;
  if (rc == 0) nnet_server_off(srv, NNET_EV_ERROR, swallow, NULL);
  return rc;
}

static int loop_start(ml_loop_t *L) {
  nnet_multiloop_t *ml = L->ml;
  nnet__mailbox_t *mb;
  int rc = nnet__mailbox_open(&L->loop, &mb);
  if (rc != 0) return rc;
  nnet__mailbox_ref(mb); /* ml's */
  /* Published under ml->lock: stop() (any thread, setup too) reads it. */
  pthread_mutex_lock(&ml->lock);
  L->mb = mb;
  pthread_mutex_unlock(&ml->lock);
  for (size_t j = 0; rc == 0 && j < ml->n_listen; j++) rc = make_server(L, j);
  for (size_t j = 0; rc == 0 && L->index == 0 && j < ml->n_listen; j++)
    if (ml->addrs[j].acceptor) rc = acceptor_open(L, j);
  return rc;
}

/* A loop that could not start closes what it made and ends. */
static void loop_abandon(ml_loop_t *L) {
  L->stopping = true;
  if (L->index == 0) acceptors_close(L);
  for (size_t j = 0; j < L->ml->n_listen; j++) {
    nnet_server_t *srv = L->servers[j];
    if (srv == NULL) continue;
    L->servers[j] = NULL;
    nnet_server_close(srv, NULL, NULL);
    nnet_server_release(srv);
  }
  if (L->mb != NULL) nnet__mailbox_close(L->mb);
}

/* The multi-loop whose loop this thread runs: join() and free() refuse it. */
static _Thread_local const nnet_multiloop_t *this_thread_ml;

static void *loop_main(void *arg) {
  ml_loop_t *L = arg;
  nnet_multiloop_t *ml = L->ml;
  this_thread_ml = ml;
  int rc = loop_start(L);
  if (rc != 0) loop_abandon(L);
  pthread_mutex_lock(&ml->lock);
  if (rc != 0 && ml->start_rc == 0) ml->start_rc = rc;
  /* stop() ran before L->mb was published (from a setup callback): its
   * stop mail was not posted here. */
  if (rc == 0 && ml->stopping && !L->stop_queued)
    L->stop_queued = nnet__mailbox_post(L->mb, &L->stop_mail) == 0;
  ml->reported++;
  pthread_cond_broadcast(&ml->cond);
  pthread_mutex_unlock(&ml->lock);
  uv_run(&L->loop, UV_RUN_DEFAULT);
  L->close_rc = uv_loop_close(&L->loop);
  return NULL;
}

/* ---- start, join, free ---- */

static int ml_alloc(const nnet_multiloop_opts_t *o, nnet_multiloop_t **out) {
  nnet_multiloop_t *ml = nnet__calloc(1, sizeof(*ml));
  if (ml == NULL) return UV_ENOMEM;
  *out = ml;
  ml->o = *o;
  ml->o.listen = NULL;
  ml->n = o->threads;
  ml->n_listen = o->n_listen;
  pthread_mutex_init(&ml->lock, NULL);
  pthread_cond_init(&ml->cond, NULL);
  ml->loops = nnet__calloc(ml->n, sizeof(*ml->loops));
  ml->addrs = nnet__calloc(ml->n_listen, sizeof(*ml->addrs));
  if (ml->loops == NULL || ml->addrs == NULL) return UV_ENOMEM;
  for (unsigned i = 0; i < ml->n; i++) {
    ml_loop_t *L = &ml->loops[i];
    L->ml = ml;
    L->index = i;
    L->stop_mail.run = stop_arrived;
    L->servers = nnet__calloc(ml->n_listen, sizeof(*L->servers));
    if (L->servers == NULL) return UV_ENOMEM;
  }
  ml->loops[0].acc = nnet__calloc(ml->n_listen, sizeof(ml_acceptor_t));
  return ml->loops[0].acc != NULL ? 0 : UV_ENOMEM;
}

static int threads_start(nnet_multiloop_t *ml) {
  unsigned started = 0;
  int rc = 0;
  for (unsigned i = 0; rc == 0 && i < ml->n; i++) {
    ml_loop_t *L = &ml->loops[i];
    if ((rc = uv_loop_init(&L->loop)) != 0) break;
    rc = -pthread_create(&L->thread, NULL, loop_main, L);
    if (rc != 0) {
      uv_loop_close(&L->loop);
      break;
    }
    L->started = true;
    started++;
  }
  pthread_mutex_lock(&ml->lock);
  while (ml->reported < started) pthread_cond_wait(&ml->cond, &ml->lock);
  if (rc == 0) rc = ml->start_rc;
  pthread_mutex_unlock(&ml->lock);
  return rc;
}

int nnet_multiloop_start(const nnet_multiloop_opts_t *o,
                         nnet_multiloop_t **out) {
  if (out == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  *out = NULL;
  if (o == NULL || o->threads < 1 || o->threads > MAX_THREADS ||
      o->listen == NULL || o->n_listen == 0 ||
      (o->balance != NNET_BALANCE_REUSEPORT &&
       o->balance != NNET_BALANCE_ACCEPTOR))
    return NNET_ERR_INVALID_ARG_VALUE;
  int rc = 0;
  for (size_t j = 0; rc == 0 && j < o->n_listen; j++)
    rc = check_listen(&o->listen[j]);
  if (rc != 0) return rc;
  nnet_multiloop_t *ml = NULL;
  rc = ml_alloc(o, &ml);
  for (size_t j = 0; rc == 0 && j < ml->n_listen; j++)
    rc = bind_addr(ml, &ml->addrs[j], &o->listen[j]);
  if (rc == 0) rc = threads_start(ml);
  /* Adopted by the servers by now (or to be closed): the shells go. */
  for (size_t j = 0; ml != NULL && ml->addrs != NULL && j < ml->n_listen; j++)
    for (unsigned i = ml->addrs[j].acceptor ? 1 : 0;
         ml->addrs[j].bound != NULL && i < ml->n; i++) {
      nnet_bound_socket_free(ml->addrs[j].bound[i]);
      ml->addrs[j].bound[i] = NULL;
    }
  if (rc != 0) {
    nnet_multiloop_free(ml);
    return rc;
  }
  *out = ml;
  return 0;
}

/* Thread-local, not a search of loops[].thread: those are written by
 * pthread_create() on the starting thread, unordered with a loop thread's
 * read. */
static bool own_thread(const nnet_multiloop_t *ml) {
  return this_thread_ml == ml;
}

int nnet_multiloop_join(nnet_multiloop_t *ml) {
  if (ml == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (own_thread(ml)) return UV_EINVAL;
  int rc = 0;
  for (unsigned i = 0; i < ml->n; i++) {
    ml_loop_t *L = &ml->loops[i];
    if (!L->started) continue;
    if (!ml->joined) pthread_join(L->thread, NULL);
    if (L->close_rc != 0) rc = UV_EBUSY;
  }
  ml->joined = true;
  return rc;
}

void nnet_multiloop_free(nnet_multiloop_t *ml) {
  if (ml == NULL) return;
  if (own_thread(ml)) { /* cannot join: stop only, free it from elsewhere */
    nnet_multiloop_stop(ml, 0, 0);
    return;
  }
  if (!ml->joined && ml->loops != NULL) {
    nnet_multiloop_stop(ml, 0, 0);
    nnet_multiloop_join(ml);
  }
  for (unsigned i = 0; ml->loops != NULL && i < ml->n; i++) {
    if (ml->loops[i].mb != NULL) nnet__mailbox_unref(ml->loops[i].mb);
    nnet__free(ml->loops[i].servers);
  }
  for (size_t j = 0; ml->addrs != NULL && j < ml->n_listen; j++) {
    for (unsigned i = 0; ml->addrs[j].bound != NULL && i < ml->n; i++)
      nnet_bound_socket_free(ml->addrs[j].bound[i]);
    nnet__free(ml->addrs[j].bound);
  }
  if (ml->loops != NULL) nnet__free(ml->loops[0].acc);
  nnet__free(ml->loops);
  nnet__free(ml->addrs);
  pthread_mutex_destroy(&ml->lock);
  pthread_cond_destroy(&ml->cond);
  nnet__free(ml);
}

/* ---- properties ---- */

unsigned nnet_multiloop_threads(const nnet_multiloop_t *ml) {
  return ml != NULL ? ml->n : 0;
}

uv_loop_t *nnet_multiloop_loop(const nnet_multiloop_t *ml, unsigned i) {
  return ml != NULL && i < ml->n ? &ml->loops[i].loop : NULL;
}

int nnet_multiloop_address(const nnet_multiloop_t *ml, size_t listen_index,
                           nnet_socketaddress_t *out) {
  if (ml == NULL || out == NULL || listen_index >= ml->n_listen)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (ml->addrs[listen_index].is_pipe) return NNET_ERR_INVALID_HANDLE_TYPE;
  *out = ml->addrs[listen_index].addr;
  return 0;
}

int nnet_multiloop_stats(const nnet_multiloop_t *ml, unsigned i,
                         nnet_multiloop_stats_t *out) {
  if (ml == NULL || out == NULL || i >= ml->n)
    return NNET_ERR_INVALID_ARG_VALUE;
  const ml_loop_t *L = &ml->loops[i];
  memset(out, 0, sizeof(*out));
  out->accepted = atomic_load(&L->counter.accepted);
  out->open = atomic_load(&L->counter.open);
  out->ended = atomic_load(&L->ended);
  out->destroyed = atomic_load(&L->destroyed);
  return 0;
}
