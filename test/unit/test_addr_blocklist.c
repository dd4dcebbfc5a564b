/* net.BlockList. Expected answers come from Node v20 (add/check/rules) and
 * Node 26 (remove, clear, addCIDR). */
#include <string.h>

#include "testutil.h"

/* The same 17 queries for every rule set; expected answers as a string of
 * '0'/'1', as Node v20 printed them. */
static const struct {
  const char *addr;
  nnet_family_t fam;
} q[] = {
    {"1.0.0.3", 0},
    {"2.0.0.0", 0},
    {"1.0.0.1", 0},
    {"0.0.0.5", 0},
    {"3.0.0.0", 0},
    {"1.2.3.4", 0},
    {"1.2.3.5", 0},
    {"::ffff:1.2.3.4", NNET_IPV6},
    {"::ffff:1.0.0.3", NNET_IPV6},
    {"::1.2.3.4", NNET_IPV6},
    {"1.2.3.4", NNET_IPV6},
    {"::1", NNET_IPV6},
    {"0.0.0.0", 0},
    {"255.255.255.255", 0},
    {"::ffff:0.0.0.0", NNET_IPV6},
    {"::", NNET_IPV6},
    {"ffff::", NNET_IPV6},
};

static void expect(nnet_blocklist_t *bl, const char *want) {
  size_t i;
  ck_assert_uint_eq(strlen(want), sizeof(q) / sizeof(q[0]));
  for (i = 0; i < strlen(want); i++) {
    nnet_socketaddress_t sa;
    int got = nnet_blocklist_check(bl, q[i].addr, q[i].fam);
    ck_assert_msg(got == want[i] - '0', "check(%s) = %d, Node %c", q[i].addr,
                  got, want[i]);
    /* the pre-parsed form gives the same answer */
    ck_assert_int_eq(
        nnet_socketaddress_init(&sa, q[i].addr, q[i].fam, 0, 0) == 0
            ? nnet_blocklist_check_address(bl, &sa)
            : got,
        got);
  }
}

static nnet_blocklist_t *bl_new(void) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_ptr_nonnull(bl);
  return bl;
}

START_TEST(bl_ipv4_rules_and_mapped_queries) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "1.0.0.2", "2.0.0.1", 0), 0);
  expect(bl, "11000111100000000");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "1.2.3.4", 32, 0), 0);
  expect(bl, "00000101000000000");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "1.2.3.4", 0, 0), 0);
  expect(bl, "11111111100011100");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "1.2.3.4", 1, 0), 0);
  expect(bl, "11111111100010100");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "1.2.3.4", NNET_IPV4), 0);
  expect(bl, "00000101000000000");
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_ipv6_rules_and_ipv4_queries) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "::ffff:1.2.3.4", 6), 0);
  expect(bl, "00000101000000000");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "::ffff:1.2.3.4", 96, 6), 0);
  expect(bl, "11111111100011100");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "::ffff:1.2.3.4", 120, 6), 0);
  expect(bl, "00000111000000000");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "::", 0, 6), 0);
  expect(bl, "11111111110111111");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "::1", 127, 6), 0);
  expect(bl, "00000000000100010");
  nnet_blocklist_free(bl);

  bl = bl_new();
  ck_assert_int_eq(
      nnet_blocklist_add_range(bl, "::ffff:1.0.0.2", "::ffff:2.0.0.1", 6), 0);
  expect(bl, "11000111100000000");
  nnet_blocklist_free(bl);
}
END_TEST

/* A range with a non-mapped IPv6 end is "not comparable" with any IPv4
 * address in Node, so it never matches an IPv4 query, but it does match
 * the mapped IPv6 form. */
