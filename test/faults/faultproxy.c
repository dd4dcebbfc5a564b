/* faultproxy: a loopback TCP/Unix proxy on nodenet that injects faults,
 * per connection and seeded (GitHub issue 10 §1).
 *
 * Every accepted connection gets a plan drawn from (seed, accept number):
 * a kind (reset after N bytes, early half-close, stop reading, or none) and
 * independent modifiers (slice the stream into 1..N-byte writes, delay
 * chunks, stall one direction once). See --help. With --announce the plan
 * is sent to the client as a 40-byte record before any server byte, so a
 * test client knows what outcome to expect (test/faults/churn.c). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"

typedef struct {
  double p_reset, p_half, p_stop, p_slice, p_delay, p_stall;
  uint64_t reset_max, half_max, stop_max, stall_max_at, slice_bytes;
  unsigned slice_max, delay_ms, stall_ms, idle_ms, stop_hold_ms;
  bool announce, verbose;
  uint64_t seed;
  const char *host;
  int to_port;
  const char *to_path;
} cfg_t;

typedef struct {
  uint64_t accepted, live, closed, planned[4], done[4], sliced, delayed,
      stalled, chunks_delayed, up_errors, cli_errors, idle_kills, connect_fail,
      bytes[2];
} pstats_t;

static cfg_t cfg;
static struct conn_s *live_list;
static pstats_t st;
static uv_loop_t *loop;

typedef struct conn_s conn_t;
typedef struct {
  conn_t *c;
  int idx; /* 0: client->server, 1: server->client */
  char *buf;
  size_t off, len, cap;
  uint64_t fwd;
  uv_timer_t timer;
  bool timer_on, blocked, src_ended, ended, discard, stopped, stalled,
      reset_due;
} dir_t;

struct conn_s {
  conn_t *prev, *next; /* live connections, for the SIGUSR1 dump */
  uint32_t no;
  uint64_t t0; /* accept time (uv_hrtime) */
  fx_rng_t rng;
  fx_plan_t plan;
  nnet_socket_t *cli, *up;
  bool up_ok, dead, up_pipe;
  int open_handles; /* sockets + timers still to close */
  dir_t d[2];
};

static nnet_socket_t *dir_src(dir_t *d) {
  return d->idx ? d->c->up : d->c->cli;
}
static nnet_socket_t *dir_dst(dir_t *d) {
  return d->idx ? d->c->cli : d->c->up;
}

static void conn_maybe_free(conn_t *c) {
  if (--c->open_handles > 0) return;
  if (c->prev)
    c->prev->next = c->next;
  else
    live_list = c->next;
  if (c->next) c->next->prev = c->prev;
  free(c->d[0].buf);
  free(c->d[1].buf);
  free(c);
}
static void on_timer_closed(uv_handle_t *h) {
  conn_maybe_free(((dir_t *)h->data)->c);
}

/* Tear the pair down. reset: the client side gets an RST (TCP). */
static void conn_kill(conn_t *c, bool reset) {
  if (c->dead) return;
  c->dead = true;
  for (int i = 0; i < 2; i++) uv_timer_stop(&c->d[i].timer);
  if (c->cli) {
    if (!reset || nnet_socket_reset_and_destroy(c->cli) < 0)
      nnet_socket_destroy(c->cli, 0);
  }
  if (c->up) nnet_socket_destroy(c->up, 0);
}

static void update_flow(dir_t *d) {
  nnet_socket_t *src = dir_src(d);
  if (!src || d->c->dead || !d->c->up_ok) return;
  bool go = !d->blocked && !d->timer_on && !d->stopped &&
            d->len - d->off < 256 * 1024;
  if (go && nnet_socket_is_paused(src))
    nnet_socket_resume(src);
  else if (!go && !nnet_socket_is_paused(src))
    nnet_socket_pause(src);
}

static void start_timer(dir_t *d, unsigned ms);

