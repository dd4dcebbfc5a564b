/* net.Socket: resolving a host name before connecting (Node's
 * lookupAndConnect / lookupAndConnectMultiple). The resolver is
 * getaddrinfo or the user's `lookup` option; both answer through
 * answered() / answer_failed(), which emit 'lookup' as Node does and turn
 * the answer into candidates for happy_eyeballs.c. */
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "net/connect_internal.h"

/* Node's dnsException: EAI_NONAME/EAI_NODATA are reported as ENOTFOUND. */
static void lookup_error(nnet__error_t *e, int status, const char *host) {
  const char *code = nnet_err_name(status);
  if (status == UV_EAI_NONAME || status == UV_EAI_NODATA) code = "ENOTFOUND";
  memset(e, 0, sizeof(*e));
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

/* Node: a socket destroyed in a 'lookup' listener stops there. */
static bool still_connecting(nnet_socket_t *s, nnet__connect_t *st) {
  return !nnet__socket_dead(s) && s->connect_state == st && !st->cancelled;
}

typedef struct {
  nnet_socket_t *s;
  nnet__error_t e;
} failure_t;

static void failure_job(void *arg) {
  failure_t *f = arg;
  nnet__connect_destroy(f->s, &f->e); /* clears e if already destroyed */
  nnet__socket_unhold(f->s);
  nnet__free(f);
}

/* Node destroys a socket whose lookup failed (or answered something that
 * is not an IP) on the next tick (connectErrorNT): until then it is still
 * connecting, so an end() or write() right after a lookup that failed
 * inside connect() is queued, not refused. Out of memory for the job:
 * destroy now. */
static void fail_with(nnet_socket_t *s, nnet__error_t *e) {
  failure_t *f = nnet__malloc(sizeof(*f));
  if (f == NULL) {
    nnet__connect_destroy(s, e);
    return;
  }
  f->s = s;
  f->e = *e; /* the owned strings move with it */
  if (nnet__defer(s->nl, failure_job, f) != 0) {
    nnet__free(f);
    nnet__connect_destroy(s, e);
    return;
  }
  nnet__socket_hold(s);
}

static void answer_failed(nnet_socket_t *s, nnet__connect_t *st,
                          nnet__error_t *e) {
  emit_lookup(s, &e->pub, NULL, 0, st->host);
  if (!still_connecting(s, st)) {
    nnet__error_clear(e);
    return;
  }
  fail_with(s, e);
}

/* Node's checks of one answer: not an IP → ERR_INVALID_IP_ADDRESS; a
 * family other than 4/6 → ERR_INVALID_ADDRESS_FAMILY. */
static int check_answer(nnet__connect_t *st, const char *ip, int family,
                        nnet__error_t *e) {
  memset(e, 0, sizeof(*e));
  if (!nnet_is_ip(ip)) {
    nnet__error_node(e, NNET_ERR_INVALID_IP_ADDRESS, "Invalid IP address: %s",
                     ip ? ip : "undefined");
    return -1;
  }
  if (family != 4 && family != 6) {
    nnet__error_node(e, NNET_ERR_INVALID_ADDRESS_FAMILY,
                     "Invalid address family: %d %s:%d", family, st->host,
                     st->port);
    e->pub.port = st->port;
    e->pub.has_port = true;
    return -1;
  }
  return 0;
}

static bool fill_cand(nnet__connect_t *st, nnet__cand_t *c, const char *ip,
                      int family) {
  memset(c, 0, sizeof(*c));
  int rc = nnet_is_ip(ip) == 6
               ? uv_ip6_addr(ip, st->port, (struct sockaddr_in6 *)&c->sa)
               : uv_ip4_addr(ip, st->port, (struct sockaddr_in *)&c->sa);
  c->family = family;
  snprintf(c->text, sizeof(c->text), "%s", ip);
  return rc == 0;
}

static bool seen(const nnet__cand_t *list, size_t n, const char *ip) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(list[i].text, ip) == 0) return true;
  return false;
}

/* Node's sorting: valid addresses grouped by family (the first answer's
 * family first, each IP once), then interleaved. */
static size_t order_cands(nnet__connect_t *st, const char *const *ips,
                          const int *fams, size_t n, nnet__cand_t *out) {
  nnet__cand_t *g[2] = {out + n, out + 2 * n};
  size_t len[2] = {0, 0};
  int first = 0;
  for (size_t i = 0; i < n; i++) {
    if (!nnet_is_ip(ips[i]) || (fams[i] != 4 && fams[i] != 6)) continue;
    if (first == 0) first = fams[i];
    int k = fams[i] == first ? 0 : 1;
    if (seen(g[k], len[k], ips[i])) continue;
    if (fill_cand(st, &g[k][len[k]], ips[i], fams[i])) len[k]++;
  }
  size_t m = 0;
  for (size_t i = 0; i < len[0] || i < len[1]; i++) {
    if (i < len[0]) out[m++] = g[0][i];
    if (i < len[1]) out[m++] = g[1][i];
  }
  return m;
}

