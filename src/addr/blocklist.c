/* net.BlockList.
 *
 * Rules are kept in insertion order (for blockList.rules and removal); a
 * check never walks them. Instead every rule is turned into intervals in
 * two key spaces, sorted and merged into disjoint runs, and a check is one
 * binary search:
 *   - idx6, 128-bit keys, answers IPv6 queries. IPv4 rules enter as their
 *     IPv4-mapped form (::ffff:a.b.c.d), which is how Node compares an IPv6
 *     address with an IPv4 rule.
 *   - idx4, 32-bit keys, answers IPv4 queries. IPv6 rules enter with their
 *     part inside ::ffff:0:0/96 - except a range, which Node compares
 *     endpoint by endpoint: an IPv4 address against an IPv6 endpoint that
 *     is not IPv4-mapped is "not comparable", so such a range never matches
 *     an IPv4 query, even when it spans mapped addresses an IPv6 query
 *     would match.
 * The index is rebuilt lazily by the first check after a mutation (bulk
 * loading a million rules stays O(n log n)). That rebuild takes a mutex
 * and publishes with an atomic flag, so concurrent checks are safe;
 * mutation concurrent with anything is not. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ip.h"
#include "blocklist_index.h"

enum {
  RULE_ADDRESS = NNET__BL_ADDRESS,
  RULE_RANGE = NNET__BL_RANGE,
  RULE_SUBNET = NNET__BL_SUBNET
};
typedef nnet__bl_rule_t rule_t;

struct nnet_blocklist_s {
  rule_t *rules; /* oldest first */
  size_t n, cap;
  char *text; /* every rule's string, NUL-terminated, appended */
  size_t text_len, text_cap, text_garbage;
  bool allow_list;
  atomic_int dirty;
  uv_mutex_t lock;
  nnet__bl_index_t index;
};

nnet_blocklist_t *nnet_blocklist_new(void) {
  nnet_blocklist_t *bl = nnet__calloc(1, sizeof(*bl));
  if (bl == NULL) return NULL;
  if (uv_mutex_init(&bl->lock) != 0) {
    nnet__free(bl);
    return NULL;
  }
  atomic_init(&bl->dirty, 0);
  return bl;
}

void nnet_blocklist_free(nnet_blocklist_t *bl) {
  if (bl == NULL) return;
  nnet__bl_index_free(&bl->index);
  uv_mutex_destroy(&bl->lock);
  nnet__free(bl->rules);
  nnet__free(bl->text);
  nnet__free(bl);
}

/* ---- rule strings: "Address: IPv4 1.2.3.4" and friends ---- */

static size_t format_addr(const uint8_t *raw, int family, char *buf) {
  return family == 4 ? nnet__ipv4_format(raw, buf)
                     : nnet__ipv6_format(raw, buf);
}

static size_t rule_text(const rule_t *r, char *buf) {
  static const char *const kind[] = {"Address", "Range", "Subnet"};
  size_t n = (size_t)sprintf(buf, "%s: IPv%d ", kind[r->type], r->family);
  n += format_addr(r->a, r->family, buf + n);
  if (r->type == RULE_RANGE) {
    buf[n++] = '-';
    n += format_addr(r->b, r->family, buf + n);
  } else if (r->type == RULE_SUBNET) {
    n += (size_t)sprintf(buf + n, "/%d", r->prefix);
  }
  return n;
}

/* Drops the text of removed rules once it is most of the buffer. */
static void compact_text(nnet_blocklist_t *bl) {
  size_t i, off = 0;
  if (bl->text_garbage < 4096 || bl->text_garbage < bl->text_len / 2) return;
  for (i = 0; i < bl->n; i++) {
    rule_t *r = &bl->rules[i];
    memmove(bl->text + off, bl->text + r->text_off, r->text_len + 1u);
    r->text_off = (uint32_t)off;
    off += r->text_len + 1u;
  }
  bl->text_len = off;
  bl->text_garbage = 0;
}

