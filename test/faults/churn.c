/* churn: the load client of the reliability suite (GitHub issue 10 §2), on
 * nodenet. Opens --count connections (or runs for --duration seconds),
 * --concurrency at a time, TCP or Unix at random, through faultproxy
 * --announce to an echo server. Each connection sends a seeded random
 * payload (size log-uniform up to --max-payload) in random-sized writes,
 * then half-closes (end() after the last write) or waits for the whole
 * echo before end(). Some connections reset themselves (--p-client-reset).
 *
 * Verification, per connection:
 *  - every byte that comes back is compared with the byte sent at that
 *    offset (the payload is regenerated from the connection's seed: an
 *    exact comparison, stronger than a hash of both sides);
 *  - the outcome matches the proxy's announced plan: no fault (or one that
 *    never triggered) -> clean end, all bytes back; early half-close at N
 *    -> clean end with exactly N bytes back; reset at N -> an 'error'
 *    (TCP; a Unix peer may see a plain EOF) and at most N bytes; stop at N
 *    -> our idle timeout fires, at most N bytes;
 *  - exactly one 'close', at most one 'error' and none after 'close',
 *    every write callback and the end() callback exactly once (checked at
 *    'close' and again at exit), no event after 'close'.
 * Prints one summary line; exit status 1 on any violation. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fx.h"

typedef struct cconn_s cconn_t;
struct cconn_s {
  cconn_t *next_all;
  nnet_socket_t *s;
  uint64_t idx, seed, size, sent, recv, at_limit;
  uint8_t hdr[FX_PLAN_SIZE];
  size_t hdr_got;
  fx_plan_t plan;
  bool is_unix, wait_echo, ended_w, have_plan, corrupt, self_reset, timed_out,
      connected, done;
  uint64_t reset_at; /* self reset after this many bytes sent */
  unsigned writes, write_cbs, write_cb_err, end_calls, end_cbs, errors, closes,
      ends, late_events;
  int err_code;
  uint64_t corrupt_at;
  uint64_t t0;
  uv_timer_t pace;
  fx_rng_t rng;
};

static struct {
  uint64_t started, closed, clean, aborted_err, aborted_eof, aborted_eof_tcp,
      halfclosed_ok, stopped, self_resets, fail, bytes_sent, bytes_verified,
      write_cbs, writes, fail_lost, fail_corrupt, fail_unexpected_err,
      fail_no_err, fail_double_close, fail_cb, fail_late, fail_extra,
      fail_timeout;
  uint64_t planned[4];
} st;

static struct {
  int port;
  const char *path, *host;
  uint64_t count, max_payload, max_chunk, seed;
  double duration, p_unix, p_wait, p_client_reset;
  unsigned concurrency, timeout_ms, pace_ms;
  bool announce, verbose;
} cfg;

static uv_loop_t *loop;
static char *scratch, *cmpbuf;
static cconn_t *all;
static unsigned active;
static uint64_t t_start;
static int fails_printed;

static void start_one(void);

static void fail(cconn_t *c, const char *why, uint64_t *counter) {
  (*counter)++;
  st.fail++;
  if (fails_printed++ < 20)
    fprintf(stderr,
            "churn: FAIL %s: conn=%llu seed=0x%llx %s size=%llu sent=%llu "
            "recv=%llu plan=%s at=%llu flags=%u proxy_conn=%u errors=%u "
            "err=%s wait_echo=%d self_reset=%d\n",
            why, (unsigned long long)c->idx, (unsigned long long)c->seed,
            c->is_unix ? "unix" : "tcp", (unsigned long long)c->size,
            (unsigned long long)c->sent, (unsigned long long)c->recv,
            c->have_plan ? fx_kind_name(c->plan.kind) : "?",
            (unsigned long long)c->plan.at, c->plan.flags, c->plan.conn_no,
            c->errors, c->err_code ? nnet_err_name(c->err_code) : "-",
            c->wait_echo, c->self_reset);
}

static bool late(cconn_t *c) {
  if (!c->closes) return false;
  c->late_events++;
  return true;
}

