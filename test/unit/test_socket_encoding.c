/* socket.setEncoding(): every encoding over a real connection, with
 * characters split across reads. The server sends one part per client
 * 'data' event, so each part is read on its own; the last part goes with
 * end(). Expected strings are Node v20's StringDecoder outputs for the same
 * chunks (empty outputs emit no 'data', as in Node), shown as UTF-8. */
#include "test_socket_pair.h"

typedef struct {
  nnet_encoding_t enc;
  const char *parts[3]; /* hex */
  const char *expect[4];
} enc_case_t;

static const enc_case_t cases[] = {
    /* "a" + é (c3|a9) + € (e2 82|ac) */
    {NNET_ENC_UTF8,
     {"61c3", "a9e282", "ac"},
     {"a", "\xc3\xa9", "\xe2\x82\xac"}},
    /* an incomplete 4-byte sequence at the end: U+FFFD from end() */
    {NNET_ENC_UTF8, {"41f09f", "98"}, {"A", "\xef\xbf\xbd"}},
    /* odd byte split, then a surrogate pair split between reads */
    {NNET_ENC_UTF16LE,
     {"610062", "003dd8", "00de"},
     {"a", "b", "\xf0\x9f\x98\x80"}},
    {NNET_ENC_LATIN1, {"41e9", "ff20"}, {"A\xc3\xa9", "\xc3\xbf "}},
    {NNET_ENC_ASCII, {"41e9", "ff"}, {"Ai", "\x7f"}},
    /* groups of 3 bytes; the remainder is padded by end() */
    {NNET_ENC_BASE64, {"61626364", "6566", "67"}, {"YWJj", "ZGVm", "Zw=="}},
    {NNET_ENC_BASE64URL, {"fbfffe3f", "ff"}, {"-__-", "P_8"}},
    {NNET_ENC_HEX, {"00ff", "7a"}, {"00ff", "7a"}},
};

typedef struct {
  const enc_case_t *c;
  int sent;   /* parts sent by the server */
  int events; /* client 'data' events */
  int mismatches;
  int not_string;
} enc_run_t;

static size_t unhex(const char *h, char *out) {
  size_t n = 0;
  for (; h[0] && h[1]; h += 2) {
    unsigned v;
    sscanf(h, "%2x", &v);
    out[n++] = (char)v;
  }
  return n;
}

static int nparts(const enc_case_t *c) {
  int n = 0;
  while (n < 3 && c->parts[n]) n++;
  return n;
}

static void send_next(pair_t *p) {
  enc_run_t *r = p->user;
  char buf[16];
  size_t n = unhex(r->c->parts[r->sent], buf);
  bool last = ++r->sent == nparts(r->c);
  if (last)
    ck_assert_int_eq(nnet_socket_end(p->sconn, buf, n, NULL, NULL), 0);
  else
    ck_assert_int_eq(nnet_socket_write(p->sconn, buf, n, NULL, NULL), 1);
}

static void client_data(const nnet_event_t *ev, void *ctx) {
  pair_t *p = ctx;
  enc_run_t *r = p->user;
  const char *want = r->c->expect[r->events++];
  if (!ev->u.data.is_string) r->not_string++;
  if (want == NULL || strlen(want) != ev->u.data.len ||
      memcmp(want, ev->u.data.base, ev->u.data.len) != 0)
    r->mismatches++;
  if (r->sent < nparts(r->c)) send_next(p);
}

static void hook_client(pair_t *p, nnet_socket_t *c) {
  enc_run_t *r = p->user;
  ck_assert_int_eq(nnet_socket_set_encoding(c, r->c->enc), 0);
  nnet_socket_on(c, NNET_EV_DATA, client_data, p);
}

static void hook_sconn(pair_t *p, nnet_socket_t *s) {
  send_next(p);
}

