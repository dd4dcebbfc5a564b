/* Node 26's BlockList additions: addAddresses, addCIDRs, toJSON/fromJSON,
 * PRIVATE_RANGES. Texts as Node 26 prints them (JSON.stringify of toJSON()
 * for a list built in the same order; see docs/node-differences.md for
 * Node 26's rule order). */
#include <string.h>

#include "testutil.h"

static const char *json_of(nnet_blocklist_t *bl) {
  static char buf[4096];
  int n = nnet_blocklist_to_json(bl, buf, sizeof(buf));
  ck_assert_int_ge(n, 0);
  ck_assert_int_eq((size_t)n, strlen(buf));
  return buf;
}

START_TEST(bl_to_json_text) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_str_eq(json_of(bl), "[]");
  ck_assert_int_eq(nnet_blocklist_add_address(bl, "1.2.3.4", 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_range(bl, "10.0.0.1", "10.0.0.9", 0), 0);
  ck_assert_int_eq(
      nnet_blocklist_add_subnet(bl, "8592:757c:efae:4e45::", 64, NNET_IPV6), 0);
  ck_assert_str_eq(json_of(bl),
                   "[\"Subnet: IPv6 8592:757c:efae:4e45::/64\","
                   "\"Range: IPv4 10.0.0.1-10.0.0.9\","
                   "\"Address: IPv4 1.2.3.4\"]");
  /* snprintf contract: the needed length, truncated text NUL-terminated */
  char small[8];
  int need = nnet_blocklist_to_json(bl, small, sizeof(small));
  ck_assert_int_eq(need, (int)strlen(json_of(bl)));
  ck_assert_str_eq(small, "[\"Subne");
  ck_assert_int_eq(nnet_blocklist_to_json(bl, NULL, 0), need);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_json_round_trip_exact) {
  nnet_blocklist_t *a = nnet_blocklist_new(), *b = nnet_blocklist_new();
  char text[4096], err[128];
  ck_assert_int_eq(nnet_blocklist_add_address(a, "5.5.5.5", 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_address(a, "::ffff:1.2.3.4", 6), 0);
  ck_assert_int_eq(nnet_blocklist_add_cidr(a, "10.0.0.0/8"), 0);
  ck_assert_int_eq(nnet_blocklist_add_range(a, "::1", "::9", 6), 0);
  ck_assert_int_eq(nnet_blocklist_add_address(a, "1.1.1.1", 0), 0);
  nnet_blocklist_to_json(a, text, sizeof(text));
  ck_assert_int_eq(nnet_blocklist_from_json(b, text, err, sizeof(err)), 0);
  ck_assert_str_eq(err, "");
  ck_assert_str_eq(json_of(b), text);
  ck_assert_uint_eq(nnet_blocklist_size(b), 5);
  /* the rules check the same */
  ck_assert_int_eq(nnet_blocklist_check(b, "10.9.9.9", 0), 1);
  ck_assert_int_eq(nnet_blocklist_check(b, "::5", 6), 1);
  ck_assert_int_eq(nnet_blocklist_check(b, "1.2.3.4", 0), 1);
  ck_assert_int_eq(nnet_blocklist_check(b, "11.0.0.1", 0), 0);
  /* JSON whitespace and escapes; fromJSON appends to what is there */
  nnet_blocklist_clear(b);
  ck_assert_int_eq(nnet_blocklist_add_address(b, "7.7.7.7", 0), 0);
  ck_assert_int_eq(
      nnet_blocklist_from_json(
          b, " [ \"Address: IPv4 9.9.9.\\u0039\" ,\n\"Address: IPv6 ::1\"]\t",
          err, sizeof(err)),
      0);
  ck_assert_str_eq(json_of(b),
                   "[\"Address: IPv4 9.9.9.9\",\"Address: IPv6 ::1\","
                   "\"Address: IPv4 7.7.7.7\"]");
  nnet_blocklist_free(a);
  nnet_blocklist_free(b);
}
END_TEST

/* Bad text is refused whole, with a message naming the place. */
START_TEST(bl_from_json_errors) {
  static const struct {
    const char *json;
    int code;
    const char *msg;
  } bad[] = {
      {"", NNET_ERR_INVALID_ARG_VALUE, "JSON: expected '[' at offset 0"},
      {"[\"Address: IPv4 1.2.3.4\" \"x\"]", NNET_ERR_INVALID_ARG_VALUE,
       "JSON: expected ',' or ']' at offset 25"},
      {"[1]", NNET_ERR_INVALID_ARG_VALUE,
       "JSON: expected a string at offset 1"},
      {"[\"a\"] x", NNET_ERR_INVALID_ARG_VALUE,
       "JSON: unexpected text after the array at offset 6"},
      {"[\"a", NNET_ERR_INVALID_ARG_VALUE,
       "JSON: unterminated string at offset 3"},
      {"[\"\\u0000\"]", NNET_ERR_INVALID_ARG_VALUE,
       "JSON: NUL in a string at offset 8"},
      {"[\"Address: IPv4 1.2.3.4\",\"garbage\"]", NNET_ERR_INVALID_ARG_VALUE,
       "rule 2 of 2 (\"garbage\"): not a BlockList rule"},
      {"[\"Address: IPv4 300.1.1.1\"]", NNET_ERR_INVALID_ADDRESS,
       "rule 1 of 1 (\"Address: IPv4 300.1.1.1\"): Invalid socket address"},
      {"[\"Range: IPv4 10.0.0.9-10.0.0.1\"]", NNET_ERR_INVALID_ARG_VALUE,
       "rule 1 of 1 (\"Range: IPv4 10.0.0.9-10.0.0.1\"): not a BlockList rule"},
      {"[\"Subnet: IPv4 1.2.3.0/33\"]", NNET_ERR_OUT_OF_RANGE, NULL},
      {"[\"Subnet: IPv4 1.2.3.0/08\"]", NNET_ERR_INVALID_ARG_VALUE, NULL},
      {"[\"Address: IPv6 1.2.3.4\"]", NNET_ERR_INVALID_ADDRESS, NULL},
      {"[\"address: IPv4 1.2.3.4\"]", NNET_ERR_INVALID_ARG_VALUE, NULL},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    nnet_blocklist_t *bl = nnet_blocklist_new();
    char err[160];
    ck_assert_int_eq(nnet_blocklist_add_address(bl, "7.7.7.7", 0), 0);
    int rc = nnet_blocklist_from_json(bl, bad[i].json, err, sizeof(err));
    ck_assert_msg(rc == bad[i].code, "%s: %d (%s)", bad[i].json, rc, err);
    if (bad[i].msg) ck_assert_str_eq(err, bad[i].msg);
    ck_assert_str_eq(json_of(bl), "[\"Address: IPv4 7.7.7.7\"]");
    nnet_blocklist_free(bl);
  }
  /* the array form reports the bad index */
  nnet_blocklist_t *bl = nnet_blocklist_new();
  const char *rules[] = {"Address: IPv4 1.1.1.1", "Subnet: IPv6 ::/129",
                         "Address: IPv4 2.2.2.2"};
  size_t at = 99;
  ck_assert_int_eq(nnet_blocklist_add_rules(bl, rules, 3, &at),
                   NNET_ERR_OUT_OF_RANGE);
  ck_assert_uint_eq(at, 1);
  ck_assert_uint_eq(nnet_blocklist_size(bl), 0);
  nnet_blocklist_free(bl);
}
END_TEST

/* addAddresses / addCIDRs: all or none, as Node 26. */
START_TEST(bl_batches) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  const char *addrs[] = {"1.1.1.1", "::2"};
  ck_assert_int_eq(nnet_blocklist_add_addresses(bl, addrs, 1, 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_addresses(bl, addrs + 1, 1, NNET_IPV6),
                   0);
  ck_assert_str_eq(json_of(bl),
                   "[\"Address: IPv6 ::2\",\"Address: IPv4 1.1.1.1\"]");
  /* Node 26: addAddresses(["1.1.1.1", "::2"]) with the default family
   * throws ERR_INVALID_ADDRESS and adds nothing */
  ck_assert_int_eq(nnet_blocklist_add_addresses(bl, addrs, 2, 0),
                   NNET_ERR_INVALID_ADDRESS);
  ck_assert_uint_eq(nnet_blocklist_size(bl), 2);
  const char *cidrs[] = {"10.0.0.0/8", "::/0"}, *bad[] = {"10.0.0.0/8", "zz"};
  ck_assert_int_eq(nnet_blocklist_add_cidrs(bl, cidrs, 2), 0);
  ck_assert_uint_eq(nnet_blocklist_size(bl), 4);
  ck_assert_int_eq(nnet_blocklist_add_cidrs(bl, bad, 2),
                   NNET_ERR_INVALID_ARG_VALUE);
  ck_assert_uint_eq(nnet_blocklist_size(bl), 4);
  ck_assert_int_eq(nnet_blocklist_add_cidrs(bl, NULL, 0), 0);
  ck_assert_int_eq(nnet_blocklist_add_cidrs(NULL, cidrs, 2),
                   NNET_ERR_INVALID_ARG_TYPE);
  nnet_blocklist_free(bl);
}
END_TEST

START_TEST(bl_private_ranges) {
  const char *r[] = {NNET_BLOCKLIST_PRIVATE_RANGES};
  ck_assert_uint_eq(sizeof(r) / sizeof(r[0]),
                    NNET_BLOCKLIST_PRIVATE_RANGES_COUNT);
  /* Node 26's BlockList.PRIVATE_RANGES, in its order */
  ck_assert_str_eq(r[0], "10.0.0.0/8");
  ck_assert_str_eq(r[3], "127.0.0.0/8");
  ck_assert_str_eq(r[7], "fc00::/7");
  nnet_blocklist_t *bl = nnet_blocklist_new();
  ck_assert_int_eq(
      nnet_blocklist_add_cidrs(bl, r, NNET_BLOCKLIST_PRIVATE_RANGES_COUNT), 0);
  ck_assert_int_eq(nnet_blocklist_check(bl, "192.168.1.1", 0), 1);
  ck_assert_int_eq(nnet_blocklist_check(bl, "fd00::1", NNET_IPV6), 1);
  ck_assert_int_eq(nnet_blocklist_check(bl, "8.8.8.8", 0), 0);
  nnet_blocklist_free(bl);
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr_blocklist_json");
  TCase *tc = tcase_create("json");
  tcase_add_test(tc, bl_to_json_text);
  tcase_add_test(tc, bl_json_round_trip_exact);
  tcase_add_test(tc, bl_from_json_errors);
  tcase_add_test(tc, bl_batches);
  tcase_add_test(tc, bl_private_ranges);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
