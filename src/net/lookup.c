/* net.Socket: resolving a host name before connecting (Node's
 * lookupAndConnect with the default dns.lookup). Emits 'lookup'
 * (err, address, family, host), then tries the first address. Kept apart
 * so that autoSelectFamily / a custom `lookup` can replace this step. */
#include <netdb.h>
#include <string.h>

#include "net/connect_internal.h"

/* Node's dnsException: EAI_NONAME/EAI_NODATA are reported as ENOTFOUND. */
static void lookup_error(nnet__error_t *e, int status, const char *host) {
  const char *code = nnet_err_name(status);
  if (status == UV_EAI_NONAME || status == UV_EAI_NODATA) code = "ENOTFOUND";
  nnet__error_node(e, status, "getaddrinfo %s %s", code, host);
  e->pub.code_name = code;
  e->pub.syscall = "getaddrinfo";
}

static void emit_lookup(nnet_socket_t *s, const nnet_error_t *err,
                        const char *address, int family, const char *host) {
  nnet_event_t ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = NNET_EV_LOOKUP;
  ev.u.lookup.err = err;
  ev.u.lookup.address = address;
  ev.u.lookup.family = family;
  ev.u.lookup.host = host;
  nnet__socket_emit(s, &ev);
}

static void resolved(nnet_socket_t *s, nnet__connect_t *st,
                     struct addrinfo *res) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, res->ai_addr, res->ai_addrlen);
  char text[64];
  int family = 4;
  if (ss.ss_family == AF_INET6) {
    family = 6;
    ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)st->port);
    uv_ip6_name((struct sockaddr_in6 *)&ss, text, sizeof(text));
  } else {
    ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)st->port);
    uv_ip4_name((struct sockaddr_in *)&ss, text, sizeof(text));
  }
  emit_lookup(s, NULL, text, family, st->host);
  /* Node: a socket destroyed in 'lookup' stops here. */
  if (nnet__socket_dead(s) || s->connect_state != st || st->cancelled) return;
  nnet__connect_attempt(s, (struct sockaddr *)&ss);
}

static void failed(nnet_socket_t *s, nnet__connect_t *st, int status) {
  nnet__error_t e;
  memset(&e, 0, sizeof(e));
  lookup_error(&e, status, st->host);
  emit_lookup(s, &e.pub, NULL, 0, st->host);
  if (nnet__socket_dead(s)) {
    nnet__error_clear(&e);
    return;
  }
  nnet__socket_destroy_with(s, &e);
}

static void gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  nnet__connect_t *st = nnet__container_of(req, nnet__connect_t, gai);
  nnet_socket_t *s = st->s;
  st->gai_active = false;
  if (st->cancelled || nnet__socket_dead(s)) {
    nnet__connect_state_free(s);
  } else if (status < 0 || res == NULL) {
    failed(s, st, status < 0 ? status : UV_EAI_NONAME);
  } else {
    resolved(s, st, res);
  }
  uv_freeaddrinfo(res);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s); /* taken in nnet__lookup_start */
}

int nnet__lookup_start(nnet_socket_t *s) {
  nnet__connect_t *st = s->connect_state;
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = st->family == 4   ? AF_INET
                    : st->family == 6 ? AF_INET6
                                      : AF_UNSPEC;
  hints.ai_flags = st->hints;
  /* Node adds ADDRCONFIG when no family, local address or hints given. */
  if (st->family == 0 && st->local_address == NULL && st->hints == 0)
    hints.ai_flags = AI_ADDRCONFIG;
  int rc = uv_getaddrinfo(s->loop, &st->gai, gai_cb, st->host, NULL, &hints);
  if (rc != 0) return rc;
  st->gai_active = true;
  nnet__socket_hold(s);
  return 0;
}
