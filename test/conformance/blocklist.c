/* Twin of blocklist.js: net.BlockList rules, matching and validation. */
#include <string.h>

#include "trace.h"

static const char *rules(const nnet_blocklist_t *bl) {
  const char *out = "[";
  for (size_t i = 0; i < nnet_blocklist_rule_count(bl); i++)
    out = tr_fmt("%s%s%s", out, i ? "," : "", tr_q(nnet_blocklist_rule(bl, i)));
  return tr_fmt("%s]", out);
}

/* The JS family argument: undefined, or a case-insensitive "ipv6". */
static nnet_family_t fam(const char *t) {
  return t == NULL ? 0 : strcasecmp(t, "ipv6") == 0 ? NNET_IPV6 : NNET_IPV4;
}

static const char *res(int rc) {
  return rc < 0 ? tr_fmt("throws %s", nnet_err_name(rc)) : tr_bool(rc == 1);
}

static const char *const checks[][2] = {
    {"123.123.123.123", NULL},
    {"123.123.123.124", NULL},
    {"10.0.0.0", NULL},
    {"10.0.0.1", NULL},
    {"10.0.0.5", NULL},
    {"10.0.0.10", NULL},
    {"10.0.0.11", NULL},
    {"192.168.0.0", NULL},
    {"192.168.255.255", NULL},
    {"192.169.0.0", NULL},
    {"10.10.0.31", NULL},
    {"10.10.0.32", NULL},
    {"1.2.3.4", NULL},
    {"::ffff:123.123.123.123", "ipv6"},
    {"::ffff:7b7b:7b7b", "ipv6"},
    {"::ffff:10.0.0.5", "ipv6"},
    {"::ffff:0a00:000a", "ipv6"},
    {"::ffff:10.0.0.11", "ipv6"},
    {"::ffff:192.168.1.1", "ipv6"},
    {"::ffff:1.2.3.4", "IPV6"},
    {"8592:757c:efae:4e45::f", "ipv6"},
    {"8592:757c:efae:4e45:ffff:ffff:ffff:ffff", "ipv6"},
    {"8592:757c:efae:4e46::", "ipv6"},
    {"::1", "ipv6"},
    {"::2", "ipv6"},
    {"::10", "ipv6"},
    {"::1f", "ipv6"},
    {"::20", "ipv6"},
    {"::f", "ipv6"},
    {"123.123.123.123", "ipv6"},
    {"::1", NULL},
    {"not-an-ip", NULL},
    {"not-an-ip", "ipv6"},
    {"0.0.0.0", NULL},
    {"255.255.255.255", NULL},
    {"::7b7b:7b7b", "ipv6"},
    {"0:0:0:0:0:ffff:7b7b:7b7b", "ipv6"},
};

static void failures(void) {
  nnet_blocklist_t *e = nnet_blocklist_new();
  tr_log("main", "empty rules %s check %s", rules(e),
         res(nnet_blocklist_check(e, "1.1.1.1", 0)));
  const char *bad_addr[] = {"ERR_INVALID_ADDRESS", "Invalid socket address"};
  int rc = nnet_blocklist_add_address(e, "1.1.1.256", 0);
  if (rc >= 0)
    tr_ok("main", "addAddress(bad ip)", "");
  else
    tr_throws("main", "addAddress(bad ip)", rc, bad_addr[0], bad_addr[1],
              (char *)NULL);
  rc = nnet_blocklist_add_range(e, "1.1.1.2", "1.1.1.1", 0);
  if (rc >= 0)
    tr_ok("main", "addRange(reversed)", "");
  else
    tr_throws("main", "addRange(reversed)", rc, "ERR_INVALID_ARG_VALUE",
              "The argument 'start' must come before end. Received "
              "SocketAddress { address: '1.1.1.2', port: 0, family: "
              "'ipv4', flowlabel: 0 }",
              (char *)NULL);
  static const struct {
    const char *what, *net;
    int prefix, max;
    nnet_family_t f;
  } subnets[] = {
      {"addSubnet(x, 33)", "1.1.1.1", 33, 32, 0},
      {"addSubnet(x, -1)", "1.1.1.1", -1, 32, 0},
      {"addSubnet(::, 129, ipv6)", "::", 129, 128, NNET_IPV6},
  };
  for (size_t i = 0; i < 3; i++) {
    rc = nnet_blocklist_add_subnet(e, subnets[i].net, subnets[i].prefix,
                                   subnets[i].f);
    if (rc >= 0)
      tr_ok("main", subnets[i].what, "");
    else
      tr_throws("main", subnets[i].what, rc, "ERR_OUT_OF_RANGE",
                tr_fmt("The value of \"prefix\" is out of range. It must be "
                       ">= 0 && <= %d. Received %d",
                       subnets[i].max, subnets[i].prefix),
                (char *)NULL);
  }
  rc = nnet_blocklist_add_address(e, "::1", 0);
  if (rc >= 0)
    tr_ok("main", "addAddress(v6 as ipv4)", "");
  else
    tr_throws("main", "addAddress(v6 as ipv4)", rc, bad_addr[0], bad_addr[1],
              (char *)NULL);
  tr_log("main", "rules after failures %s", rules(e));
  nnet_blocklist_free(e);
}

