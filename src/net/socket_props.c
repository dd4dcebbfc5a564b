/* net.Socket: listeners, user data, ref/unref and read-only properties. */
#include <string.h>

#include "net/connect_internal.h"
#include "net/socket_internal.h"

/* Node's Readable.on(): a 'data' listener makes the socket flow. */
static int add_listener(nnet_socket_t *s, nnet_event_type_t type,
                        nnet_listener_fn fn, void *ctx, int once, int prepend) {
  int rc = nnet__emitter_on(&s->em, type, fn, ctx, once, prepend);
  if (rc == 0 && type == NNET_EV_DATA) nnet__socket_data_listener_added(s);
  return rc;
}

int nnet_socket_on(nnet_socket_t *s, nnet_event_type_t type,
                   nnet_listener_fn fn, void *ctx) {
  return add_listener(s, type, fn, ctx, 0, 0);
}

int nnet_socket_once(nnet_socket_t *s, nnet_event_type_t type,
                     nnet_listener_fn fn, void *ctx) {
  return add_listener(s, type, fn, ctx, 1, 0);
}

int nnet_socket_prepend(nnet_socket_t *s, nnet_event_type_t type,
                        nnet_listener_fn fn, void *ctx) {
  return add_listener(s, type, fn, ctx, 0, 1);
}

int nnet_socket_off(nnet_socket_t *s, nnet_event_type_t type,
                    nnet_listener_fn fn, void *ctx) {
  return nnet__emitter_off(&s->em, type, fn, ctx);
}

int nnet_socket_remove_all(nnet_socket_t *s, nnet_event_type_t type) {
  return nnet__emitter_remove_all(&s->em, type);
}

size_t nnet_socket_listener_count(const nnet_socket_t *s,
                                  nnet_event_type_t type) {
  return nnet__emitter_count(&s->em, type);
}

void nnet_socket_set_data(nnet_socket_t *s, void *data) {
  s->data = data;
}

void *nnet_socket_get_data(const nnet_socket_t *s) {
  return s->data;
}

uv_loop_t *nnet_socket_loop(const nnet_socket_t *s) {
  return nnet__socket_loop(s);
}

void nnet_socket_ref(nnet_socket_t *s) {
  s->flags &= ~NNET__S_UNREF;
  if (s->flags & NNET__S_HANDLE_INIT) uv_ref(&s->h.handle);
  if (s->timer && !s->timer->closed) uv_ref((uv_handle_t *)&s->timer->t);
}

void nnet_socket_unref(nnet_socket_t *s) {
  s->flags |= NNET__S_UNREF;
  if (s->flags & NNET__S_HANDLE_INIT) uv_unref(&s->h.handle);
  if (s->timer && !s->timer->closed) uv_unref((uv_handle_t *)&s->timer->t);
}

uint64_t nnet_socket_bytes_read(const nnet_socket_t *s) {
  return s->bytes_read;
}

uint64_t nnet_socket_bytes_written(const nnet_socket_t *s) {
  return s->bytes_written;
}

size_t nnet_socket_writable_length(const nnet_socket_t *s) {
  return s->wlen;
}

/* Node's readable/writable getters: a side is open until it ended (reading:
 * 'end' emitted; writing: end() called) or the socket was destroyed. */
bool nnet_socket_is_readable(const nnet_socket_t *s) {
  return (s->flags & NNET__S_READABLE) &&
         !(s->flags & (NNET__S_DESTROYED | NNET__S_END_EMITTED));
}

bool nnet_socket_is_writable(const nnet_socket_t *s) {
  return (s->flags & NNET__S_WRITABLE) &&
         !(s->flags & (NNET__S_DESTROYED | NNET__S_ENDING));
}

bool nnet_socket_writable_ended(const nnet_socket_t *s) {
  return (s->flags & NNET__S_ENDING) != 0;
}

bool nnet_socket_allow_half_open(const nnet_socket_t *s) {
  return (s->flags & NNET__S_HALF_OPEN) != 0;
}

const char *nnet_socket_ready_state(const nnet_socket_t *s) {
  if (s->flags & NNET__S_CONNECTING) return "opening";
  bool r = nnet_socket_is_readable(s), w = nnet_socket_is_writable(s);
  if (r && w) return "open";
  if (r) return "readOnly";
  if (w) return "writeOnly";
  return "closed";
}

bool nnet_socket_is_pending(const nnet_socket_t *s) {
  return !(s->flags & NNET__S_CONNECTED) || !(s->flags & NNET__S_HANDLE_INIT);
}

bool nnet_socket_is_connecting(const nnet_socket_t *s) {
  return (s->flags & NNET__S_CONNECTING) != 0;
}

bool nnet_socket_is_destroyed(const nnet_socket_t *s) {
  return (s->flags & NNET__S_DESTROYED) != 0;
}

bool nnet_socket_is_pipe(const nnet_socket_t *s) {
  return (s->flags & NNET__S_PIPE) != 0;
}