START_TEST(bl_ipv6_range_not_comparable) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "::", "ffff::", 6), 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "1.2.3.4", 0), 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "::ffff:1.2.3.4", 6), 1);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_errors) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "2.0.0.0", "1.0.0.0", 0),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "x", 0),
                   NNET_ERR_INVALID_ADDRESS);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "1.2.3.4", 5),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "1.2.3.4", 33, 0),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "1.2.3.4", -1, 0),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "::", 129, 6),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "x", 99, 0),
                   NNET_ERR_INVALID_ADDRESS);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, NULL, 0),
                   NNET_ERR_INVALID_ARG_TYPE);
  ck_assert_uint_eq(nnet_blocklist_rule_count(bl), 0);
  /* a bad address or family in check is "not blocked", as in Node v20 */
  ck_assert_int_eq(nnet_blocklist_check(bl, "x", 0), 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "1.2.3.4", 5), 0);
  nnet_blocklist_free(bl);
  nnet_blocklist_free(NULL);
}
END_TEST

START_TEST(bl_rules_text_newest_first) {
  static const char *const want[] = {
      "Address: IPv4 1.2.3.4",        "Range: IPv6 ::1-::2",
      "Address: IPv6 ::ffff:1.2.3.4", "Subnet: IPv6 fe80::1/64",
      "Subnet: IPv4 10.0.0.0/8",      "Range: IPv4 1.2.3.4-1.2.3.5",
      "Address: IPv4 1.2.3.4"};
  nnet_blocklist_t *bl = bl_new();
  size_t i;
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "1.2.3.4", 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "1.2.3.4", "1.2.3.5", 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_subnet(bl, "fe80::1%eth0", 64, 6), 0);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "::ffff:1.2.3.4", 6), 0);
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "0:0:0:0::1", "::2", 6), 0);
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "1.2.3.4", 0), 0);
  ck_assert_uint_eq(nnet_blocklist_rule_count(bl), 7);
  for (i = 0; i < 7; i++) ck_assert_str_eq(nnet_blocklist_rule(bl, i), want[i]);
  ck_assert_ptr_null(nnet_blocklist_rule(bl, 7));
  nnet_blocklist_free(bl);
}
END_TEST

static void expect_rules(nnet_blocklist_t *bl, const char *joined) {
  char buf[512] = "";
  size_t i;
  for (i = 0; i < nnet_blocklist_rule_count(bl); i++) {
    if (i) strcat(buf, "|");
    strcat(buf, nnet_blocklist_rule(bl, i));
  }
  ck_assert_str_eq(buf, joined);
  ck_assert_uint_eq(nnet_blocklist_size(bl), nnet_blocklist_rule_count(bl));
}

