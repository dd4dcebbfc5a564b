/* net.SocketAddress: a validated, printable address + port value. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "ip.h"

/* Fills every field from already-parsed bytes; family is 4 or 6. */
void nnet__socketaddress_set(nnet_socketaddress_t *sa, nnet_family_t family,
                             const uint8_t raw[16], uint16_t port,
                             uint32_t flowlabel) {
  memset(sa, 0, sizeof(*sa));
  sa->family = family;
  sa->port = port;
  sa->flowlabel = flowlabel;
  memcpy(sa->raw, raw, family == NNET_IPV4 ? 4 : 16);
  if (family == NNET_IPV4)
    nnet__ipv4_format(sa->raw, sa->address);
  else
    nnet__ipv6_format(sa->raw, sa->address);
}

/* Node validates in this order: family, port, flowlabel type (JS), then
 * the address (C++: ERR_INVALID_ADDRESS), then the flow label range (Node
 * v20..26 abort the process on an IPv6 flowlabel > 0xfffff; we return
 * NNET_ERR_OUT_OF_RANGE). IPv4 ignores the flow label (reads 0). */
int nnet_socketaddress_init(nnet_socketaddress_t *sa, const char *address,
                            nnet_family_t family, int port,
                            uint32_t flowlabel) {
  uint8_t raw[16] = {0};

  if (family == 0) family = NNET_IPV4;
  if (family != NNET_IPV4 && family != NNET_IPV6)
    return NNET_ERR_INVALID_ARG_VALUE;
  if (address == NULL) address = family == NNET_IPV4 ? "127.0.0.1" : "::";
  if (port < 0 || port > 65535) return NNET_ERR_SOCKET_BAD_PORT;
  if (nnet__ip_parse_node(address, (int)family, raw) != 0)
    return NNET_ERR_INVALID_ADDRESS;
  if (family == NNET_IPV4)
    flowlabel = 0;
  else if (flowlabel > 0xfffff)
    return NNET_ERR_OUT_OF_RANGE;
  if (sa == NULL) return NNET_ERR_INVALID_ARG_VALUE;
  nnet__socketaddress_set(sa, family, raw, (uint16_t)port, flowlabel);
  return 0;
}

int nnet_socketaddress_to_json(const nnet_socketaddress_t *sa, char *buf,
                               size_t size) {
  int n = snprintf(buf, size,
                   "{\"address\":\"%s\",\"port\":%u,\"family\":\"%s\","
                   "\"flowlabel\":%lu}",
                   sa->address, (unsigned)sa->port,
                   sa->family == NNET_IPV6 ? "ipv6" : "ipv4",
                   (unsigned long)sa->flowlabel);
  return n;
}