/* Node's lookupAndConnectMultiple after the answer. */
static void answered_multi(nnet_socket_t *s, nnet__connect_t *st,
                           const char *const *ips, const int *fams, size_t n) {
  for (size_t i = 0; i < n; i++) {
    emit_lookup(s, NULL, ips[i], fams[i], st->host);
    if (!still_connecting(s, st)) return;
  }
  nnet__cand_t *c = nnet__calloc(3 * n, sizeof(*c));
  if (c == NULL) {
    nnet__connect_fail(s, UV_ENOMEM, "connect", st->host, st->port);
    return;
  }
  size_t m = order_cands(st, ips, fams, n, c);
  if (m == 0) {
    nnet__free(c);
    nnet__error_t e;
    if (check_answer(st, ips[0], fams[0], &e) != 0) fail_with(s, &e);
    return;
  }
  st->cands = c;
  st->n_cands = m;
  nnet__he_run(s, m > 1);
}

/* Node's lookupAndConnect emitLookup (one address). */
static void answered_one(nnet_socket_t *s, nnet__connect_t *st, const char *ip,
                         int family) {
  emit_lookup(s, NULL, ip, family, st->host);
  if (!still_connecting(s, st)) return;
  nnet__error_t e;
  if (check_answer(st, ip, family, &e) != 0) {
    fail_with(s, &e);
    return;
  }
  st->cands = nnet__calloc(1, sizeof(*st->cands));
  if (st->cands == NULL || !fill_cand(st, st->cands, ip, family)) {
    nnet__connect_fail(s, UV_ENOMEM, "connect", st->host, st->port);
    return;
  }
  st->n_cands = 1;
  nnet__he_run(s, false);
}

static bool wants_all(const nnet__connect_t *st) {
  return st->family != 4 && st->family != 6 && st->local_address == NULL &&
         st->auto_select;
}

static void answered(nnet_socket_t *s, nnet__connect_t *st,
                     const char *const *ips, const int *fams, size_t n) {
  if (n == 0) {
    nnet__error_t e;
    lookup_error(&e, UV_EAI_NONAME, st->host);
    answer_failed(s, st, &e);
  } else if (wants_all(st)) {
    answered_multi(s, st, ips, fams, n);
  } else {
    answered_one(s, st, ips[0], fams[0]);
  }
}

/* ---- getaddrinfo ---- */

static size_t count_res(const struct addrinfo *res) {
  size_t n = 0;
  for (; res; res = res->ai_next)
    if (res->ai_family == AF_INET || res->ai_family == AF_INET6) n++;
  return n;
}

static void resolved(nnet_socket_t *s, nnet__connect_t *st,
                     struct addrinfo *res) {
  size_t n = count_res(res);
  char(*text)[64] = nnet__calloc(n ? n : 1, sizeof(*text));
  const char **ips = nnet__calloc(n ? n : 1, sizeof(*ips));
  int *fams = nnet__calloc(n ? n : 1, sizeof(*fams));
  if (text == NULL || ips == NULL || fams == NULL) {
    nnet__connect_fail(s, UV_ENOMEM, "getaddrinfo", st->host, -1);
  } else {
    size_t i = 0;
    for (; res; res = res->ai_next) {
      if (res->ai_family == AF_INET6) {
        uv_ip6_name((struct sockaddr_in6 *)res->ai_addr, text[i], 64);
        fams[i] = 6;
      } else if (res->ai_family == AF_INET) {
        uv_ip4_name((struct sockaddr_in *)res->ai_addr, text[i], 64);
        fams[i] = 4;
      } else {
        continue;
      }
      ips[i] = text[i];
      i++;
    }
    answered(s, st, ips, fams, n);
  }
  nnet__free(text);
  nnet__free(ips);
  nnet__free(fams);
}

static void gai_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res) {
  nnet__connect_t *st = nnet__container_of(req, nnet__connect_t, gai);
  nnet_socket_t *s = st->s;
  /* gai_active stays set while the answer is handled, so a 'lookup'
   * listener that destroys s cannot free st (st->host is the payload). */
  if (still_connecting(s, st) && !st->finished) {
    if (status < 0 || res == NULL) {
      nnet__error_t e;
      lookup_error(&e, status < 0 ? status : UV_EAI_NONAME, st->host);
      answer_failed(s, st, &e);
    } else {
      resolved(s, st, res);
    }
  }
  st->gai_active = false;
  if (s->connect_state == st && (st->finished || !still_connecting(s, st)))
    nnet__connect_state_free(s);
  uv_freeaddrinfo(res);
  nnet__tick_drain(s->nl);
  nnet__socket_unhold(s); /* taken in nnet__lookup_begin */
}

