/* Node 26's net.BoundSocket: a TCP or Unix socket bound in the
 * constructor, so that an address conflict is an error of the call rather
 * than a later 'error' event, and adopted afterwards by server.listen() or
 * new net.Socket({handle}).
 *
 * It is a plain descriptor, bound the way libuv binds (SO_REUSEADDR on TCP,
 * ENOENT reported as EACCES for a path), and belongs to no loop: the
 * adopter opens it on its own. Adoption moves the descriptor and the socket
 * file a path created; the object stays the caller's, as an empty shell
 * (Node's #handle = null), until nnet_bound_socket_free(). */
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "addr/ip.h"
#include "net/bound_internal.h"
#include "net/server_internal.h"
#include "net/socket_internal.h"

struct nnet_bound_socket_s {
  int fd; /* -1 once adopted or closed */
  bool is_pipe;
  nnet_socketaddress_t addr; /* TCP: getsockname() after the bind */
  char *path;                /* Unix: the name as given, NUL-terminated */
  size_t path_len;
  nnet__bound_src_t file; /* the socket file this bind created, if any */
};

void nnet_bound_socket_opts_init(nnet_bound_socket_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->port = -1;
}

/* ---- the socket file ---- */

/* Remove the file only while it is still the socket we bound: a file put
 * there since (after an unlink, say) is left alone. */
static void file_unlink(nnet__bound_src_t *f) {
  struct stat st;
  if (f->path == NULL) return;
  if (stat(f->path, &st) == 0 && st.st_dev == f->dev && st.st_ino == f->ino &&
      S_ISSOCK(st.st_mode))
    unlink(f->path);
  nnet__free(f->path);
  f->path = NULL;
}

/* ---- binding ---- */

static int set_flag(int fd, int level, int name, int on) {
  return setsockopt(fd, level, name, &on, sizeof(on)) == 0 ? 0 : -errno;
}

static void read_address(nnet_bound_socket_t *b,
                         const struct sockaddr_storage *ss) {
  uint8_t raw[16] = {0};
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    memcpy(raw, &a->sin_addr, 4);
    nnet__socketaddress_set(&b->addr, NNET_IPV4, raw, ntohs(a->sin_port), 0);
  } else {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    memcpy(raw, a->sin6_addr.s6_addr, 16);
    nnet__socketaddress_set(&b->addr, NNET_IPV6, raw, ntohs(a->sin6_port), 0);
  }
}

/* Node: validatePort(port ?? 0), a numeric host (no DNS), then libuv's
 * uv_tcp_bind; getsockname() at once so that EADDRINUSE (which libuv
 * defers) surfaces here. A raw bind() reports it directly. */
