/* Address-layer helpers shared by ip.c, socketaddress.c and blocklist.c
 * (and usable by the net layer). Not installed. */
#ifndef NNET_ADDR_IP_H
#define NNET_ADDR_IP_H

#include <stddef.h>
#include <stdint.h>

#include "nodenet.h"

/* Longest text nnet__ipv6_format() writes, with its NUL (INET6_ADDRSTRLEN). */
#define NNET__IP_MAXLEN 46

/* Strict dotted quad over s[0..len): exactly four decimal octets 0..255,
 * no leading zeros, nothing else. This is both Node's IPv4 regex and
 * libuv's inet_pton4. Returns 0 and fills out[4] (network order), or -1. */
int nnet__ipv4_parse(const char *s, size_t len, uint8_t out[4]);

/* IPv6 text over s[0..len) without a zone: the language of Node's IPv6
 * regex, which is also libuv's inet_pton6. Returns 0 and fills out[16]
 * (network order), or -1. */
int nnet__ipv6_parse(const char *s, size_t len, uint8_t out[16]);

/* What Node's C++ SocketAddress accepts (uv_ip4_addr / uv_ip6_addr):
 * family 4 is nnet__ipv4_parse on the whole string; family 6 drops a
 * "%zone" of any content and, like uv_ip6_addr, truncates the part before
 * the '%' to 39 characters before parsing it. Returns 0 or -1. */
int nnet__ip_parse_node(const char *s, int family, uint8_t out[16]);

/* inet_ntop as Node prints socketaddress.address: dotted quad, or
 * compressed lowercase IPv6 with the longest (first) run of >= 2 zero
 * groups as "::", and the dotted tail for ::a.b.c.d / ::ffff:a.b.c.d.
 * buf holds NNET__IP_MAXLEN bytes. Returns the length written. */
size_t nnet__ipv4_format(const uint8_t in[4], char *buf);
size_t nnet__ipv6_format(const uint8_t in[16], char *buf);

/* socketaddress.c: fill every field of *sa from parsed bytes (family 4 uses
 * raw[0..4)). */
void nnet__socketaddress_set(nnet_socketaddress_t *sa, nnet_family_t family,
                             const uint8_t raw[16], uint16_t port,
                             uint32_t flowlabel);

#endif
