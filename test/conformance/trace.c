/* The C side of the conformance trace format. See trace.h. */
#include "trace.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- small growable strings -------------------------------------------- */

typedef struct {
  char *p;
  size_t len, cap;
} sbuf_t;

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) {
    fputs("conformance trace: out of memory\n", stderr);
    _exit(98);
  }
  return p;
}

static void sb_grow(sbuf_t *b, size_t extra) {
  if (b->len + extra + 1 <= b->cap) return;
  b->cap = (b->len + extra + 1) * 2;
  b->p = xrealloc(b->p, b->cap);
}

static void sb_add(sbuf_t *b, const char *s, size_t n) {
  sb_grow(b, n);
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_adds(sbuf_t *b, const char *s) {
  sb_add(b, s, strlen(s));
}

static void sb_vprintf(sbuf_t *b, const char *fmt, va_list ap) {
  va_list ap2;
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0) return;
  sb_grow(b, (size_t)n);
  vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
  b->len += (size_t)n;
}

static void sb_printf(sbuf_t *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(b, fmt, ap);
  va_end(ap);
}

static char *sb_take(sbuf_t *b) {
  if (b->p == NULL) {
    sb_grow(b, 0);
    b->p[0] = '\0';
  }
  return b->p;
}

/* ---- the result ring ------------------------------------------------------
 */

#define RING 64
static char *ring[RING];
static unsigned ring_pos;

static const char *ring_put(char *s) {
  unsigned i = ring_pos++ % RING;
  free(ring[i]);
  ring[i] = s;
  return s;
}

const char *tr_fmt(const char *fmt, ...) {
  sbuf_t b = {0};
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  return ring_put(sb_take(&b));
}

/* ---- actors and lines -----------------------------------------------------
 */

typedef struct {
  char *name;
  char **lines;
  size_t n, cap;
} actor_t;

static actor_t *actors;
static size_t n_actors;
static char **subs; /* value, name, value, name, ... */
static size_t n_subs;
static bool finished;

static actor_t *actor_get(const char *name) {
  for (size_t i = 0; i < n_actors; i++)
    if (strcmp(actors[i].name, name) == 0) return &actors[i];
  actors = xrealloc(actors, (n_actors + 1) * sizeof(*actors));
  actor_t *a = &actors[n_actors++];
  memset(a, 0, sizeof(*a));
  a->name = strdup(name);
  return a;
}

void tr_log(const char *actor, const char *fmt, ...) {
  if (finished) return;
  sbuf_t b = {0};
  sb_adds(&b, actor);
  sb_adds(&b, " ");
  va_list ap;
  va_start(ap, fmt);
  sb_vprintf(&b, fmt, ap);
  va_end(ap);
  actor_t *a = actor_get(actor);
  if (a->n == a->cap) {
    a->cap = a->cap ? a->cap * 2 : 16;
    a->lines = xrealloc(a->lines, a->cap * sizeof(char *));
  }
  a->lines[a->n++] = sb_take(&b);
}

void tr_label(const char *value, const char *name) {
  subs = xrealloc(subs, (n_subs + 2) * sizeof(char *));
  subs[n_subs++] = strdup(value);
  subs[n_subs++] = strdup(name);
}

void tr_label_port(int port) {
  char v[16];
  snprintf(v, sizeof(v), "%d", port);
  tr_label(v, "PORT");
}

