/* BlockList.check() with 1 .. 1,000,000 mixed rules, by string and by a
 * pre-parsed nnet_socketaddress_t, and nnet_is_ip. The rule set and probes
 * are generated exactly as bench_blocklist.js does (same xorshift32), so
 * both sides answer the same questions. Output lines:
 *   check <rules> <ns/check string> <ns/check sa> <iterations> <hits>
 *   isip <ns/call>  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nodenet.h"

static uint32_t state;

static uint32_t rnd(uint32_t n) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state % n;
}

static void v4(char *b) {
  unsigned a = rnd(223) + 1, c = rnd(256), d = rnd(256), e = rnd(256);
  sprintf(b, "%u.%u.%u.%u", a, c, d, e);
}

static void v6(char *b) {
  unsigned g[6];
  int i;
  for (i = 0; i < 6; i++) g[i] = rnd(65536);
  sprintf(b, "2001:db8:%x:%x:%x:%x:%x:%x", g[0], g[1], g[2], g[3], g[4], g[5]);
}

static void build(nnet_blocklist_t *bl, size_t n) {
  char a[64], b[64];
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned x, y, z;
    switch (i % 6) {
      case 0:
        v4(a);
        nnet_blocklist_add_address(bl, a, NNET_IPV4);
        break;
      case 1:
        v6(a);
        nnet_blocklist_add_address(bl, a, NNET_IPV6);
        break;
      case 2:
        x = rnd(223) + 1, y = rnd(256), z = rnd(256);
        sprintf(a, "%u.%u.%u.10", x, y, z);
        sprintf(b, "%u.%u.%u.20", x, y, z);
        nnet_blocklist_add_range(bl, a, b, NNET_IPV4);
        break;
      case 3:
        x = rnd(65536), y = rnd(65536);
        sprintf(a, "2001:db8:%x:%x::1", x, y);
        sprintf(b, "2001:db8:%x:%x::ff", x, y);
        nnet_blocklist_add_range(bl, a, b, NNET_IPV6);
        break;
      case 4:
        x = rnd(223) + 1, y = rnd(256);
        sprintf(a, "%u.%u.0.0", x, y);
        nnet_blocklist_add_subnet(bl, a, 24 + (int)rnd(8), NNET_IPV4);
        break;
      default:
        x = rnd(65536);
        sprintf(a, "2001:db8:%x::", x);
        nnet_blocklist_add_subnet(bl, a, 48 + (int)rnd(64), NNET_IPV6);
    }
  }
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  static const size_t sizes[] = {1, 100, 10000, 1000000};
  volatile long sink = 0;
  size_t s;
  (void)argc;
  (void)argv;
  for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
    nnet_blocklist_t *bl = nnet_blocklist_new();
    char probes[64][64];
    nnet_socketaddress_t sas[64];
    long i, iters = 4000000, hits = 0;
    double t0, ts, ta;
    state = 12345;
    build(bl, sizes[s]);
    for (i = 0; i < 64; i++) {
      v4(probes[i]);
      nnet_socketaddress_init(&sas[i], probes[i], NNET_IPV4, 0, 0);
    }
    nnet_blocklist_check(bl, probes[0], NNET_IPV4); /* build the index */
    t0 = now_ns();
    for (i = 0; i < iters; i++)
      hits += nnet_blocklist_check(bl, probes[i & 63], NNET_IPV4);
    ts = (now_ns() - t0) / (double)iters;
    t0 = now_ns();
    for (i = 0; i < iters; i++)
      sink += nnet_blocklist_check_address(bl, &sas[i & 63]);
    ta = (now_ns() - t0) / (double)iters;
    printf("check %zu %.1f %.1f %ld %ld\n", sizes[s], ts, ta, iters,
           hits / (iters / 64));
    nnet_blocklist_free(bl);
  }
  {
    const char *mix[40];
    static char store[32][64];
    int m = 0, k;
    long i, iters = 20000000;
    double t0;
    state = 777;
    for (k = 0; k < 16; k++) {
      v4(store[2 * k]);
      v6(store[2 * k + 1]);
      mix[m++] = store[2 * k];
      mix[m++] = store[2 * k + 1];
    }
    mix[m++] = "::1";
    mix[m++] = "::ffff:127.0.0.1";
    mix[m++] = "fe80::1%eth0";
    mix[m++] = "not-an-ip";
    mix[m++] = "256.1.1.1";
    mix[m++] = "1.2.3";
    mix[m++] = "";
    mix[m++] = "example.com";
    t0 = now_ns();
    for (i = 0; i < iters; i++) sink += nnet_is_ip(mix[i % m]);
    printf("isip %.1f\n", (now_ns() - t0) / (double)iters);
  }
  return sink == -1; /* keeps the loops from being optimised away */
}
