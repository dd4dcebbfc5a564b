/* net.SocketAddress: defaults, validation order, printing, toJSON, and
 * SocketAddress.parse. Expected values come from Node v20 (constructor)
 * and Node 26 (parse). */
#include <string.h>

#include "testutil.h"

static const char *json(const char *addr, nnet_family_t fam, int port,
                        uint32_t flow) {
  static char buf[160];
  nnet_socketaddress_t sa;
  int rc = nnet_socketaddress_init(&sa, addr, fam, port, flow);
  if (rc != 0) return nnet_err_name(rc);
  ck_assert_int_eq(nnet_socketaddress_to_json(&sa, buf, sizeof buf),
                   (int)strlen(buf));
  return buf;
}

START_TEST(sa_defaults) {
  ck_assert_str_eq(json(NULL, 0, 0, 0),
                   "{\"address\":\"127.0.0.1\",\"port\":0,\"family\":"
                   "\"ipv4\",\"flowlabel\":0}");
  ck_assert_str_eq(json(NULL, NNET_IPV6, 65535, 0xfffff),
                   "{\"address\":\"::\",\"port\":65535,\"family\":\"ipv6\","
                   "\"flowlabel\":1048575}");
  /* IPv4 ignores the flow label, as Node does */
  ck_assert_str_eq(json(NULL, NNET_IPV4, 0, 0x100000),
                   "{\"address\":\"127.0.0.1\",\"port\":0,\"family\":"
                   "\"ipv4\",\"flowlabel\":0}");
}
END_TEST

START_TEST(sa_errors_in_node_order) {
  ck_assert_str_eq(json(NULL, (nnet_family_t)5, 0, 0), "ERR_INVALID_ARG_VALUE");
  ck_assert_str_eq(json("x", (nnet_family_t)1, -1, 0), "ERR_INVALID_ARG_VALUE");
  ck_assert_str_eq(json(NULL, 0, -1, 0), "ERR_SOCKET_BAD_PORT");
  ck_assert_str_eq(json(NULL, 0, 65536, 0), "ERR_SOCKET_BAD_PORT");
  ck_assert_str_eq(json("x", NNET_IPV6, -1, 0), "ERR_SOCKET_BAD_PORT");
  ck_assert_str_eq(json("x", 0, 0, 0x100000), "ERR_INVALID_ADDRESS");
  ck_assert_str_eq(json("x", NNET_IPV6, 0, 0x100000), "ERR_INVALID_ADDRESS");
  ck_assert_str_eq(json("::1", NNET_IPV6, 0, 0x100000), "ERR_OUT_OF_RANGE");
  ck_assert_str_eq(json("01.2.3.4", 0, 0, 0), "ERR_INVALID_ADDRESS");
  ck_assert_str_eq(json("1.2.3.4 ", 0, 0, 0), "ERR_INVALID_ADDRESS");
  ck_assert_str_eq(json("::1", 0, 0, 0), "ERR_INVALID_ADDRESS");
  ck_assert_str_eq(json("1.2.3.4", NNET_IPV6, 0, 0), "ERR_INVALID_ADDRESS");
}
END_TEST

static const char *addr6(const char *in) {
  static nnet_socketaddress_t sa;
  int rc = nnet_socketaddress_init(&sa, in, NNET_IPV6, 0, 0);
  return rc == 0 ? sa.address : nnet_err_name(rc);
}

START_TEST(sa_prints_as_node) {
  static const char *const cases[][2] = {
      {"::2", "::2"},
      {"::1:2", "::0.1.0.2"},
      {"::ffff:1.2.3.4", "::ffff:1.2.3.4"},
      {"::ffff:0:0", "::ffff:0.0.0.0"},
      {"0:0:0:0:0:0:0:1", "::1"},
      {"1::", "1::"},
      {"::1.2.3.4", "::1.2.3.4"},
      {"::ffff:0:1.2.3.4", "::ffff:0:102:304"},
      {"1:0:0:1:0:0:0:1", "1:0:0:1::1"},
      {"1:0:0:1:1:0:0:1", "1::1:1:0:0:1"},
      {"0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"},
      {"::0.0.1.0", "::100"},
      {"::0.0.0.1", "::1"},
      {"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"},
      {"::1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7"},
      {"ABCD:EF01::", "abcd:ef01::"},
      {"FE80::1%eth0", "fe80::1"},
      {"fe80::1%", "fe80::1"},
      /* uv_ip6_addr truncates the part before '%' to 39 characters */
      {"0001:0002:0003:0004:0005:0006:0007:0008junk%x", "1:2:3:4:5:6:7:8"},
      {"0:0:0:0:0:0:0:0", "::"},
  };
  size_t i;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
    ck_assert_str_eq(addr6(cases[i][0]), cases[i][1]);
}
END_TEST