/* Stop reading the server for good. The client is expected to give up
 * (its idle timeout); the pair is reset --stop-hold ms later in any case,
 * since a half-closed client that leaves is not noticed without a write. */
static void do_stop(conn_t *c) {
  dir_t *d = &c->d[1];
  st.done[FX_STOP]++;
  d->stopped = d->reset_due = true;
  uv_timer_stop(&d->timer);
  start_timer(d, cfg.stop_hold_ms);
  update_flow(d);
}

static void pump(dir_t *d) {
  conn_t *c = d->c;
  const fx_plan_t *pl = &c->plan;
  nnet_socket_t *dst = dir_dst(d);
  size_t budget = 256 * 1024; /* then yield to the other connections */
  int writes_left = 256;
  while (!c->dead && !d->blocked && !d->timer_on && !d->stopped &&
         d->off < d->len && dst) {
    size_t n = d->len - d->off;
    if ((pl->flags & FX_F_SLICE) && d->fwd < cfg.slice_bytes) {
      size_t k = 1 + (size_t)fx_below(&c->rng, pl->slice_max);
      if (k < n) n = k;
    }
    if (d->idx == 1 && pl->kind == FX_RESET && d->fwd + n > pl->at) {
      n = (size_t)(pl->at - d->fwd);
      if (!n) {
        /* Reset a little later, once the client has likely read what was
         * forwarded: an RST that arrives with unread data is reported by
         * libuv as a plain EOF (Node too; docs/reliability.md). */
        st.done[FX_RESET]++;
        d->reset_due = d->stopped = true;
        c->d[0].stopped = true;
        update_flow(&c->d[0]);
        start_timer(d, 50);
        break;
      }
    }
    if (d->idx == 0 && pl->kind == FX_HALFCLOSE && d->fwd + n > pl->at) {
      n = (size_t)(pl->at - d->fwd);
      if (!n) {
        st.done[FX_HALFCLOSE]++;
        d->discard = true;
        d->off = d->len = 0;
        if (!d->ended) {
          d->ended = true;
          nnet_socket_end(dst, NULL, 0, NULL, NULL);
        }
        break;
      }
    }
    if (d->idx == 1 && pl->kind == FX_STOP && d->fwd + n > pl->at) {
      n = (size_t)(pl->at - d->fwd);
      if (!n) {
        do_stop(c);
        break;
      }
    }
    if ((pl->flags & FX_F_STALL) && d->idx == pl->stall_dir && !d->stalled &&
        d->fwd + n > pl->stall_at) {
      n = (size_t)(pl->stall_at - d->fwd);
      if (!n) {
        d->stalled = true;
        st.stalled++;
        start_timer(d, pl->stall_ms);
        break;
      }
    }
    int r = nnet_socket_write(dst, d->buf + d->off, n, NULL, NULL);
    if (r < 0) {
      conn_kill(c, true);
      return;
    }
    d->off += n;
    d->fwd += n;
    st.bytes[d->idx] += n;
    if (r == 0) d->blocked = true;
    if (n >= budget || --writes_left == 0) {
      if (!d->blocked && d->off < d->len) start_timer(d, 0);
      break;
    }
    budget -= n + 64; /* a write costs more than its bytes */
  }
  if (c->dead) return;
  if (d->off == d->len) d->off = d->len = 0;
  if (d->len == 0 && d->src_ended && !d->ended && dst) {
    d->ended = true;
    nnet_socket_end(dst, NULL, 0, NULL, NULL);
  }
  update_flow(d);
}

static void on_dir_timer(uv_timer_t *t) {
  dir_t *d = t->data;
  d->timer_on = false;
  if (d->reset_due) {
    conn_kill(d->c, true);
    return;
  }
  pump(d);
}
static void start_timer(dir_t *d, unsigned ms) {
  d->timer_on = true;
  uv_timer_start(&d->timer, on_dir_timer, ms, 0);
}

static void on_dir_timer(uv_timer_t *t);