static void on_write(nnet_socket_t *s, int status, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  c->write_cbs++;
  st.write_cbs++;
  if (status < 0) c->write_cb_err++;
}

static void on_end_cb(nnet_socket_t *s, int status, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  c->end_cbs++;
  if (status < 0) c->write_cb_err++;
}

static void do_end(cconn_t *c) {
  if (c->ended_w || nnet_socket_is_destroyed(c->s)) return;
  c->ended_w = true;
  c->end_calls++;
  nnet_socket_end(c->s, NULL, 0, on_end_cb, c);
}

static void pump(cconn_t *c);
static void on_pace(uv_timer_t *t) {
  pump(t->data);
}

static void pump(cconn_t *c) {
  while (c->sent < c->size && !c->done && !nnet_socket_is_destroyed(c->s)) {
    if (c->self_reset && c->sent >= c->reset_at) {
      st.self_resets++;
      if (nnet_socket_reset_and_destroy(c->s) < 0) nnet_socket_destroy(c->s, 0);
      return;
    }
    uint64_t n = fx_logu(&c->rng, 1, cfg.max_chunk);
    if (n > c->size - c->sent) n = c->size - c->sent;
    if (c->self_reset && c->sent < c->reset_at && c->sent + n > c->reset_at)
      n = c->reset_at - c->sent;
    fx_fill(c->seed, c->sent, scratch, (size_t)n);
    int r = nnet_socket_write(c->s, scratch, (size_t)n, on_write, c);
    c->writes++;
    st.writes++;
    if (r < 0) return; /* the callback still comes, with the error */
    c->sent += n;
    st.bytes_sent += n;
    if (r == 0) return; /* wait for 'drain' */
    if (cfg.pace_ms) {
      uv_timer_start(&c->pace, on_pace, fx_below(&c->rng, cfg.pace_ms + 1), 0);
      return;
    }
  }
  /* An empty payload that waits for its echo has nothing to wait for. */
  if (c->sent == c->size && (!c->wait_echo || c->recv == c->size)) do_end(c);
}

static void on_drain(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  if (!uv_is_active((uv_handle_t *)&c->pace)) pump(c);
}

static void on_connect(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  c->connected = true;
  pump(c);
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  const char *p = ev->u.data.base;
  size_t n = ev->u.data.len;
  if (cfg.announce && c->hdr_got < FX_PLAN_SIZE) {
    size_t k = FX_PLAN_SIZE - c->hdr_got;
    if (k > n) k = n;
    memcpy(c->hdr + c->hdr_got, p, k);
    c->hdr_got += k, p += k, n -= k;
    if (c->hdr_got == FX_PLAN_SIZE) {
      if (!fx_plan_decode(c->hdr, &c->plan)) {
        c->corrupt = true;
        c->corrupt_at = 0;
      } else {
        c->have_plan = true;
        st.planned[c->plan.kind]++;
      }
    }
  }
  while (n) {
    size_t k = n < (1u << 20) ? n : (1u << 20);
    if (c->recv + k > c->size) {
      c->corrupt = true; /* more bytes than sent */
      c->corrupt_at = c->recv;
      break;
    }
    fx_fill(c->seed, c->recv, cmpbuf, k);
    if (!c->corrupt && memcmp(cmpbuf, p, k)) {
      c->corrupt = true;
      for (size_t i = 0; i < k; i++)
        if (cmpbuf[i] != p[i]) {
          c->corrupt_at = c->recv + i;
          break;
        }
    }
    c->recv += k, p += k, n -= k;
    st.bytes_verified += k;
  }
  if (c->wait_echo && c->recv == c->size && c->sent == c->size) do_end(c);
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  c->ends++;
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  if (!c->errors++) c->err_code = ev->u.error->code;
  if (cfg.verbose)
    fprintf(stderr, "churn: conn %llu: %s\n", (unsigned long long)c->idx,
            ev->u.error->message);
}

static void on_timeout(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (late(c)) return;
  c->timed_out = true;
  nnet_socket_destroy(c->s, UV_ETIMEDOUT);
}

