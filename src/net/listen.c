/* server.listen() in every form: port/host, host names, Unix paths (and
 * Linux abstract names), an existing fd. Node's rules: argument errors are
 * returned at once; everything the system says (bind/listen failures) comes
 * as an 'error' event on a later turn; success as 'listening'. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "net/bound_internal.h"
#include "net/server_internal.h"

#define DEFAULT_BACKLOG 511

struct nnet__resolve_s {
  uv_getaddrinfo_t req; /* unused for an IP literal */
  nnet_server_t *srv;
  nnet_listen_opts_t o; /* o.host points at host[] */
  bool cancelled;
  bool literal; /* an IP: answered on the next tick, as dns.lookup does */
  char host[];
};

void nnet_listen_opts_init(nnet_listen_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->port = -1;
  o->backlog = DEFAULT_BACKLOG;
  o->fd = -1;
}

/* ---- listening handles ---- */

/* Each handle holds its server until its close callback, so the server
 * memory outlives every libuv callback that can reach it. */
static nnet__lhandle_t *lhandle_new(nnet_server_t *srv, bool is_pipe) {
  nnet__lhandle_t *lh = nnet__calloc(1, sizeof(*lh));
  if (lh == NULL) return NULL;
  lh->srv = srv;
  lh->is_pipe = is_pipe;
  nnet__server_hold(srv);
  return lh;
}

/* For a handle whose init failed (libuv never registered it). */
static void lhandle_drop(nnet__lhandle_t *lh) {
  nnet_server_t *srv = lh->srv;
  nnet__free(lh->path);
  nnet__free(lh);
  nnet__server_unhold(srv);
}

static void lhandle_closed(uv_handle_t *h) {
  lhandle_drop(nnet__container_of(h, nnet__lhandle_t, u.handle));
}

/* Unlink only the socket file this handle bound: if someone replaced it
 * since (another server after an unlink, a regular file), leave it. */
static void unlink_own_path(nnet__lhandle_t *lh) {
  struct stat st;
  if (!lh->own_path) return;
  lh->own_path = false;
  if (stat(lh->path, &st) == 0 && st.st_dev == lh->path_dev &&
      st.st_ino == lh->path_ino && S_ISSOCK(st.st_mode))
    unlink(lh->path);
}

void nnet__lhandle_close(nnet__lhandle_t *lh) {
  unlink_own_path(lh);
  uv_close(&lh->u.handle, lhandle_closed);
}

/* ---- common tail ---- */

/* Node's uvExceptionWithHostPort(err, 'listen', address, port), emitted on
 * the next tick. */
static int fail(nnet_server_t *srv, int code, const char *address, int port) {
  nnet__error_t e = {0};
  nnet__error_uv(&e, code, "listen", address, port);
  return nnet__server_defer_error(srv, &e);
}

/* uv_listen, then the server adopts the handle. On failure the handle is
 * closed; a system error is reported as 'error', ENOMEM returned. */
static int start(nnet_server_t *srv, nnet__lhandle_t *lh, int backlog,
                 const char *address, int port) {
  int rc = uv_listen(&lh->u.stream, backlog, nnet__server_on_connection);
  if (rc == 0) rc = nnet__server_adopt(srv, lh);
  if (rc == 0) return 0;
  nnet__lhandle_close(lh);
  return rc == UV_ENOMEM ? rc : fail(srv, rc, address, port);
}

/* ---- TCP ---- */

/* SO_REUSEPORT must be set before bind; libuv 1.44 has no flag for it, so
 * the socket is created first (uv_tcp_init_ex) and set up by hand. */
static int set_reuse_port(uv_tcp_t *tcp) {
  uv_os_fd_t fd;
  int on = 1;
  int rc = uv_fileno((uv_handle_t *)tcp, &fd);
  if (rc != 0) return rc;
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0)
    return -errno;
  return 0;
}