static int bind_tcp(nnet_bound_socket_t *b, const nnet_bound_socket_opts_t *o) {
  if (o->port < -1 || o->port > 65535) return NNET_ERR_SOCKET_BAD_PORT;
  int port = o->port < 0 ? 0 : o->port;
  const char *host = o->host;
  int fam = o->ipv6_only ? 6 : 4;
  if (host == NULL)
    host = o->ipv6_only ? "::" : "0.0.0.0";
  else if ((fam = nnet_is_ip(host)) == 0)
    return NNET_ERR_INVALID_ARG_VALUE;
  struct sockaddr_storage ss;
  socklen_t len =
      fam == 6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
  int rc = fam == 6 ? uv_ip6_addr(host, port, (struct sockaddr_in6 *)&ss)
                    : uv_ip4_addr(host, port, (struct sockaddr_in *)&ss);
  if (rc != 0) return rc;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  rc = set_flag(fd, SOL_SOCKET, SO_REUSEADDR, 1);
  /* As libuv: IPV6_V6ONLY set either way on IPv6; Node passes no flag to
   * an IPv4 bind. */
  if (rc == 0 && fam == 6)
    rc = set_flag(fd, IPPROTO_IPV6, IPV6_V6ONLY, o->ipv6_only);
  if (rc == 0 && o->reuse_port) rc = set_flag(fd, SOL_SOCKET, SO_REUSEPORT, 1);
  if (rc == 0 && bind(fd, (struct sockaddr *)&ss, len) != 0)
    rc = errno == EAFNOSUPPORT ? UV_EINVAL : -errno;
  len = sizeof(ss);
  if (rc == 0 && getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
    rc = -errno;
  if (rc != 0) {
    close(fd);
    return rc;
  }
  read_address(b, &ss);
  b->fd = fd;
  return 0;
}

/* Node: path is exclusive with the TCP options; then libuv's
 * uv_pipe_bind2(UV_PIPE_NO_TRUNCATE): no name longer than sun_path, no NUL
 * inside a file path; "" autobinds an abstract name. */
static int bind_pipe(nnet_bound_socket_t *b,
                     const nnet_bound_socket_opts_t *o) {
  if (o->host != NULL || o->port != -1 || o->ipv6_only || o->reuse_port)
    return NNET_ERR_INVALID_ARG_VALUE;
  struct sockaddr_un sun;
  size_t len = o->path_len != 0 ? o->path_len : strlen(o->path);
  bool abstract = len == 0 || o->path[0] == '\0';
#ifndef __linux__
  if (abstract && len > 0) return NNET_ERR_INVALID_ARG_VALUE;
#endif
  if (len > sizeof(sun.sun_path)) return UV_EINVAL;
  if (!abstract && memchr(o->path, '\0', len) != NULL) return UV_EINVAL;
  b->path = nnet__malloc(len + 1);
  if (b->path == NULL) return UV_ENOMEM;
  memcpy(b->path, o->path, len);
  b->path[len] = '\0';
  b->path_len = len;
  b->is_pipe = true;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, o->path, len);
  socklen_t slen = offsetof(struct sockaddr_un, sun_path) + len;
  if (!abstract && len < sizeof(sun.sun_path)) slen++; /* the NUL */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, (struct sockaddr *)&sun, slen) != 0) {
    int err = -errno;
    close(fd);
    return err == UV_ENOENT ? UV_EACCES : err;
  }
  struct stat st;
  if (!abstract && stat(b->path, &st) == 0) {
    b->file.path = nnet__strdup(b->path);
    if (b->file.path == NULL) {
      unlink(b->path);
      close(fd);
      return UV_ENOMEM;
    }
    b->file.dev = st.st_dev;
    b->file.ino = st.st_ino;
  }
  b->fd = fd;
  return 0;
}

