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
 * loading a million rules stays O(n log n)).
 *
 * Threads: a ban list fed at run time while loops in other threads check
 * it is the normal use, so every mutation takes the list's mutex and a
 * check takes no lock. An index is immutable once built; the current one
 * is published with one atomic pointer swap. A check announces itself in
 * `readers` before it loads the pointer, so an index that was swapped out
 * can be freed as soon as `readers` is seen at 0 after the swap (seq_cst
 * order: any check that could still hold it has not finished). Swapped-out
 * indexes wait on a retire list until then: freed by the next mutation or
 * by the last check to leave. */
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "ip.h"
#include "blocklist_index.h"
#include "json.h"

enum {
  RULE_ADDRESS = NNET__BL_ADDRESS,
  RULE_RANGE = NNET__BL_RANGE,
  RULE_SUBNET = NNET__BL_SUBNET
};
typedef nnet__bl_rule_t rule_t;

typedef struct retired_s {
  nnet__bl_index_t ix;
  struct retired_s *next;
} index_box_t;

struct nnet_blocklist_s {
  uv_mutex_t lock; /* every mutation, the rules and the text */
  rule_t *rules;   /* oldest first */
  size_t n, cap;
  char *text; /* every rule's string, NUL-terminated, appended */
  size_t text_len, text_cap, text_garbage;
  atomic_bool allow_list;
  atomic_int dirty;               /* rules changed since the index was built */
  _Atomic(index_box_t *) index;   /* current index, NULL before the first */
  atomic_uint readers;            /* checks in progress */
  _Atomic(index_box_t *) retired; /* swapped out, waiting for readers == 0 */
};

nnet_blocklist_t *nnet_blocklist_new(void) {
  nnet_blocklist_t *bl = nnet__calloc(1, sizeof(*bl));
  if (bl == NULL) return NULL;
  if (uv_mutex_init(&bl->lock) != 0) {
    nnet__free(bl);
    return NULL;
  }
  atomic_init(&bl->dirty, 1);
  return bl;
}

static void free_boxes(index_box_t *b) {
  while (b != NULL) {
    index_box_t *next = b->next;
    nnet__bl_index_free(&b->ix);
    nnet__free(b);
    b = next;
  }
}

/* Frees the retired indexes if no check is running. Called with the lock
 * held (only one thread frees). */
static void reclaim_locked(nnet_blocklist_t *bl) {
  if (atomic_load(&bl->retired) == NULL || atomic_load(&bl->readers) != 0)
    return;
  free_boxes(atomic_exchange(&bl->retired, NULL));
}

