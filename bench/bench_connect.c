/* Time to 'connect' for a host with two addresses (custom lookup):
 *   blackhole: first address drops SYNs (full accept queue), second works
 *   slow:      first address drops SYNs for 400 ms then works (its queue
 *              frees up; the SYN retransmission gets through), second
 *              refuses. Node's 250 ms sequential algorithm gives up on the
 *              first and fails; racing keeps it and connects.
 *   good:      both work
 * usage: bench_connect race|sequential blackhole|slow|good [runs] PEER_PORT
 *        bench_connect peer      (the listeners; driven over stdin/stdout)
 * Prints the median ms to connected, or "fail" when most runs failed.
 * Twin: bench_connect.js (Node v20, same peer); driver: bench_connect.sh */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nodenet.h"

/* ---- the peer: one port P on four loopback addresses ----
 * 127.0.0.1:P accepts; 127.0.0.2:P blackhole; 127.0.0.3:P slow (re-armed
 * by "arm": queue filled now, one slot freed 400 ms later); 127.0.0.4:P
 * nothing (refuses). ::1:P accepts. */

static int tcp_listen(int af, const char *ip, int port, int backlog) {
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t len;
  if (af == AF_INET6) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    inet_pton(AF_INET6, ip, &s6->sin6_addr);
    len = sizeof *s6;
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &s4->sin_addr);
    len = sizeof *s4;
  }
  int fd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  if (af == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 ||
      listen(fd, backlog) != 0) {
    perror("bench_connect peer: listen");
    exit(2);
  }
  return fd;
}

static int port_of(int fd) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &len);
  return ntohs(sa.sin_port);
}

/* Connect a never-accepted filler: the backlog-0 queue is then full. */
static int fill(int lfd) {
  struct sockaddr_in sa;
  socklen_t len = sizeof sa;
  getsockname(lfd, (struct sockaddr *)&sa, &len);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (connect(fd, (struct sockaddr *)&sa, len) != 0) exit(2);
  return fd;
}

static void drain(int lfd) {
  int fl = fcntl(lfd, F_GETFL);
  fcntl(lfd, F_SETFL, fl | O_NONBLOCK);
  for (int fd; (fd = accept(lfd, NULL, NULL)) >= 0;) close(fd);
  fcntl(lfd, F_SETFL, fl);
}

static int peer(void) {
  int good = tcp_listen(AF_INET, "127.0.0.1", 0, 128);
  int port = port_of(good);
  int good6 = tcp_listen(AF_INET6, "::1", port, 128);
  int hole = tcp_listen(AF_INET, "127.0.0.2", port, 0);
  int slow = tcp_listen(AF_INET, "127.0.0.3", port, 0);
  int hole_filler = fill(hole), slow_filler = -1;
  printf("%d\n", port);
  fflush(stdout);
  int64_t free_at = -1; /* ms on the monotonic clock, or -1 */
  for (;;) {
    struct pollfd p[3] = {
        {0, POLLIN, 0}, {good, POLLIN, 0}, {good6, POLLIN, 0}};
    int64_t now = (int64_t)(uv_hrtime() / 1000000);
    int wait = free_at < 0 ? -1 : free_at > now ? (int)(free_at - now) : 0;
    if (poll(p, 3, wait) < 0 && errno != EINTR) break;
    if (p[1].revents) close(accept(good, NULL, NULL));
    if (p[2].revents) close(accept(good6, NULL, NULL));
    now = (int64_t)(uv_hrtime() / 1000000);
    if (free_at >= 0 && now >= free_at) {
      drain(slow); /* takes the filler: one slot free */
      free_at = -1;
    }
    if (p[0].revents) {
      char line[64];
      if (fgets(line, sizeof line, stdin) == NULL) break;
      drain(slow);
      if (slow_filler >= 0) close(slow_filler);
      slow_filler = fill(slow);
      free_at = (int64_t)(uv_hrtime() / 1000000) + 400;
      printf("ok\n");
      fflush(stdout);
    }
  }
  close(hole_filler);
  if (slow_filler >= 0) close(slow_filler);
  close(good), close(good6), close(hole), close(slow);
  return 0;
}

/* ---- the client ---- */

static void answer(const char *host, int family, int hints, bool all, void *req,
                   nnet_lookup_done_fn done, void *ctx) {
  (void)host, (void)family, (void)hints, (void)all;
  done(req, 0, ctx, NULL, 2);
}

static uint64_t t0, t1;
static int failed;

static void on_connect(const nnet_event_t *ev, void *ctx) {
  (void)ctx;
  t1 = uv_hrtime();
  nnet_socket_destroy(ev->target, 0);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  (void)ev, (void)ctx;
  t1 = uv_hrtime();
  failed++;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* The peer's "arm" (slow scenario): it answers "ok" once re-blocked. */
static void arm(FILE *to, FILE *from) {
  char line[16];
  fputs("arm\n", to);
  fflush(to);
  if (fgets(line, sizeof line, from) == NULL) exit(2);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "peer") == 0) return peer();
  if (argc < 5) {
    fputs(
        "usage: bench_connect race|sequential blackhole|slow|good runs "
        "PEER_PORT (the peer's stdin/stdout on fds 3/4 for slow)\n",
        stderr);
    return 2;
  }
  int mode = strcmp(argv[1], "race") == 0 ? NNET_HE_RACE : NNET_HE_SEQUENTIAL;
  const char *sc = argv[2];
  int runs = atoi(argv[3]), port = atoi(argv[4]);
  static const char *hole[] = {"127.0.0.2", "127.0.0.1"};
  static const char *slow[] = {"127.0.0.3", "127.0.0.4"};
  static const char *good[] = {"127.0.0.1", "::1"};
  const char **ans = strcmp(sc, "blackhole") == 0 ? hole
                     : strcmp(sc, "slow") == 0    ? slow
                                                  : good;
  FILE *to = NULL, *from = NULL;
  if (ans == slow) {
    to = fdopen(3, "w");
    from = fdopen(4, "r");
    if (to == NULL || from == NULL) return 2;
  }
  double ms[64];
  if (runs > 64) runs = 64;
  for (int i = 0; i < runs; i++) {
    if (ans == slow) arm(to, from);
    nnet_connect_opts_t o;
    nnet_connect_opts_init(&o);
    o.port = port;
    o.host = "bench.test";
    o.lookup = answer;
    o.lookup_ctx = (void *)ans;
    o.auto_select_family = 1;
    o.happy_eyeballs_mode = mode;
    nnet_socket_t *s;
    t0 = uv_hrtime();
    if (nnet_create_connection(NULL, &o, on_connect, NULL, &s) != 0) return 1;
    nnet_socket_on(s, NNET_EV_ERROR, on_error, NULL);
    uv_run(uv_default_loop(), UV_RUN_DEFAULT);
    ms[i] = (double)(t1 - t0) / 1e6;
  }
  qsort(ms, (size_t)runs, sizeof ms[0], cmp);
  if (failed * 2 > runs)
    printf("fail(%.0f)\n", ms[runs / 2]);
  else
    printf("%.2f\n", ms[runs / 2]);
  return 0;
}