/* What the connection should have done, given the plan and the payload. */
static void judge(cconn_t *c) {
  const fx_plan_t *pl = &c->plan;
  if (c->corrupt) {
    fail(c, "corrupted bytes", &st.fail_corrupt);
    return;
  }
  if (c->errors > 1 || c->write_cbs != c->writes ||
      c->end_cbs != c->end_calls) {
    fail(c, "callback/error count", &st.fail_cb);
    return;
  }
  if (c->self_reset) return; /* anything but corruption is fine */
  /* Without --announce (straight to a server) no fault is planned: the
   * connection must end cleanly with every byte back (the zero plan). */
  if (!c->have_plan && cfg.announce) {
    /* The proxy reset us (or the server refused) before the plan came. */
    if (!c->errors) fail(c, "no plan, no error", &st.fail_no_err);
    st.aborted_err++;
    return;
  }
  bool reset = pl->kind == FX_RESET && pl->at < c->size;
  bool half = pl->kind == FX_HALFCLOSE && pl->at < c->size;
  bool stop = pl->kind == FX_STOP && pl->at < c->size;
  if (reset) {
    if (c->recv > pl->at) fail(c, "bytes past the reset", &st.fail_extra);
    if (c->errors)
      st.aborted_err++;
    else if (c->recv == c->size || !c->ends)
      fail(c, "reset seen as a full echo", &st.fail_no_err);
    else {
      /* A short, clean end: Unix sockets have no RST; on TCP, libuv turns
       * an RST that arrives with unread data into EOF (Node does too). */
      st.aborted_eof++;
      if (!c->is_unix) st.aborted_eof_tcp++;
    }
    return;
  }
  if (stop) {
    if (c->recv > pl->at) fail(c, "bytes past the stop", &st.fail_extra);
    if (!c->timed_out || c->err_code != UV_ETIMEDOUT)
      fail(c, "stop without timeout", &st.fail_unexpected_err);
    else
      st.stopped++;
    return;
  }
  uint64_t want = half ? pl->at : c->size;
  if (c->timed_out)
    fail(c, "idle timeout", &st.fail_timeout);
  else if (c->errors)
    fail(c, "unexpected error", &st.fail_unexpected_err);
  else if (c->recv != want || c->ends != 1)
    fail(c, "lost bytes or no end", &st.fail_lost);
  else if (c->write_cb_err)
    fail(c, "write callback error", &st.fail_cb);
  else if (half)
    st.halfclosed_ok++;
  else
    st.clean++;
}

static void on_pace_closed(uv_handle_t *h) {}

static void on_close(const nnet_event_t *ev, void *ctx) {
  cconn_t *c = ctx;
  if (c->closes++) {
    fail(c, "second close", &st.fail_double_close);
    return;
  }
  c->done = true;
  uv_close((uv_handle_t *)&c->pace, on_pace_closed);
  st.closed++;
  active--;
  judge(c);
  start_one();
}

static void start_one(void) {
  while (active < cfg.concurrency) {
    if (cfg.duration > 0) {
      if (fx_ms(uv_hrtime() - t_start) >= cfg.duration * 1000) return;
    } else if (st.started >= cfg.count) {
      return;
    }
    cconn_t *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->idx = st.started++;
    c->seed = fx_mix(cfg.seed ^ fx_mix(c->idx + 1));
    c->rng.s = c->seed;
    c->size = fx_logu(&c->rng, 1, cfg.max_payload + 1) - 1;
    if (fx_chance(&c->rng, 0.05)) c->size = cfg.max_payload; /* some maxed */
    c->is_unix = cfg.path && (!cfg.port || fx_chance(&c->rng, cfg.p_unix));
    c->wait_echo = fx_chance(&c->rng, cfg.p_wait);
    if (c->size && fx_chance(&c->rng, cfg.p_client_reset)) {
      c->self_reset = true;
      c->reset_at = fx_below(&c->rng, c->size);
    }
    c->t0 = uv_hrtime();
    c->next_all = all;
    all = c;
    uv_timer_init(loop, &c->pace);
    c->pace.data = c;
    nnet_connect_opts_t co;
    nnet_connect_opts_init(&co);
    if (c->is_unix)
      co.path = cfg.path;
    else
      co.port = cfg.port, co.host = cfg.host;
    co.timeout = cfg.timeout_ms;
    nnet_socket_t *s;
    nnet_socket_opts_t so;
    nnet_socket_opts_init(&so);
    so.loop = loop;
    if (nnet_socket_new(&so, &s) < 0) abort();
    c->s = s;
    nnet_socket_on(s, NNET_EV_DATA, on_data, c);
    nnet_socket_on(s, NNET_EV_DRAIN, on_drain, c);
    nnet_socket_on(s, NNET_EV_END, on_end, c);
    nnet_socket_on(s, NNET_EV_ERROR, on_error, c);
    nnet_socket_on(s, NNET_EV_CLOSE, on_close, c);
    nnet_socket_set_timeout(s, cfg.timeout_ms, on_timeout, c);
    active++;
    if (nnet_socket_connect(s, &co, on_connect, c) < 0) {
      fprintf(stderr, "churn: connect() refused synchronously\n");
      exit(1);
    }
  }
}

