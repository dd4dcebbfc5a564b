/* net.isIP / isIPv4 / isIPv6, and the address text <-> bytes conversions
 * the rest of the address layer shares.
 *
 * Node decides with two regexes (lib/internal/net.js) and its C++
 * SocketAddress parses with libuv's inet_pton. For the address itself the
 * two accept the same language, so one hand-written scanner serves both:
 * no regex engine, no allocation, one pass. They differ only around a zone
 * id ("%eth0"): the regex wants one or more of [0-9A-Za-z.:-] after the
 * '%', libuv takes anything; see nnet_is_ipv6 and nnet__ip_parse_node. */
#include <string.h>

#include "internal.h"
#include "ip.h"

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20; /* ASCII lower case; only letters can land in a..f */
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static int is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

int nnet__ipv4_parse(const char *s, size_t len, uint8_t out[4]) {
  size_t i = 0;
  int octet;

  for (octet = 0; octet < 4; octet++) {
    unsigned val;
    size_t start = i;
    if (octet > 0) {
      if (i >= len || s[i] != '.') return -1;
      start = ++i;
    }
    if (i >= len || !is_digit((unsigned char)s[i])) return -1;
    val = (unsigned)(s[i++] - '0');
    while (i < len && is_digit((unsigned char)s[i])) {
      if (val == 0 || i - start >= 3) return -1; /* leading zero, or 4 digits */
      val = val * 10 + (unsigned)(s[i++] - '0');
    }
    if (val > 255) return -1;
    out[octet] = (uint8_t)val;
  }
  return i == len ? 0 : -1;
}

/* One group of 1..4 hex digits at s[*i]; -1 when there is none or more. */
static int hex_group(const char *s, size_t len, size_t *i) {
  int val = 0, n = 0, d;
  while (*i < len && (d = hexval((unsigned char)s[*i])) >= 0) {
    if (++n > 4) return -1;
    val = val << 4 | d;
    (*i)++;
  }
  return n == 0 ? -1 : val;
}

int nnet__ipv6_parse(const char *s, size_t len, uint8_t out[16]) {
  uint16_t words[8];
  int n = 0, gap = -1;
  size_t i = 0;

  if (len >= 1 && s[0] == ':') {
    if (len < 2 || s[1] != ':') return -1;
    gap = 0;
    i = 2;
  }
  while (i < len) {
    size_t start = i;
    int val = hex_group(s, len, &i);
    if (i < len && s[i] == '.') { /* dotted IPv4 tail: last 32 bits */
      uint8_t v4[4];
      if (n > 6 || nnet__ipv4_parse(s + start, len - start, v4) != 0) return -1;
      words[n++] = (uint16_t)(v4[0] << 8 | v4[1]);
      words[n++] = (uint16_t)(v4[2] << 8 | v4[3]);
      i = len;
      break;
    }
    if (val < 0 || n == 8) return -1;
    words[n++] = (uint16_t)val;
    if (i == len) break;
    if (s[i++] != ':' || i == len) return -1; /* junk, or a trailing ':' */
    if (s[i] == ':') {
      if (gap >= 0) return -1; /* a second "::" */
      gap = n;
      i++;
    }
  }
  if (gap < 0 ? n != 8 : n > 7) return -1;

  memset(out, 0, 16);
  {
    int k, tail = gap < 0 ? 0 : n - gap;
    for (k = 0; k < n - tail; k++) {
      out[2 * k] = (uint8_t)(words[k] >> 8);
      out[2 * k + 1] = (uint8_t)words[k];
    }
    for (k = 0; k < tail; k++) {
      int dst = 8 - tail + k;
      out[2 * dst] = (uint8_t)(words[gap + k] >> 8);
      out[2 * dst + 1] = (uint8_t)words[gap + k];
    }
  }
  return 0;
}

static int is_zone_char(unsigned char c) {
  return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-' ||
         c == '.' || c == ':';
}

bool nnet_is_ipv4(const char *input) {
  uint8_t tmp[4];
  if (input == NULL) return false;
  return nnet__ipv4_parse(input, strlen(input), tmp) == 0;
}

