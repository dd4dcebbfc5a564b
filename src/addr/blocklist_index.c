/* Sorted-interval index for BlockList checks. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "blocklist_index.h"

static const uint64_t kMappedLo = 0x0000ffff00000000ull; /* ::ffff:0:0 */

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static uint64_t be64(const uint8_t *p) {
  return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int cmp128(uint64_t ah, uint64_t al, uint64_t bh, uint64_t bl) {
  if (ah != bh) return ah < bh ? -1 : 1;
  if (al != bl) return al < bl ? -1 : 1;
  return 0;
}

/* [lo, hi] of a /prefix over 32 bits. */
static void subnet4(uint32_t net, int prefix, uint32_t *lo, uint32_t *hi) {
  uint32_t mask = prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
  *lo = net & mask;
  *hi = net | ~mask;
}

static void subnet6(const uint8_t *raw, int prefix, nnet__bl_iv6_t *iv) {
  uint64_t h = be64(raw), l = be64(raw + 8), mh, ml;
  if (prefix >= 64) {
    mh = ~0ull;
    ml = prefix == 64 ? 0 : ~0ull << (128 - prefix);
  } else {
    mh = prefix == 0 ? 0 : ~0ull << (64 - prefix);
    ml = 0;
  }
  iv->lo_h = h & mh;
  iv->lo_l = l & ml;
  iv->hi_h = h | ~mh;
  iv->hi_l = l | ~ml;
}

static int is_mapped(const uint8_t *raw) {
  return be64(raw) == 0 && (be64(raw + 8) >> 32) == 0xffff;
}

/* The rule as an interval of IPv6 keys (IPv4 rules in mapped form). */
static void rule_v6(const nnet__bl_rule_t *r, nnet__bl_iv6_t *iv) {
  if (r->family == 4) {
    uint32_t lo = be32(r->a), hi = lo;
    if (r->type == NNET__BL_RANGE) hi = be32(r->b);
    if (r->type == NNET__BL_SUBNET) subnet4(lo, r->prefix, &lo, &hi);
    iv->lo_h = iv->hi_h = 0;
    iv->lo_l = kMappedLo | lo;
    iv->hi_l = kMappedLo | hi;
    return;
  }
  if (r->type == NNET__BL_SUBNET) {
    subnet6(r->a, r->prefix, iv);
    return;
  }
  iv->lo_h = be64(r->a);
  iv->lo_l = be64(r->a + 8);
  if (r->type == NNET__BL_RANGE) {
    iv->hi_h = be64(r->b);
    iv->hi_l = be64(r->b + 8);
  } else {
    iv->hi_h = iv->lo_h;
    iv->hi_l = iv->lo_l;
  }
}

/* The rule as an interval of IPv4 keys; 0 if it matches no IPv4 query. */
static int rule_v4(const nnet__bl_rule_t *r, nnet__bl_iv4_t *iv) {
  nnet__bl_iv6_t w;
  if (r->family == 4) {
    iv->lo = iv->hi = be32(r->a);
    if (r->type == NNET__BL_RANGE) iv->hi = be32(r->b);
    if (r->type == NNET__BL_SUBNET)
      subnet4(be32(r->a), r->prefix, &iv->lo, &iv->hi);
    return 1;
  }
  if (r->type == NNET__BL_RANGE) {
    /* Node compares an IPv4 address with each endpoint; a non-mapped
     * IPv6 endpoint is "not comparable", which fails the range. */
    if (!is_mapped(r->a) || !is_mapped(r->b)) return 0;
    iv->lo = be32(r->a + 12);
    iv->hi = be32(r->b + 12);
    return 1;
  }
  rule_v6(r, &w); /* address or subnet: clip to ::ffff:0:0/96 */
  if (cmp128(w.hi_h, w.hi_l, 0, kMappedLo) < 0 ||
      cmp128(w.lo_h, w.lo_l, 0, kMappedLo | 0xffffffffu) > 0)
    return 0;
  iv->lo = cmp128(w.lo_h, w.lo_l, 0, kMappedLo) < 0 ? 0 : (uint32_t)w.lo_l;
  iv->hi = cmp128(w.hi_h, w.hi_l, 0, kMappedLo | 0xffffffffu) > 0
               ? 0xffffffffu
               : (uint32_t)w.hi_l;
  return 1;
}

static int by_lo4(const void *x, const void *y) {
  const nnet__bl_iv4_t *a = x, *b = y;
  return a->lo < b->lo ? -1 : a->lo > b->lo;
}

static int by_lo6(const void *x, const void *y) {
  const nnet__bl_iv6_t *a = x, *b = y;
  return cmp128(a->lo_h, a->lo_l, b->lo_h, b->lo_l);
}

/* Sort and merge overlapping or touching intervals in place. */
static size_t merge4(nnet__bl_iv4_t *v, size_t n) {
  size_t i, out = 0;
  if (n == 0) return 0;
  qsort(v, n, sizeof(*v), by_lo4);
  for (i = 1; i < n; i++) {
    nnet__bl_iv4_t *cur = &v[out];
    if (cur->hi == 0xffffffffu || v[i].lo <= cur->hi + 1) {
      if (v[i].hi > cur->hi) cur->hi = v[i].hi;
    } else {
      v[++out] = v[i];
    }
  }
  return out + 1;
}

static size_t merge6(nnet__bl_iv6_t *v, size_t n) {
  size_t i, out = 0;
  if (n == 0) return 0;
  qsort(v, n, sizeof(*v), by_lo6);
  for (i = 1; i < n; i++) {
    nnet__bl_iv6_t *cur = &v[out];
    /* next = cur.hi + 1, saturating at the top of the space */
    uint64_t nh = cur->hi_h + (cur->hi_l == ~0ull), nl = cur->hi_l + 1;
    int at_top = cur->hi_h == ~0ull && cur->hi_l == ~0ull;
    if (at_top || cmp128(v[i].lo_h, v[i].lo_l, nh, nl) <= 0) {
      if (cmp128(v[i].hi_h, v[i].hi_l, cur->hi_h, cur->hi_l) > 0) {
        cur->hi_h = v[i].hi_h;
        cur->hi_l = v[i].hi_l;
      }
    } else {
      v[++out] = v[i];
    }
  }
  return out + 1;
}

int nnet__bl_index_build(nnet__bl_index_t *ix, const nnet__bl_rule_t *rules,
                         size_t n) {
  size_t i, n4 = 0, alloc = n ? n : 1;
  nnet__bl_iv4_t *v4 = nnet__malloc(alloc * sizeof(*v4));
  nnet__bl_iv6_t *v6 = nnet__malloc(alloc * sizeof(*v6));
  if (v4 == NULL || v6 == NULL) {
    nnet__free(v4);
    nnet__free(v6);
    return UV_ENOMEM;
  }
  for (i = 0; i < n; i++) {
    rule_v6(&rules[i], &v6[i]);
    n4 += (size_t)rule_v4(&rules[i], &v4[n4]);
  }
  nnet__bl_index_free(ix);
  ix->v4 = v4;
  ix->n4 = merge4(v4, n4);
  ix->v6 = v6;
  ix->n6 = merge6(v6, n);
  return 0;
}

int nnet__bl_index_lookup(const nnet__bl_index_t *ix, int family,
                          const uint8_t *raw) {
  size_t lo = 0, hi;
  if (family == 4) {
    uint32_t q = be32(raw);
    hi = ix->n4;
    while (lo < hi) { /* first interval with lo > q */
      size_t mid = lo + (hi - lo) / 2;
      if (ix->v4[mid].lo <= q)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo > 0 && q <= ix->v4[lo - 1].hi;
  } else {
    uint64_t qh = be64(raw), ql = be64(raw + 8);
    hi = ix->n6;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (cmp128(ix->v6[mid].lo_h, ix->v6[mid].lo_l, qh, ql) <= 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo > 0 &&
           cmp128(qh, ql, ix->v6[lo - 1].hi_h, ix->v6[lo - 1].hi_l) <= 0;
  }
}

void nnet__bl_index_free(nnet__bl_index_t *ix) {
  nnet__free(ix->v4);
  nnet__free(ix->v6);
  memset(ix, 0, sizeof(*ix));
}