static dir_t *dir_from(conn_t *c, nnet_socket_t *s, bool as_src) {
  bool is_cli = s == c->cli;
  /* as source: cli feeds dir 0; as destination: cli receives dir 1 */
  return &c->d[as_src ? (is_cli ? 0 : 1) : (is_cli ? 1 : 0)];
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  dir_t *d = dir_from(c, ev->target, true);
  if (c->dead || d->discard) return;
  size_t n = ev->u.data.len;
  if (d->len + n > d->cap) {
    size_t cap = d->cap ? d->cap : 65536;
    while (cap < d->len + n) cap *= 2;
    char *b = realloc(d->buf, cap);
    if (!b) {
      conn_kill(c, true);
      return;
    }
    d->buf = b, d->cap = cap;
  }
  memcpy(d->buf + d->len, ev->u.data.base, n);
  /* A stopped pair is held --stop-hold ms after the client's last byte. */
  if (d->idx == 0 && c->d[1].reset_due && c->plan.kind == FX_STOP)
    uv_timer_start(&c->d[1].timer, on_dir_timer, cfg.stop_hold_ms, 0);
  d->len += n;
  if ((c->plan.flags & FX_F_DELAY) && !d->timer_on &&
      fx_chance(&c->rng, 0.25)) {
    st.chunks_delayed++;
    start_timer(d, (unsigned)fx_below(&c->rng, c->plan.delay_ms + 1));
    update_flow(d);
    return;
  }
  pump(d);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  dir_t *d = dir_from(c, ev->target, false);
  d->blocked = false;
  pump(d);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  dir_t *d = dir_from(c, ev->target, true);
  d->src_ended = true;
  if (d->discard) return;
  pump(d);
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  if (ev->target == c->cli)
    st.cli_errors++;
  else
    st.up_errors++;
  if (cfg.verbose)
    fprintf(stderr, "faultproxy: conn %u %s: %s\n", c->no,
            ev->target == c->cli ? "client" : "upstream", ev->u.error->message);
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  if (!c->dead) st.idle_kills++;
  conn_kill(c, true);
}

static void dump_conn(FILE *f, conn_t *c, const char *what);

static void on_close(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  if (cfg.verbose && fx_ms(uv_hrtime() - c->t0) > 2500 && !c->dead &&
      c->plan.kind != FX_STOP)
    dump_conn(
        stderr, c,
        ev->target == c->cli ? "slow, client closed:" : "slow, server closed:");
  bool is_cli = ev->target == c->cli;
  if (is_cli)
    c->cli = NULL;
  else
    c->up = NULL;
  /* An error on one side is passed on as a reset of the other. A clean
   * close means both directions of that side are done; the other side
   * finishes on its own. */
  if (ev->u.close.had_error || !c->up_ok) conn_kill(c, true);
  if (!c->cli && !c->up) {
    st.closed++;
    st.live--;
    for (int i = 0; i < 2; i++) {
      uv_timer_stop(&c->d[i].timer);
      uv_close((uv_handle_t *)&c->d[i].timer, on_timer_closed);
    }
  }
  conn_maybe_free(c);
}

static void on_up_connect(const nnet_event_t *ev, void *ctx) {
  conn_t *c = ctx;
  c->up_ok = true;
  if (c->dead) return;
  nnet_socket_resume(c->cli);
  /* A stop at 0 happens in pump() like any other: once there is a server
   * byte past the offset (an empty echo still gets its FIN through). */
  nnet_socket_resume(c->up);
}

static void wire(conn_t *c, nnet_socket_t *s) {
  nnet_socket_pause(s);
  nnet_socket_set_no_delay(s, true); /* slices go out as they are cut */
  nnet_socket_on(s, NNET_EV_DATA, on_data, c);
  nnet_socket_on(s, NNET_EV_DRAIN, on_drain, c);
  nnet_socket_on(s, NNET_EV_END, on_end, c);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, c);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
  if (cfg.idle_ms) nnet_socket_set_timeout(s, cfg.idle_ms, on_timeout, c);
}

