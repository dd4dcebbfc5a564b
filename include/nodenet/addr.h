/* The address layer: net.isIP, net.SocketAddress, net.BlockList.
 * The declarations marked "contract" are DESIGN.md §6 word for word; code
 * outside this repository compiles against them. */
#ifndef NODENET_ADDR_H
#define NODENET_ADDR_H

#include "export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* contract. 0 as an argument means Node's default, IPv4. */
typedef enum { NNET_IPV4 = 4, NNET_IPV6 = 6 } nnet_family_t;

/* contract. Node: net.isIP(input). 4, 6 or 0; NULL gives 0. */
NNET_EXTERN int nnet_is_ip(const char *input);
/* contract. Node: net.isIPv4(input). */
NNET_EXTERN bool nnet_is_ipv4(const char *input);
/* contract. Node: net.isIPv6(input). */
NNET_EXTERN bool nnet_is_ipv6(const char *input);

/* contract. Node: net.SocketAddress. A value type: copy it freely. */
typedef struct nnet_socketaddress_s {
  char address[46]; /* as socketaddress.address prints it */
  nnet_family_t family;
  uint16_t port;
  uint32_t flowlabel;
  /* beyond the contract: the binary address (network order), so a
   * BlockList check needs no re-parse. IPv4 uses the first 4 bytes. */
  uint8_t raw[16];
  /* Room to grow without an ABI break (docs/versioning.md); always zero. */
  uint32_t reserved_[4];
} nnet_socketaddress_t;

/* contract. Node: new net.SocketAddress({address, family, port, flowlabel}).
 * address NULL gives Node's default ('127.0.0.1' or '::'); family 0 is
 * IPv4. Returns 0, or NNET_ERR_INVALID_ARG_VALUE (bad family),
 * NNET_ERR_SOCKET_BAD_PORT (port outside 0..65535), NNET_ERR_INVALID_ADDRESS
 * (an address that is not of the family; Node's code),
 * NNET_ERR_OUT_OF_RANGE (IPv6 flowlabel > 0xfffff; Node aborts), checked in
 * that order. As in Node, IPv4 ignores flowlabel (reads back 0), and an IPv6
 * "%zone" is accepted and dropped. On error *sa is left unchanged. */
NNET_EXTERN int nnet_socketaddress_init(nnet_socketaddress_t *sa,
                                        const char *address,
                                        nnet_family_t family, int port,
                                        uint32_t flowlabel);

/* contract. Node (>= 22): SocketAddress.parse(input). Accepts "1.2.3.4:80",
 * "[::1]:80", and a bare address (port 0). Unlike Node, "[::1]:80" keeps
 * port 80 (Node's URL parser drops a port equal to http's default, a bug).
 * Returns 0, or NNET_ERR_INVALID_ARG_VALUE where Node returns undefined. */
NNET_EXTERN int nnet_socketaddress_parse(nnet_socketaddress_t *sa,
                                         const char *input);

/* Node: socketaddress.toJSON(), serialised as JSON.stringify prints it:
 * {"address":"::1","port":80,"family":"ipv6","flowlabel":0}.
 * Writes at most size bytes, always NUL-terminated when size > 0. Returns the
 * length the full text needs (excluding NUL), like snprintf. */
NNET_EXTERN int nnet_socketaddress_to_json(const nnet_socketaddress_t *sa,
                                           char *buf, size_t size);

/* contract. Node: net.BlockList. Library-allocated, opaque.
 * Threads: one list may be shared by loops in several threads. Mutations
 * (add, remove, clear, from_json) may run while other threads check, as a
 * ban list fed at run time needs; checks take no lock (the index is
 * rebuilt aside and published atomically). Only the pointer returned by
 * nnet_blocklist_rule() must not be used across a concurrent mutation; use
 * nnet_blocklist_to_json() for a consistent copy. Freeing the list while
 * another thread uses it is the caller's error. */