static int bind_tcp(nnet_server_t *srv, const char *ip, int port,
                    const nnet_listen_opts_t *o, nnet__lhandle_t **out) {
  struct sockaddr_storage ss;
  unsigned flags = 0;
  int rc;
  if (uv_ip4_addr(ip, port, (struct sockaddr_in *)&ss) != 0) {
    rc = uv_ip6_addr(ip, port, (struct sockaddr_in6 *)&ss);
    if (rc != 0) return rc;
    if (o->ipv6_only) flags |= UV_TCP_IPV6ONLY;
  }
  nnet__lhandle_t *lh = lhandle_new(srv, false);
  if (lh == NULL) return UV_ENOMEM;
  rc = uv_tcp_init_ex(srv->loop, &lh->u.tcp, ss.ss_family);
  if (rc != 0) {
    lhandle_drop(lh);
    return rc;
  }
  if (o->reuse_port) rc = set_reuse_port(&lh->u.tcp);
  if (rc == 0) rc = uv_tcp_bind(&lh->u.tcp, (struct sockaddr *)&ss, flags);
  if (rc != 0) {
    nnet__lhandle_close(lh);
    return rc;
  }
  *out = lh;
  return 0;
}

/* Node's setupListenHandle: no host means "::" (dual stack), and any bind
 * failure there (no IPv6) falls back to "0.0.0.0". */
static int listen_ip(nnet_server_t *srv, const char *ip,
                     const nnet_listen_opts_t *o) {
  nnet__lhandle_t *lh = NULL;
  const char *address = ip != NULL ? ip : "::";
  int rc = bind_tcp(srv, address, o->port, o, &lh);
  if (rc != 0 && rc != UV_ENOMEM && ip == NULL) {
    address = "0.0.0.0";
    rc = bind_tcp(srv, address, o->port, o, &lh);
  }
  if (rc == UV_ENOMEM) return rc;
  if (rc != 0) return fail(srv, rc, address, o->port);
  return start(srv, lh, o->backlog, address, o->port);
}

/* ---- host names ---- */

/* dns.lookup() errors as Node reports them: EAI_NONAME / EAI_NODATA are
 * err.code 'ENOTFOUND', message "getaddrinfo ENOTFOUND <host>"; no
 * address or port (Node's dns errors carry `hostname` instead). */
static void resolve_failed(nnet_server_t *srv, int status, const char *host) {
  nnet__error_t e = {0};
  nnet__error_sys(&e, status, "getaddrinfo", host, -1);
  nnet__free(e.addr_owned);
  e.addr_owned = NULL;
  e.pub.address = NULL;
  if (status == UV_EAI_NONAME || status == UV_EAI_NODATA) {
    size_t n = strlen(host) + sizeof("getaddrinfo ENOTFOUND ");
    char *msg = nnet__malloc(n);
    if (msg != NULL) {
      snprintf(msg, n, "getaddrinfo ENOTFOUND %s", host);
      nnet__free(e.msg_owned);
      e.msg_owned = msg;
      e.pub.message = msg;
    }
    e.pub.code_name = "ENOTFOUND";
  }
  nnet__server_defer_error(srv, &e);
}

/* The lookup answered (ip, or status < 0); nothing if close() or another
 * listen() came first. Frees r. */
static void answered(nnet__resolve_t *r, int status, const char *ip) {
  nnet_server_t *srv = r->srv;
  if (!r->cancelled) {
    srv->resolve = NULL;
    if (status == 0) {
      if (listen_ip(srv, ip, &r->o) == UV_ENOMEM)
        fail(srv, UV_ENOMEM, ip, r->o.port);
    } else {
      resolve_failed(srv, status, r->host);
    }
  }
  nnet__free(r);
}

static void resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  nnet__resolve_t *r = nnet__container_of(req, nnet__resolve_t, req);
  nnet_server_t *srv = r->srv;
  char ip[64];
  if (status == 0 &&
      (res == NULL || uv_ip_name(res->ai_addr, ip, sizeof(ip)) != 0))
    status = UV_EAI_NONAME;
  answered(r, status, ip);
  uv_freeaddrinfo(res);
  nnet__tick_drain(srv->nl);
  nnet__server_unhold(srv); /* the request's hold */
}

static void literal_job(void *arg) {
  nnet__resolve_t *r = arg;
  nnet_server_t *srv = r->srv;
  answered(r, 0, r->host);
  nnet__server_unhold(srv);
}

/* Node's lookupAndListen: every host, an IP literal included, goes through
 * dns.lookup first, so nothing is bound (server.listening is false) when
 * listen() returns; dns.lookup answers an IP literal on the next tick. */
