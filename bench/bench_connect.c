/* Time to 'connect' when a host has two addresses (custom lookup):
 *   blackhole: first address drops SYNs (full accept queue), second works
 *   good:      both work
 * usage: bench_connect race|sequential blackhole|good [runs]
 * Prints the median in ms. Twin: bench_connect.js; driver: bench_connect.sh */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nodenet.h"

static int listen_on(const char *ip, int port, int backlog, int *filler) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
      listen(fd, backlog) != 0)
    exit(2);
  socklen_t len = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &len);
  if (filler) {
    *filler = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(*filler, (struct sockaddr *)&sa, sizeof sa) != 0) exit(2);
  }
  return fd;
}

static void answer(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all;
  done(req, 0, ctx, NULL, 2);
}

static uint64_t t0, t1;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  t1 = uv_hrtime();
  nnet_socket_destroy(ev->target, 0);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int mode = strcmp(argv[1], "race") == 0 ? NNET_HE_RACE : NNET_HE_SEQUENTIAL;
  bool hole = strcmp(argv[2], "blackhole") == 0;
  int runs = argc > 3 ? atoi(argv[3]) : 5;
  int filler = -1;
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  int first = listen_on(hole ? "127.0.0.2" : "127.0.0.1", 0, hole ? 0 : 64,
                        hole ? &filler : NULL);
  getsockname(first, (struct sockaddr *)&sa, &len);
  int port = ntohs(sa.sin_port);
  int second = hole ? listen_on("127.0.0.1", port, 64, NULL) : -1;
  static const char *two_hole[] = {"127.0.0.2", "127.0.0.1"};
  static const char *two_good[] = {"127.0.0.1", "127.0.0.1"};
  /* Two distinct addresses are needed for autoSelectFamily: use ::1. */
  int v6 = -1;
  if (!hole) {
    struct sockaddr_in6 s6;
    memset(&s6, 0, sizeof s6);
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, "::1", &s6.sin6_addr);
    v6 = socket(AF_INET6, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(v6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(v6, (struct sockaddr *)&s6, sizeof s6) != 0 || listen(v6, 64))
      return 2;
    two_good[1] = "::1";
  }
  double ms[64];
  if (runs > 64) runs = 64;
  for (int i = 0; i < runs; i++) {
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = port;
    o.host = "bench.test";
    o.lookup = answer;
    o.lookup_ctx = hole ? (void *)two_hole : (void *)two_good;
    o.auto_select_family = 1;
    o.happy_eyeballs_mode = mode;
    nnet_socket_t *s;
    t0 = uv_hrtime();
    if (nnet_create_connection(NULL, &o, on_connect, NULL, &s) != 0) return 1;
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    ms[i] = (double)(t1 - t0) / 1e6;
  }
  qsort(ms, (size_t)runs, sizeof ms[0], cmp);
  printf("%.2f\n", ms[runs / 2]);
  close(first);
  if (second >= 0) close(second);
  if (v6 >= 0) close(v6);
  if (filler >= 0) close(filler);
  return 0;
}