/* The regex's zone: '%' then one or more of [0-9A-Za-z.:-] to the end. */
static bool is_ipv6_len(const char *input, size_t len) {
  uint8_t tmp[16];
  const char *pct = memchr(input, '%', len);
  size_t addr_len = pct ? (size_t)(pct - input) : len;
  if (pct) {
    const char *z = pct + 1, *end = input + len;
    if (z == end) return false;
    for (; z < end; z++)
      if (!is_zone_char((unsigned char)*z)) return false;
  }
  return nnet__ipv6_parse(input, addr_len, tmp) == 0;
}

bool nnet_is_ipv6(const char *input) {
  return input != NULL && is_ipv6_len(input, strlen(input));
}

/* An IPv6 address always has a ':' and an IPv4 one never does, so one
 * look decides which scanner to run. */
int nnet_is_ip(const char *input) {
  uint8_t tmp[4];
  size_t len;
  if (input == NULL) return 0;
  len = strlen(input);
  if (memchr(input, ':', len)) return is_ipv6_len(input, len) ? 6 : 0;
  return nnet__ipv4_parse(input, len, tmp) == 0 ? 4 : 0;
}

int nnet__ip_parse_node(const char *s, int family, uint8_t out[16]) {
  size_t len;
  const char *pct;

  if (s == NULL) return -1;
  len = strlen(s);
  if (family == 4) return nnet__ipv4_parse(s, len, out);
  /* uv_ip6_addr copies at most 39 characters of the part before '%' into
   * a 40-byte buffer and parses that; Node inherits the truncation, so
   * "1:2:3:4:5:6:7:8junk%x" is a valid address there and here. */
  pct = memchr(s, '%', len);
  if (pct) {
    len = (size_t)(pct - s);
    if (len > 39) len = 39;
  }
  return nnet__ipv6_parse(s, len, out);
}

size_t nnet__ipv4_format(const uint8_t in[4], char *buf) {
  char *p = buf;
  int k;
  for (k = 0; k < 4; k++) {
    unsigned v = in[k];
    if (k) *p++ = '.';
    if (v >= 100) *p++ = (char)('0' + v / 100);
    if (v >= 10) *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
  }
  *p = '\0';
  return (size_t)(p - buf);
}

static char *put_hex(char *p, unsigned w) {
  static const char digits[] = "0123456789abcdef";
  int shift, started = 0;
  for (shift = 12; shift >= 0; shift -= 4) {
    unsigned d = (w >> shift) & 0xf;
    if (d || started || shift == 0) {
      *p++ = digits[d];
      started = 1;
    }
  }
  return p;
}

/* glibc's inet_ntop6 rules, which Node's output follows: compress the
 * first longest run of two or more zero groups; print the last 32 bits
 * dotted when the address is ::a.b.c.d (run of exactly 6 at the start) or
 * ::ffff:a.b.c.d. "::2" stays "::2" (a run of 7 is not IPv4-compatible). */
size_t nnet__ipv6_format(const uint8_t in[16], char *buf) {
  unsigned w[8];
  int k, best = -1, best_len = 0, cur = -1, cur_len = 0;
  char *p = buf;

  for (k = 0; k < 8; k++) {
    w[k] = (unsigned)(in[2 * k] << 8 | in[2 * k + 1]);
    if (w[k] == 0) {
      if (cur < 0) cur = k, cur_len = 0;
      if (++cur_len > best_len) best = cur, best_len = cur_len;
    } else {
      cur = -1;
    }
  }
  if (best_len < 2) best = -1;

  for (k = 0; k < 8; k++) {
    if (k == best) {
      *p++ = ':';
      if (k == 0) *p++ = ':';
      k += best_len - 1;
      continue;
    }
    if (k == 6 && best == 0 &&
        (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
      p += nnet__ipv4_format(in + 12, p);
      return (size_t)(p - buf);
    }
    p = put_hex(p, w[k]);
    if (k < 7) *p++ = ':';
  }
  *p = '\0';
  return (size_t)(p - buf);
}
