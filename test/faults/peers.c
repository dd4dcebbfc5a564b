/* peers: the adversarial peers of the reliability suite (issue 10 §2).
 *
 *   peers storm  --port N --count N --concurrency C   (nodenet client)
 *     Each peer connects, sends 64 bytes, half-closes and waits for the
 *     echo. A peer is resolved when it closes: served (64 bytes back and
 *     'end'), or shed (EOF or reset before the echo). Prints counts and the
 *     resolution latency (max, p99) from connect() to 'close'.
 *   peers hold   --port N --count N --hold-ms MS      (raw sockets)
 *     Opens N connections, holds them MS ms, counts those the server shed.
 *   peers slow   --port N --count N --bytes B         (raw sockets)
 *     Peers with a 4 KiB receive buffer that send B bytes and never read.
 *     Prints "peers: stuck ..." once no peer made progress for 1 s, then
 *     holds until SIGTERM (or --hold-ms).
 *   peers silent --port N --count N --expect-ms MS    (raw sockets)
 *     Peers that connect and send nothing; measures when the server closes
 *     each (connect to EOF/reset); gives up at MS + 5000.
 *   peers idle   --port N --count N [--bind ADDR] [--concurrency C]
 *     The scale suite's clients (raw sockets): N idle connections from
 *     source address ADDR (127.x; several processes with different ADDRs
 *     go past one address's ephemeral ports), at most C connecting at a
 *     time. Prints "peers: idle ..." once all are resolved, holds them
 *     until SIGTERM (or --hold-ms), then reports how many the server had
 *     closed meanwhile (shed) and closes the rest.
 * Loopback only. Exit status 0; the caller judges the figures. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fx.h"

static struct {
  const char *host, *bind;
  int port;
  uint64_t count, bytes;
  unsigned concurrency, hold_ms, expect_ms, timeout_ms;
} cfg;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* ---- storm (nodenet) ---- */
typedef struct {
  uint64_t t0;
  size_t recv;
  int ends, errors, closes, err;
  bool timed_out;
} speer_t;

static struct {
  uint64_t started, served, shed_eof, shed_err, unresolved, odd, refused;
  double *lat;
  size_t nlat;
} ss;
static unsigned active;
static uv_loop_t *loop;
static void storm_next(void);

static void s_data(const nnet_event_t *ev, void *ctx) {
  ((speer_t *)ctx)->recv += ev->u.data.len;
}
static void s_end(const nnet_event_t *ev, void *ctx) {
  ((speer_t *)ctx)->ends++;
}
static void s_error(const nnet_event_t *ev, void *ctx) {
  speer_t *p = ctx;
  if (!p->errors++) p->err = ev->u.error->code;
}
static void s_timeout(const nnet_event_t *ev, void *ctx) {
  ((speer_t *)ctx)->timed_out = true;
  nnet_socket_destroy(ev->target, UV_ETIMEDOUT);
}
static void s_close(const nnet_event_t *ev, void *ctx) {
  speer_t *p = ctx;
  if (p->closes++) {
    ss.odd++;
    return;
  }
  ss.lat[ss.nlat++] = fx_ms(uv_hrtime() - p->t0);
  if (p->timed_out)
    ss.unresolved++;
  else if (p->recv == 64 && p->ends == 1 && !p->errors)
    ss.served++;
  else if (p->errors && p->err == UV_ECONNREFUSED)
    ss.refused++;
  else if (p->errors)
    ss.shed_err++;
  else if (p->recv < 64)
    ss.shed_eof++;
  else
    ss.odd++;
  free(p);
  active--;
  storm_next();
}
static void s_connect(const nnet_event_t *ev, void *ctx) {
  static char msg[64];
  nnet_socket_end(ev->target, msg, sizeof msg, NULL, NULL);
}

static void storm_next(void) {
  while (active < cfg.concurrency && ss.started < cfg.count) {
    speer_t *p = calloc(1, sizeof *p);
    p->t0 = uv_hrtime();
    nnet_socket_t *s;
    nnet_connect_opts_t co;
    nnet_connect_opts_init(&co);
    co.port = cfg.port;
    co.host = cfg.host;
    if (nnet_create_connection(loop, &co, s_connect, p, &s) < 0) abort();
    nnet_socket_on(s, NNET_EV_DATA, s_data, p);
    nnet_socket_on(s, NNET_EV_END, s_end, p);
    nnet_socket_on(s, NNET_EV_ERROR, s_error, p);
    nnet_socket_on(s, NNET_EV_CLOSE, s_close, p);
    nnet_socket_set_timeout(s, cfg.timeout_ms, s_timeout, p);
    ss.started++;
    active++;
  }
}