static bool all_digits(const char *s) {
  if (*s == '\0') return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return false;
  return true;
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/* One substitution: split(v).join(n), or for numbers the JS regex
 * (?<![0-9])v(?![0-9]). */
static char *scrub_one(char *line, const char *v, const char *n) {
  size_t vl = strlen(v);
  bool num = all_digits(v);
  sbuf_t b = {0};
  const char *p = line;
  while (*p) {
    const char *hit = strstr(p, v);
    if (hit == NULL) break;
    bool whole =
        !num || ((hit == line || !is_digit(hit[-1])) && !is_digit(hit[vl]));
    if (!whole) {
      sb_add(&b, p, (size_t)(hit - p) + 1);
      p = hit + 1;
      continue;
    }
    sb_add(&b, p, (size_t)(hit - p));
    sb_adds(&b, n);
    p = hit + vl;
  }
  sb_adds(&b, p);
  free(line);
  return sb_take(&b);
}

static void print_actor(actor_t *a, sbuf_t *out) {
  for (size_t i = 0; i < a->n; i++) {
    char *l = strdup(a->lines[i]);
    for (size_t k = 0; k < n_subs; k += 2)
      l = scrub_one(l, subs[k], subs[k + 1]);
    sb_adds(out, l);
    sb_adds(out, "\n");
    free(l);
  }
}

static void remove_tmpdirs(void);

void (*tr__free_watches)(void);

int tr_finish(int code) {
  if (finished) return code;
  static const char *order[] = {"main", "server", "sconn", "client"};
  sbuf_t out = {0};
  for (size_t k = 0; k < 4; k++)
    for (size_t i = 0; i < n_actors; i++)
      if (strcmp(actors[i].name, order[k]) == 0) print_actor(&actors[i], &out);
  for (size_t i = 0; i < n_actors; i++) {
    bool known = false;
    for (size_t k = 0; k < 4; k++)
      known |= strcmp(actors[i].name, order[k]) == 0;
    if (!known) print_actor(&actors[i], &out);
  }
  sb_printf(&out, "exit code=%d\n", code);
  fflush(stdout);
  size_t off = 0;
  while (off < out.len) {
    ssize_t w = write(1, out.p + off, out.len - off);
    if (w <= 0) break;
    off += (size_t)w;
  }
  free(out.p);
  finished = true;
  remove_tmpdirs();
  return code;
}

void tr_exit(int code) {
  tr_finish(code);
  _exit(code);
}

/* ---- quoting ----------------------------------------------------------------
 */

/* Decodes one UTF-8 sequence; an invalid byte decodes as U+FFFD. */
static uint32_t utf8_next(const unsigned char *s, size_t len, size_t *i) {
  unsigned char c = s[*i];
  if (c < 0x80) {
    (*i)++;
    return c;
  }
  size_t n = (c & 0xe0) == 0xc0   ? 1
             : (c & 0xf0) == 0xe0 ? 2
             : (c & 0xf8) == 0xf0 ? 3
                                  : 0;
  if (n == 0 || *i + n >= len) {
    (*i)++;
    return 0xfffd;
  }
  uint32_t cp = c & (0x3f >> n);
  for (size_t k = 1; k <= n; k++) {
    if ((s[*i + k] & 0xc0) != 0x80) {
      (*i)++;
      return 0xfffd;
    }
    cp = (cp << 6) | (s[*i + k] & 0x3f);
  }
  *i += n + 1;
  return cp;
}

static void quote_unit(sbuf_t *b, uint32_t u) {
  switch (u) {
    case '"':
      sb_adds(b, "\\\"");
      return;
    case '\\':
      sb_adds(b, "\\\\");
      return;
    case '\b':
      sb_adds(b, "\\b");
      return;
    case '\f':
      sb_adds(b, "\\f");
      return;
    case '\n':
      sb_adds(b, "\\n");
      return;
    case '\r':
      sb_adds(b, "\\r");
      return;
    case '\t':
      sb_adds(b, "\\t");
      return;
  }
  if (u < 0x20 || u >= 0x7f) {
    sb_printf(b, "\\u%04x", (unsigned)u);
  } else {
    char c = (char)u;
    sb_add(b, &c, 1);
  }
}

static void quote_cp(sbuf_t *b, uint32_t cp) {
  if (cp > 0xffff) {
    cp -= 0x10000;
    quote_unit(b, 0xd800 + (cp >> 10));
    quote_unit(b, 0xdc00 + (cp & 0x3ff));
  } else {
    quote_unit(b, cp);
  }
}

const char *tr_qn(const char *utf8, size_t len) {
  if (utf8 == NULL) return "undefined";
  sbuf_t b = {0};
  sb_adds(&b, "\"");
  size_t i = 0;
  while (i < len) quote_cp(&b, utf8_next((const unsigned char *)utf8, len, &i));
  sb_adds(&b, "\"");
  return ring_put(sb_take(&b));
}

const char *tr_q(const char *utf8) {
  return utf8 ? tr_qn(utf8, strlen(utf8)) : "undefined";
}

size_t tr_utf16_len(const char *utf8, size_t len) {
  size_t i = 0, n = 0;
  while (i < len)
    n += utf8_next((const unsigned char *)utf8, len, &i) > 0xffff ? 2 : 1;
  return n;
}

const char *tr_hex(const void *bytes, size_t len) {
  sbuf_t b = {0};
  sb_adds(&b, "<hex:");
  for (size_t i = 0; i < len; i++)
    sb_printf(&b, "%02x", ((const unsigned char *)bytes)[i]);
  sb_adds(&b, ">");
  return ring_put(sb_take(&b));
}

const char *tr_latin1(const void *bytes, size_t len) {
  sbuf_t b = {0};
  sb_adds(&b, "\"");
  for (size_t i = 0; i < len; i++)
    quote_unit(&b, ((const unsigned char *)bytes)[i]);
  sb_adds(&b, "\"");
  return ring_put(sb_take(&b));
}

const char *tr_bool(bool v) {
  return v ? "true" : "false";
}

const char *tr_had_error(const nnet_event_t *ev) {
  if (!ev->u.close.has_had_error) return "undefined";
  return tr_bool(ev->u.close.had_error);
}

const char *tr_family(int family) {
  return family == 4 ? "IPv4" : family == 6 ? "IPv6" : "undefined";
}

const char *tr_addr_json(const nnet_socketaddress_t *sa) {
  return tr_fmt("{\"address\":%s,\"family\":\"%s\",\"port\":%d}",
                tr_q(sa->address), tr_family((int)sa->family), sa->port);
}

/* ---- errors -----------------------------------------------------------------
 */

const char *tr_err(const nnet_error_t *e) {
  if (e == NULL) return "non-error undefined";
  sbuf_t b = {0};
  sb_printf(&b, "name=%s code=%s", e->name ? e->name : "Error",
            e->code_name ? e->code_name : "undefined");
  if (e->syscall) sb_printf(&b, " syscall=%s", e->syscall);
  if (e->address) sb_printf(&b, " address=%s", e->address);
  if (e->has_port) sb_printf(&b, " port=%d", e->port);
  sb_printf(&b, " message=%s", tr_q(e->message ? e->message : ""));
  return ring_put(sb_take(&b));
}

static const char *sync_err_v(int rc, va_list ap) {
  const char *msg = NULL;
  for (;;) {
    const char *code = va_arg(ap, const char *);
    if (code == NULL) break;
    const char *m = va_arg(ap, const char *);
    if (msg == NULL && strcmp(code, nnet_err_name(rc)) == 0) msg = m;
  }
  if (msg == NULL) msg = nnet_strerror(rc);
  return tr_fmt("name=%s code=%s message=%s", nnet_err_class(rc),
                nnet_err_name(rc), tr_q(msg));
}

const char *tr_sync_err(int rc, ...) {
  va_list ap;
  va_start(ap, rc);
  const char *s = sync_err_v(rc, ap);
  va_end(ap);
  return s;
}

void tr_ok(const char *actor, const char *what, const char *result) {
  tr_log(actor, "%s ok %s", what, result ? result : "");
}

void tr_throws(const char *actor, const char *what, int rc, ...) {
  va_list ap;
  va_start(ap, rc);
  const char *s = sync_err_v(rc, ap);
  va_end(ap);
  tr_log(actor, "%s throws %s", what, s);
}

/* ---- tmpPath() --------------------------------------------------------------
 */

static char *tmpdirs[8];
static size_t n_tmpdirs;
static char *tmppaths[8];

const char *tr_tmp_path(const char *name) {
  const char *base = getenv("TMPDIR");
  if (base == NULL || *base == '\0') base = "/tmp";
  sbuf_t d = {0};
  sb_printf(&d, "%s/nconf-XXXXXX", base);
  if (n_tmpdirs == 8 || mkdtemp(d.p) == NULL) {
    perror("conformance trace: mkdtemp");
    _exit(98);
  }
  tr_label(d.p, "$TMP");
  sbuf_t p = {0};
  sb_printf(&p, "%s/%s", d.p, name);
  tmppaths[n_tmpdirs] = sb_take(&p);
  tmpdirs[n_tmpdirs++] = sb_take(&d);
  return tmppaths[n_tmpdirs - 1];
}

static void remove_tmpdirs(void) {
  for (size_t i = 0; i < n_tmpdirs; i++) {
    unlink(tmppaths[i]);
    rmdir(tmpdirs[i]);
  }
}

/* ---- setup, watchdog, teardown ----------------------------------------------
 */

static uv_timer_t watchdog;

static void on_watchdog(uv_timer_t *t) {
  tr_log("main", "WATCHDOG-TIMEOUT");
  tr_exit(99);
}

/* Node: an 'error' nobody listens to is an uncaught exception: the 'exit'
 * handler still prints the trace, with code 1. */
static void on_uncaught(void *target, const nnet_error_t *err, void *ctx) {
  fprintf(stderr, "conformance: uncaught 'error': %s\n", tr_err(err));
  tr_exit(1);
}

uv_loop_t *tr_loop(void) {
  return uv_default_loop();
}

void tr_init(void) {
  setvbuf(stdout, NULL, _IOFBF, 0);
  nnet_set_uncaught_error_handler(on_uncaught, NULL);
  uv_timer_init(tr_loop(), &watchdog);
  uv_timer_start(&watchdog, on_watchdog, 4000, 0);
  uv_unref((uv_handle_t *)&watchdog);
}

static void close_walk(uv_handle_t *h, void *arg) {
  if (h == (uv_handle_t *)&watchdog) return;
  if (!uv_is_closing(h)) {
    fprintf(stderr, "conformance: handle type %s still open at exit\n",
            uv_handle_type_name(h->type));
    *(int *)arg = 1;
    uv_close(h, NULL);
  }
}

static void free_all(void) {
  for (size_t i = 0; i < n_actors; i++) {
    for (size_t k = 0; k < actors[i].n; k++) free(actors[i].lines[k]);
    free(actors[i].lines);
    free(actors[i].name);
  }
  free(actors);
  for (size_t i = 0; i < n_subs; i++) free(subs[i]);
  free(subs);
  if (tr__free_watches) tr__free_watches();
  for (size_t i = 0; i < RING; i++) free(ring[i]), ring[i] = NULL;
  for (size_t i = 0; i < n_tmpdirs; i++) free(tmpdirs[i]), free(tmppaths[i]);
}

int tr_teardown(void) {
  int leaked = 0;
  uv_loop_t *loop = tr_loop();
  uv_close((uv_handle_t *)&watchdog, NULL);
  uv_walk(loop, close_walk, &leaked);
  uv_run(loop, UV_RUN_DEFAULT);
  if (uv_loop_close(loop) != 0) {
    fputs("conformance: uv_loop_close failed\n", stderr);
    leaked = 1;
  }
  free_all();
  return leaked;
}
