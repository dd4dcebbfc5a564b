/* libFuzzer: BlockList as a sequence of add/remove/check operations.
 * Every check is compared with a linear scan over the list's own rule
 * strings that follows Node's C++ per-rule logic (node_sockaddr.cc), so the
 * interval index can never silently diverge from Node's semantics. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodenet.h"

/* assert() vanishes under NDEBUG (RelWithDebInfo); a finding must not. */
#define CHECK(x)                                                            \
  do {                                                                      \
    if (!(x)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x); \
      abort();                                                              \
    }                                                                       \
  } while (0)

static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

typedef struct {
  int fam;
  uint8_t b[16];
} addr_t;

/* Node's compare(): -2 not comparable, else -1/0/1. */
static int compare(const addr_t *x, const addr_t *y) {
  int r;
  if (x->fam == y->fam) {
    r = memcmp(x->b, y->b, x->fam == 4 ? 4 : 16);
  } else {
    const addr_t *v4 = x->fam == 4 ? x : y, *v6 = x->fam == 4 ? y : x;
    if (memcmp(v6->b, kMapped, 12) != 0) return -2;
    r = memcmp(v4->b, v6->b + 12, 4);
    if (x->fam == 6) r = -r;
  }
  return r < 0 ? -1 : r > 0;
}

static int bits_equal(const uint8_t *x, const uint8_t *y, int prefix) {
  int full = prefix / 8, rem = prefix % 8;
  if (memcmp(x, y, (size_t)full) != 0) return 0;
  if (rem == 0) return 1;
  return ((x[full] ^ y[full]) & (0xff << (8 - rem)) & 0xff) == 0;
}

/* Node's is_in_network(): q inside net/prefix. */
static int in_network(const addr_t *q, const addr_t *net, int prefix) {
  uint8_t m[16];
  if (q->fam == net->fam) return bits_equal(q->b, net->b, prefix);
  if (q->fam == 4) { /* IPv4 address, IPv6 network: compare mapped form */
    memcpy(m, kMapped, 12);
    memcpy(m + 12, q->b, 4);
    return bits_equal(m, net->b, prefix);
  }
  /* IPv6 address, IPv4 network: must be mapped */
  return memcmp(q->b, kMapped, 12) == 0 &&
         bits_equal(q->b + 12, net->b, prefix);
}

static int parse_addr(const char *s, int fam, addr_t *a) {
  memset(a, 0, sizeof(*a));
  a->fam = fam;
  return inet_pton(fam == 4 ? AF_INET : AF_INET6, s, a->b) == 1;
}

static int reference_check(const nnet_blocklist_t *bl, const addr_t *q) {
  size_t i;
  for (i = 0; i < nnet_blocklist_rule_count(bl); i++) {
    char kind[16], body[128], x[64], y[64];
    int fam, prefix;
    addr_t a, b;
    const char *r = nnet_blocklist_rule(bl, i);
    CHECK(sscanf(r, "%15[A-Za-z]: IPv%d %127s", kind, &fam, body) == 3);
    if (strcmp(kind, "Address") == 0) {
      CHECK(parse_addr(body, fam, &a));
      if (compare(&a, q) == 0) return 1;
    } else if (strcmp(kind, "Range") == 0) {
      CHECK(sscanf(body, "%63[^-]-%63s", x, y) == 2);
      CHECK(parse_addr(x, fam, &a) && parse_addr(y, fam, &b));
      {
        int lo = compare(q, &a), hi = compare(q, &b);
        if (lo >= 0 && hi != -2 && hi <= 0) return 1;
      }
    } else {
      CHECK(sscanf(body, "%63[^/]/%d", x, &prefix) == 2);
      CHECK(parse_addr(x, fam, &a));
      if (in_network(q, &a, prefix)) return 1;
    }
  }
  return 0;
}

/* Addresses from a tiny alphabet so that rules overlap and collide. */
static void next_addr(const uint8_t **p, const uint8_t *end, addr_t *a,
                      char *text) {
  static const uint8_t vals[] = {0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, 10};
  uint8_t sel = *p < end ? *(*p)++ : 0;
  int k;
  memset(a, 0, sizeof(*a));
  a->fam = sel & 1 ? 6 : 4;
  for (k = 0; k < (a->fam == 4 ? 4 : 16); k++)
    a->b[k] =
        (k < 10 && a->fam == 6 && (sel & 2)) ? 0 : vals[(sel >> 2) + k & 7];
  if (a->fam == 6 && (sel & 2)) a->b[10] = a->b[11] = 0xff; /* mapped */
  if (*p < end && a->fam == 4) a->b[3] = *(*p)++;
  if (*p < end && a->fam == 6) a->b[15] = *(*p)++;
  inet_ntop(a->fam == 4 ? AF_INET : AF_INET6, a->b, text, 64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *p = data, *end = data + size;
  nnet_blocklist_t *bl = nnet_blocklist_new();
  if (bl == NULL) return 0;
  while (p < end) {
    uint8_t op = *p++;
    addr_t a, b;
    char ta[64], tb[64];
    int prefix = (op >> 3) * 5 % 130 - 1;
    next_addr(&p, end, &a, ta);
    switch (op & 7) {
      case 0:
        CHECK(nnet_blocklist_add_address(bl, ta, a.fam) == 0);
        break;
      case 1:
        next_addr(&p, end, &b, tb);
        if (a.fam == b.fam)
          CHECK((nnet_blocklist_add_range(bl, ta, tb, a.fam) == 0) ==
                (compare(&a, &b) <= 0));
        break;
      case 2:
        CHECK((nnet_blocklist_add_subnet(bl, ta, prefix, a.fam) == 0) ==
              (prefix >= 0 && prefix <= (a.fam == 4 ? 32 : 128)));
        break;
      case 3:
        CHECK(nnet_blocklist_remove_address(bl, ta, a.fam) >= 0);
        break;
      case 4:
        next_addr(&p, end, &b, tb);
        if (a.fam == b.fam)
          CHECK(nnet_blocklist_remove_range(bl, ta, tb, a.fam) >= 0);
        break;
      case 5:
        nnet_blocklist_remove_subnet(bl, ta, prefix, a.fam);
        break;
      case 6:
        if (op & 0x80) nnet_blocklist_clear(bl);
        break;
      default: {
        nnet_socketaddress_t sa;
        int want = reference_check(bl, &a);
        CHECK(nnet_blocklist_check(bl, ta, a.fam) == want);
        CHECK(nnet_socketaddress_init(&sa, ta, a.fam, 0, 0) == 0);
        CHECK(nnet_blocklist_check_address(bl, &sa) == want);
      }
    }
  }
  nnet_blocklist_free(bl);
  return 0;
}