static int push_rule(nnet_blocklist_t *bl, rule_t *r) {
  char buf[128];
  size_t len = rule_text(r, buf);
  if (bl->n == bl->cap) {
    size_t cap = bl->cap ? bl->cap * 2 : 8;
    rule_t *p = nnet__realloc(bl->rules, cap * sizeof(*p));
    if (p == NULL) return UV_ENOMEM;
    bl->rules = p;
    bl->cap = cap;
  }
  if (bl->text_len + len + 1 > bl->text_cap) {
    size_t cap = bl->text_cap ? bl->text_cap * 2 : 256;
    char *p;
    while (cap < bl->text_len + len + 1) cap *= 2;
    if (cap > UINT32_MAX) return UV_ENOMEM;
    p = nnet__realloc(bl->text, cap);
    if (p == NULL) return UV_ENOMEM;
    bl->text = p;
    bl->text_cap = cap;
  }
  memcpy(bl->text + bl->text_len, buf, len + 1);
  r->text_off = (uint32_t)bl->text_len;
  r->text_len = (uint8_t)len;
  bl->text_len += len + 1;
  bl->rules[bl->n++] = *r;
  atomic_store(&bl->dirty, 1);
  return 0;
}

static void drop_rule(nnet_blocklist_t *bl, size_t i) {
  bl->text_garbage += bl->rules[i].text_len + 1u;
  memmove(&bl->rules[i], &bl->rules[i + 1], (bl->n - i - 1) * sizeof(rule_t));
  bl->n--;
  atomic_store(&bl->dirty, 1);
}

/* ---- argument parsing shared by add and remove ---- */

static int parse_family(nnet_family_t family) {
  if (family == 0) return 4;
  if (family == NNET_IPV4 || family == NNET_IPV6) return (int)family;
  return -1;
}

/* As new SocketAddress({address, family}) inside Node's add*: a missing
 * string is ERR_INVALID_ARG_TYPE, a bad family ERR_INVALID_ARG_VALUE, a
 * bad address ERR_INVALID_ADDRESS. */
