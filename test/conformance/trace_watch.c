/* JS watch(): the standard listeners of a conformance scenario. Kept apart
 * from trace.c so the address-layer twins do not link socket code. */
#include <stdlib.h>
#include <string.h>

#include "trace.h"

typedef struct watch_s {
  struct watch_s *next;
  char *who;
  tr_watch_opts_t o;
  char *rx; /* bytes, or decoded text (UTF-8) with an encoding */
  size_t rx_len;
  size_t rx_bytes; /* Buffer.concat(...).length */
  bool reported;
} watch_t;

static watch_t *watches;

void tr_watch_opts_init(tr_watch_opts_t *o) {
  memset(o, 0, sizeof(*o));
  o->enc = -1;
}

static size_t b64_len(const char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n; i++) k += s[i] != '=';
  return k * 3 / 4;
}

/* Buffer.from(chunk, enc).length for a decoded string chunk. */
static size_t enc_len(int enc, const char *s, size_t n) {
  switch (enc) {
    case NNET_ENC_UTF16LE:
      return 2 * tr_utf16_len(s, n);
    case NNET_ENC_LATIN1:
    case NNET_ENC_ASCII:
      return tr_utf16_len(s, n);
    case NNET_ENC_HEX:
      return n / 2;
    case NNET_ENC_BASE64:
    case NNET_ENC_BASE64URL:
      return b64_len(s, n);
    default:
      return n;
  }
}

static void report(watch_t *w) {
  if (w->reported || w->o.no_total) return;
  w->reported = true;
  const char *text = w->o.enc >= 0 ? tr_qn(w->rx ? w->rx : "", w->rx_len)
                                   : tr_latin1(w->rx, w->rx_len);
  tr_log(w->who, "rx-total %zu %s", w->rx_bytes, text);
}

static void on_simple(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  tr_log(w->who, "%s", nnet_event_name(ev->type));
}

static void on_lookup(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  tr_log(w->who, "lookup %s %s %d %s",
         ev->u.lookup.err ? tr_err(ev->u.lookup.err) : "err=null",
         tr_q(ev->u.lookup.address), ev->u.lookup.family,
         tr_q(ev->u.lookup.host));
}

static void on_data(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  const char *p = ev->u.data.base;
  size_t n = ev->u.data.len;
  w->rx = realloc(w->rx, w->rx_len + n + 1);
  if (w->rx == NULL) abort();
  if (n) memcpy(w->rx + w->rx_len, p, n);
  w->rx_len += n;
  w->rx_bytes += ev->u.data.is_string ? enc_len(w->o.enc, p, n) : n;
  if (!w->o.each_data) return;
  if (ev->u.data.is_string)
    tr_log(w->who, "data string %zu %s", tr_utf16_len(p, n), tr_qn(p, n));
  else
    tr_log(w->who, "data buffer %zu %s", n, tr_hex(p, n));
}

static void on_end(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  report(w);
  tr_log(w->who, "end");
}

static void on_error(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  tr_log(w->who, "error %s", tr_err(ev->u.error));
}

static void on_close(const nnet_event_t *ev, void *ctx) {
  watch_t *w = ctx;
  report(w);
  tr_log(w->who, "close hadError=%s", tr_had_error(ev));
}

static void free_watches(void) {
  while (watches) {
    watch_t *w = watches;
    watches = w->next;
    free(w->who);
    free(w->rx);
    free(w);
  }
}

void tr_watch(nnet_socket_t *s, const char *who, const tr_watch_opts_t *o) {
  watch_t *w = calloc(1, sizeof(*w));
  if (w == NULL) abort();
  tr__free_watches = free_watches;
  w->who = strdup(who);
  if (o)
    w->o = *o;
  else
    tr_watch_opts_init(&w->o);
  w->next = watches;
  watches = w;
  static const nnet_event_type_t simple[] = {NNET_EV_CONNECT, NNET_EV_READY,
                                             NNET_EV_FINISH, NNET_EV_DRAIN,
                                             NNET_EV_TIMEOUT};
  for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++)
    if (!(w->o.skip & (1u << simple[i])))
      nnet_socket_on(s, simple[i], on_simple, w);
  nnet_socket_on(s, NNET_EV_LOOKUP, on_lookup, w);
  nnet_socket_on(s, NNET_EV_DATA, on_data, w);
  nnet_socket_on(s, NNET_EV_END, on_end, w);
  nnet_socket_on(s, NNET_EV_ERROR, on_error, w);
  nnet_socket_on(s, NNET_EV_CLOSE, on_close, w);
}