START_TEST(sa_raw_bytes) {
  nnet_socketaddress_t sa;
  static const uint8_t want6[16] = {0, 0, 0,    0,    0, 0, 0, 0,
                                    0, 0, 0xff, 0xff, 1, 2, 3, 4};
  static const uint8_t want4[4] = {10, 0, 0, 1};
  ck_assert_int_eq(
      nnet_socketaddress_init(&sa, "::ffff:1.2.3.4", NNET_IPV6, 8, 0), 0);
  ck_assert_mem_eq(sa.raw, want6, 16);
  ck_assert_int_eq(nnet_socketaddress_init(&sa, "10.0.0.1", 0, 8, 0), 0);
  ck_assert_mem_eq(sa.raw, want4, 4);
  ck_assert_int_eq(sa.family, NNET_IPV4);
  ck_assert_int_eq(sa.port, 8);
}
END_TEST

static const char *parse(const char *in) {
  static char buf[160];
  nnet_socketaddress_t sa;
  if (nnet_socketaddress_parse(&sa, in) != 0) return "undefined";
  nnet_socketaddress_to_json(&sa, buf, sizeof buf);
  return buf;
}

#define J(a, p, f)                                         \
  "{\"address\":\"" a "\",\"port\":" #p ",\"family\":\"" f \
  "\",\"flowlabel\":"                                      \
  "0}"
#define V4(a, p) J(a, p, "ipv4")
#define V6(a, p) J(a, p, "ipv6")

START_TEST(sa_parse_as_node26) {
  ck_assert_str_eq(parse("1.2.3.4:81"), V4("1.2.3.4", 81));
  ck_assert_str_eq(parse("[::1]:81"), V6("::1", 81));
  /* Node 26 says port 0 for these (URL drops http's default port) */
  ck_assert_str_eq(parse("[::1]:80"), V6("::1", 80));
  ck_assert_str_eq(parse("1.2.3.4:080"), V4("1.2.3.4", 80));
  ck_assert_str_eq(parse("1.2.3.4"), V4("1.2.3.4", 0));
  ck_assert_str_eq(parse("[::1]"), V6("::1", 0));
  ck_assert_str_eq(parse("1.2.3.4:"), V4("1.2.3.4", 0));
  ck_assert_str_eq(parse("255.255.255.255:65535"),
                   V4("255.255.255.255", 65535));
  ck_assert_str_eq(parse("01.2.3.4:1"), V4("1.2.3.4", 1));
  ck_assert_str_eq(parse("1.2.3:4"), V4("1.2.0.3", 4));
  ck_assert_str_eq(parse("0x7f.1:443"), V4("127.0.0.1", 443));
  ck_assert_str_eq(parse("0177.0.0.1:1"), V4("127.0.0.1", 1));
  ck_assert_str_eq(parse("4294967295"), V4("255.255.255.255", 0));
  ck_assert_str_eq(parse("%31.2.3.4"), V4("1.2.3.4", 0));
  ck_assert_str_eq(parse("1.2.3.4."), V4("1.2.3.4", 0));
  ck_assert_str_eq(parse("a@b@1.2.3.4"), V4("1.2.3.4", 0));
  ck_assert_str_eq(parse("\\1.2.3.4:5"), V4("1.2.3.4", 5));
  ck_assert_str_eq(parse("1.2.3.4:1 "), V4("1.2.3.4", 1));
  ck_assert_str_eq(parse("1.2.3.4\t:1"), V4("1.2.3.4", 1));
  ck_assert_str_eq(parse("1.2.3.4:9/x?y#z"), V4("1.2.3.4", 9));
  ck_assert_str_eq(parse("[::ffff:1.2.3.4]:443"), V6("::ffff:1.2.3.4", 443));
  static const char *const bad[] = {"::1",         "1.2.3.4:65536",
                                    "1.2.3.4:-1",  "[fe80::1%eth0]:5",
                                    "x:1",         "localhost:80",
                                    "1.2.3.4:1a",  " 1.2.3.4:1",
                                    "1.2.3.256:1", "",
                                    ":80",         "[1::",
                                    "[::1]x",      "4294967296",
                                    "1.2.3.4..",   "1.2.3.4:0x1",
                                    "[::01.2.3.4]"};
  size_t i;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ck_assert_msg(strcmp(parse(bad[i]), "undefined") == 0, "parse(%s)", bad[i]);
}
END_TEST

START_TEST(sa_to_json_truncates) {
  nnet_socketaddress_t sa;
  char small[8];
  ck_assert_int_eq(nnet_socketaddress_init(&sa, "::1", NNET_IPV6, 9, 0), 0);
  ck_assert_int_eq(nnet_socketaddress_to_json(&sa, small, sizeof small),
                   (int)strlen(V6("::1", 9)));
  ck_assert_str_eq(small, "{\"addre");
}
END_TEST

int main(void) {
  Suite *s = suite_create("addr_socketaddress");
  TCase *tc = tcase_create("socketaddress");
  tcase_add_test(tc, sa_defaults);
  tcase_add_test(tc, sa_errors_in_node_order);
  tcase_add_test(tc, sa_prints_as_node);
  tcase_add_test(tc, sa_raw_bytes);
  tcase_add_test(tc, sa_parse_as_node26);
  tcase_add_test(tc, sa_to_json_truncates);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