static void make_plan(conn_t *c) {
  fx_rng_t *r = &c->rng;
  fx_plan_t *pl = &c->plan;
  memset(pl, 0, sizeof *pl);
  pl->conn_no = c->no;
  double u = fx_unit(r);
  if (u < cfg.p_reset) {
    pl->kind = FX_RESET;
    pl->at = fx_logu(r, 1, cfg.reset_max) - 1;
  } else if (u < cfg.p_reset + cfg.p_half) {
    pl->kind = FX_HALFCLOSE;
    pl->at = fx_logu(r, 1, cfg.half_max) - 1;
  } else if (u < cfg.p_reset + cfg.p_half + cfg.p_stop) {
    pl->kind = FX_STOP;
    pl->at = fx_logu(r, 1, cfg.stop_max) - 1;
  }
  if (fx_chance(r, cfg.p_slice)) {
    pl->flags |= FX_F_SLICE;
    pl->slice_max = (uint32_t)fx_logu(r, 1, cfg.slice_max);
    st.sliced++;
  }
  if (fx_chance(r, cfg.p_delay)) {
    pl->flags |= FX_F_DELAY;
    pl->delay_ms = cfg.delay_ms;
    st.delayed++;
  }
  if (fx_chance(r, cfg.p_stall)) {
    pl->flags |= FX_F_STALL;
    pl->stall_ms = 1 + (uint32_t)fx_below(r, cfg.stall_ms);
    pl->stall_dir = (uint8_t)fx_below(r, 2);
    pl->stall_at = fx_logu(r, 1, cfg.stall_max_at) - 1;
  }
  st.planned[pl->kind]++;
}

static void on_connection(const nnet_event_t *ev, void *ctx) {
  nnet_socket_t *cli = ev->u.connection.socket;
  conn_t *c = calloc(1, sizeof *c);
  if (!c) {
    nnet_socket_destroy(cli, 0);
    return;
  }
  c->no = (uint32_t)st.accepted++;
  c->t0 = uv_hrtime();
  c->next = live_list;
  if (live_list) live_list->prev = c;
  live_list = c;
  st.live++;
  c->rng.s = fx_mix(cfg.seed ^ fx_mix(c->no));
  make_plan(c);
  c->cli = cli;
  c->open_handles = 4; /* two sockets, two timers */
  for (int i = 0; i < 2; i++) {
    c->d[i].c = c;
    c->d[i].idx = i;
    uv_timer_init(loop, &c->d[i].timer);
    c->d[i].timer.data = &c->d[i];
  }
  wire(c, cli);
  if (cfg.announce) {
    uint8_t rec[FX_PLAN_SIZE];
    fx_plan_encode(&c->plan, rec);
    nnet_socket_write(cli, rec, sizeof rec, NULL, NULL);
  }
  nnet_socket_opts_t so;
  nnet_socket_opts_init(&so);
  so.loop = loop;
  so.allow_half_open = true;
  nnet_socket_t *up;
  if (nnet_socket_new(&so, &up) < 0) {
    c->open_handles--;
    st.connect_fail++;
    conn_kill(c, true);
    return;
  }
  c->up = up;
  wire(c, up);
  nnet_connect_opts_t co;
  nnet_connect_opts_init(&co);
  bool want_pipe = cfg.to_path && (nnet_socket_is_pipe(cli) || !cfg.to_port);
  if (want_pipe)
    co.path = cfg.to_path;
  else
    co.port = cfg.to_port, co.host = cfg.host;
  if (nnet_socket_connect(up, &co, on_up_connect, c) < 0) {
    st.connect_fail++;
    conn_kill(c, true);
  }
}