typedef struct nnet_blocklist_s nnet_blocklist_t;

/* contract. NULL on out of memory. */
NNET_EXTERN nnet_blocklist_t *nnet_blocklist_new(void);
/* contract. NULL is a no-op. */
NNET_EXTERN void nnet_blocklist_free(nnet_blocklist_t *bl);
/* contract. Node: blockList.addAddress(address[, type]). A bad address gives
 * NNET_ERR_INVALID_ADDRESS, a bad family NNET_ERR_INVALID_ARG_VALUE, as in
 * Node; likewise for add_range and add_subnet. */
NNET_EXTERN int nnet_blocklist_add_address(nnet_blocklist_t *bl,
                                           const char *address,
                                           nnet_family_t family);
/* contract. Node: blockList.addRange(start, end[, type]). start > end gives
 * NNET_ERR_INVALID_ARG_VALUE. */
NNET_EXTERN int nnet_blocklist_add_range(nnet_blocklist_t *bl,
                                         const char *start, const char *end,
                                         nnet_family_t family);
/* contract. Node: blockList.addSubnet(net, prefix[, type]). prefix outside
 * 0..32 / 0..128 gives NNET_ERR_OUT_OF_RANGE. */
NNET_EXTERN int nnet_blocklist_add_subnet(nnet_blocklist_t *bl, const char *net,
                                          int prefix, nnet_family_t family);
/* contract. Node: blockList.check(address[, type]): 1 blocked, 0 not
 * (an invalid address is 0, as in Node), <0 error. In allow-list mode
 * the answer is inverted: 1 for anything not listed. */
NNET_EXTERN int nnet_blocklist_check(const nnet_blocklist_t *bl,
                                     const char *address, nnet_family_t family);
/* contract. Node: blockList.check(socketAddress). */
NNET_EXTERN int nnet_blocklist_check_address(const nnet_blocklist_t *bl,
                                             const nnet_socketaddress_t *sa);
/* contract. Node: blockList.rules.length. */
NNET_EXTERN size_t nnet_blocklist_rule_count(const nnet_blocklist_t *bl);
/* contract. Node: blockList.rules[i] (newest first), e.g.
 * "Subnet: IPv4 10.0.0.0/8". NULL when i is out of range. Owned by the
 * list, valid until its next mutation. */
NNET_EXTERN const char *nnet_blocklist_rule(const nnet_blocklist_t *bl,
                                            size_t i);

/* ---- beyond Node ---- */

/* Node (>= 26): blockList.removeAddress/removeRange/removeSubnet. As in
 * Node 26, remove_address drops EVERY address rule that matches (an IPv4
 * rule and its ::ffff: IPv6 twin match each other); remove_range and
 * remove_subnet drop only the most recently added rule of the same family
 * with the same bounds. Returns 1 if a rule was removed, 0 if none
 * matched, <0 on bad input (same validation as the matching add). */
NNET_EXTERN int nnet_blocklist_remove_address(nnet_blocklist_t *bl,
                                              const char *address,
                                              nnet_family_t family);
NNET_EXTERN int nnet_blocklist_remove_range(nnet_blocklist_t *bl,
                                            const char *start, const char *end,
                                            nnet_family_t family);
NNET_EXTERN int nnet_blocklist_remove_subnet(nnet_blocklist_t *bl,
                                             const char *net, int prefix,
                                             nnet_family_t family);
/* Node (>= 26): blockList.addCIDR(cidr) / removeCIDR(cidr). "10.0.0.0/8",
 * "::1/128": the family is IPv6 iff the address part has a ':'. The prefix
 * is required and must be canonical decimal ("/08", "/+8" give
 * NNET_ERR_INVALID_ARG_VALUE); out of range is NNET_ERR_OUT_OF_RANGE.
 * remove_cidr returns 1 if a rule was removed, 0 if none matched. */
