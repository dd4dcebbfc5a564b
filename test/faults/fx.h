/* Shared helpers of the fault-injection suite (test/faults): a seeded PRNG,
 * the random-access payload stream both ends regenerate, the fault plan the
 * proxy announces with --announce, and /proc readers. Header-only. */
#ifndef NNET_FAULTS_FX_H
#define NNET_FAULTS_FX_H

#include <math.h>
#include <nodenet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* splitmix64: the seed mixer and the payload generator. */
static inline uint64_t fx_mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

typedef struct {
  uint64_t s;
} fx_rng_t;

static inline uint64_t fx_next(fx_rng_t *r) {
  r->s += 0x9e3779b97f4a7c15ull;
  return fx_mix(r->s);
}
/* Uniform in [0, n). */
static inline uint64_t fx_below(fx_rng_t *r, uint64_t n) {
  return n ? fx_next(r) % n : 0;
}
static inline double fx_unit(fx_rng_t *r) {
  return (double)(fx_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
static inline bool fx_chance(fx_rng_t *r, double p) {
  return fx_unit(r) < p;
}
/* Log-uniform in [lo, hi] (lo >= 1): many small values, some large. */
static inline uint64_t fx_logu(fx_rng_t *r, uint64_t lo, uint64_t hi) {
  if (hi <= lo) return lo;
  double v = exp(log((double)lo) +
                 fx_unit(r) * (log((double)hi + 1) - log((double)lo)));
  uint64_t x = (uint64_t)v;
  return x < lo ? lo : x > hi ? hi : x;
}

/* The payload of a connection: byte o of stream `seed` is byte o%8 of
 * fx_mix(seed ^ (o/8 * K)). Random access, so the receiver regenerates
 * exactly the bytes it should get at any offset and compares them all. */
static inline void fx_fill(uint64_t seed, uint64_t off, char *buf, size_t len) {
  while (len) {
    uint64_t v = fx_mix(seed ^ ((off >> 3) * 0xd1b54a32d192ed03ull));
    unsigned b = (unsigned)(off & 7);
    if (b == 0 && len >= 8) {
      memcpy(buf, &v, 8); /* little-endian machines only (x86-64, arm64) */
      buf += 8, off += 8, len -= 8;
      continue;
    }
    v >>= 8 * b;
    size_t n = 8 - b < len ? 8 - b : len;
    for (size_t i = 0; i < n; i++, v >>= 8) buf[i] = (char)(v & 0xff);
    buf += n, off += n, len -= n;
  }
}

/* ---- The fault plan (faultproxy --announce sends it to the client first,
 * before any byte from the server; FX_PLAN_SIZE bytes, little-endian). */
enum { FX_NONE = 0, FX_RESET = 1, FX_HALFCLOSE = 2, FX_STOP = 3 };
enum { FX_F_SLICE = 1, FX_F_DELAY = 2, FX_F_STALL = 4 };
#define FX_PLAN_SIZE 40
typedef struct {
  uint8_t kind;       /* FX_NONE..FX_STOP */
  uint8_t flags;      /* FX_F_* */
  uint8_t stall_dir;  /* 0: client->server, 1: server->client */
  uint32_t conn_no;   /* the proxy's accept counter */
  uint32_t slice_max; /* FX_F_SLICE: writes of 1..slice_max bytes */
  /* RESET: server->client bytes forwarded before the reset.
   * HALFCLOSE: client->server bytes forwarded before end() upstream (the
   * rest is read and dropped). STOP: server->client bytes forwarded before
   * the proxy stops reading the server for good. */
  uint64_t at;
  uint64_t stall_at; /* FX_F_STALL: offset where the direction stalls */
  uint32_t delay_ms; /* FX_F_DELAY: a chunk waits up to this long */
  uint32_t stall_ms; /* FX_F_STALL: for this long */
} fx_plan_t;

static inline void fx_put(uint8_t *p, uint64_t v, int n) {
  for (int i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t fx_get(const uint8_t *p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; i++) v |= (uint64_t)p[i] << (8 * i);
  return v;
}
static inline void fx_plan_encode(const fx_plan_t *pl, uint8_t *b) {
  memset(b, 0, FX_PLAN_SIZE);
  memcpy(b, "FPX1", 4);
  b[4] = pl->kind, b[5] = pl->flags, b[6] = pl->stall_dir;
  fx_put(b + 8, pl->conn_no, 4);
  fx_put(b + 12, pl->slice_max, 4);
  fx_put(b + 16, pl->at, 8);
  fx_put(b + 24, pl->stall_at, 8);
  fx_put(b + 32, pl->delay_ms, 4);
  fx_put(b + 36, pl->stall_ms, 4);
}
static inline bool fx_plan_decode(const uint8_t *b, fx_plan_t *pl) {
  if (memcmp(b, "FPX1", 4)) return false;
  pl->kind = b[4], pl->flags = b[5], pl->stall_dir = b[6];
  pl->conn_no = (uint32_t)fx_get(b + 8, 4);
  pl->slice_max = (uint32_t)fx_get(b + 12, 4);
  pl->at = fx_get(b + 16, 8);
  pl->stall_at = fx_get(b + 24, 8);
  pl->delay_ms = (uint32_t)fx_get(b + 32, 4);
  pl->stall_ms = (uint32_t)fx_get(b + 36, 4);
  return pl->kind <= FX_STOP;
}
static inline const char *fx_kind_name(int k) {
  static const char *n[] = {"none", "reset", "halfclose", "stop"};
  return k >= 0 && k <= FX_STOP ? n[k] : "?";
}

/* ---- options ---- */
static inline bool fx_num(const char *s, double lo, double hi, double *out) {
  char *end;
  if (!s || !*s) return false;
  double v = strtod(s, &end);
  if (*end || v < lo || v > hi || v != v) return false;
  *out = v;
  return true;
}
/* Loopback only: 127.0.0.0/8 or ::1. */
static inline bool fx_loopback(const char *host) {
  return (nnet_is_ipv4(host) && !strncmp(host, "127.", 4)) ||
         !strcmp(host, "::1");
}
/* NNET_REL_SEED, else the clock. */
static inline uint64_t fx_default_seed(void) {
  const char *e = getenv("NNET_REL_SEED");
  if (e && *e) return strtoull(e, NULL, 0);
  return fx_mix(uv_hrtime() ^ (uint64_t)getpid());
}

/* ---- /proc ---- */
static inline long fx_rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long v = -1;
  if (!f) return -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "VmRSS:", 6)) v = strtol(line + 6, NULL, 10);
  fclose(f);
  return v;
}
static inline double fx_ms(uint64_t hr) {
  return (double)hr / 1e6;
}

#endif