static int listen_host(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  size_t n = strlen(o->host) + 1;
  nnet__resolve_t *r = nnet__calloc(1, sizeof(*r) + n);
  if (r == NULL) return UV_ENOMEM;
  memcpy(r->host, o->host, n);
  r->srv = srv;
  r->o = *o;
  r->o.host = r->host;
  if (nnet_is_ip(r->host)) {
    r->literal = true;
    if (nnet__defer(srv->nl, literal_job, r) != 0) {
      nnet__free(r);
      return UV_ENOMEM;
    }
    nnet__server_hold(srv);
    srv->resolve = r;
    return 0;
  }
  struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
  int rc = uv_getaddrinfo(srv->loop, &r->req, resolved, r->host, NULL, &hints);
  if (rc != 0) {
    nnet__free(r);
    if (rc == UV_ENOMEM) return rc;
    resolve_failed(srv, rc, o->host);
    return 0;
  }
  nnet__server_hold(srv);
  srv->resolve = r;
  return 0;
}

/* close() while resolving: the answer is ignored when it comes. */
void nnet__listen_cancel(nnet_server_t *srv) {
  srv->resolve->cancelled = true;
  if (!srv->resolve->literal) uv_cancel((uv_req_t *)&srv->resolve->req);
  srv->resolve = NULL;
}

/* ---- Unix sockets ---- */

static size_t path_length(const nnet_listen_opts_t *o) {
  return o->path_len != 0 ? o->path_len : strlen(o->path);
}

/* Node (libuv 1.44) silently truncates an over-long path and listens on
 * the wrong name; we refuse it instead. */
static int check_path(const nnet_listen_opts_t *o) {
  struct sockaddr_un sun;
  size_t len = path_length(o);
  if (len == 0) return NNET_ERR_INVALID_ARG_VALUE;
  bool abstract = o->path[0] == '\0';
  if (!abstract && memchr(o->path, '\0', len) != NULL)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (abstract ? len > sizeof(sun.sun_path) : len >= sizeof(sun.sun_path))
    return NNET_ERR_PATH_TOO_LONG;
  return 0;
}

/* The name as error messages show it: abstract names with a leading '@',
 * as ss(8) prints them. */
static void display_name(const nnet_server_t *srv, char *buf, size_t size) {
  size_t len = srv->pipe_name_len < size - 1 ? srv->pipe_name_len : size - 1;
  memcpy(buf, srv->pipe_name, len);
  buf[len] = '\0';
  if (len > 0 && buf[0] == '\0') buf[0] = '@';
}

/* libuv 1.44's uv_pipe_bind takes a C string (no abstract names) and
 * truncates: bind the socket here, then hand it to uv_pipe_open. */
static int bind_unix(const char *path, size_t len, int *fd_out) {
  struct sockaddr_un sun;
  memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  memcpy(sun.sun_path, path, len);
  socklen_t slen = offsetof(struct sockaddr_un, sun_path) + len;
  if (path[0] != '\0') slen++; /* the NUL */
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (bind(fd, (struct sockaddr *)&sun, slen) != 0) {
    int err = -errno;
    close(fd);
    /* As libuv's uv_pipe_bind (Node's): a missing directory is EACCES. */
    return err == UV_ENOENT ? UV_EACCES : err;
  }
  *fd_out = fd;
  return 0;
}

