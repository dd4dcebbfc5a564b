/* Protections a server needs, beyond Node (which has none of them): the
 * per-IP connection cap and the idle timeout of accepted sockets. (The
 * write buffer cap is read by socket_write.c from the server's options.)
 *
 * Per-IP counts live in two open-addressing tables (linear probing,
 * backward-shift deletion, load at most 1/2), made with the first counted
 * connection and freed with the server: `ips` maps an address to its open
 * connections, `conns` a socket to its address. The second is needed
 * because at close the peer can no longer be asked (getpeername fails
 * after a reset) and a socket has no room to keep it: idle connections
 * stay small, and only servers that use the cap pay for it. Peers choose
 * their addresses, so the address hash is SipHash with a random key per
 * server: nobody can aim a flood of connections at one probe chain. */
#include <string.h>

#include "net/server_internal.h"
#include "net/socket_internal.h"

typedef struct {
  uint8_t ip[16];
  uint32_t count; /* 0: empty slot */
} ip_slot_t;

typedef struct {
  nnet_socket_t *s; /* NULL: empty slot */
  uint8_t ip[16];
} conn_slot_t;

struct nnet__limits_s {
  uint64_t k0, k1; /* SipHash key */
  ip_slot_t *ips;
  size_t ip_cap, ip_len;
  conn_slot_t *conns;
  size_t conn_cap, conn_len;
};

enum { MIN_CAP = 16 };

/* The drop payload's `reason` fills padding: the event must not grow
 * (docs/versioning.md). */
_Static_assert(sizeof(void *) != 8 || sizeof(nnet_event_t) == 64,
               "nnet_event_t changed size");

/* ---- hashing ---- */

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND       \
  do {                 \
    v0 += v1;          \
    v1 = ROTL(v1, 13); \
    v1 ^= v0;          \
    v0 = ROTL(v0, 32); \
    v2 += v3;          \
    v3 = ROTL(v3, 16); \
    v3 ^= v2;          \
    v0 += v3;          \
    v3 = ROTL(v3, 21); \
    v3 ^= v0;          \
    v2 += v1;          \
    v1 = ROTL(v1, 17); \
    v1 ^= v2;          \
    v2 = ROTL(v2, 32); \
  } while (0)

/* SipHash-2-4 of a 16-byte address. */
static uint64_t hash_ip(const nnet__limits_t *L, const uint8_t ip[16]) {
  uint64_t v0 = 0x736f6d6570736575ULL ^ L->k0;
  uint64_t v1 = 0x646f72616e646f6dULL ^ L->k1;
  uint64_t v2 = 0x6c7967656e657261ULL ^ L->k0;
  uint64_t v3 = 0x7465646279746573ULL ^ L->k1;
  uint64_t m[2];
  memcpy(m, ip, 16);
  for (int i = 0; i < 2; i++) {
    v3 ^= m[i];
    SIPROUND;
    SIPROUND;
    v0 ^= m[i];
  }
  const uint64_t b = (uint64_t)16 << 56;
  v3 ^= b;
  SIPROUND;
  SIPROUND;
  v0 ^= b;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

/* Socket addresses are ours, not the peer's: a plain mixer will do. */
static uint64_t hash_ptr(const nnet_socket_t *s) {
  uint64_t x = (uint64_t)(uintptr_t)s;
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

/* ---- the address table ---- */

static size_t ip_find(const nnet__limits_t *L, const uint8_t ip[16]) {
  size_t mask = L->ip_cap - 1, i = hash_ip(L, ip) & mask;
  while (L->ips[i].count != 0 && memcmp(L->ips[i].ip, ip, 16) != 0)
    i = (i + 1) & mask;
  return i;
}

static int ip_resize(nnet__limits_t *L, size_t cap) {
  ip_slot_t *old = L->ips;
  size_t old_cap = L->ip_cap;
  ip_slot_t *n = nnet__calloc(cap, sizeof(*n));
  if (n == NULL) return UV_ENOMEM;
  L->ips = n;
  L->ip_cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].count != 0) L->ips[ip_find(L, old[i].ip)] = old[i];
  nnet__free(old);
  return 0;
}

/* Backward-shift deletion: later members of the probe chain move up, so
 * lookups never need tombstones. */
static void ip_delete(nnet__limits_t *L, size_t i) {
  size_t mask = L->ip_cap - 1;
  for (size_t j = (i + 1) & mask; L->ips[j].count != 0; j = (j + 1) & mask) {
    size_t home = hash_ip(L, L->ips[j].ip) & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      L->ips[i] = L->ips[j];
      i = j;
    }
  }
  L->ips[i].count = 0;
  L->ip_len--;
}

/* ---- the socket table ---- */

static size_t conn_find(const nnet__limits_t *L, const nnet_socket_t *s) {
  size_t mask = L->conn_cap - 1, i = hash_ptr(s) & mask;
  while (L->conns[i].s != NULL && L->conns[i].s != s) i = (i + 1) & mask;
  return i;
}

static int conn_resize(nnet__limits_t *L, size_t cap) {
  conn_slot_t *old = L->conns;
  size_t old_cap = L->conn_cap;
  conn_slot_t *n = nnet__calloc(cap, sizeof(*n));
  if (n == NULL) return UV_ENOMEM;
  L->conns = n;
  L->conn_cap = cap;
  for (size_t i = 0; i < old_cap; i++)
    if (old[i].s != NULL) L->conns[conn_find(L, old[i].s)] = old[i];
  nnet__free(old);
  return 0;
}