START_TEST(bl_remove_as_node26) {
  nnet_blocklist_t *bl = bl_new();
  /* removeAddress drops every match, mapped twins included */
  nnet_blocklist_add_address(bl, "1.2.3.4", 0);
  nnet_blocklist_add_address(bl, "::ffff:1.2.3.4", 6);
  nnet_blocklist_add_address(bl, "1.2.3.4", 0);
  nnet_blocklist_add_address(bl, "1.2.3.5", 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "1.2.3.4", 0), 1);
  ck_assert_int_eq(nnet_blocklist_remove_address(bl, "1.2.3.4", 0), 1);
  expect_rules(bl, "Address: IPv4 1.2.3.5");
  ck_assert_int_eq(nnet_blocklist_check(bl, "1.2.3.4", 0), 0);
  ck_assert_int_eq(nnet_blocklist_remove_address(bl, "1.2.3.4", 0), 0);
  ck_assert_int_eq(nnet_blocklist_remove_address(bl, "x", 0),
                   NNET_ERR_INVALID_ADDRESS);
  nnet_blocklist_clear(bl);
  expect_rules(bl, "");
  ck_assert_int_eq(nnet_blocklist_check(bl, "1.2.3.5", 0), 0);

  /* removeRange / removeSubnet drop only the newest identical rule */
  nnet_blocklist_add_range(bl, "1.0.0.0", "2.0.0.0", 0);
  nnet_blocklist_add_range(bl, "1.0.0.0", "2.0.0.0", 0);
  nnet_blocklist_add_range(bl, "1.0.0.0", "3.0.0.0", 0);
  ck_assert_int_eq(nnet_blocklist_remove_range(bl, "1.0.0.0", "2.0.0.0", 0), 1);
  expect_rules(bl, "Range: IPv4 1.0.0.0-3.0.0.0|Range: IPv4 1.0.0.0-2.0.0.0");
  ck_assert_int_eq(
      nnet_blocklist_remove_range(bl, "::ffff:1.0.0.0", "::ffff:3.0.0.0", 6),
      0);
  nnet_blocklist_clear(bl);
  nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, 0);
  nnet_blocklist_add_subnet(bl, "10.1.0.0", 8, 0);
  nnet_blocklist_add_subnet(bl, "10.0.0.0", 16, 0);
  nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, 0);
  ck_assert_int_eq(nnet_blocklist_remove_subnet(bl, "10.0.0.0", 8, 0), 1);
  expect_rules(bl,
               "Subnet: IPv4 10.0.0.0/16|Subnet: IPv4 10.1.0.0/8|Subnet: "
               "IPv4 10.0.0.0/8");
  ck_assert_int_eq(nnet_blocklist_remove_subnet(bl, "10.0.0.0", 33, 0),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_blocklist_check(bl, "10.200.0.1", 0), 1);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_cidr_as_node26) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "10.0.0.0/8"), 0);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "::1/128"), 0);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "::1.2.3.4/100"), 0);
  expect_rules(bl,
               "Subnet: IPv6 ::1.2.3.4/100|Subnet: IPv6 ::1/128|Subnet: IPv4 "
               "10.0.0.0/8");
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "1.2.3.4"),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "1.2.3.4/33"),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "1.2.3.4/08"),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "1.2.3.4/-0"),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "1::/+8"),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_int_eq(nnet_blocklist_add_cidr(bl, "x/8"),
                   NNET_ERR_INVALID_ADDRESS);
  ck_assert_int_eq(nnet_blocklist_remove_cidr(bl, "10.0.0.0/8"), 1);
  ck_assert_uint_eq(nnet_blocklist_rule_count(bl), 2);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_allow_list_mode) {
  nnet_blocklist_t *bl = bl_new();
  ck_assert(!nnet_blocklist_is_allow_list(bl));
  nnet_blocklist_set_allow_list(bl, true);
  ck_assert(nnet_blocklist_is_allow_list(bl));
  nnet_blocklist_add_subnet(bl, "10.0.0.0", 8, 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "10.1.2.3", 0), 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "11.1.2.3", 0), 1);
  ck_assert_int_eq(nnet_blocklist_check(bl, "not an address", 0), 1);
  nnet_blocklist_free(bl);
}
END_TEST

/* Many overlapping rules: the index must agree with a linear scan. */
START_TEST(bl_many_rules_merge) {
  nnet_blocklist_t *bl = bl_new();
  char a[32], b[32];
  int i;
  for (i = 0; i < 1000; i += 3) {
    snprintf(a, sizeof a, "10.0.%d.%d", i / 256, i % 256);
    snprintf(b, sizeof b, "10.0.%d.%d", (i + 1) / 256, (i + 1) % 256);
    ck_assert_int_eq(nnet_blocklist_add_range(bl, a, b, 0), 0);
  }
  for (i = 0; i < 1100; i++) {
    snprintf(a, sizeof a, "10.0.%d.%d", i / 256, i % 256);
    ck_assert_int_eq(nnet_blocklist_check(bl, a, 0), i <= 1000 && i % 3 != 2);
    snprintf(a, sizeof a, "::ffff:10.0.%d.%d", i / 256, i % 256);
    ck_assert_int_eq(nnet_blocklist_check(bl, a, 6), i <= 1000 && i % 3 != 2);
  }
  nnet_blocklist_free(bl);
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr_blocklist");
  TCase *tc = tcase_create("blocklist");
  tcase_add_test(tc, bl_ipv4_rules_and_mapped_queries);
  tcase_add_test(tc, bl_ipv6_rules_and_ipv4_queries);
  tcase_add_test(tc, bl_ipv6_range_not_comparable);
  tcase_add_test(tc, bl_errors);
  tcase_add_test(tc, bl_rules_text_newest_first);
  tcase_add_test(tc, bl_remove_as_node26);
  tcase_add_test(tc, bl_cidr_as_node26);
  tcase_add_test(tc, bl_allow_list_mode);
  tcase_add_test(tc, bl_many_rules_merge);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