START_TEST(each_encoding_split) {
  const enc_case_t *c = &cases[_i];
  enc_run_t r = {c, 0, 0, 0, 0};
  int want_events = 0;
  while (want_events < 4 && c->expect[want_events]) want_events++;
  pair_t p;
  pair_init(&p);
  p.user = &r;
  p.on_client = hook_client;
  p.on_sconn = hook_sconn;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq(r.sent, nparts(c));
  ck_assert_int_eq(r.events, want_events);
  ck_assert_int_eq(r.mismatches, 0);
  ck_assert_int_eq(r.not_string, 0);
  ck_assert_int_eq(p.ct.counts[NNET_EV_END], 1);
  ck_assert_int_eq(p.ct.counts[NNET_EV_CLOSE], 1);
  ck_assert_int_eq(p.ct.counts[NNET_EV_ERROR], 0);
  /* 'data' from end() comes before 'end' */
  ck_assert_str_eq(p.ct.trace,
                   "connectionAttempt/opening,connect/open,ready/open,data/"
                   "open,end/writeOnly,"
                   "finish/closed,close:false/closed");
  pair_finish(&p);
}
END_TEST

/* NNET_ENC_BUFFER is the C API's way back to bytes (Node has none:
 * setEncoding('buffer') throws there): raw bytes are delivered again. */
static void hook_client_buffer(pair_t *p, nnet_socket_t *c) {
  ck_assert_int_eq(nnet_socket_set_encoding(c, NNET_ENC_HEX), 0);
  ck_assert_int_eq(nnet_socket_set_encoding(c, NNET_ENC_BUFFER), 0);
}

static void sconn_send_bytes(pair_t *p, nnet_socket_t *s) {
  ck_assert_int_eq(nnet_socket_end(s, "\xc3\xa9", 2, NULL, NULL), 0);
}

START_TEST(back_to_buffer) {
  pair_t p;
  pair_init(&p);
  p.on_client = hook_client_buffer;
  p.on_sconn = sconn_send_bytes;
  pair_start(&p);
  pair_run(&p);
  ck_assert_int_eq((int)p.ct.data_len, 2);
  ck_assert(memcmp(p.ct.data, "\xc3\xa9", 2) == 0);
  ck_assert_int_eq(p.ct.string_events, 0);
  ck_assert_int_gt(p.ct.data_events, 0);
  pair_finish(&p);
}
END_TEST

/* Node: setEncoding('bogus') throws ERR_UNKNOWN_ENCODING; here the name
 * lookup and the setter both return it and nothing changes. */
START_TEST(unknown_encoding) {
  uv_loop_t loop;
  ck_assert_int_eq(uv_loop_init(&loop), 0);
  nnet_socket_opts_t o;
  nnet_socket_opts_init(&o);
  o.loop = &loop;
  nnet_socket_t *s;
  ck_assert_int_eq(nnet_socket_new(&o, &s), 0);
  ck_assert_int_eq(nnet_encoding_from_name("bogus"), NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_encoding_from_name("UTF-8"), NNET_ENC_UTF8);
  ck_assert_int_eq(nnet_encoding_from_name("ucs2"), NNET_ENC_UTF16LE);
  ck_assert_int_eq(nnet_encoding_from_name("binary"), NNET_ENC_LATIN1);
  ck_assert_int_eq(nnet_socket_set_encoding(s, (nnet_encoding_t)99),
                   NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_socket_set_encoding(s, NNET_ENC_COUNT_),
                   NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(
      nnet_socket_write_str(s, "x", 1, (nnet_encoding_t)99, NULL, NULL),
      NNET_ERR_UNKNOWN_ENCODING);
  ck_assert(!nnet_socket_is_destroyed(s));
  nnet_socket_destroy(s, 0);
  nnet_test_run(&loop, 5000);
  ck_assert_int_eq(nnet_test_loop_close(&loop), 0);
}
END_TEST

int main(void) {
  nnet_test_install_uncaught_handler();
  Suite *s = suite_create("socket_encoding");
  TCase *tc = tcase_create("encoding");
  tcase_add_loop_test(tc, each_encoding_split, 0,
                      (int)(sizeof(cases) / sizeof(cases[0])));
  tcase_add_test(tc, back_to_buffer);
  tcase_add_test(tc, unknown_encoding);
  suite_add_tcase(s, tc);
  return nnet_test_run_suite(s);
}