static int storm(void) {
  loop = uv_default_loop();
  ss.lat = calloc(cfg.count + 1, sizeof(double));
  uint64_t t0 = uv_hrtime();
  storm_next();
  uv_run(loop, UV_RUN_DEFAULT);
  qsort(ss.lat, ss.nlat, sizeof(double), cmp_double);
  double p99 = ss.nlat ? ss.lat[(size_t)((double)(ss.nlat - 1) * 0.99)] : 0;
  double mx = ss.nlat ? ss.lat[ss.nlat - 1] : 0;
  printf(
      "peers: storm count=%llu served=%llu shed_eof=%llu shed_err=%llu "
      "refused=%llu unresolved=%llu odd=%llu lat_p99_ms=%.1f "
      "lat_max_ms=%.1f secs=%.2f\n",
      (unsigned long long)ss.started, (unsigned long long)ss.served,
      (unsigned long long)ss.shed_eof, (unsigned long long)ss.shed_err,
      (unsigned long long)ss.refused, (unsigned long long)ss.unresolved,
      (unsigned long long)ss.odd, p99, mx, fx_ms(uv_hrtime() - t0) / 1000);
  return 0;
}

/* ---- raw peers ---- */
static int raw_connect(int rcvbuf) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -errno;
  if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)cfg.port)};
  inet_pton(AF_INET, cfg.host, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
    int e = -errno;
    close(fd);
    return e;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

static volatile sig_atomic_t stop_flag;
static void on_term(int sig) {
  stop_flag = 1;
}

/* Is the peer closed by the server? (EOF or error; data is drained.) */
static bool raw_closed(int fd) {
  char b[4096];
  for (;;) {
    ssize_t n = recv(fd, b, sizeof b, 0);
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

static int hold(void) {
  int *fds = calloc(cfg.count, sizeof(int));
  uint64_t failed = 0;
  for (uint64_t i = 0; i < cfg.count; i++)
    if ((fds[i] = raw_connect(0)) < 0) failed++;
  printf("peers: holding count=%llu connect_failed=%llu\n",
         (unsigned long long)cfg.count, (unsigned long long)failed);
  fflush(stdout);
  uint64_t t0 = uv_hrtime();
  while (!stop_flag && fx_ms(uv_hrtime() - t0) < cfg.hold_ms) usleep(50000);
  uint64_t shed = 0, open_ = 0;
  for (uint64_t i = 0; i < cfg.count; i++) {
    if (fds[i] < 0) continue;
    if (raw_closed(fds[i]))
      shed++;
    else
      open_++;
    close(fds[i]);
  }
  printf("peers: hold count=%llu open=%llu shed=%llu connect_failed=%llu\n",
         (unsigned long long)cfg.count, (unsigned long long)open_,
         (unsigned long long)shed, (unsigned long long)failed);
  return 0;
}

static int slow(void) {
  int *fds = calloc(cfg.count, sizeof(int));
  uint64_t *sent = calloc(cfg.count, sizeof(uint64_t));
  uint64_t failed = 0, total = 0;
  static char buf[65536];
  for (uint64_t i = 0; i < cfg.count; i++)
    if ((fds[i] = raw_connect(4096)) < 0) failed++;
  uint64_t last_progress = uv_hrtime();
  while (!stop_flag && fx_ms(uv_hrtime() - last_progress) < 1000) {
    bool progress = false;
    for (uint64_t i = 0; i < cfg.count; i++) {
      if (fds[i] < 0 || sent[i] >= cfg.bytes) continue;
      size_t n =
          cfg.bytes - sent[i] < sizeof buf ? cfg.bytes - sent[i] : sizeof buf;
      ssize_t w = send(fds[i], buf, n, MSG_NOSIGNAL);
      if (w > 0) {
        sent[i] += (uint64_t)w, total += (uint64_t)w;
        progress = true;
      }
    }
    if (progress)
      last_progress = uv_hrtime();
    else
      usleep(20000);
  }
  uint64_t done = 0;
  for (uint64_t i = 0; i < cfg.count; i++) done += sent[i] >= cfg.bytes;
  printf(
      "peers: stuck count=%llu connect_failed=%llu sent_total=%llu "
      "sent_all=%llu\n",
      (unsigned long long)cfg.count, (unsigned long long)failed,
      (unsigned long long)total, (unsigned long long)done);
  fflush(stdout);
  uint64_t t0 = uv_hrtime();
  while (!stop_flag && (!cfg.hold_ms || fx_ms(uv_hrtime() - t0) < cfg.hold_ms))
    usleep(50000);
  uint64_t closed = 0;
  for (uint64_t i = 0; i < cfg.count; i++)
    if (fds[i] >= 0) {
      closed += raw_closed(fds[i]);
      close(fds[i]);
    }
  printf("peers: slow done closed_by_server=%llu\n",
         (unsigned long long)closed);
  return 0;
}

static int silent(void) {
  struct pollfd *pf = calloc(cfg.count, sizeof *pf);
  uint64_t *t0 = calloc(cfg.count, sizeof(uint64_t));
  double *lat = calloc(cfg.count, sizeof(double));
  uint64_t failed = 0, evicted = 0, early = 0;
  size_t nlat = 0;
  for (uint64_t i = 0; i < cfg.count; i++) {
    int fd = raw_connect(0);
    if (fd < 0) failed++;
    t0[i] = uv_hrtime();
    pf[i].fd = fd < 0 ? -1 : fd;
    pf[i].events = POLLIN;
  }
  uint64_t start = uv_hrtime();
  uint64_t left = cfg.count - failed;
  while (left && fx_ms(uv_hrtime() - start) < cfg.expect_ms + 5000.0) {
    if (poll(pf, (nfds_t)cfg.count, 100) <= 0) continue;
    for (uint64_t i = 0; i < cfg.count; i++) {
      if (pf[i].fd < 0 || !pf[i].revents) continue;
      if (!raw_closed(pf[i].fd)) continue;
      double ms = fx_ms(uv_hrtime() - t0[i]);
      lat[nlat++] = ms;
      if (ms < cfg.expect_ms - 50.0) early++;
      evicted++;
      close(pf[i].fd);
      pf[i].fd = -1;
      left--;
    }
  }
  qsort(lat, nlat, sizeof(double), cmp_double);
  printf(
      "peers: silent count=%llu connect_failed=%llu evicted=%llu "
      "not_evicted=%llu early=%llu min_ms=%.0f max_ms=%.0f\n",
      (unsigned long long)cfg.count, (unsigned long long)failed,
      (unsigned long long)evicted, (unsigned long long)left,
      (unsigned long long)early, nlat ? lat[0] : 0, nlat ? lat[nlat - 1] : 0);
  return 0;
}

/* A non-blocking connect from cfg.bind (port chosen at connect time, so
 * the 4-tuple, not the source port alone, must be unique). */
static int idle_start(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
  if (fd < 0) return -errno;
  struct sockaddr_in a = {.sin_family = AF_INET,
                          .sin_port = htons((uint16_t)cfg.port)};
  if (cfg.bind) {
    struct sockaddr_in b = {.sin_family = AF_INET};
    inet_pton(AF_INET, cfg.bind, &b.sin_addr);
#ifdef IP_BIND_ADDRESS_NO_PORT
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (bind(fd, (struct sockaddr *)&b, sizeof b) < 0) {
      int e = -errno;
      close(fd);
      return e;
    }
  }
  (void)one;
  inet_pton(AF_INET, cfg.host, &a.sin_addr);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 &&
      errno != EINPROGRESS) {
    int e = -errno;
    close(fd);
    return e;
  }
  return fd;
}

static int idle(void) {
  unsigned conc = cfg.concurrency;
  int *fds = malloc(cfg.count * sizeof(int));
  struct pollfd *pf = calloc(conc, sizeof *pf);
  uint64_t *slot_idx = calloc(conc, sizeof(uint64_t)), *slot_t0;
  slot_t0 = calloc(conc, sizeof(uint64_t));
  uint64_t next = 0, open_ = 0, failed = 0, inflight = 0, t0 = uv_hrtime();
  int first_err = 0;
  if (!fds || !pf || !slot_idx || !slot_t0) return 1;
  for (unsigned i = 0; i < conc; i++) pf[i].fd = -1;
  while (next < cfg.count || inflight) {
    for (unsigned i = 0; i < conc && next < cfg.count; i++) {
      if (pf[i].fd >= 0) continue;
      int fd = idle_start();
      fds[next] = -1;
      if (fd < 0) {
        failed++;
        if (!first_err) first_err = -fd;
        next++;
        continue;
      }
      pf[i].fd = fd, pf[i].events = POLLOUT;
      slot_idx[i] = next++, slot_t0[i] = uv_hrtime();
      inflight++;
    }
    if (poll(pf, conc, 100) < 0 && errno != EINTR) break;
    for (unsigned i = 0; i < conc; i++) {
      if (pf[i].fd < 0) continue;
      bool late = fx_ms(uv_hrtime() - slot_t0[i]) > cfg.timeout_ms;
      if (!pf[i].revents && !late) continue;
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(pf[i].fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (!err && !late && (pf[i].revents & POLLOUT)) {
        fds[slot_idx[i]] = pf[i].fd;
        open_++;
      } else {
        if (!first_err) first_err = err ? err : ETIMEDOUT;
        close(pf[i].fd);
        failed++;
      }
      pf[i].fd = -1, pf[i].revents = 0;
      inflight--;
    }
  }
  printf(
      "peers: idle count=%llu open=%llu failed=%llu first_error=%s "
      "secs=%.2f\n",
      (unsigned long long)cfg.count, (unsigned long long)open_,
      (unsigned long long)failed, first_err ? strerror(first_err) : "none",
      fx_ms(uv_hrtime() - t0) / 1000);
  fflush(stdout);
  free(pf), free(slot_idx), free(slot_t0);
  uint64_t t1 = uv_hrtime();
  while (!stop_flag && (!cfg.hold_ms || fx_ms(uv_hrtime() - t1) < cfg.hold_ms))
    usleep(50000);
  uint64_t shed = 0;
  for (uint64_t i = 0; i < cfg.count; i++)
    if (fds[i] >= 0) {
      shed += raw_closed(fds[i]);
      close(fds[i]);
    }
  printf("peers: idle done held=%llu shed=%llu\n",
         (unsigned long long)(open_ - shed), (unsigned long long)shed);
  free(fds);
  return 0;
}

static void usage(FILE *f) {
  fprintf(f,
          "usage: peers storm|hold|slow|silent|idle --port N [--host H] "
          "[--count N]\n"
          "             [--concurrency C] [--bytes B] [--hold-ms MS]\n"
          "             [--bind ADDR] (idle)\n"
          "             [--expect-ms MS] [--timeout MS]\n"
          "See the comment at the top of test/faults/peers.c.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
    usage(stdout);
    return 0;
  }
  cfg.host = "127.0.0.1";
  cfg.count = 1000;
  cfg.concurrency = 200;
  cfg.bytes = 1 << 20;
  cfg.hold_ms = 0;
  cfg.expect_ms = 2000;
  cfg.timeout_ms = 10000;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x = 0;
    if (!strcmp(a, "--host") && v) {
      cfg.host = v, i++;
      continue;
    }
    if (!strcmp(a, "--bind") && v) {
      cfg.bind = v, i++;
      continue;
    }
    if (!fx_num(v, 0, 1e15, &x)) {
      fprintf(stderr, "peers: bad option '%s'\n", a);
      return 2;
    }
    i++;
    if (!strcmp(a, "--port"))
      cfg.port = (int)x;
    else if (!strcmp(a, "--count"))
      cfg.count = (uint64_t)x;
    else if (!strcmp(a, "--concurrency"))
      cfg.concurrency = x < 1 ? 1 : (unsigned)x;
    else if (!strcmp(a, "--bytes"))
      cfg.bytes = (uint64_t)x;
    else if (!strcmp(a, "--hold-ms"))
      cfg.hold_ms = (unsigned)x;
    else if (!strcmp(a, "--expect-ms"))
      cfg.expect_ms = (unsigned)x;
    else if (!strcmp(a, "--timeout"))
      cfg.timeout_ms = (unsigned)x;
    else {
      fprintf(stderr, "peers: bad option '%s'\n", a);
      return 2;
    }
  }
  if (!cfg.port || !fx_loopback(cfg.host) || !nnet_is_ipv4(cfg.host) ||
      (cfg.bind && (!fx_loopback(cfg.bind) || !nnet_is_ipv4(cfg.bind)))) {
    fprintf(stderr, "peers: need --port and IPv4 loopback --host and --bind\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  signal(SIGINT, on_term);
  if (!strcmp(argv[1], "storm")) return storm();
  if (!strcmp(argv[1], "hold")) return hold();
  if (!strcmp(argv[1], "slow")) return slow();
  if (!strcmp(argv[1], "silent")) return silent();
  if (!strcmp(argv[1], "idle")) return idle();
  usage(stderr);
  return 2;
}