static void print_stats(FILE *f) {
  fprintf(f,
          "faultproxy: stats accepted=%llu live=%llu closed=%llu "
          "planned_reset=%llu planned_halfclose=%llu planned_stop=%llu "
          "done_reset=%llu done_halfclose=%llu done_stop=%llu sliced=%llu "
          "delayed=%llu chunks_delayed=%llu stalled=%llu cli_errors=%llu "
          "up_errors=%llu idle_kills=%llu connect_fail=%llu "
          "bytes_up=%llu bytes_down=%llu rss_kib=%ld\n",
          (unsigned long long)st.accepted, (unsigned long long)st.live,
          (unsigned long long)st.closed,
          (unsigned long long)st.planned[FX_RESET],
          (unsigned long long)st.planned[FX_HALFCLOSE],
          (unsigned long long)st.planned[FX_STOP],
          (unsigned long long)st.done[FX_RESET],
          (unsigned long long)st.done[FX_HALFCLOSE],
          (unsigned long long)st.done[FX_STOP], (unsigned long long)st.sliced,
          (unsigned long long)st.delayed, (unsigned long long)st.chunks_delayed,
          (unsigned long long)st.stalled, (unsigned long long)st.cli_errors,
          (unsigned long long)st.up_errors, (unsigned long long)st.idle_kills,
          (unsigned long long)st.connect_fail, (unsigned long long)st.bytes[0],
          (unsigned long long)st.bytes[1], fx_rss_kib());
  fflush(f);
}

static void dump_conn(FILE *f, conn_t *c, const char *what) {
  uint64_t now = uv_hrtime();
  {
    fprintf(f, "faultproxy: %s ", what);
    fprintf(f,
            "conn %u age=%.0fms plan=%s at=%llu flags=%u "
            "dead=%d up_ok=%d cli=%s up=%s",
            c->no, fx_ms(now - c->t0), fx_kind_name(c->plan.kind),
            (unsigned long long)c->plan.at, c->plan.flags, c->dead, c->up_ok,
            c->cli ? nnet_socket_ready_state(c->cli) : "-",
            c->up ? nnet_socket_ready_state(c->up) : "-");
    for (int i = 0; i < 2; i++) {
      dir_t *d = &c->d[i];
      fprintf(f,
              " | d%d fwd=%llu pending=%zu timer=%d blocked=%d src_ended=%d "
              "ended=%d discard=%d stopped=%d",
              i, (unsigned long long)d->fwd, d->len - d->off, d->timer_on,
              d->blocked, d->src_ended, d->ended, d->discard, d->stopped);
    }
    if (c->cli)
      fprintf(f, " | cli wlen=%zu paused=%d",
              nnet_socket_writable_length(c->cli),
              nnet_socket_is_paused(c->cli));
    if (c->up)
      fprintf(f, " | up wlen=%zu paused=%d", nnet_socket_writable_length(c->up),
              nnet_socket_is_paused(c->up));
    fputc('\n', f);
  }
}

static void dump_live(FILE *f) {
  int n = 0;
  uint64_t now = uv_hrtime();
  for (conn_t *c = live_list; c && n < 20; c = c->next) {
    if (fx_ms(now - c->t0) < 3000) continue; /* only the old ones */
    n++;
    dump_conn(f, c, "old");
  }
}

static void on_signal(uv_signal_t *h, int sig) {
  print_stats(stdout);
  if (st.live) dump_live(stderr);
  if (sig != SIGUSR1) exit(0);
}

static void on_server_error(const nnet_event_t *ev, void *ctx) {
  fprintf(stderr, "faultproxy: server error: %s\n", ev->u.error->message);
  exit(1);
}

