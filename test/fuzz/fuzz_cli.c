/* libFuzzer: the nodenet tool's argument parsers (tools/util.c and the
 * proxy's endpoint parser), which read whatever a user types:
 *  - cli_parse_int: accepts exactly what a reference decimal parser
 *    accepts, with the same value;
 *  - parse_endpoint (PORT, HOST:PORT, [IPv6]:PORT, a path): what parses
 *    prints (endpoint_str) and parses back to the same endpoint;
 *  - cli_blocklist_add_rule / cli_block_option (--block/--allow): a rule
 *    that is accepted blocks the addresses it names, round-trips through
 *    toJSON/fromJSON, and --block and --allow never mix in one list.
 * The tool's sources are compiled in; their error lines go to /dev/null
 * (libFuzzer and the sanitizers keep the real stderr). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>

#include "cmd_proxy.c"

static FILE *report;

#define CHECK(x)                                                            \
  do {                                                                      \
    if (!(x)) {                                                             \
      fprintf(report, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x); \
      abort();                                                              \
    }                                                                       \
  } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  report = stderr;
  FILE *null = fopen("/dev/null", "w");
  if (null) stderr = null; /* cli_error()'s lines only */
  return 0;
}

/* strtol's grammar, written out: spaces, a sign, at least one digit and
 * nothing after; no overflow; within [min, max]. */
static bool ref_parse_int(const char *s, long min, long max, long *out) {
  const char *p = s;
  bool neg = false;
  unsigned long long v = 0, lim;
  while (isspace((unsigned char)*p)) p++;
  if (*p == '+' || *p == '-') neg = *p++ == '-';
  if (!isdigit((unsigned char)*p)) return false;
  lim = neg ? (unsigned long long)LONG_MAX + 1 : (unsigned long long)LONG_MAX;
  for (; isdigit((unsigned char)*p); p++) {
    unsigned long long d = (unsigned long long)(*p - '0');
    if (v > (lim - d) / 10) return false; /* v * 10 + d > lim */
    v = v * 10 + d;
  }
  if (*p) return false;
  long x = neg ? (v == (unsigned long long)LONG_MAX + 1 ? LONG_MIN : -(long)v)
               : (long)v;
  if (x < min || x > max) return false;
  *out = x;
  return true;
}

static void fuzz_int(const char *s, uint8_t sel) {
  static const long bounds[][2] = {
      {0, 65535},    {1, 3600000},         {4, 6},  {0, 1000000000},
      {1, LONG_MAX}, {LONG_MIN, LONG_MAX}, {-5, 5}, {0, 0}};
  const long *b = bounds[sel & 7];
  long got = 12345, want = 54321;
  bool ok = cli_parse_int(s, b[0], b[1], &got);
  CHECK(ok == ref_parse_int(s, b[0], b[1], &want));
  if (ok) CHECK(got == want && got >= b[0] && got <= b[1]);
  CHECK(!cli_parse_int(NULL, b[0], b[1], &got));
}

static void fuzz_endpoint(const char *s) {
  endpoint_t e, back;
  char text[300];
  if (!parse_endpoint(s, &e)) return;
  if (e.path) {
    CHECK(e.path == s && strchr(s, '/'));
    return;
  }
  CHECK(e.port >= 0 && e.port <= 65535 && e.host[0] != '\0');
  CHECK(strlen(e.host) < sizeof e.host);
  endpoint_str(&e, text, sizeof text);
  CHECK(parse_endpoint(text, &back));
  CHECK(back.path == NULL && back.port == e.port);
  CHECK(strcmp(back.host, e.host) == 0);
}

/* The address(es) a rule names must be blocked by the list it built. */
static void named_blocked(const nnet_blocklist_t *bl, const char *rule) {
  char buf[128];
  snprintf(buf, sizeof buf, "%s", rule);
  char *dash = strchr(buf, '-'), *slash = strchr(buf, '/');
  if (dash) {
    *dash = '\0';
    nnet_family_t f = (nnet_family_t)nnet_is_ip(buf);
    CHECK(nnet_blocklist_check(bl, buf, f) == 1);
    CHECK(nnet_blocklist_check(bl, dash + 1, f) == 1);
  } else if (slash) { /* a CIDR: IPv6 iff a ':' ("::%/128" is "::/128",
                       * as in Node, though isIP("::%") is 0) */
    *slash = '\0';
    CHECK(nnet_blocklist_check(bl, buf,
                               strchr(buf, ':') ? NNET_IPV6 : NNET_IPV4) == 1);
  } else {
    CHECK(nnet_blocklist_check(bl, buf, (nnet_family_t)nnet_is_ip(buf)) == 1);
  }
}

static void fuzz_rules(char *s, uint8_t sel) {
  nnet_blocklist_t *bl = NULL;
  char *line = s, *next;
  int rules = 0;
  /* 32 rules at most: each add rebuilds the list's index, so thousands of
   * one-byte lines would only slow the fuzzer down */
  for (; line && rules < 32; line = next) {
    next = strchr(line, '\n');
    if (next) *next++ = '\0';
    const char *opt = (sel >> (rules++ % 8)) & 1 ? "--allow" : "--block";
    size_t before = bl ? nnet_blocklist_size(bl) : 0;
    bool mixed = bl && before > 0 &&
                 nnet_blocklist_is_allow_list(bl) != !strcmp(opt, "--allow");
    int rc = cli_block_option(&bl, opt, line, "fuzz");
    CHECK(bl != NULL);
    if (mixed) CHECK(rc == CLI_USAGE);
    CHECK(nnet_blocklist_size(bl) == before + (rc == CLI_OK));
    if (rc != CLI_OK) continue;
    CHECK(nnet_blocklist_is_allow_list(bl) == !strcmp(opt, "--allow"));
    nnet_blocklist_t *one = nnet_blocklist_new();
    CHECK(one != NULL && cli_blocklist_add_rule(one, line) == 0);
    named_blocked(one, line);
    nnet_blocklist_free(one);
  }
  if (bl) {
    int need = nnet_blocklist_to_json(bl, NULL, 0);
    char *json = malloc((size_t)need + 1), *json2 = malloc((size_t)need + 1);
    nnet_blocklist_t *again = nnet_blocklist_new();
    CHECK(json && json2 && again);
    CHECK(nnet_blocklist_to_json(bl, json, (size_t)need + 1) == need);
    CHECK(nnet_blocklist_from_json(again, json, NULL, 0) == 0);
    CHECK(nnet_blocklist_to_json(again, json2, (size_t)need + 1) == need);
    CHECK(strcmp(json, json2) == 0);
    free(json);
    free(json2);
    nnet_blocklist_free(again);
    nnet_blocklist_free(bl);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1 || size > 4096) return 0;
  char *s = malloc(size);
  if (s == NULL) return 0;
  memcpy(s, data + 1, size - 1);
  s[size - 1] = '\0';
  switch (data[0] % 3) {
    case 0:
      fuzz_int(s, data[0] >> 2);
      break;
    case 1:
      fuzz_endpoint(s);
      break;
    default:
      fuzz_rules(s, data[0]);
      break;
  }
  free(s);
  return 0;
}