static int listen_path(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  char name[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
  display_name(srv, name, sizeof(name));
  int fd = -1;
  int rc = bind_unix(srv->pipe_name, srv->pipe_name_len, &fd);
  if (rc == UV_EADDRINUSE && o->unlink_stale && srv->pipe_name[0] != '\0' &&
      nnet__unlink_stale(srv->pipe_name) == 0)
    rc = bind_unix(srv->pipe_name, srv->pipe_name_len, &fd);
  if (rc != 0) return fail(srv, rc, name, -1);
  nnet__lhandle_t *lh = lhandle_new(srv, true);
  if (lh == NULL) goto oom;
  if (srv->pipe_name[0] != '\0') {
    struct stat st;
    lh->path = nnet__strdup(srv->pipe_name);
    if (lh->path == NULL) goto oom;
    if (stat(lh->path, &st) == 0) {
      lh->own_path = true;
      lh->path_dev = st.st_dev;
      lh->path_ino = st.st_ino;
    }
  }
  uv_pipe_init(srv->loop, &lh->u.pipe, 0);
  rc = uv_pipe_open(&lh->u.pipe, fd);
  if (rc != 0) {
    close(fd);
    nnet__lhandle_close(lh);
    return fail(srv, rc, name, -1);
  }
  rc = uv_listen(&lh->u.stream, o->backlog, nnet__server_on_connection);
  if (rc != 0) {
    nnet__lhandle_close(lh);
    return fail(srv, rc, name, -1);
  }
  /* Node: a chmod failure throws from listen() and nothing is emitted. */
  int mode =
      (o->readable_all ? UV_READABLE : 0) | (o->writable_all ? UV_WRITABLE : 0);
  if (mode != 0) rc = uv_pipe_chmod(&lh->u.pipe, mode);
  if (rc == 0) rc = nnet__server_adopt(srv, lh);
  if (rc != 0) nnet__lhandle_close(lh);
  return rc;
oom:
  if (srv->pipe_name[0] != '\0') unlink(srv->pipe_name);
  if (lh != NULL) lhandle_drop(lh);
  close(fd);
  return UV_ENOMEM;
}

/* ---- an existing descriptor ---- */

/* Node's createHandle(fd): TCP or pipe, anything else is EINVAL (as an
 * 'error'). The server owns the descriptor once it is open, as in Node;
 * *adopted says whether it got that far. port: what Node's listen errors
 * carry for this form (fd: none, 0; another server's handle: -1). */
static int open_fd(nnet_server_t *srv, int fd, int backlog, int port,
                   bool *adopted) {
  *adopted = false;
  uv_handle_type type = uv_guess_handle(fd);
  if (type != UV_TCP && type != UV_NAMED_PIPE)
    return fail(srv, UV_EINVAL, NULL, port);
  nnet__lhandle_t *lh = lhandle_new(srv, type == UV_NAMED_PIPE);
  if (lh == NULL) return UV_ENOMEM;
  int rc;
  if (lh->is_pipe) {
    uv_pipe_init(srv->loop, &lh->u.pipe, 0);
    rc = uv_pipe_open(&lh->u.pipe, fd);
  } else {
    uv_tcp_init(srv->loop, &lh->u.tcp);
    rc = uv_tcp_open(&lh->u.tcp, fd);
  }
  if (rc != 0) {
    nnet__lhandle_close(lh);
    return fail(srv, rc, NULL, port);
  }
  *adopted = true;
  return start(srv, lh, backlog, NULL, port);
}

static int listen_fd(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  bool adopted;
  return open_fd(srv, o->fd, o->backlog, 0, &adopted);
}

/* Node: server.listen(otherServer._handle) shares one handle object, so
 * closing either server stops both. Listening on a duplicate descriptor
 * of the same socket lets each close on its own; the kernel hands every
 * connection to one of them. The other server's Unix socket file stays
 * its own (this server never unlinks it). */
static int listen_server(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  uv_os_fd_t fd;
  int rc = uv_fileno(&o->handle_of->lh->u.handle, &fd);
  int dup_fd = rc == 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
  if (rc == 0 && dup_fd < 0) rc = -errno;
  if (rc != 0) return fail(srv, rc, NULL, -1);
  bool adopted;
  rc = open_fd(srv, dup_fd, o->backlog, -1, &adopted);
  if (!adopted) close(dup_fd);
  return rc;
}

/* Node 26: server.listen(boundSocket) listens on its descriptor, which is
 * the server's from then on (with its socket file: bound_socket.c). */
static int listen_bound(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  bool adopted;
  int rc = open_fd(srv, nnet__bound_fd(o->bound), o->backlog, -1, &adopted);
  if (adopted) nnet__bound_listened(o->bound, srv);
  return rc;
}

/* ---- entry points ---- */

static void abort_close(void *arg) {
  nnet_server_t *srv = arg;
  nnet_server_close(srv, NULL, NULL);
  nnet__server_unhold(srv);
}

static void on_abort(void *arg) {
  nnet_server_close(arg, NULL, NULL);
}

/* Node: an already aborted signal closes the server on the next tick,
 * before 'listening' could be emitted. */
static int watch_signal(nnet_server_t *srv, nnet_abort_controller_t *ac) {
  nnet__abort_unsubscribe(&srv->abort_sub);
  if (ac == NULL) return 0;
  if (nnet__abort_subscribe(ac, &srv->abort_sub, on_abort, srv) == 0) return 0;
  int rc = nnet__defer(srv->nl, abort_close, srv);
  if (rc == 0) nnet__server_hold(srv);
  return rc;
}

/* Which form, and its argument errors (Node throws these). */
static int validate(const nnet_listen_opts_t *o) {
  if (o->bound != NULL) return nnet__bound_check(o->bound);
  if (o->handle_of != NULL)
    return o->handle_of->lh != NULL ? 0 : NNET_ERR_INVALID_ARG_VALUE;
  if (o->fd >= 0) return 0;
  if (o->port < -1 || o->port > 65535) return NNET_ERR_SOCKET_BAD_PORT;
  if (o->port >= 0) return 0;
  if (o->path != NULL) return check_path(o);
  return NNET_ERR_INVALID_ARG_VALUE;
}

static int set_pipe_name(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  nnet__free(srv->pipe_name);
  srv->pipe_name = NULL;
  srv->pipe_name_len = 0;
  if (o->bound || o->handle_of != NULL || o->fd >= 0 || o->port >= 0) return 0;
  size_t len = path_length(o);
  srv->pipe_name = nnet__malloc(len + 1);
  if (srv->pipe_name == NULL) return UV_ENOMEM;
  memcpy(srv->pipe_name, o->path, len);
  srv->pipe_name[len] = '\0';
  srv->pipe_name_len = len;
  return 0;
}

static int dispatch(nnet_server_t *srv, const nnet_listen_opts_t *o) {
  if (o->bound != NULL) return listen_bound(srv, o);
  if (o->handle_of != NULL) return listen_server(srv, o);
  if (o->fd >= 0) return listen_fd(srv, o);
  if (o->port >= 0) {
    /* Node: no host (or "") binds now; any other host is looked up. */
    if (o->host == NULL || o->host[0] == '\0') return listen_ip(srv, NULL, o);
    return listen_host(srv, o);
  }
  return listen_path(srv, o);
}

int nnet_server_listen(nnet_server_t *srv, const nnet_listen_opts_t *opts,
                       nnet_listener_fn listening_listener, void *ctx) {
  nnet_listen_opts_t o;
  if (srv == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  if (opts != NULL) {
    o = *opts;
  } else {
    nnet_listen_opts_init(&o); /* Node: listen() binds a random port */
    o.port = 0;
  }
  if (o.backlog <= 0) o.backlog = DEFAULT_BACKLOG;
  if (srv->lh != NULL || srv->resolve != NULL)
    return NNET_ERR_SERVER_ALREADY_LISTEN;
  int rc = validate(&o);
  if (rc != 0) return rc;
  if (listening_listener != NULL &&
      nnet__emitter_on(&srv->em, NNET_EV_LISTENING, listening_listener, ctx, 1,
                       0) != 0)
    return UV_ENOMEM;
  nnet__server_hold(srv);
  srv->listen_gen++;
  srv->closed = false; /* listening again revives a closed server */
  rc = set_pipe_name(srv, &o);
  /* Node 26 never looks at the signal when it adopts a bound socket. */
  if (rc == 0 && o.bound == NULL) rc = watch_signal(srv, o.signal);
  if (rc == 0) rc = dispatch(srv, &o);
  nnet__server_unhold(srv);
  return rc;
}

int nnet_server_listen_tcp(nnet_server_t *srv, int port, const char *host) {
  nnet_listen_opts_t o;
  /* listen(-1): here -1 is not "no port" (that sentinel belongs to the
   * options form); Node throws ERR_SOCKET_BAD_PORT for it. */
  if (port < 0 || port > 65535) return NNET_ERR_SOCKET_BAD_PORT;
  nnet_listen_opts_init(&o);
  o.port = port;
  o.host = host;
  return nnet_server_listen(srv, &o, NULL, NULL);
}

int nnet_server_listen_path(nnet_server_t *srv, const char *path) {
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.path = path;
  return nnet_server_listen(srv, &o, NULL, NULL);
}
