/* net.isIP / isIPv4 / isIPv6. Every expected value was produced by
 * Node v20's net.isIP on the same string. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static const struct {
  const char *in;
  int want;
} cases[] = {
    {"1.2.3.4", 4},
    {"0.0.0.0", 4},
    {"255.255.255.255", 4},
    {"256.0.0.0", 0},
    {"01.2.3.4", 0},
    {"1.02.3.4", 0},
    {"1.2.3.04", 0},
    {"1.2.3.00", 0},
    {"00.0.0.0", 0},
    {"1.2.3", 0},
    {"1.2.3.4.5", 0},
    {"1.2.3.4.", 0},
    {".1.2.3.4", 0},
    {"1..2.3", 0},
    {"1.2.3.-4", 0},
    {"1.2.3.4 ", 0},
    {" 1.2.3.4", 0},
    {"1.2.3.4\n", 0},
    {"1.2.3.a", 0},
    {"0x1.2.3.4", 0},
    {"127.1", 0},
    {"1.2.3.255", 4},
    {"1.2.3.256", 0},
    {"1.2.3.1000", 0},
    {"199.200.249.250", 4},
    {"", 0},
    {"::", 6},
    {"::1", 6},
    {"1::", 6},
    {"::ffff:1.2.3.4", 6},
    {"::ffff:01.2.3.4", 0},
    {"0:0:0:0:0:0:0:1", 6},
    {"1:2:3:4:5:6:7:8", 6},
    {"1:2:3:4:5:6:7:8:9", 0},
    {"1:2:3:4:5:6:7", 0},
    {"1:2:3:4:5:6:7::", 6},
    {"::1:2:3:4:5:6:7", 6},
    {"::1:2:3:4:5:6:7:8", 0},
    {"1::2::3", 0},
    {":::", 0},
    {"1:::2", 0},
    {":1", 0},
    {"1:", 0},
    {"1::2:", 0},
    {"fe80::1%eth0", 6},
    {"fe80::1%", 0},
    {"fe80::1%eth_0", 0},
    {"fe80::1%a.b-c:d", 6},
    {"fe80::1%%", 0},
    {"FE80::ABCD", 6},
    {"fe80::abcde", 0},
    {"fe80::0abc", 6},
    {"00000::", 0},
    {"1:2:3:4:5:6:1.2.3.4", 6},
    {"1:2:3:4:5:6:7:1.2.3.4", 0},
    {"1:2:3:4:5::1.2.3.4", 6},
    {"1:2:3:4:5:6::1.2.3.4", 0},
    {"::1.2.3.4", 6},
    {"::1.2.3", 0},
    {"::1.2.3.4.5", 0},
    {"::256.1.1.1", 0},
    {"::ffff:1.2.3.4:5", 0},
    {"1.2.3.4::", 0},
    {"g::1", 0},
    {"::g", 0},
    {"[::1]", 0},
    {"::1%1", 6},
    {"::1%1%2", 0},
    {"%eth0", 0},
    {"1.2.3.4%eth0", 0},
    {"::1 ", 0},
    {"::1\n", 0},
    {"x", 0},
    {"localhost", 0},
    {"::ffff:1.2.3.4%x", 6},
    {"1:2:3:4:5:6:7:8%zz", 6},
    {"1::2:3:4:5:6:7:8", 0},
    {"1:2:3:4::5:6:7:8", 0},
    {"a:b:c:d:e:f:0:1", 6},
    {"::a:b:c:d:e:f:0", 6},
    {"a:b:c:d:e:f:0::", 6},
    {"::12345", 0},
    {"::1234", 6},
    {"::0.0.0.0", 6},
    {"0::0", 6},
    {"0000:0000:0000:0000:0000:0000:0000:0000", 6},
    {"0000:0000:0000:0000:0000:0000:0000:00000", 0},
    {"::1:1.2.3.4", 6},
    {"::1:2:3:4:5:1.2.3.4", 6},
    {"::1:2:3:4:5:6:1.2.3.4", 0},
    {"1::1:2:3:4:1.2.3.4", 6},
    {"1::1:2:3:4:5:1.2.3.4", 0},
    {"é::1", 0},
    {"::1%é", 0},
};

START_TEST(isip_matches_node) {
  size_t i;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int got = nnet_is_ip(cases[i].in);
    ck_assert_msg(got == cases[i].want, "isIP(\"%s\") = %d, Node says %d",
                  cases[i].in, got, cases[i].want);
    ck_assert_int_eq(nnet_is_ipv4(cases[i].in), cases[i].want == 4);
    ck_assert_int_eq(nnet_is_ipv6(cases[i].in), cases[i].want == 6);
  }
}
END_TEST

START_TEST(isip_null_is_zero) {
  ck_assert_int_eq(nnet_is_ip(NULL), 0);
  ck_assert(!nnet_is_ipv4(NULL));
  ck_assert(!nnet_is_ipv6(NULL));
}
END_TEST

/* A very long string must neither crash nor be accepted. */
START_TEST(isip_long_inputs) {
  size_t n = 1 << 20;
  char *s = malloc(n + 1);
  ck_assert_ptr_nonnull(s);
  memset(s, '1', n);
  s[n] = '\0';
  ck_assert_int_eq(nnet_is_ip(s), 0);
  memset(s, ':', n);
  ck_assert_int_eq(nnet_is_ip(s), 0);
  /* a valid address followed by a megabyte of zone id is valid in Node */
  memcpy(s, "fe80::1%", 8);
  memset(s + 8, 'a', n - 8);
  ck_assert_int_eq(nnet_is_ip(s), 6);
  free(s);
}
END_TEST

/* Every dotted quad with small octets, including leading-zero forms. */
START_TEST(isip_octet_forms) {
  char buf[32];
  int v;
  for (v = 0; v < 1000; v++) {
    int want = v <= 255 ? 4 : 0;
    snprintf(buf, sizeof buf, "1.%d.3.4", v);
    ck_assert_int_eq(nnet_is_ip(buf), want);
    snprintf(buf, sizeof buf, "::ffff:1.2.3.%d", v);
    ck_assert_int_eq(nnet_is_ip(buf), v <= 255 ? 6 : 0);
    snprintf(buf, sizeof buf, "1.0%d.3.4", v);
    ck_assert_int_eq(nnet_is_ip(buf), 0);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr_isip");
  TCase *tc = tcase_create("isip");
  tcase_add_test(tc, isip_matches_node);
  tcase_add_test(tc, isip_null_is_zero);
  tcase_add_test(tc, isip_long_inputs);
  tcase_add_test(tc, isip_octet_forms);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
