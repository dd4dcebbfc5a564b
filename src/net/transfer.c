/* Moving a socket or a listening server to another loop (Node >= 26:
 * net.Socket / net.Server in a worker's postMessage() transfer list).
 *
 * libuv 1.44 cannot move a handle between loops, so the descriptor moves:
 * dup() it on the sending thread, close the sender's handle through the
 * object's normal close path (its 'close' follows; libuv removes the
 * descriptor from the sender's epoll set before closing its number, so the
 * duplicate is not watched there any more), and open the duplicate in a
 * new object on the target thread, inside a mail of that loop's receiver
 * (core/mailbox.c). Whatever the peer sends meanwhile waits in the kernel.
 *
 * Receivers are found by uv_loop_t in a small registry; posting happens
 * under the registry lock, so a receiver cannot be closed under a sender.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "net/server_internal.h"
#include "net/socket_internal.h"

typedef struct receiver_s {
  struct receiver_s *next;
  uv_loop_t *loop;
  nnet__mailbox_t *mb;
  unsigned count; /* accept_transfers() calls not undone */
} receiver_t;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static receiver_t *receivers;

static receiver_t **find(uv_loop_t *loop) {
  receiver_t **p = &receivers;
  while (*p != NULL && (*p)->loop != loop) p = &(*p)->next;
  return p;
}

