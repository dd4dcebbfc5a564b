/* Twin of isip.js: net.isIP / isIPv4 / isIPv6 on tricky inputs. */
#include "trace.h"

static const char *const inputs[] = {
    "127.0.0.1",
    "0.0.0.0",
    "255.255.255.255",
    "256.0.0.1",
    "1.2.3",
    "1.2.3.4.5",
    "01.2.3.4",
    "1.02.3.4",
    "001.2.3.4",
    "0x7f.0.0.1",
    "127.1",
    "1.2.3.4 ",
    " 1.2.3.4",
    "1.2.3.4\x0a"
    "",
    "1..3.4",
    ".1.2.3",
    "1.2.3.",
    "-1.2.3.4",
    "1.2.3.04",
    "1.2.3.0",
    "00.0.0.0",
    "0000000192.168.0.200",
    "192.168.0.2000000000",
    "x127.0.0.1",
    "example.com",
    "localhost",
    "::",
    ":::",
    "::1",
    "::1 ",
    " ::1",
    "1::",
    ":1",
    "1:",
    "1::2::3",
    "::ffff:127.0.0.1",
    "::FFFF:127.0.0.1",
    "::ffff:127.0.0.01",
    "::ffff:256.0.0.1",
    "::ffff:1.2.3",
    "::127.0.0.1",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8:9",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8::",
    "fe80::1%eth0",
    "fe80::1%1",
    "fe80::1%",
    "fe80::7:8%eth0%1",
    "127.0.0.1%eth0",
    "FE80::1",
    "fe80:0000:0000:0000:0204:61ff:fe9d:f156",
    "02001:db8::1",
    "2001:db8::00001",
    "2001:db8::0001",
    "12345::1",
    "g::1",
    "[::1]",
    "::1/128",
    "1.2.3.4/32",
    "0:0:0:0:0:0:0:0",
    "0000:0000:0000:0000:0000:0000:0000:0000",
    "0000:0000:0000:0000:0000:0000:0000:0000::0000",
    "::2001:252:1:255.255.255.255",
    "::2001:252:1:255.255.255.255.76",
    "2001:252:0:1::2008:6:",
    ":2001:252:0:1::2008:6",
    "1::5:1.2.3.256",
    "::ffff:2.3.4",
    "fe80::217:f2ff:254.7.237.98",
    "1.2.3.4::",
    "1.2.3.4::5555",
    "",
    "0",
    "1",
    "1.2.3.4",
    "\xef"
    "\xbc"
    "\x91"
    ".2.3.4",
};

static void line(const char *label, const char *s) {
  tr_log("main", "%s %d %s %s", label, nnet_is_ip(s), tr_bool(nnet_is_ipv4(s)),
         tr_bool(nnet_is_ipv6(s)));
}

int main(void) {
  tr_init();
  for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
    line(tr_q(inputs[i]), inputs[i]);
  /* Non-strings: Node tests String(value); undefined/null are NULL here. */
  static const char *const coerced[][2] = {
      {"undefined", NULL},
      {"null", NULL},
      {"123", "123"},
      {"true", "true"},
      {"{}", "[object Object]"},
      {"toString->127.0.0.1", "127.0.0.1"},
      {"toString->::1", "::1"},
      {"array [1,2]", "1,2"},
      {"number 2130706433", "2130706433"},
  };
  for (size_t i = 0; i < sizeof(coerced) / sizeof(coerced[0]); i++)
    line(coerced[i][0], coerced[i][1]);
  tr_ok("main", "isIP(no args)", tr_fmt("%d", nnet_is_ip(NULL)));
  int code = tr_finish(0);
  return tr_teardown() ? 1 : code;
}