NNET_EXTERN int nnet_blocklist_add_cidr(nnet_blocklist_t *bl, const char *cidr);
NNET_EXTERN int nnet_blocklist_remove_cidr(nnet_blocklist_t *bl,
                                           const char *cidr);
/* Node (>= 26): blockList.addAddresses(addresses[, type]). Every address
 * is checked first: one bad entry adds none (same errors as
 * add_address). */
NNET_EXTERN int nnet_blocklist_add_addresses(nnet_blocklist_t *bl,
                                             const char *const *addresses,
                                             size_t n, nnet_family_t family);
/* Node (>= 26): blockList.addCIDRs(cidrs): all or none, as add_cidr. */
NNET_EXTERN int nnet_blocklist_add_cidrs(nnet_blocklist_t *bl,
                                         const char *const *cidrs, size_t n);
/* Node (>= 26): blockList.toJSON(), serialised as JSON.stringify prints
 * it: the rules array, newest first, e.g.
 * ["Subnet: IPv4 10.0.0.0/8","Address: IPv6 ::1"]. Writes at most size
 * bytes, NUL-terminated when size > 0; returns the length the whole text
 * needs (excluding the NUL), like snprintf, or a negative error. Safe
 * against concurrent mutation (a consistent snapshot). */
NNET_EXTERN int nnet_blocklist_to_json(const nnet_blocklist_t *bl, char *buf,
                                       size_t size);
/* Node (>= 26): blockList.fromJSON(json): adds the rules of a JSON array
 * of rule strings (what to_json() writes) so that to_json() of a list
 * that was empty prints the same text again (round trip exact). Unlike
 * Node, which skips text it cannot match, anything else is an error and
 * nothing is added: NNET_ERR_INVALID_ARG_VALUE (or the rule's own error,
 * e.g. NNET_ERR_INVALID_ADDRESS) with a message in err naming the place:
 * "JSON: expected ',' or ']' at offset 17" or
 * "rule 2 of 3 (\"Range: IPv4 9.0.0.0-1.0.0.0\"): not a BlockList rule".
 * err may be NULL. */
NNET_EXTERN int nnet_blocklist_from_json(nnet_blocklist_t *bl, const char *json,
                                         char *err, size_t err_size);
/* Node (>= 26): blockList.fromJSON(array): the same from rule strings in
 * to_json() order; on error nothing is added and *bad (if not NULL) is the
 * index of the first bad rule. */
NNET_EXTERN int nnet_blocklist_add_rules(nnet_blocklist_t *bl,
                                         const char *const *rules, size_t n,
                                         size_t *bad);
/* Node (>= 26): BlockList.PRIVATE_RANGES, the eight CIDRs in Node's order,
 * as initializers: const char *r[] = {NNET_BLOCKLIST_PRIVATE_RANGES};
 * nnet_blocklist_add_cidrs(bl, r, NNET_BLOCKLIST_PRIVATE_RANGES_COUNT). */
#define NNET_BLOCKLIST_PRIVATE_RANGES                                        \
  "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "::1/128", \
      "169.254.0.0/16", "fe80::/10", "fc00::/7"
#define NNET_BLOCKLIST_PRIVATE_RANGES_COUNT 8

/* Remove every rule. */
NNET_EXTERN void nnet_blocklist_clear(nnet_blocklist_t *bl);
/* Number of rules (same as nnet_blocklist_rule_count). */
NNET_EXTERN size_t nnet_blocklist_size(const nnet_blocklist_t *bl);
/* Allow-list mode: check() answers 1 (blocked) for every address the rules
 * do NOT cover. For SSRF protection: list what may be reached. */
NNET_EXTERN void nnet_blocklist_set_allow_list(nnet_blocklist_t *bl,
                                               bool allow_list);
NNET_EXTERN bool nnet_blocklist_is_allow_list(const nnet_blocklist_t *bl);

#ifdef __cplusplus
}
#endif
#endif