/* Node's dnsopts: ADDRCONFIG when no family and no hints were given. */
static int dns_hints(const nnet__connect_t *st) {
  if (st->family != 4 && st->family != 6 && st->hints == 0)
    return AI_ADDRCONFIG;
  return st->hints;
}

static int gai_start(nnet_socket_t *s, nnet__connect_t *st) {
  struct addrinfo hints;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = st->family == 4   ? AF_INET
                    : st->family == 6 ? AF_INET6
                                      : AF_UNSPEC;
  hints.ai_flags = dns_hints(st);
  int rc = uv_getaddrinfo(nnet__socket_loop(s), &st->gai, gai_cb, st->host,
                          NULL, &hints);
  if (rc != 0) return rc;
  st->gai_active = true;
  return 0;
}

/* ---- the user's lookup ---- */

static void lookup_release(nnet_socket_t *s, nnet__connect_t *st, bool drain) {
  if (s->connect_state == st && (st->finished || !still_connecting(s, st)))
    nnet__connect_state_free(s);
  if (drain) nnet__tick_drain(s->nl);
  nnet__socket_unhold(s);
}

/* The lookup answered. An answer given inside the lookup call (inside
 * connect()) is released by user_lookup_call() once the call returns. */
static void lookup_settled(nnet_socket_t *s, nnet__connect_t *st) {
  st->lookup_active = false;
  if (!st->lookup_calling) lookup_release(s, st, true);
}

static void user_done(void *req, int err, const char *const *addresses,
                      const int *families, size_t count) {
  nnet__connect_t *st = req;
  nnet_socket_t *s = st->s;
  if (!st->lookup_active) return; /* answered twice */
  if (still_connecting(s, st)) {
    if (err < 0) {
      nnet__error_t e;
      lookup_error(&e, err, st->host);
      answer_failed(s, st, &e);
    } else {
      int *fams = nnet__calloc(count ? count : 1, sizeof(*fams));
      if (fams == NULL) {
        nnet__connect_fail(s, UV_ENOMEM, "lookup", st->host, -1);
      } else {
        for (size_t i = 0; i < count; i++)
          fams[i] = families ? families[i] : nnet_is_ip(addresses[i]);
        answered(s, st, addresses, fams, count);
        nnet__free(fams);
      }
    }
  }
  lookup_settled(s, st);
}

void nnet_lookup_fail(void *req, const nnet_error_t *err) {
  nnet__connect_t *st = req;
  nnet_socket_t *s = st->s;
  if (!st->lookup_active) return;
  if (still_connecting(s, st)) {
    nnet__error_t e;
    memset(&e, 0, sizeof(e));
    nnet__error_copy(&e, err);
    answer_failed(s, st, &e);
  }
  lookup_settled(s, st);
}

/* Node calls the user's lookup inside connect() (DESIGN §4.5's one
 * exception): an answer given at once emits 'lookup' and the first
 * 'connectionAttempt' before connect() returns. The socket is held and
 * lookup_active keeps st until the answer, so a listener (or the lookup
 * itself) may destroy the socket. */
static void user_lookup_call(nnet_socket_t *s, nnet__connect_t *st) {
  nnet__socket_hold(s); /* dropped once the lookup has answered */
  st->lookup_active = true;
  st->lookup_calling = true; /* st cannot be freed during the call */
  st->lookup(st->host, st->family, dns_hints(st), wants_all(st), st, user_done,
             st->lookup_ctx);
  st->lookup_calling = false;
  /* Answered at once: no deferred work runs inside connect(). */
  if (!st->lookup_active) lookup_release(s, st, false);
}

/* Hosts longer than a DNS name can be fail as Node's getaddrinfo does
 * (EINVAL), without asking any resolver. */
static void too_long_job(void *arg) {
  nnet_socket_t *s = arg;
  nnet__connect_t *st = s->connect_state;
  if (!nnet__socket_dead(s) && st && !st->cancelled) {
    /* Counted as a lookup so a destroy in a 'lookup' listener cannot free
     * st (st->host is the payload); settled as a user lookup is. */
    st->lookup_active = true;
    nnet__error_t e;
    lookup_error(&e, UV_EINVAL, st->host);
    answer_failed(s, st, &e);
    lookup_settled(s, st); /* drops the job's hold */
    return;
  }
  nnet__socket_unhold(s);
}

int nnet__lookup_begin(nnet_socket_t *s) {
  nnet__connect_t *st = s->connect_state;
  if (strlen(st->host) > 255) return nnet__socket_defer(s, too_long_job);
  if (st->lookup) {
    user_lookup_call(s, st);
    return 0;
  }
  int rc = gai_start(s, st);
  if (rc == 0) nnet__socket_hold(s);
  return rc;
}
