/* libFuzzer: net.isIP on arbitrary text. Checks the three predicates agree
 * and that what isIP accepts SocketAddress accepts and prints stably. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodenet.h"

/* assert() vanishes under NDEBUG (RelWithDebInfo); a finding must not. */
#define CHECK(x)                                                            \
  do {                                                                      \
    if (!(x)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x); \
      abort();                                                              \
    }                                                                       \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  nnet_socketaddress_t sa, again;
  int ip;
  if (s == NULL) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  ip = nnet_is_ip(s);
  CHECK((ip == 4) == nnet_is_ipv4(s));
  CHECK((ip == 6) == (nnet_is_ipv6(s) && !nnet_is_ipv4(s)));
  CHECK(ip == 0 || ip == 4 || ip == 6);
  /* Without a zone both are the same language. */
  CHECK(nnet_is_ipv4(s) ==
        (nnet_socketaddress_init(&sa, s, NNET_IPV4, 0, 0) == 0));
  if (strchr(s, '%') == NULL)
    CHECK(nnet_is_ipv6(s) ==
          (nnet_socketaddress_init(&sa, s, NNET_IPV6, 0, 0) == 0));
  if (ip != 0 &&
      nnet_socketaddress_init(&sa, s, (nnet_family_t)ip, 0, 0) == 0) {
    /* the printed form is valid and prints to itself */
    CHECK(nnet_is_ip(sa.address) == ip);
    CHECK(nnet_socketaddress_init(&again, sa.address, (nnet_family_t)ip, 0,
                                  0) == 0);
    CHECK(strcmp(again.address, sa.address) == 0);
    CHECK(memcmp(again.raw, sa.raw, 16) == 0);
  }
  free(s);
  return 0;
}