static void print_stats(FILE *f) {
  double secs = fx_ms(uv_hrtime() - t_start) / 1000;
  fprintf(
      f,
      "churn: stats conns=%llu closed=%llu clean=%llu halfclosed_ok=%llu "
      "aborted_err=%llu aborted_eof=%llu aborted_eof_tcp=%llu stopped=%llu "
      "self_resets=%llu "
      "planned_reset=%llu planned_halfclose=%llu planned_stop=%llu "
      "bytes_sent=%llu bytes_verified=%llu writes=%llu write_cbs=%llu "
      "fail=%llu fail_lost=%llu fail_corrupt=%llu fail_unexpected_err=%llu "
      "fail_no_err=%llu fail_double_close=%llu fail_cb=%llu "
      "fail_late=%llu fail_extra=%llu fail_timeout=%llu secs=%.1f\n",
      (unsigned long long)st.started, (unsigned long long)st.closed,
      (unsigned long long)st.clean, (unsigned long long)st.halfclosed_ok,
      (unsigned long long)st.aborted_err, (unsigned long long)st.aborted_eof,
      (unsigned long long)st.aborted_eof_tcp, (unsigned long long)st.stopped,
      (unsigned long long)st.self_resets,
      (unsigned long long)st.planned[FX_RESET],
      (unsigned long long)st.planned[FX_HALFCLOSE],
      (unsigned long long)st.planned[FX_STOP],
      (unsigned long long)st.bytes_sent, (unsigned long long)st.bytes_verified,
      (unsigned long long)st.writes, (unsigned long long)st.write_cbs,
      (unsigned long long)st.fail, (unsigned long long)st.fail_lost,
      (unsigned long long)st.fail_corrupt,
      (unsigned long long)st.fail_unexpected_err,
      (unsigned long long)st.fail_no_err,
      (unsigned long long)st.fail_double_close, (unsigned long long)st.fail_cb,
      (unsigned long long)st.fail_late, (unsigned long long)st.fail_extra,
      (unsigned long long)st.fail_timeout, secs);
  fflush(f);
}

static void on_progress(uv_timer_t *t) {
  fprintf(stderr, "churn: progress started=%llu closed=%llu active=%u\n",
          (unsigned long long)st.started, (unsigned long long)st.closed,
          active);
}

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: churn [options] (--port N | --unix PATH | both)\n"
      "\n"
      "Echo load client that verifies every byte and every event count.\n"
      "  --port N            TCP target on --host (127.0.0.1; loopback only)\n"
      "  --unix PATH         Unix target; with --port, --p-unix picks (0.5)\n"
      "  --count N           connections to make (1000)\n"
      "  --duration S        instead: keep going for S seconds\n"
      "  --concurrency N     at a time (100)\n"
      "  --max-payload B     payload size log-uniform in [0,B], 5%% at B\n"
      "                      (2097152)\n"
      "  --max-chunk B       write sizes log-uniform in [1,B] (65536)\n"
      "  --pace-ms MS        wait 0..MS between writes (0)\n"
      "  --p-wait-echo P     end() only after the whole echo; else end()\n"
      "                      right after the last write, half-closed (0.3)\n"
      "  --p-client-reset P  reset ourselves mid-upload (0.01)\n"
      "  --timeout MS        idle timeout: destroy with ETIMEDOUT (3000)\n"
      "  --announce          expect faultproxy's plan record first\n"
      "  --seed N            workload seed (default $NNET_REL_SEED or random;\n"
      "                      printed). Connection i's payload, size and mode\n"
      "                      are f(seed, i)\n"
      "  -v                  log every error\n");
}

