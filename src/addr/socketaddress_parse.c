/* SocketAddress.parse(input), Node >= 22.
 *
 * Node parses `http://${input}` with the WHATWG URL parser and builds a
 * SocketAddress from the hostname and port. Only the part of URL parsing
 * that can change that outcome is reproduced here:
 *   - trailing C0 controls and spaces are dropped, tabs/CR/LF removed;
 *   - leading '/' and '\' are skipped (special-scheme authority);
 *   - the authority ends at '/', '\', '?' or '#'; userinfo ends at its last
 *     '@'; the host ends at the first ':' outside [brackets];
 *   - "[v6]" hosts must hold a valid IPv6 address (no zone);
 *   - other hosts are percent-decoded and lower-cased, and must pass the
 *     WHATWG IPv4 parser (decimal, 0x hex, 0-octal parts, 1..4 parts,
 *     one trailing '.'): a domain name cannot make a SocketAddress anyway;
 *   - the port is ASCII digits only, <= 65535, empty meaning 0.
 * One deliberate difference: Node's URL parser drops a port equal to
 * http's default, so Node's parse("[::1]:80") has port 0. We keep 80,
 * which is what the caller wrote.
 * Known gap: non-ASCII hosts (IDNA maps e.g. full-width digits to ASCII
 * in Node) are rejected here. */
#include <string.h>

#include "internal.h"
#include "ip.h"

#define PARSE_MAX 1024 /* longer inputs cannot hold a valid host anyway */

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* WHATWG "IPv4 number parser" on s[0..len): 0 and *out, or -1. */
static int ipv4_number(const char *s, size_t len, uint64_t *out) {
  unsigned radix = 10;
  uint64_t v = 0;
  size_t i = 0;
  if (len == 0) return -1;
  if (len >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
    radix = 16;
    i = 2;
  } else if (len >= 2 && s[0] == '0') {
    radix = 8;
    i = 1;
  }
  for (; i < len; i++) {
    int d = hexval((unsigned char)s[i]);
    if (d < 0 || (unsigned)d >= radix) return -1;
    v = v * radix + (unsigned)d;
    if (v > 0xffffffffull) v = 0x100000000ull; /* saturate: already invalid */
  }
  *out = v;
  return 0;
}

/* WHATWG IPv4 parser over a decoded, lower-cased host. */
static int whatwg_ipv4(const char *s, size_t len, uint8_t out[4]) {
  uint64_t parts[4], v;
  size_t n = 0, start = 0, i;
  if (len > 0 && s[len - 1] == '.') len--; /* one trailing dot is allowed */
  if (len == 0) return -1;
  for (i = 0; i <= len; i++) {
    if (i < len && s[i] != '.') continue;
    if (n == 4 || ipv4_number(s + start, i - start, &parts[n]) != 0) return -1;
    n++;
    start = i + 1;
  }
  for (i = 0; i + 1 < n; i++)
    if (parts[i] > 255) return -1;
  v = parts[n - 1];
  if (v >= (1ull << (8 * (5 - n)))) return -1;
  for (i = 0; i + 1 < n; i++) v += parts[i] << (8 * (3 - i));
  out[0] = (uint8_t)(v >> 24);
  out[1] = (uint8_t)(v >> 16);
  out[2] = (uint8_t)(v >> 8);
  out[3] = (uint8_t)v;
  return 0;
}

/* Percent-decode and lower-case an ASCII host; -1 on non-ASCII. */
static int decode_host(const char *s, size_t len, char *out, size_t *out_len) {
  size_t i, n = 0;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '%' && i + 2 < len && hexval((unsigned char)s[i + 1]) >= 0 &&
        hexval((unsigned char)s[i + 2]) >= 0) {
      c = (unsigned char)(hexval((unsigned char)s[i + 1]) << 4 |
                          hexval((unsigned char)s[i + 2]));
      i += 2;
    }
    if (c >= 0x80) return -1;
    if (c >= 'A' && c <= 'Z') c |= 0x20;
    out[n++] = (char)c;
  }
  *out_len = n;
  return 0;
}

static int port_value(const char *s, size_t len, uint16_t *port) {
  uint32_t v = 0;
  size_t i;
  for (i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (uint32_t)(s[i] - '0');
    if (v > 65535) return -1;
  }
  *port = (uint16_t)v;
  return 0;
}

/* Copies input without tabs/CR/LF and trailing C0/space into buf. */
static size_t clean_input(const char *in, char *buf) {
  size_t n = 0;
  for (; *in; in++)
    if (*in != '\t' && *in != '\n' && *in != '\r') buf[n++] = *in;
  while (n > 0 && (unsigned char)buf[n - 1] <= 0x20) n--;
  return n;
}

int nnet_socketaddress_parse(nnet_socketaddress_t *sa, const char *input) {
  char buf[PARSE_MAX], host[PARSE_MAX];
  uint8_t raw[16] = {0};
  uint16_t port = 0;
  size_t len, i, end, at, host_end, host_len;
  int brackets = 0;
  const char *p;

  if (sa == NULL || input == NULL || strlen(input) >= PARSE_MAX)
    return NNET_ERR_INVALID_ARG_VALUE;
  len = clean_input(input, buf);
  for (i = 0; i < len && (buf[i] == '/' || buf[i] == '\\'); i++) {
  }
  p = buf + i;
  len -= i;
  for (end = 0; end < len; end++)
    if (p[end] == '/' || p[end] == '\\' || p[end] == '?' || p[end] == '#')
      break;
  for (at = end; at > 0 && p[at - 1] != '@'; at--) {
  }
  p += at; /* skip userinfo */
  end -= at;
  for (host_end = 0; host_end < end; host_end++) {
    if (p[host_end] == '[') brackets = 1;
    if (p[host_end] == ']') brackets = 0;
    if (p[host_end] == ':' && !brackets) break;
  }
  if (host_end == 0) return NNET_ERR_INVALID_ARG_VALUE;
  if (host_end < end &&
      port_value(p + host_end + 1, end - host_end - 1, &port) != 0)
    return NNET_ERR_INVALID_ARG_VALUE;

  if (p[0] == '[') {
    if (host_end < 2 || p[host_end - 1] != ']' ||
        nnet__ipv6_parse(p + 1, host_end - 2, raw) != 0)
      return NNET_ERR_INVALID_ARG_VALUE;
    nnet__socketaddress_set(sa, NNET_IPV6, raw, port, 0);
    return 0;
  }
  if (decode_host(p, host_end, host, &host_len) != 0 ||
      whatwg_ipv4(host, host_len, raw) != 0)
    return NNET_ERR_INVALID_ARG_VALUE;
  nnet__socketaddress_set(sa, NNET_IPV4, raw, port, 0);
  return 0;
}