static int from_sockaddr(const struct sockaddr_storage *ss,
                         nnet_socketaddress_t *out) {
  memset(out, 0, sizeof(*out));
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *a = (const struct sockaddr_in *)ss;
    uv_ip4_name(a, out->address, sizeof(out->address));
    out->family = NNET_IPV4;
    out->port = ntohs(a->sin_port);
    memcpy(out->raw, &a->sin_addr, 4);
    return 0;
  }
  if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
    uv_ip6_name(a, out->address, sizeof(out->address));
    out->family = NNET_IPV6;
    out->port = ntohs(a->sin6_port);
    out->flowlabel = ntohl(a->sin6_flowinfo) & 0xfffff;
    memcpy(out->raw, &a->sin6_addr, 16);
    return 0;
  }
  return UV_EAFNOSUPPORT;
}

static int tcp_name_raw(const nnet_socket_t *s, struct sockaddr_storage *ss,
                        bool peer) {
  if (s->flags & NNET__S_DESTROYED) return UV_EBADF;
  if (!(s->flags & NNET__S_HANDLE_INIT)) return UV_ENOTCONN;
  if (s->flags & NNET__S_PIPE) return UV_ENOTSUP;
  int len = sizeof(*ss);
  int rc = peer ? uv_tcp_getpeername(&s->h.tcp, (struct sockaddr *)ss, &len)
                : uv_tcp_getsockname(&s->h.tcp, (struct sockaddr *)ss, &len);
  /* No descriptor yet (a connect still racing or looking up): not
   * connected, as Node's undefined remoteAddress. */
  return rc == UV_EBADF ? UV_ENOTCONN : rc;
}

static int tcp_name(const nnet_socket_t *s, nnet_socketaddress_t *out,
                    bool peer) {
  struct sockaddr_storage ss;
  int rc = tcp_name_raw(s, &ss, peer);
  return rc != 0 ? rc : from_sockaddr(&ss, out);
}

int nnet_socket_address(const nnet_socket_t *s, nnet_socketaddress_t *out) {
  return tcp_name(s, out, false);
}

/* Node's _getpeername(): the first successful read while connected is
 * cached (_peername), so a peer read during the connection is still there
 * in 'close' (and after a reset, when getpeername() fails); one never read
 * is undefined once the handle is gone. connect() forgets it. Out of
 * memory only skips the caching. */
int nnet_socket_remote_address(const nnet_socket_t *s,
                               nnet_socketaddress_t *out) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  const nnet__peername_t *cached = s->ext ? s->ext->peer : NULL;
  if (cached != NULL) {
    memcpy(&ss, cached, sizeof(*cached));
    return from_sockaddr(&ss, out);
  }
  if (s->flags & NNET__S_CONNECTING) return UV_ENOTCONN;
  int rc = tcp_name_raw(s, &ss, true);
  if (rc == 0) rc = from_sockaddr(&ss, out);
  if (rc != 0) return rc;
  /* The socket is the library's (never const): the getter fills a cache. */
  nnet__sockext_t *x = nnet__socket_ext((nnet_socket_t *)s);
  if (x != NULL && (x->peer = nnet__malloc(sizeof(*x->peer))) != NULL)
    memcpy(x->peer, &ss, sizeof(*x->peer));
  return 0;
}

void nnet__socket_forget_peer(nnet_socket_t *s) {
  if (s->ext == NULL) return;
  nnet__free(s->ext->peer);
  s->ext->peer = NULL;
}

int nnet__socket_peer(const nnet_socket_t *s, nnet_socketaddress_t *out) {
  return tcp_name(s, out, true);
}

/* The list is kept by connect.c until the socket is freed: Node's
 * autoSelectFamilyAttemptedAddresses survives destroy. */
size_t nnet_socket_attempted_address_count(const nnet_socket_t *s) {
  return nnet__connect_attempted_count(s);
}

const char *nnet_socket_attempted_address(const nnet_socket_t *s, size_t i) {
  return nnet__connect_attempted(s, i);
}

/* ---- Node's stream state getters ---- */

size_t nnet_socket_writable_high_water_mark(const nnet_socket_t *s) {
  return nnet__socket_hwm(s);
}

size_t nnet_socket_readable_high_water_mark(const nnet_socket_t *s) {
  return nnet__socket_hwm(s);
}

/* Node: !destroyed && !ending && needDrain. */
bool nnet_socket_writable_need_drain(const nnet_socket_t *s) {
  return (s->flags & NNET__S_NEED_DRAIN) &&
         !(s->flags & (NNET__S_DESTROYED | NNET__S_ENDING));
}

/* A side opened as not readable (fd, readable false) starts ended. */
bool nnet_socket_readable_ended(const nnet_socket_t *s) {
  return (s->flags & NNET__S_END_EMITTED) || !(s->flags & NNET__S_READABLE);
}

bool nnet_socket_writable_finished(const nnet_socket_t *s) {
  return (s->flags & NNET__S_FINISHED) != 0;
}

unsigned nnet_socket_writable_corked(const nnet_socket_t *s) {
  return nnet__socket_corked(s);
}

/* Node sets `closed` in destroy()'s synchronous _destroy callback, long
 * before 'close' is emitted. */
bool nnet_socket_is_closed(const nnet_socket_t *s) {
  return (s->flags & NNET__S_DESTROYED) != 0;
}

const nnet_error_t *nnet_socket_errored(const nnet_socket_t *s) {
  const nnet__error_t *e = nnet__socket_error(s);
  return e ? &e->pub : NULL;
}