int nnet_loop_accept_transfers(uv_loop_t *loop) {
  if (loop == NULL) loop = uv_default_loop();
  pthread_mutex_lock(&registry_lock);
  receiver_t *r = *find(loop);
  int rc = 0;
  if (r != NULL) {
    r->count++;
  } else if ((r = nnet__calloc(1, sizeof(*r))) == NULL) {
    rc = UV_ENOMEM;
  } else if ((rc = nnet__mailbox_open(loop, &r->mb)) != 0) {
    nnet__free(r);
  } else {
    r->loop = loop;
    r->count = 1;
    r->next = receivers;
    receivers = r;
  }
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

int nnet_loop_refuse_transfers(uv_loop_t *loop) {
  if (loop == NULL) loop = uv_default_loop();
  pthread_mutex_lock(&registry_lock);
  receiver_t **p = find(loop), *r = *p;
  if (r != NULL && --r->count == 0)
    *p = r->next;
  else
    r = r != NULL ? NULL : (receiver_t *)-1;
  pthread_mutex_unlock(&registry_lock);
  if (r == (receiver_t *)-1) return NNET_ERR_TRANSFER_NO_RECEIVER;
  if (r == NULL) return 0;
  nnet__mailbox_close(r->mb); /* delivers what was sent before */
  nnet__free(r);
  return 0;
}

/* Post m to target's receiver. */
static int post(uv_loop_t *target, nnet__mail_t *m) {
  pthread_mutex_lock(&registry_lock);
  receiver_t *r = *find(target);
  int rc =
      r != NULL ? nnet__mailbox_post(r->mb, m) : NNET_ERR_TRANSFER_NO_RECEIVER;
  pthread_mutex_unlock(&registry_lock);
  return rc;
}

static int dup_fd(const uv_handle_t *h, int *out) {
  uv_os_fd_t fd;
  int rc = uv_fileno(h, &fd);
  if (rc != 0) return rc;
  *out = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  return *out >= 0 ? 0 : -errno;
}

/* ---- sockets ---- */

typedef struct {
  nnet__mail_t mail;
  uv_loop_t *loop; /* the target */
  int fd;
  bool allow_half_open;
  size_t hwm;
  nnet_socket_transfer_cb cb;
  void *ctx;
} sock_mail_t;

static void sock_arrived(nnet__mail_t *m, bool closing) {
  sock_mail_t *t = (sock_mail_t *)m;
  nnet_socket_opts_t o;
  nnet_socket_t *s = NULL;
  nnet_socket_opts_init(&o);
  o.loop = t->loop;
  o.fd = t->fd;
  o.allow_half_open = t->allow_half_open;
  o.high_water_mark = t->hwm;
  int rc = nnet_socket_new(&o, &s);
  if (rc != 0) close(t->fd);
  nnet_socket_transfer_cb cb = t->cb;
  void *ctx = t->ctx;
  nnet__free(t);
  nnet__user_enter();
  cb(rc == 0 ? s : NULL, rc, ctx);
  nnet__user_leave();
  if (s != NULL) nnet__tick_drain(s->nl);
}

/* Node's rule: a fresh connection only, so that nothing the sender read,
 * buffered or queued can be lost or reordered by the move. */
static bool socket_movable(const nnet_socket_t *s) {
  uint32_t f = s->flags;
  if (!(f & NNET__S_HANDLE_INIT) || !(f & NNET__S_CONNECTED)) return false;
  if (f & (NNET__S_CONNECTING | NNET__S_DESTROYED | NNET__S_ENDING |
           NNET__S_EOF | NNET__S_RESET))
    return false;
  if (s->bytes_read != 0 || s->bytes_written != 0 || s->wlen != 0) return false;
  const nnet__sockext_t *x = s->ext;
  if (x != NULL && (x->rq.len != 0 || x->pipes != NULL || x->bound != NULL))
    return false;
  return s->ws == NULL || (s->ws->wq_head == NULL && s->ws->inflight == NULL &&
                           s->ws->done_len == 0);
}

int nnet_socket_transfer(nnet_socket_t *s, uv_loop_t *target,
                         nnet_socket_transfer_cb cb, void *ctx) {
  if (s == NULL || target == NULL || cb == NULL)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (!socket_movable(s)) return NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE;
  sock_mail_t *t = nnet__calloc(1, sizeof(*t));
  if (t == NULL) return UV_ENOMEM;
  int rc = dup_fd(&s->h.handle, &t->fd);
  if (rc != 0) {
    nnet__free(t);
    return rc;
  }
  t->mail.run = sock_arrived;
  t->loop = target;
  t->allow_half_open = (s->flags & NNET__S_HALF_OPEN) != 0;
  t->hwm = nnet__socket_hwm(s);
  t->cb = cb;
  t->ctx = ctx;
  rc = post(target, &t->mail);
  if (rc != 0) {
    close(t->fd);
    nnet__free(t);
    return rc;
  }
  /* The mail may already be running on the target: s keeps only its own
   * handle, which closes the original descriptor number. */
  nnet__socket_destroy_with(s, NULL);
  s->close_no_arg = true; /* Node: 'close' of a socket without a handle */
  return 0;
}

/* ---- servers ---- */

typedef struct {
  nnet__mail_t mail;
  uv_loop_t *loop;
  int fd;
  nnet_server_opts_t opts;
  int max_connections;
  int backlog;
  /* a Unix socket file the server created: it goes with the socket */
  char *path;
  size_t path_len;
  bool own_path;
  dev_t dev;
  ino_t ino;
  char *pipe_name;
  size_t pipe_name_len;
  nnet_server_transfer_cb cb;
  void *ctx;
} srv_mail_t;

static void srv_mail_free(srv_mail_t *t) {
  nnet__free(t->path);
  nnet__free(t->pipe_name);
  nnet__free(t);
}

/* The socket file and the name address() reports move with the socket. */
static void take_path(nnet_server_t *srv, srv_mail_t *t) {
  nnet__lhandle_t *lh = srv->lh;
  if (t->pipe_name != NULL) {
    nnet__free(srv->pipe_name);
    srv->pipe_name = t->pipe_name;
    srv->pipe_name_len = t->pipe_name_len;
    t->pipe_name = NULL;
  }
  if (lh == NULL || t->path == NULL) return;
  nnet__free(lh->path);
  lh->path = t->path;
  lh->path_len = t->path_len;
  lh->own_path = t->own_path;
  lh->path_dev = t->dev;
  lh->path_ino = t->ino;
  t->path = NULL;
}

static void swallow(const nnet_event_t *ev, void *ctx) {}

/* listen(fd) reports a failure as a deferred 'error': the new server keeps
 * a no-op 'error' listener until it is known to listen, and a server that
 * does not is closed quietly (the descriptor went with its handle; one
 * that libuv could not even open, which does not happen to a listening
 * socket's duplicate, would stay open). */
static void srv_arrived(nnet__mail_t *m, bool closing) {
  srv_mail_t *t = (srv_mail_t *)m;
  nnet_server_t *srv = NULL;
  nnet_listen_opts_t lo;
  t->opts.loop = t->loop;
  int rc = nnet_create_server(&t->opts, NULL, NULL, &srv);
  bool fd_given = false; /* to listen(): its handle closes it from then on */
  if (rc == 0) rc = nnet_server_on(srv, NNET_EV_ERROR, swallow, NULL);
  if (rc == 0) {
    fd_given = true;
    nnet_listen_opts_init(&lo);
    lo.fd = t->fd;
    lo.backlog = t->backlog;
    nnet_server_set_max_connections(srv, t->max_connections);
    rc = nnet_server_listen(srv, &lo, NULL, NULL);
    if (rc == 0 && srv->lh == NULL) rc = UV_EBADF;
  }
  if (rc == 0) {
    take_path(srv, t);
    nnet_server_off(srv, NNET_EV_ERROR, swallow, NULL);
  } else {
    if (srv != NULL) nnet_server_close(srv, NULL, NULL);
    srv = NULL;
    if (!fd_given) close(t->fd);
  }
  nnet_server_transfer_cb cb = t->cb;
  void *ctx = t->ctx;
  srv_mail_free(t);
  nnet__user_enter();
  cb(srv, rc, ctx);
  nnet__user_leave();
}

/* The Unix socket file: the source's handle must not remove it when it
 * closes (the new server owns it now). */
static int give_path(nnet_server_t *srv, srv_mail_t *t) {
  nnet__lhandle_t *lh = srv->lh;
  if (srv->pipe_name != NULL) {
    t->pipe_name = nnet__malloc(srv->pipe_name_len + 1);
    if (t->pipe_name == NULL) return UV_ENOMEM;
    memcpy(t->pipe_name, srv->pipe_name, srv->pipe_name_len + 1);
    t->pipe_name_len = srv->pipe_name_len;
  }
  if (lh->path == NULL) return 0;
  t->path = nnet__strdup(lh->path); /* lh->path_len is not always set */
  if (t->path == NULL) return UV_ENOMEM;
  t->path_len = strlen(t->path);
  t->own_path = lh->own_path;
  t->dev = lh->path_dev;
  t->ino = lh->path_ino;
  return 0;
}

int nnet_server_transfer(nnet_server_t *srv, uv_loop_t *target,
                         nnet_server_transfer_cb cb, void *ctx) {
  if (srv == NULL || target == NULL || cb == NULL)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (srv->lh == NULL || srv->resolve != NULL)
    return NNET_ERR_WORKER_HANDLE_NOT_TRANSFERABLE;
  srv_mail_t *t = nnet__calloc(1, sizeof(*t));
  if (t == NULL) return UV_ENOMEM;
  int rc = give_path(srv, t);
  if (rc == 0) rc = dup_fd(&srv->lh->u.handle, &t->fd);
  if (rc != 0) {
    srv_mail_free(t);
    return rc;
  }
  t->mail.run = srv_arrived;
  t->loop = target;
  t->opts = srv->opts;
  t->max_connections = srv->max_connections;
  t->backlog = 511; /* libuv keeps no backlog; Node's default */
  t->cb = cb;
  t->ctx = ctx;
  bool own_path = srv->lh->own_path;
  srv->lh->own_path = false; /* before the new server may run */
  rc = post(target, &t->mail);
  if (rc != 0) {
    srv->lh->own_path = own_path;
    close(t->fd);
    srv_mail_free(t);
    return rc;
  }
  nnet_server_close(srv, NULL, NULL);
  return 0;
}
