/* libFuzzer: SocketAddress.parse and the constructor on arbitrary text.
 * Whatever parses must print as a valid address and survive a round trip
 * through its own "addr:port" / "[addr]:port" text. */
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
  char *s = malloc(size + 1), text[80], json[160];
  nnet_socketaddress_t sa, back;
  if (s == NULL) return 0;
  memcpy(s, data, size);
  s[size] = '\0';
  if (nnet_socketaddress_parse(&sa, s) == 0) {
    CHECK(nnet_is_ip(sa.address) == (int)sa.family);
    snprintf(text, sizeof text, sa.family == NNET_IPV6 ? "[%s]:%u" : "%s:%u",
             sa.address, (unsigned)sa.port);
    CHECK(nnet_socketaddress_parse(&back, text) == 0);
    CHECK(strcmp(back.address, sa.address) == 0 && back.port == sa.port);
    CHECK(nnet_socketaddress_to_json(&sa, json, sizeof json) <
          (int)sizeof json);
  }
  if (size > 0) {
    int port = size > 2 ? (data[0] << 8 | data[1]) - 100 : 0;
    int rc = nnet_socketaddress_init(&sa, s + 1, (nnet_family_t)(data[0] % 8),
                                     port, (uint32_t)size * 4099u);
    if (rc == 0) CHECK(nnet_is_ip(sa.address) == (int)sa.family);
  }
  free(s);
  return 0;
}