static void conn_delete(nnet__limits_t *L, size_t i) {
  size_t mask = L->conn_cap - 1;
  for (size_t j = (i + 1) & mask; L->conns[j].s != NULL; j = (j + 1) & mask) {
    size_t home = hash_ptr(L->conns[j].s) & mask;
    if (((j - home) & mask) >= ((j - i) & mask)) {
      L->conns[i] = L->conns[j];
      i = j;
    }
  }
  L->conns[i].s = NULL;
  L->conn_len--;
}

/* ---- admission and release ---- */

static nnet__limits_t *limits_get(nnet_server_t *srv) {
  nnet__limits_t *L = srv->limits;
  if (L != NULL) return L;
  L = nnet__calloc(1, sizeof(*L));
  if (L == NULL) return NULL;
  uint64_t key[2];
  if (uv_random(NULL, NULL, key, sizeof(key), 0, NULL) != 0) {
    key[0] = uv_hrtime() ^ (uint64_t)(uintptr_t)L; /* still unguessable-ish */
    key[1] = hash_ptr((const nnet_socket_t *)(uintptr_t)key[0]);
  }
  L->k0 = key[0];
  L->k1 = key[1];
  if (ip_resize(L, MIN_CAP) != 0 || conn_resize(L, MIN_CAP) != 0) {
    nnet__free(L->ips);
    nnet__free(L);
    return NULL;
  }
  srv->limits = L;
  return L;
}

/* The peer's address as 16 bytes: IPv4 as its IPv4-mapped IPv6 form, so
 * ::ffff:a.b.c.d and a.b.c.d count as one. */
static int peer_key(nnet_socket_t *s, uint8_t ip[16]) {
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  int rc = uv_tcp_getpeername(&s->h.tcp, (struct sockaddr *)&ss, &len);
  if (rc != 0) return rc;
  if (ss.ss_family == AF_INET6) {
    memcpy(ip, ((const struct sockaddr_in6 *)&ss)->sin6_addr.s6_addr, 16);
    return 0;
  }
  if (ss.ss_family != AF_INET) return UV_EAFNOSUPPORT;
  memset(ip, 0, 10);
  ip[10] = ip[11] = 0xff;
  memcpy(ip + 12, &((const struct sockaddr_in *)&ss)->sin_addr, 4);
  return 0;
}

/* Room for one more entry in both tables, made before anything changes so
 * that running out of memory leaves the counts as they were. */
static int reserve(nnet__limits_t *L) {
  if ((L->ip_len + 1) * 2 > L->ip_cap && ip_resize(L, L->ip_cap * 2) != 0)
    return UV_ENOMEM;
  if ((L->conn_len + 1) * 2 > L->conn_cap &&
      conn_resize(L, L->conn_cap * 2) != 0)
    return UV_ENOMEM;
  return 0;
}

/* Counts s against its address; NNET_DROP_PER_IP_LIMIT when that address
 * already has `max` connections. A peer that is already gone (reset before
 * we asked) is admitted uncounted: its first read fails anyway. */
static int count_peer(nnet_server_t *srv, nnet_socket_t *s, unsigned max) {
  uint8_t ip[16];
  if (peer_key(s, ip) != 0) return 0;
  nnet__limits_t *L = limits_get(srv);
  if (L == NULL) return UV_ENOMEM;
  size_t i = ip_find(L, ip);
  if (L->ips[i].count >= max) return NNET_DROP_PER_IP_LIMIT;
  if (reserve(L) != 0) return UV_ENOMEM;
  i = ip_find(L, ip); /* reserve() may have rehashed */
  if (L->ips[i].count++ == 0) {
    memcpy(L->ips[i].ip, ip, 16);
    L->ip_len++;
  }
  size_t c = conn_find(L, s);
  L->conns[c].s = s;
  memcpy(L->conns[c].ip, ip, 16);
  L->conn_len++;
  return 0;
}

int nnet__limits_admit(nnet_server_t *srv, nnet_socket_t *s, bool is_pipe) {
  unsigned max = srv->opts.max_connections_per_ip;
  if (max > 0 && !is_pipe) {
    /* Checked before the timer exists: a dropped peer costs nothing. */
    int rc = count_peer(srv, s, max);
    if (rc != 0) return rc;
  }
  if (srv->opts.idle_timeout > 0 &&
      nnet__timeout_server_idle(s, srv->opts.idle_timeout) != 0) {
    nnet__limits_release(srv, s);
    return UV_ENOMEM;
  }
  return 0;
}

/* Shrinks a table a burst of connections grew, once it is 1/8 full. */
static void maybe_shrink(nnet__limits_t *L) {
  if (L->ip_cap > MIN_CAP && L->ip_len * 8 <= L->ip_cap)
    (void)ip_resize(L, L->ip_cap / 2); /* out of memory: stay large */
  if (L->conn_cap > MIN_CAP && L->conn_len * 8 <= L->conn_cap)
    (void)conn_resize(L, L->conn_cap / 2);
}

void nnet__limits_release(nnet_server_t *srv, nnet_socket_t *s) {
  nnet__limits_t *L = srv->limits;
  if (L == NULL || L->conn_len == 0) return;
  size_t c = conn_find(L, s);
  if (L->conns[c].s == NULL) return; /* not counted (pipe, peer gone) */
  uint8_t ip[16];
  memcpy(ip, L->conns[c].ip, 16);
  conn_delete(L, c);
  size_t i = ip_find(L, ip);
  if (L->ips[i].count != 0 && --L->ips[i].count == 0) ip_delete(L, i);
  maybe_shrink(L);
}

void nnet__limits_free(nnet_server_t *srv) {
  nnet__limits_t *L = srv->limits;
  if (L == NULL) return;
  nnet__free(L->ips);
  nnet__free(L->conns);
  nnet__free(L);
  srv->limits = NULL;
}