void nnet_blocklist_free(nnet_blocklist_t *bl) {
  if (bl == NULL) return;
  free_boxes(atomic_load(&bl->index));
  free_boxes(atomic_load(&bl->retired));
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

static int push_one(nnet_blocklist_t *bl, rule_t *r) {
  uv_mutex_lock(&bl->lock);
  int err = push_rule(bl, r);
  uv_mutex_unlock(&bl->lock);
  return err;
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
  return push_one(bl, &r);
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
  return push_one(bl, &r);
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
  return push_one(bl, &r);
}

/* Builds a fresh index of the rules and publishes it; the old one goes on
 * the retire list. Called with the lock held. */
static int rebuild_locked(nnet_blocklist_t *bl) {
  index_box_t *box = nnet__calloc(1, sizeof(*box));
  if (box == NULL) return UV_ENOMEM;
  if (nnet__bl_index_build(&box->ix, bl->rules, bl->n) != 0) {
    nnet__free(box);
    return UV_ENOMEM;
  }
  index_box_t *old = atomic_exchange(&bl->index, box);
  atomic_store(&bl->dirty, 0);
  if (old != NULL) {
    old->next = atomic_load(&bl->retired);
    atomic_store(&bl->retired, old);
  }
  reclaim_locked(bl);
  return 0;
}

static int answer(const nnet_blocklist_t *bl, int covered) {
  return atomic_load_explicit(&bl->allow_list, memory_order_relaxed) ? !covered
                                                                     : covered;
}

/* The last check to leave frees what mutations retired meanwhile; it only
 * tries the lock, so a check never waits for a mutation to finish. */
static void reader_leave(nnet_blocklist_t *bl) {
  if (atomic_fetch_sub(&bl->readers, 1) != 1) return;
  if (atomic_load(&bl->retired) == NULL) return;
  if (uv_mutex_trylock(&bl->lock) != 0) return;
  reclaim_locked(bl);
  uv_mutex_unlock(&bl->lock);
}

static int check_raw(const nnet_blocklist_t *cbl, int family,
                     const uint8_t *raw) {
  nnet_blocklist_t *bl = (nnet_blocklist_t *)cbl;
  int err = 0, covered = 0;
  atomic_fetch_add(&bl->readers, 1);
  if (atomic_load(&bl->dirty)) { /* first check after a mutation */
    uv_mutex_lock(&bl->lock);
    if (atomic_load(&bl->dirty)) err = rebuild_locked(bl);
    uv_mutex_unlock(&bl->lock);
  }
  index_box_t *box = atomic_load(&bl->index);
  if (err == 0 && box != NULL)
    covered = nnet__bl_index_lookup(&box->ix, family, raw);
  reader_leave(bl);
  return err ? err : answer(bl, covered);
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

size_t nnet_blocklist_rule_count(const nnet_blocklist_t *cbl) {
  nnet_blocklist_t *bl = (nnet_blocklist_t *)cbl;
  if (bl == NULL) return 0;
  uv_mutex_lock(&bl->lock);
  size_t n = bl->n;
  uv_mutex_unlock(&bl->lock);
  return n;
}

const char *nnet_blocklist_rule(const nnet_blocklist_t *cbl, size_t i) {
  nnet_blocklist_t *bl = (nnet_blocklist_t *)cbl;
  const char *text = NULL;
  if (bl == NULL) return NULL;
  uv_mutex_lock(&bl->lock);
  if (i < bl->n) text = bl->text + bl->rules[bl->n - 1 - i].text_off;
  uv_mutex_unlock(&bl->lock);
  return text;
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
  uv_mutex_lock(&bl->lock);
  for (i = bl->n; i-- > 0;) {
    rule_t *r = &bl->rules[i];
    if (r->type == RULE_ADDRESS && addr_match(r->a, r->family, raw, fam)) {
      drop_rule(bl, i);
      removed = 1;
    }
  }
  compact_text(bl);
  uv_mutex_unlock(&bl->lock);
  return removed;
}

/* Node 26: removeRange / removeSubnet drop the newest rule of the same
 * family with identical bounds (no IPv4-mapped equivalence). */
static int remove_same(nnet_blocklist_t *bl, const rule_t *want) {
  size_t i;
  int removed = 0;
  uv_mutex_lock(&bl->lock);
  for (i = bl->n; i-- > 0;) {
    const rule_t *r = &bl->rules[i];
    if (r->type == want->type && r->family == want->family &&
        r->prefix == want->prefix && memcmp(r->a, want->a, 16) == 0 &&
        memcmp(r->b, want->b, 16) == 0) {
      drop_rule(bl, i);
      compact_text(bl);
      removed = 1;
      break;
    }
  }
  uv_mutex_unlock(&bl->lock);
  return removed;
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
  uv_mutex_lock(&bl->lock);
  bl->n = 0;
  bl->text_len = 0;
  bl->text_garbage = 0;
  atomic_store(&bl->dirty, 1);
  uv_mutex_unlock(&bl->lock);
}

size_t nnet_blocklist_size(const nnet_blocklist_t *bl) {
  return nnet_blocklist_rule_count(bl);
}

void nnet_blocklist_set_allow_list(nnet_blocklist_t *bl, bool allow_list) {
  if (bl) atomic_store(&bl->allow_list, allow_list);
}

bool nnet_blocklist_is_allow_list(const nnet_blocklist_t *bl) {
  return bl ? atomic_load(&bl->allow_list) : false;
}

/* ---- Node 26: batches, toJSON / fromJSON ---- */

/* Pushes rules[0..n) under one lock: all of them or, on failure, none. */
static int push_all(nnet_blocklist_t *bl, rule_t *rules, size_t n) {
  int err = 0;
  uv_mutex_lock(&bl->lock);
  size_t n0 = bl->n, text0 = bl->text_len;
  for (size_t i = 0; i < n && err == 0; i++) err = push_rule(bl, &rules[i]);
  if (err) {
    bl->n = n0;
    bl->text_len = text0;
  }
  uv_mutex_unlock(&bl->lock);
  return err;
}

typedef int (*parse_one_fn)(const char *text, nnet_family_t family, rule_t *r);

/* Parses every entry first, so a bad one leaves the list unchanged (Node
 * 26's addAddresses/addCIDRs do the same). *bad: the failing index. */
static int add_batch(nnet_blocklist_t *bl, const char *const *items, size_t n,
                     nnet_family_t family, parse_one_fn parse, size_t *bad) {
  if (bl == NULL || (items == NULL && n > 0)) return NNET_ERR_INVALID_ARG_TYPE;
  rule_t *v = nnet__calloc(n ? n : 1, sizeof(*v));
  if (v == NULL) return UV_ENOMEM;
  int err = 0;
  for (size_t i = 0; i < n && err == 0; i++) {
    err = parse(items[i], family, &v[i]);
    if (err && bad) *bad = i;
  }
  if (err == 0) err = push_all(bl, v, n);
  nnet__free(v);
  return err;
}

static int parse_address(const char *text, nnet_family_t family, rule_t *r) {
  int fam = 0, err = parse_arg(text, family, &fam, r->a);
  r->type = RULE_ADDRESS;
  r->family = (uint8_t)fam;
  return err;
}

static int parse_cidr_rule(const char *text, nnet_family_t unused, rule_t *r) {
  char *addr;
  nnet_family_t family;
  int prefix, err = parse_cidr(text, &addr, &prefix, &family);
  (void)unused;
  if (err) return err;
  err = parse_subnet(addr, prefix, family, r);
  nnet__free(addr);
  return err;
}

/* One of our own rule strings, exactly as blockList.rules prints them:
 * "Address: IPv4 1.2.3.4", "Range: IPv6 ::1-::9", "Subnet: IPv4 10.0.0.0/8". */
static int parse_rule_text(const char *text, nnet_family_t unused, rule_t *r) {
  static const char *const kinds[] = {"Address: IPv", "Range: IPv",
                                      "Subnet: IPv"};
  char buf[100];
  (void)unused;
  if (text == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  for (int k = 0; k < 3; k++) {
    size_t klen = strlen(kinds[k]);
    if (strncmp(text, kinds[k], klen) != 0) continue;
    const char *p = text + klen;
    if ((p[0] != '4' && p[0] != '6') || p[1] != ' ') break;
    nnet_family_t family = p[0] == '4' ? NNET_IPV4 : NNET_IPV6;
    p += 2;
    if (strlen(p) >= sizeof(buf)) break;
    strcpy(buf, p);
    if (k == RULE_ADDRESS) return parse_address(buf, family, r);
    char *sep = strrchr(buf, k == RULE_RANGE ? '-' : '/');
    if (sep == NULL) break;
    *sep++ = '\0';
    if (k == RULE_RANGE) return parse_range(buf, sep, family, r);
    if (sep[0] < '0' || sep[0] > '9' || strlen(sep) > 3 ||
        (sep[0] == '0' && sep[1] != '\0') ||
        strspn(sep, "0123456789") != strlen(sep))
      break;
    return parse_subnet(buf, atoi(sep), family, r);
  }
  return NNET_ERR_INVALID_ARG_VALUE;
}

int nnet_blocklist_add_addresses(nnet_blocklist_t *bl,
                                 const char *const *addresses, size_t n,
                                 nnet_family_t family) {
  return add_batch(bl, addresses, n, family, parse_address, NULL);
}

int nnet_blocklist_add_cidrs(nnet_blocklist_t *bl, const char *const *cidrs,
                             size_t n) {
  return add_batch(bl, cidrs, n, 0, parse_cidr_rule, NULL);
}

/* Added oldest first (the reverse of the list given), so the rules come
 * out in the order to_json() printed them. */
int nnet_blocklist_add_rules(nnet_blocklist_t *bl, const char *const *rules,
                             size_t n, size_t *bad) {
  if (rules == NULL && n > 0) return NNET_ERR_INVALID_ARG_TYPE;
  const char **rev = nnet__malloc((n ? n : 1) * sizeof(*rev));
  if (rev == NULL) return UV_ENOMEM;
  for (size_t i = 0; i < n; i++) rev[i] = rules[n - 1 - i];
  size_t at = 0;
  int err = add_batch(bl, rev, n, 0, parse_rule_text, &at);
  if (err && bad) *bad = n - 1 - at;
  nnet__free(rev);
  return err;
}

int nnet_blocklist_to_json(const nnet_blocklist_t *cbl, char *buf,
                           size_t size) {
  nnet_blocklist_t *bl = (nnet_blocklist_t *)cbl;
  size_t need = 0;
  if (bl == NULL || (buf == NULL && size > 0)) return NNET_ERR_INVALID_ARG_TYPE;
  uv_mutex_lock(&bl->lock);
  need = 2 + (bl->n ? bl->n - 1 : 0); /* brackets, commas */
  for (size_t i = 0; i < bl->n; i++) need += bl->rules[i].text_len + 2u;
  if (need <= INT_MAX && size > 0) {
    size_t o = 0;
    char *tmp = nnet__malloc(need + 1);
    if (tmp != NULL) {
      tmp[o++] = '[';
      for (size_t i = bl->n; i-- > 0;) { /* newest first, as rules */
        const rule_t *r = &bl->rules[i];
        if (o > 1) tmp[o++] = ',';
        tmp[o++] = '"';
        memcpy(tmp + o, bl->text + r->text_off, r->text_len);
        o += r->text_len;
        tmp[o++] = '"';
      }
      tmp[o++] = ']';
      tmp[o] = '\0';
      size_t copy = o < size ? o : size - 1;
      memcpy(buf, tmp, copy);
      buf[copy] = '\0';
      nnet__free(tmp);
    } else {
      need = (size_t)UV_ENOMEM;
    }
  }
  uv_mutex_unlock(&bl->lock);
  if (need == (size_t)UV_ENOMEM) return UV_ENOMEM;
  return need > INT_MAX ? UV_E2BIG : (int)need;
}

int nnet_blocklist_from_json(nnet_blocklist_t *bl, const char *json, char *err,
                             size_t err_size) {
  char **items = NULL;
  size_t n = 0, bad = 0;
  if (err && err_size) err[0] = '\0';
  if (bl == NULL || json == NULL) return NNET_ERR_INVALID_ARG_TYPE;
  int rc = nnet__json_parse_strings(json, &items, &n, err, err_size);
  if (rc != 0) return rc;
  rc = nnet_blocklist_add_rules(bl, (const char *const *)items, n, &bad);
  if (rc != 0 && err && err_size)
    snprintf(err, err_size, "rule %zu of %zu (\"%.60s\"): %s", bad + 1, n,
             items[bad],
             rc == NNET_ERR_INVALID_ARG_VALUE ? "not a BlockList rule"
                                              : nnet_strerror(rc));
  nnet__json_free_strings(items, n);
  return rc;
}