int main(int argc, char **argv) {
  cfg.host = "127.0.0.1";
  cfg.count = 1000;
  cfg.concurrency = 100;
  cfg.max_payload = 2097152;
  cfg.max_chunk = 65536;
  cfg.p_unix = 0.5;
  cfg.p_wait = 0.3;
  cfg.p_client_reset = 0.01;
  cfg.timeout_ms = 3000;
  cfg.seed = fx_default_seed();
  cfg.port = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    double x = 0;
    bool num = fx_num(v, 0, 1e15, &x);
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      usage(stdout);
      return 0;
    } else if (!strcmp(a, "-v")) {
      cfg.verbose = true;
    } else if (!strcmp(a, "--announce")) {
      cfg.announce = true;
    } else if (!strcmp(a, "--unix") && v) {
      cfg.path = v, i++;
    } else if (!strcmp(a, "--host") && v) {
      cfg.host = v, i++;
    } else if (!strcmp(a, "--seed") && v) {
      cfg.seed = strtoull(v, NULL, 0), i++;
    } else if (!strcmp(a, "--port") && num && x >= 1 && x <= 65535) {
      cfg.port = (int)x, i++;
    } else if (!strcmp(a, "--count") && num) {
      cfg.count = (uint64_t)x, i++;
    } else if (!strcmp(a, "--duration") && num) {
      cfg.duration = x, i++;
    } else if (!strcmp(a, "--concurrency") && num && x >= 1) {
      cfg.concurrency = (unsigned)x, i++;
    } else if (!strcmp(a, "--max-payload") && num) {
      cfg.max_payload = (uint64_t)x, i++;
    } else if (!strcmp(a, "--max-chunk") && num && x >= 1 && x <= 1 << 24) {
      cfg.max_chunk = (uint64_t)x, i++;
    } else if (!strcmp(a, "--pace-ms") && num) {
      cfg.pace_ms = (unsigned)x, i++;
    } else if (!strcmp(a, "--p-wait-echo") && num && x <= 1) {
      cfg.p_wait = x, i++;
    } else if (!strcmp(a, "--p-client-reset") && num && x <= 1) {
      cfg.p_client_reset = x, i++;
    } else if (!strcmp(a, "--p-unix") && num && x <= 1) {
      cfg.p_unix = x, i++;
    } else if (!strcmp(a, "--timeout") && num && x >= 1) {
      cfg.timeout_ms = (unsigned)x, i++;
    } else {
      fprintf(stderr, "churn: bad option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }
  if (!cfg.port && !cfg.path) {
    usage(stderr);
    return 2;
  }
  if (!fx_loopback(cfg.host)) {
    fprintf(stderr, "churn: %s is not a loopback address\n", cfg.host);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  printf("churn: seed=%llu\n", (unsigned long long)cfg.seed);
  scratch = malloc(cfg.max_chunk);
  cmpbuf = malloc(1u << 20);
  loop = uv_default_loop();
  t_start = uv_hrtime();
  uv_timer_t progress;
  uv_timer_init(loop, &progress);
  uv_timer_start(&progress, on_progress, 10000, 10000);
  uv_unref((uv_handle_t *)&progress);
  start_one();
  uv_run(loop, UV_RUN_DEFAULT);
  /* Every connection closed exactly once; recheck the callback counts now
   * that nothing more can run. */
  for (cconn_t *c = all; c; c = c->next_all) {
    if (!c->closes) fail(c, "never closed", &st.fail_double_close);
    if (c->late_events) fail(c, "event after close", &st.fail_late);
  }
  print_stats(stdout);
  return st.fail ? 1 : 0;
}
