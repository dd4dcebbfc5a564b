/* Twin of blocklist_json.js: nnet_blocklist_add_addresses, add_cidrs
 * (PRIVATE_RANGES), to_json, from_json, and one bad entry. Errors: code
 * name only. What the scenario avoids and why: see blocklist_json.js. */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

static const char *const checks_[][2] = {
    {"10.1.2.3", NULL},      {"172.31.255.255", NULL}, {"172.32.0.0", NULL},
    {"192.168.1.1", NULL},   {"127.0.0.1", NULL},      {"169.254.1.1", NULL},
    {"8.8.8.8", NULL},       {"203.0.113.7", NULL},    {"198.51.100.1", NULL},
    {"198.51.100.2", NULL},  {"1.0.0.3", NULL},        {"1.0.0.6", NULL},
    {"::1", "ipv6"},         {"::2", "ipv6"},          {"fe80::1", "ipv6"},
    {"febf::1", "ipv6"},     {"fec0::1", "ipv6"},      {"fc00::1", "ipv6"},
    {"fdff::1", "ipv6"},     {"fe00::1", "ipv6"},      {"2001:db8::1", "ipv6"},
    {"2001:db8::3", "ipv6"},
};

static const char *code(int rc) {
  return rc < 0 ? tr_fmt("code=%s", nnet_err_name(rc)) : "ok";
}

static void checks(const char *name, const nnet_blocklist_t *bl) {
  size_t n = sizeof checks_ / sizeof checks_[0];
  char out[64];
  for (size_t i = 0; i < n; i++) {
    int rc = nnet_blocklist_check(bl, checks_[i][0],
                                  checks_[i][1] ? NNET_IPV6 : NNET_IPV4);
    out[i] = rc == 1 ? '1' : rc == 0 ? '0' : '?';
  }
  out[n] = '\0';
  tr_log("main", "%s rules %zu check %s", name, nnet_blocklist_rule_count(bl),
         out);
}

/* JSON.stringify(bl.toJSON()); the caller frees it. */
static char *to_json(const nnet_blocklist_t *bl) {
  int n = nnet_blocklist_to_json(bl, NULL, 0);
  if (n < 0) return strdup(tr_fmt("<to_json %s>", nnet_err_name(n)));
  char *buf = malloc((size_t)n + 1);
  if (!buf) abort();
  nnet_blocklist_to_json(bl, buf, (size_t)n + 1);
  return buf;
}

static void json(const char *name, const nnet_blocklist_t *bl) {
  char *j = to_json(bl);
  tr_log("main", "%s toJSON %s", name, j);
  free(j);
}

static nnet_blocklist_t *from_json(const char *name,
                                   const nnet_blocklist_t *src) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  if (!bl) abort();
  char *j = to_json(src);
  tr_log("main", "%s fromJSON %s", name,
         code(nnet_blocklist_from_json(bl, j, NULL, 0)));
  free(j);
  return bl;
}

/* JSON.stringify of a string array. */
static const char *strs(const char *const *v, size_t n) {
  const char *out = "[";
  for (size_t i = 0; i < n; i++)
    out = tr_fmt("%s%s%s", out, i ? "," : "", tr_q(v[i]));
  return tr_fmt("%s]", out);
}

int main(void) {
  tr_init();
  static const char *const pr[] = {NNET_BLOCKLIST_PRIVATE_RANGES};
  tr_log("main", "PRIVATE_RANGES %s",
         strs(pr, NNET_BLOCKLIST_PRIVATE_RANGES_COUNT));

  nnet_blocklist_t *a = nnet_blocklist_new();
  if (!a) abort();
  tr_log("main", "a addCIDRs %s",
         code(nnet_blocklist_add_cidrs(a, pr,
                                       NNET_BLOCKLIST_PRIVATE_RANGES_COUNT)));
  static const char *const aa[] = {"203.0.113.7", "198.51.100.1"};
  tr_log("main", "a addAddresses %s",
         code(nnet_blocklist_add_addresses(a, aa, 2, NNET_IPV4)));
  json("a", a);
  checks("a", a);
  nnet_blocklist_t *a2 = from_json("a2", a);
  checks("a2", a2);

  nnet_blocklist_t *v6 = nnet_blocklist_new();
  if (!v6) abort();
  static const char *const va[] = {"2001:db8::1", "::2"};
  tr_log("main", "v6 addAddresses %s",
         code(nnet_blocklist_add_addresses(v6, va, 2, NNET_IPV6)));
  json("v6", v6);
  checks("v6", v6);
  nnet_blocklist_t *v62 = from_json("v62", v6);
  checks("v62", v62);

  nnet_blocklist_t *k = nnet_blocklist_new();
  if (!k) abort();
  nnet_blocklist_add_range(k, "1.0.0.0", "1.0.0.5", NNET_IPV4);
  static const char *const kc[] = {"fe80::/10"};
  tr_log("main", "k addCIDRs %s", code(nnet_blocklist_add_cidrs(k, kc, 1)));
  static const char *const ka[] = {"8.8.8.8"};
  tr_log("main", "k addAddresses %s",
         code(nnet_blocklist_add_addresses(k, ka, 1, NNET_IPV4)));
  json("k", k);
  checks("k", k);
  nnet_blocklist_t *k2 = from_json("k2", k);
  json("k2", k2);
  checks("k2", k2);

  /* One bad entry, first (see blocklist_json.js). */
  static const struct {
    const char *v[2];
    size_t n;
  } bad_cidrs[] = {
      {{"bad/8", "1.0.0.0/8"}, 2},
      {{"1.2.3.4", "1.0.0.0/8"}, 2},
      {{"1.2.3.4/33", "1.0.0.0/8"}, 2},
      {{"::1/129", "::/0"}, 2},
      {{"1.2.3.4/x"}, 1},
      {{"1.2.3.4/08"}, 1},
      {{""}, 1},
  };
  for (size_t i = 0; i < sizeof bad_cidrs / sizeof bad_cidrs[0]; i++) {
    int rc = nnet_blocklist_add_cidrs(k, bad_cidrs[i].v, bad_cidrs[i].n);
    tr_log("main", "k addCIDRs %s %s rules %zu",
           strs(bad_cidrs[i].v, bad_cidrs[i].n), code(rc),
           nnet_blocklist_rule_count(k));
  }
  static const struct {
    const char *v[2];
    nnet_family_t fam;
  } bad_addrs[] = {
      {{"9.9.9.9", "zz"}, NNET_IPV4},
      {{"9.9.9.9", "::1"}, NNET_IPV4},
      {{"::3", "zz"}, NNET_IPV6},
      {{"::3", "9.9.9.9"}, NNET_IPV6},
  };
  for (size_t i = 0; i < sizeof bad_addrs / sizeof bad_addrs[0]; i++) {
    int rc =
        nnet_blocklist_add_addresses(k, bad_addrs[i].v, 2, bad_addrs[i].fam);
    tr_log("main", "k addAddresses %s %s %s rules %zu", strs(bad_addrs[i].v, 2),
           bad_addrs[i].fam == NNET_IPV6 ? "ipv6" : "ipv4", code(rc),
           nnet_blocklist_rule_count(k));
  }
  json("k after", k);

  nnet_blocklist_free(a);
  nnet_blocklist_free(a2);
  nnet_blocklist_free(v6);
  nnet_blocklist_free(v62);
  nnet_blocklist_free(k);
  nnet_blocklist_free(k2);
  int code_ = tr_finish(0);
  return tr_teardown() ? 1 : code_;
}