/* ---- socket properties as Node prints them ------------------------------- */

const char *tr_remote_address(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_remote_address(s, &sa) < 0) return "undefined";
  return tr_fmt("%s", sa.address);
}

const char *tr_remote_port(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_remote_address(s, &sa) < 0) return "undefined";
  return tr_fmt("%u", (unsigned)sa.port);
}

const char *tr_remote_family(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_remote_address(s, &sa) < 0) return "undefined";
  return tr_family((int)sa.family);
}

const char *tr_local_address(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_address(s, &sa) < 0) return "undefined";
  return tr_fmt("%s", sa.address);
}

const char *tr_local_port(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_address(s, &sa) < 0) return "undefined";
  return tr_fmt("%u", (unsigned)sa.port);
}

const char *tr_local_family(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_address(s, &sa) < 0) return "undefined";
  return tr_family((int)sa.family);
}

int tr_server_port(const nnet_server_t *srv) {
  nnet_socketaddress_t sa;
  if (nnet_server_address(srv, &sa) < 0) return -1;
  return sa.port;
}

const char *tr_server_address(const nnet_server_t *srv) {
  nnet_socketaddress_t sa;
  char path[256];
  if (nnet_server_address(srv, &sa) == 0) return tr_addr_json(&sa);
  if (nnet_server_address_path(srv, path, sizeof(path)) >= 0)
    return tr_q(path); /* returns the length */
  return "null";
}

int tr_listen(nnet_server_t *srv, int port, const char *host,
              nnet_listener_fn cb, void *ctx) {
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.port = port;
  o.host = host;
  int rc = nnet_server_listen(srv, &o, cb, ctx);
  if (rc < 0) tr_log("main", "LISTEN-FAILED %s", nnet_err_name(rc));
  return rc;
}

int tr_listen_path(nnet_server_t *srv, const char *path, nnet_listener_fn cb,
                   void *ctx) {
  nnet_listen_opts_t o;
  nnet_listen_opts_init(&o);
  o.path = path;
  int rc = nnet_server_listen(srv, &o, cb, ctx);
  if (rc < 0) tr_log("main", "LISTEN-FAILED %s", nnet_err_name(rc));
  return rc;
}

nnet_server_t *tr_create_server(const nnet_server_opts_t *o,
                                nnet_listener_fn conn, void *ctx) {
  nnet_server_t *srv = NULL;
  int rc = nnet_create_server(o, conn, ctx, &srv);
  if (rc < 0) {
    tr_log("main", "CREATE-SERVER-FAILED %s", nnet_err_name(rc));
    tr_exit(97);
  }
  return srv;
}

nnet_socket_t *tr_connect(int port, const char *host) {
  nnet_socket_t *s = NULL;
  int rc = nnet_create_connection_tcp(NULL, port, host, &s);
  if (rc < 0) {
    tr_log("main", "CONNECT-FAILED %s", nnet_err_name(rc));
    tr_exit(97);
  }
  return s;
}

/* ---- boolean and size properties, printed as Node prints them ---- */
const char *tr_writable(const nnet_socket_t *s) {
  return tr_bool(nnet_socket_is_writable(s));
}
const char *tr_readable(const nnet_socket_t *s) {
  return tr_bool(nnet_socket_is_readable(s));
}
const char *tr_writable_ended(const nnet_socket_t *s) {
  return tr_bool(nnet_socket_writable_ended(s));
}
const char *tr_allow_half_open(const nnet_socket_t *s) {
  return tr_bool(nnet_socket_allow_half_open(s));
}
const char *tr_readable_length(const nnet_socket_t *s) {
  return tr_fmt("%zu", nnet_socket_readable_length(s));
}

const char *tr_socket_address(const nnet_socket_t *s) {
  nnet_socketaddress_t sa;
  if (nnet_socket_address(s, &sa) < 0) return "{}";
  return tr_addr_json(&sa);
}