int main(void) {
  tr_init();
  nnet_blocklist_t *bl = nnet_blocklist_new();
  nnet_blocklist_add_address(bl, "123.123.123.123", 0);
  nnet_blocklist_add_address(bl, "123.123.123.123", 0);
  nnet_blocklist_add_range(bl, "10.0.0.1", "10.0.0.10", 0);
  nnet_blocklist_add_subnet(bl, "8592:757c:efae:4e45::", 64, NNET_IPV6);
  nnet_blocklist_add_subnet(bl, "192.168.0.0", 16, 0);
  nnet_blocklist_add_address(bl, "::1", NNET_IPV6);
  nnet_blocklist_add_range(bl, "::10", "::1f", NNET_IPV6);
  nnet_blocklist_add_subnet(bl, "10.10.0.0", 27, NNET_IPV4);
  nnet_socketaddress_t sa;
  nnet_socketaddress_init(&sa, "1.2.3.4", 0, 0, 0);
  nnet_blocklist_add_address(bl, sa.address, sa.family);
  tr_log("main", "rules %s", rules(bl));
  for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
    const char *a = checks[i][0], *t = checks[i][1];
    tr_log("main", "check %s %s => %s", tr_q(a), t ? t : "(default)",
           res(nnet_blocklist_check(bl, a, fam(t))));
  }
  nnet_socketaddress_init(&sa, "10.0.0.3", 0, 0, 0);
  tr_log("main", "check SocketAddress 10.0.0.3 %s",
         res(nnet_blocklist_check_address(bl, &sa)));
  nnet_socketaddress_init(&sa, "::1", NNET_IPV6, 0, 0);
  tr_log("main", "check SocketAddress ::1 v6 %s",
         res(nnet_blocklist_check_address(bl, &sa)));
  nnet_blocklist_free(bl);

  nnet_blocklist_t *m = nnet_blocklist_new();
  nnet_blocklist_add_subnet(m, "::ffff:0:0", 96, NNET_IPV6);
  const char *r1 = res(nnet_blocklist_check(m, "1.1.1.1", 0));
  const char *r2 = res(nnet_blocklist_check(m, "::ffff:1.1.1.1", NNET_IPV6));
  tr_log("main",
         "v6 mapped /96 rule: check 1.1.1.1 v4 %s check ::ffff:1.1.1.1 v6 %s",
         r1, r2);
  nnet_blocklist_free(m);
  nnet_blocklist_t *m2 = nnet_blocklist_new();
  nnet_blocklist_add_address(m2, "::ffff:1.1.1.2", NNET_IPV6);
  r1 = res(nnet_blocklist_check(m2, "1.1.1.2", 0));
  tr_log("main", "rule ::ffff:1.1.1.2 v6: check 1.1.1.2 v4 %s rules %s", r1,
         rules(m2));
  nnet_blocklist_free(m2);
  failures();
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
