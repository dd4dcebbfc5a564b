/* Node: test/parallel/test-net-isip.js
 * net.isIP / isIPv4 / isIPv6 on IPv4, IPv6 (with zones and embedded IPv4)
 * and malformed strings. Left out (JS-only): the non-string inputs (123,
 * true, {}, objects with toString); a missing argument / null is NULL. */
#include "common.h"

int main(void) {
  nt_init();
  NT_EQ(nnet_is_ip("127.0.0.1"), 4);
  NT_EQ(nnet_is_ip("x127.0.0.1"), 0);
  NT_EQ(nnet_is_ip("example.com"), 0);
  NT_EQ(nnet_is_ip("0000:0000:0000:0000:0000:0000:0000:0000"), 6);
  NT_EQ(nnet_is_ip("0000:0000:0000:0000:0000:0000:0000:0000::0000"), 0);
  NT_EQ(nnet_is_ip("1050:0:0:0:5:600:300c:326b"), 6);
  NT_EQ(nnet_is_ip("2001:252:0:1::2008:6"), 6);
  NT_EQ(nnet_is_ip("2001:dead:beef:1::2008:6"), 6);
  NT_EQ(nnet_is_ip("2001::"), 6);
  NT_EQ(nnet_is_ip("2001:dead::"), 6);
  NT_EQ(nnet_is_ip("2001:dead:beef::"), 6);
  NT_EQ(nnet_is_ip("2001:dead:beef:1::"), 6);
  NT_EQ(nnet_is_ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), 6);
  NT_EQ(nnet_is_ip(":2001:252:0:1::2008:6:"), 0);
  NT_EQ(nnet_is_ip(":2001:252:0:1::2008:6"), 0);
  NT_EQ(nnet_is_ip("2001:252:0:1::2008:6:"), 0);
  NT_EQ(nnet_is_ip("2001:252::1::2008:6"), 0);
  NT_EQ(nnet_is_ip("::2001:252:1:2008:6"), 6);
  NT_EQ(nnet_is_ip("::2001:252:1:1.1.1.1"), 6);
  NT_EQ(nnet_is_ip("::2001:252:1:255.255.255.255"), 6);
  NT_EQ(nnet_is_ip("::2001:252:1:255.255.255.255.76"), 0);
  NT_EQ(nnet_is_ip("fe80::2008%eth0"), 6);
  NT_EQ(nnet_is_ip("fe80::2008%eth0.0"), 6);
  NT_EQ(nnet_is_ip("fe80::2008%eth0@1"), 0);
  NT_EQ(nnet_is_ip("::anything"), 0);
  NT_EQ(nnet_is_ip("::1"), 6);
  NT_EQ(nnet_is_ip("::"), 6);
  NT_EQ(nnet_is_ip("0000:0000:0000:0000:0000:0000:12345:0000"), 0);
  NT_EQ(nnet_is_ip("0"), 0);
  NT_EQ(nnet_is_ip(NULL), 0); /* isIP() and isIP(null) */
  NT_EQ(nnet_is_ip(""), 0);

  NT_EQ(nnet_is_ipv4("127.0.0.1"), true);
  NT_EQ(nnet_is_ipv4("example.com"), false);
  NT_EQ(nnet_is_ipv4("2001:252:0:1::2008:6"), false);
  NT_EQ(nnet_is_ipv4(NULL), false);
  NT_EQ(nnet_is_ipv4(""), false);
  NT_EQ(nnet_is_ipv4("::2001:252:1:255.255.255.255"), false);
  NT_EQ(nnet_is_ipv4("bla"), false);

  NT_EQ(nnet_is_ipv6("127.0.0.1"), false);
  NT_EQ(nnet_is_ipv6("example.com"), false);
  NT_EQ(nnet_is_ipv6("2001:252:0:1::2008:6"), true);
  NT_EQ(nnet_is_ipv6(NULL), false);
  NT_EQ(nnet_is_ipv6(""), false);
  NT_EQ(nnet_is_ipv6("::2001:252:1:255.255.255.255"), true);
  NT_EQ(nnet_is_ipv6("bla"), false);
  return nt_finish();
}