static int parse_arg(const char *s, nnet_family_t family, int *fam,
                     uint8_t out[16]) {
  if (s == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  *fam = parse_family(family);
  if (*fam < 0) return NNET_ERR_INVALID_ARG_VALUE;
  memset(out, 0, 16);
  if (nnet__ip_parse_node(s, *fam, out) != 0) return NNET_ERR_INVALID_ADDRESS;
  return 0;
}

static int cmp_raw(const uint8_t *x, const uint8_t *y, int family) {
  return memcmp(x, y, family == 4 ? 4 : 16);
}

/* Node's SocketAddress::is_match: equal, or one is the IPv4-mapped form
 * of the other. */
static bool addr_match(const uint8_t *x, int fx, const uint8_t *y, int fy) {
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (fx == fy) return cmp_raw(x, y, fx) == 0;
  if (fx == 6) {
    const uint8_t *t = x;
    x = y;
    y = t;
  }
  return memcmp(y, mapped, 12) == 0 && memcmp(y + 12, x, 4) == 0;
}

/* ---- Node's API ---- */

int nnet_blocklist_add_address(nnet_blocklist_t *bl, const char *address,
                               nnet_family_t family) {
  rule_t r = {RULE_ADDRESS, 0, 0, 0, 0, {0}, {0}};
  int fam, err = parse_arg(address, family, &fam, r.a);
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  r.family = (uint8_t)fam;
  return push_rule(bl, &r);
}

static int parse_range(const char *start, const char *end, nnet_family_t family,
                       rule_t *r) {
  int fam, err = parse_arg(start, family, &fam, r->a);
  if (err == 0) err = parse_arg(end, family, &fam, r->b);
  if (err) return err;
  r->type = RULE_RANGE;
  r->family = (uint8_t)fam;
  if (cmp_raw(r->a, r->b, fam) > 0) return NNET_ERR_INVALID_ARG_VALUE;
  return 0;
}

int nnet_blocklist_add_range(nnet_blocklist_t *bl, const char *start,
                             const char *end, nnet_family_t family) {
  rule_t r = {0};
  int err = parse_range(start, end, family, &r);
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  return push_rule(bl, &r);
}

static int parse_subnet(const char *net, int prefix, nnet_family_t family,
                        rule_t *r) {
  int fam, err = parse_arg(net, family, &fam, r->a);
  if (err) return err;
  if (prefix < 0 || prefix > (fam == 4 ? 32 : 128))
    return NNET_ERR_OUT_OF_RANGE;
  r->type = RULE_SUBNET;
  r->family = (uint8_t)fam;
  r->prefix = (uint8_t)prefix;
  return 0;
}

int nnet_blocklist_add_subnet(nnet_blocklist_t *bl, const char *net, int prefix,
                              nnet_family_t family) {
  rule_t r = {0};
  int err = parse_subnet(net, prefix, family, &r);
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  return push_rule(bl, &r);
}

/* Rebuilds the index if a mutation made it stale. Double-checked under
 * the mutex so that racing first checks rebuild once. */
static int ensure_index(const nnet_blocklist_t *cbl) {
  nnet_blocklist_t *bl = (nnet_blocklist_t *)cbl;
  int err = 0;
  if (!atomic_load_explicit(&bl->dirty, memory_order_acquire)) return 0;
  uv_mutex_lock(&bl->lock);
  if (atomic_load_explicit(&bl->dirty, memory_order_relaxed)) {
    err = nnet__bl_index_build(&bl->index, bl->rules, bl->n);
    if (err == 0) atomic_store_explicit(&bl->dirty, 0, memory_order_release);
  }
  uv_mutex_unlock(&bl->lock);
  return err;
}

static int answer(const nnet_blocklist_t *bl, int covered) {
  return bl->allow_list ? !covered : covered;
}

static int check_raw(const nnet_blocklist_t *bl, int family,
                     const uint8_t *raw) {
  int err = ensure_index(bl);
  if (err) return err;
  return answer(bl, nnet__bl_index_lookup(&bl->index, family, raw));
}

int nnet_blocklist_check(const nnet_blocklist_t *bl, const char *address,
                         nnet_family_t family) {
  uint8_t raw[16] = {0};
  int fam;
  if (bl == NULL || address == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  fam = parse_family(family);
  /* Node v20 answers false for a bad family or address (it swallows the
   * SocketAddress constructor's error). */
  if (fam < 0 || nnet__ip_parse_node(address, fam, raw) != 0)
    return answer(bl, 0);
  return check_raw(bl, fam, raw);
}

int nnet_blocklist_check_address(const nnet_blocklist_t *bl,
                                 const nnet_socketaddress_t *sa) {
  if (bl == NULL || sa == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  if (sa->family != NNET_IPV4 && sa->family != NNET_IPV6) return answer(bl, 0);
  return check_raw(bl, (int)sa->family, sa->raw);
}

size_t nnet_blocklist_rule_count(const nnet_blocklist_t *bl) {
  return bl ? bl->n : 0;
}

const char *nnet_blocklist_rule(const nnet_blocklist_t *bl, size_t i) {
  if (bl == NULL || i >= bl->n) return NULL;
  return bl->text + bl->rules[bl->n - 1 - i].text_off;
}

/* ---- beyond Node v20 (Node 26 has the same names) ---- */

/* Node 26: removeAddress drops every address rule that matches, including
 * the other family's IPv4-mapped twin. */
int nnet_blocklist_remove_address(nnet_blocklist_t *bl, const char *address,
                                  nnet_family_t family) {
  uint8_t raw[16];
  int fam, removed = 0, err = parse_arg(address, family, &fam, raw);
  size_t i;
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  for (i = bl->n; i-- > 0;) {
    rule_t *r = &bl->rules[i];
    if (r->type == RULE_ADDRESS && addr_match(r->a, r->family, raw, fam)) {
      drop_rule(bl, i);
      removed = 1;
    }
  }
  compact_text(bl);
  return removed;
}

/* Node 26: removeRange / removeSubnet drop the newest rule of the same
 * family with identical bounds (no IPv4-mapped equivalence). */
static int remove_same(nnet_blocklist_t *bl, const rule_t *want) {
  size_t i;
  for (i = bl->n; i-- > 0;) {
    const rule_t *r = &bl->rules[i];
    if (r->type == want->type && r->family == want->family &&
        r->prefix == want->prefix && memcmp(r->a, want->a, 16) == 0 &&
        memcmp(r->b, want->b, 16) == 0) {
      drop_rule(bl, i);
      compact_text(bl);
      return 1;
    }
  }
  return 0;
}

int nnet_blocklist_remove_range(nnet_blocklist_t *bl, const char *start,
                                const char *end, nnet_family_t family) {
  rule_t r = {0};
  int fam, err = parse_arg(start, family, &fam, r.a);
  if (err == 0) err = parse_arg(end, family, &fam, r.b);
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  r.type = RULE_RANGE;
  r.family = (uint8_t)fam;
  return remove_same(bl, &r); /* Node 26 ignores start > end here */
}

int nnet_blocklist_remove_subnet(nnet_blocklist_t *bl, const char *net,
                                 int prefix, nnet_family_t family) {
  rule_t r = {0};
  int err = parse_subnet(net, prefix, family, &r);
  if (err) return err;
  if (bl == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  return remove_same(bl, &r);
}

/* Node 26's parseCIDR: split at the last '/', the prefix must be the
 * canonical decimal text of an integer (no '+', leading zero or "-0"), the
 * family is IPv6 iff the address part has a ':'. *addr is allocated. */
static int parse_cidr(const char *cidr, char **addr, int *prefix,
                      nnet_family_t *family) {
  const char *slash, *p;
  long v = 0;
  int neg = 0;
  size_t alen;
  if (cidr == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  slash = strrchr(cidr, '/');
  if (slash == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  p = slash + 1;
  if (*p == '-') neg = 1, p++;
  /* JS: `${parseInt(s)}` === s; beyond 15 digits precision loss makes it
   * false except for exact doubles, which are out of range anyway. */
  if (*p < '0' || *p > '9' || (p[0] == '0' && (p[1] != '\0' || neg)) ||
      strlen(p) > 15)
    return NNET_ERR_INVALID_ARG_VALUE;
  for (; *p; p++) {
    if (*p < '0' || *p > '9') return NNET_ERR_INVALID_ARG_VALUE;
    v = v * 10 + (*p - '0');
  }
  alen = (size_t)(slash - cidr);
  *addr = nnet__malloc(alen + 1);
  if (*addr == NULL) return UV_ENOMEM;
  memcpy(*addr, cidr, alen);
  (*addr)[alen] = '\0';
  *family = memchr(cidr, ':', alen) ? NNET_IPV6 : NNET_IPV4;
  *prefix = neg ? -1 : (v > 1000 ? 1000 : (int)v);
  return 0;
}

int nnet_blocklist_add_cidr(nnet_blocklist_t *bl, const char *cidr) {
  char *addr;
  nnet_family_t family;
  int prefix, err = parse_cidr(cidr, &addr, &prefix, &family);
  if (err) return err;
  err = nnet_blocklist_add_subnet(bl, addr, prefix, family);
  nnet__free(addr);
  return err;
}

int nnet_blocklist_remove_cidr(nnet_blocklist_t *bl, const char *cidr) {
  char *addr;
  nnet_family_t family;
  int prefix, err = parse_cidr(cidr, &addr, &prefix, &family);
  if (err) return err;
  err = nnet_blocklist_remove_subnet(bl, addr, prefix, family);
  nnet__free(addr);
  return err;
}

void nnet_blocklist_clear(nnet_blocklist_t *bl) {
  if (bl == NULL) return;
  bl->n = 0;
  bl->text_len = 0;
  bl->text_garbage = 0;
  atomic_store(&bl->dirty, 1);
}

size_t nnet_blocklist_size(const nnet_blocklist_t *bl) {
  return nnet_blocklist_rule_count(bl);
}

void nnet_blocklist_set_allow_list(nnet_blocklist_t *bl, bool allow_list) {
  if (bl) bl->allow_list = allow_list;
}

bool nnet_blocklist_is_allow_list(const nnet_blocklist_t *bl) {
  return bl ? bl->allow_list : false;
}