static void on_listening(const nnet_event_t *ev, void *ctx) {
  nnet_server_t *srv = ev->target;
  if (nnet_server_is_pipe(srv)) {
    char path[256];
    if (nnet_server_address_path(srv, path, sizeof path) > 0)
      printf("faultproxy: listening unix=%s\n", path);
  } else {
    nnet_socketaddress_t a;
    if (nnet_server_address(srv, &a) == 0)
      printf("faultproxy: listening port=%d\n", (int)a.port);
  }
}

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: faultproxy [options] --to-port PORT | --to-unix PATH\n"
      "\n"
      "A loopback proxy that injects faults, per connection and seeded.\n"
      "Listens on 127.0.0.1:--port and/or the Unix socket --unix; a TCP\n"
      "client goes to --to-port, a Unix client to --to-unix (or to the one\n"
      "given). Loopback only (127.0.0.0/8, ::1).\n"
      "\n"
      "  --port N           listen on 127.0.0.1:N (0: any; printed)\n"
      "  --unix PATH        listen on a Unix socket\n"
      "  --host H           loopback address to listen on / connect to "
      "(127.0.0.1)\n"
      "  --to-port N        upstream TCP port\n"
      "  --to-unix PATH     upstream Unix socket\n"
      "  --seed N           plan seed (default: $NNET_REL_SEED, else random;\n"
      "                     printed at start; plan = f(seed, accept number))\n"
      "  --announce         send the 40-byte plan record to the client first\n"
      "                     (for test clients; see test/faults/fx.h)\n"
      "  --p-reset P        reset (RST; Unix: abrupt close) the client after\n"
      "                     N server->client bytes, N log-uniform in\n"
      "                     [0, --reset-max] (0.04, 2097152)\n"
      "  --p-halfclose P    end() the server side after N client bytes and\n"
      "                     drop the rest (0.03; --halfclose-max 2097152)\n"
      "  --p-stop P         stop reading the server for good after N bytes\n"
      "                     (0.01; --stop-max 2097152); the pair is reset\n"
      "                     --stop-hold ms later (10000)\n"
      "  --p-slice P        cut the stream into writes of 1..S bytes, S\n"
      "                     log-uniform in [1, --slice-max] (0.3, 4096),\n"
      "                     over the first --slice-bytes of each direction\n"
      "                     (131072; then pass-through)\n"
      "  --p-delay P        hold a quarter of the chunks 0..--delay-ms\n"
      "                     (0.1, 20)\n"
      "  --p-stall P        stall one direction once, at a random offset up\n"
      "                     to --stall-at-max, for 1..--stall-ms (0.1, 300,\n"
      "                     1048576)\n"
      "  --idle-timeout MS  kill a pair idle this long (30000; 0: never)\n"
      "  -v, --verbose      log errors\n"
      "  -h, --help         this text\n"
      "\n"
      "Prints 'faultproxy: seed=N', then 'faultproxy: listening port=P'.\n"
      "SIGUSR1 prints counters; SIGTERM/SIGINT prints them and exits.\n");
}