int nnet_bound_socket_new(const nnet_bound_socket_opts_t *opts,
                          nnet_bound_socket_t **out) {
  nnet_bound_socket_opts_t defaults;
  if (out == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  *out = NULL;
  if (opts == NULL) {
    nnet_bound_socket_opts_init(&defaults);
    opts = &defaults;
  }
  nnet_bound_socket_t *b = nnet__calloc(1, sizeof(*b));
  if (b == NULL) return UV_ENOMEM;
  b->fd = -1;
  int rc = opts->path != NULL ? bind_pipe(b, opts) : bind_tcp(b, opts);
  if (rc != 0) {
    nnet__free(b->path);
    nnet__free(b);
    return rc;
  }
  *out = b;
  return 0;
}

/* ---- Node's methods ---- */

int nnet_bound_socket_address(const nnet_bound_socket_t *b,
                              nnet_socketaddress_t *out) {
  if (b == NULL || out == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (b->fd < 0) return NNET_ERR_SOCKET_HANDLE_ADOPTED;
  if (b->is_pipe) return NNET_ERR_INVALID_HANDLE_TYPE;
  *out = b->addr;
  return 0;
}

int nnet_bound_socket_address_path(const nnet_bound_socket_t *b, char *path,
                                   size_t path_size) {
  if (b == NULL || path == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (b->fd < 0) return NNET_ERR_SOCKET_HANDLE_ADOPTED;
  if (!b->is_pipe) return NNET_ERR_INVALID_HANDLE_TYPE;
  if (b->path_len + 1 > path_size) return UV_ENOBUFS;
  memcpy(path, b->path, b->path_len + 1);
  return (int)b->path_len;
}

bool nnet_bound_socket_is_pipe(const nnet_bound_socket_t *b) {
  return b != NULL && b->is_pipe;
}

int nnet_bound_socket_fd(const nnet_bound_socket_t *b) {
  if (b == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  return b->fd >= 0 ? b->fd : NNET_ERR_SOCKET_HANDLE_ADOPTED;
}

int nnet_bound_socket_close(nnet_bound_socket_t *b) {
  if (b == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (b->fd < 0) return NNET_ERR_SOCKET_HANDLE_ADOPTED;
  close(b->fd);
  b->fd = -1;
  file_unlink(&b->file);
  return 0;
}

void nnet_bound_socket_free(nnet_bound_socket_t *b) {
  if (b == NULL) return;
  (void)nnet_bound_socket_close(b);
  nnet__free(b->path);
  nnet__free(b);
}

/* ---- adoption ---- */

int nnet__bound_check(const nnet_bound_socket_t *b) {
  return b->fd >= 0 ? 0 : NNET_ERR_SOCKET_HANDLE_ADOPTED;
}

int nnet__bound_fd(const nnet_bound_socket_t *b) {
  return b->fd;
}

/* The file goes with the descriptor: the listening handle removes it when
 * it closes (listen.c's own-path rule); if listening failed, the handle is
 * closing already and so the file goes now. Node's server.address() then
 * gives the bound path (server._pipeName). */
void nnet__bound_listened(nnet_bound_socket_t *b, nnet_server_t *srv) {
  b->fd = -1;
  nnet__lhandle_t *lh = srv->lh;
  if (lh != NULL && b->file.path != NULL) {
    nnet__free(lh->path);
    lh->path = b->file.path;
    lh->path_len = strlen(b->file.path);
    lh->own_path = true;
    lh->path_dev = b->file.dev;
    lh->path_ino = b->file.ino;
    b->file.path = NULL;
  }
  file_unlink(&b->file);
  if (!b->is_pipe) return;
  char *name = nnet__malloc(b->path_len + 1);
  if (name == NULL) return; /* address() then asks the kernel */
  memcpy(name, b->path, b->path_len + 1);
  nnet__free(srv->pipe_name);
  srv->pipe_name = name;
  srv->pipe_name_len = b->path_len;
}

static void open_failed_cb(uv_handle_t *h) {
  nnet__socket_closed_one(h->data);
}

/* Node's constructor with a BoundSocket handle: the socket has a handle
 * (not pending, readyState "open") but does not read until connect(), and
 * connect() goes through that handle (connect.c's wrapped-descriptor
 * path: from_fd, connected flag, unconnected descriptor). */
int nnet__bound_adopt_socket(nnet_socket_t *s, nnet_bound_socket_t *b) {
  if (b->fd < 0) return NNET_ERR_SOCKET_HANDLE_ADOPTED;
  nnet__sockext_t *x = nnet__socket_ext(s);
  nnet__bound_src_t *src = x ? nnet__calloc(1, sizeof(*src)) : NULL;
  if (src == NULL) return UV_ENOMEM;
  int rc = nnet__socket_handle_init(s, b->is_pipe);
  if (rc != 0) {
    nnet__free(src);
    return rc;
  }
  rc = b->is_pipe ? uv_pipe_open(&s->h.pipe, b->fd)
                  : uv_tcp_open(&s->h.tcp, b->fd);
  if (rc != 0) {
    /* The descriptor stays the bound socket's: close the handle alone. */
    s->flags &= ~NNET__S_HANDLE_INIT;
    s->pending_closes++;
    uv_close(&s->h.handle, open_failed_cb);
    nnet__free(src);
    return rc;
  }
  *src = b->file;
  b->file.path = NULL;
  b->fd = -1;
  x->bound = src;
  s->from_fd = true;
  s->flags |= NNET__S_CONNECTED;
  return 0;
}

bool nnet__bound_source(const nnet_socket_t *s) {
  return s->ext != NULL && s->ext->bound != NULL;
}

int nnet__bound_connect_check(const nnet_socket_t *s,
                              const nnet_connect_opts_t *o) {
  if (!nnet__bound_source(s) || o == NULL || (o->port == -1 && o->path == NULL))
    return 0;
  /* Node trusts the adopted handle's type while it has it: a Unix one
   * validates options.path as a string. */
  bool has_handle = (s->flags & NNET__S_HANDLE_INIT) && !nnet__socket_dead(s);
  if (has_handle && (s->flags & NNET__S_PIPE)) {
    if (o->path == NULL) return NNET_ERR_INVALID_ARG_TYPE;
    return 0;
  }
  /* Without the handle (destroyed) a path makes a Unix connect. */
  if (o->path != NULL && !has_handle) return 0;
  if (o->local_address != NULL || o->local_port != 0)
    return NNET_ERR_INVALID_ARG_VALUE;
  return 0;
}

void nnet__bound_src_closing(nnet_socket_t *s) {
  if (nnet__bound_source(s)) file_unlink(s->ext->bound);
}

void nnet__bound_src_free(nnet__bound_src_t *src) {
  if (src == NULL) return;
  nnet__free(src->path);
  nnet__free(src);
}