int main(int argc, char **argv) {
  cfg = (cfg_t){.p_reset = 0.04,
                .p_half = 0.03,
                .p_stop = 0.01,
                .p_slice = 0.3,
                .p_delay = 0.1,
                .p_stall = 0.1,
                .reset_max = 2097152,
                .half_max = 2097152,
                .stop_max = 2097152,
                .stall_max_at = 1048576,
                .slice_max = 4096,
                .slice_bytes = 131072,
                .delay_ms = 20,
                .stall_ms = 300,
                .idle_ms = 30000,
                .stop_hold_ms = 10000,
                .host = "127.0.0.1",
                .to_port = 0};
  cfg.seed = fx_default_seed();
  int port = -1;
  const char *upath = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x;
#define NUM(name, lo, hi, dst)                                 \
  if (!strcmp(a, name)) {                                      \
    if (!fx_num(v, lo, hi, &x)) {                              \
      fprintf(stderr, "faultproxy: bad value for %s\n", name); \
      return 2;                                                \
    }                                                          \
    dst = x;                                                   \
    i++;                                                       \
    continue;                                                  \
  }
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    }
    if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
      cfg.verbose = true;
      continue;
    }
    if (!strcmp(a, "--announce")) {
      cfg.announce = true;
      continue;
    }
    if (!strcmp(a, "--seed") && v) {
      cfg.seed = strtoull(v, NULL, 0);
      i++;
      continue;
    }
    if (!strcmp(a, "--unix") && v) {
      upath = v;
      i++;
      continue;
    }
    if (!strcmp(a, "--to-unix") && v) {
      cfg.to_path = v;
      i++;
      continue;
    }
    if (!strcmp(a, "--host") && v) {
      cfg.host = v;
      i++;
      continue;
    }
    NUM("--port", 0, 65535, port)
    NUM("--to-port", 1, 65535, cfg.to_port)
    NUM("--p-reset", 0, 1, cfg.p_reset)
    NUM("--p-halfclose", 0, 1, cfg.p_half)
    NUM("--p-stop", 0, 1, cfg.p_stop)
    NUM("--p-slice", 0, 1, cfg.p_slice)
    NUM("--p-delay", 0, 1, cfg.p_delay)
    NUM("--p-stall", 0, 1, cfg.p_stall)
    NUM("--reset-max", 1, 1e15, cfg.reset_max)
    NUM("--halfclose-max", 1, 1e15, cfg.half_max)
    NUM("--stop-max", 1, 1e15, cfg.stop_max)
    NUM("--slice-max", 1, 1 << 30, cfg.slice_max)
    NUM("--slice-bytes", 0, 1e15, cfg.slice_bytes)
    NUM("--delay-ms", 0, 600000, cfg.delay_ms)
    NUM("--stall-ms", 1, 600000, cfg.stall_ms)
    NUM("--stall-at-max", 1, 1e15, cfg.stall_max_at)
    NUM("--idle-timeout", 0, 1e9, cfg.idle_ms)
    NUM("--stop-hold", 1, 1e9, cfg.stop_hold_ms)
#undef NUM
    fprintf(stderr, "faultproxy: unknown or incomplete option '%s'\n", a);
    usage(stderr);
    return 2;
  }
  if ((port < 0 && !upath) || (!cfg.to_port && !cfg.to_path)) {
    usage(stderr);
    return 2;
  }
  if (!fx_loopback(cfg.host)) {
    fprintf(stderr, "faultproxy: %s is not a loopback address\n", cfg.host);
    return 2;
  }
  if (cfg.p_reset + cfg.p_half + cfg.p_stop > 1) {
    fprintf(stderr, "faultproxy: --p-reset + --p-halfclose + --p-stop > 1\n");
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("faultproxy: seed=%llu\n", (unsigned long long)cfg.seed);
  loop = uv_default_loop();
  nnet_server_opts_t so;
  nnet_server_opts_init(&so);
  so.loop = loop;
  so.allow_half_open = true;
  nnet_server_t *srv;
  if (port >= 0) {
    nnet_create_server(&so, on_connection, NULL, &srv);
    nnet_server_on(srv, NNET_EV_ERROR, on_server_error, NULL);
    nnet_listen_opts_t lo;
    nnet_listen_opts_init(&lo);
    lo.port = port;
    lo.host = cfg.host;
    lo.backlog = 4096;
    if (nnet_server_listen(srv, &lo, on_listening, NULL) < 0) return 1;
  }
  if (upath) {
    unlink(upath);
    nnet_create_server(&so, on_connection, NULL, &srv);
    nnet_server_on(srv, NNET_EV_ERROR, on_server_error, NULL);
    nnet_listen_opts_t lo;
    nnet_listen_opts_init(&lo);
    lo.path = upath;
    lo.backlog = 4096;
    if (nnet_server_listen(srv, &lo, on_listening, NULL) < 0) return 1;
  }
  uv_signal_t sigs[3];
  int signums[3] = {SIGUSR1, SIGTERM, SIGINT};
  for (int i = 0; i < 3; i++) {
    uv_signal_init(loop, &sigs[i]);
    uv_signal_start(&sigs[i], on_signal, signums[i]);
    uv_unref((uv_handle_t *)&sigs[i]);
  }
  signal(SIGPIPE, SIG_IGN);
  uv_run(loop, UV_RUN_DEFAULT);
  print_stats(stdout);
  return 0;
}
