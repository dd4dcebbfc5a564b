/* Differential test of the decoder and encoders against live Node: random
 * byte streams split at random points go through Node's StringDecoder and
 * through ours; random strings go through Buffer.from(string, encoding)
 * and nnet__encode. Set NNET_TEST_SEED to replay a run. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream/decoder.h"
#include "testutil.h"

/* The Node side. A string that would end in a high surrogate carries it to
 * the next output, as nnet__decoder_t does (UTF-8 cannot hold it). */
static const char oracle_js[] =
    "const fs = require('fs');\n"
    "const { StringDecoder } = require('string_decoder');\n"
    "const lines = fs.readFileSync(process.argv[2], 'latin1').split('\\n')\n"
    "  .filter(Boolean);\n"
    "const hex = (s) => Buffer.from(s, 'utf8').toString('hex') || '-';\n"
    "const out = lines.map((line) => {\n"
    "  const [kind, enc, h, splits] = line.split(' ');\n"
    "  const buf = Buffer.from(h === '-' ? '' : h, 'hex');\n"
    "  if (kind === 'E') {\n"
    "    const b = Buffer.from(buf.toString('utf8'), enc).toString('hex');\n"
    "    return b || '-';\n"
    "  }\n"
    "  const d = new StringDecoder(enc);\n"
    "  let pend = '';\n"
    "  const parts = [];\n"
    "  const emit = (s) => {\n"
    "    s = pend + s; pend = '';\n"
    "    if (s.length && (s.charCodeAt(s.length - 1) & 0xFC00) === 0xD800) {\n"
    "      pend = s.slice(-1); s = s.slice(0, -1);\n"
    "    }\n"
    "    parts.push(hex(s));\n"
    "  };\n"
    "  let off = 0;\n"
    "  for (const n of splits === '-' ? [] : splits.split(',').map(Number)) {\n"
    "    emit(d.write(buf.subarray(off, off + n))); off += n;\n"
    "  }\n"
    "  parts.push(hex(pend + d.end()));\n"
    "  return parts.join(',');\n"
    "});\n"
    "fs.writeFileSync(process.argv[3], out.join('\\n') + '\\n');\n";

static uint64_t rng;
static uint32_t rnd(uint32_t n) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)((rng >> 11) % n);
}

static size_t put_cp_utf8(uint8_t *p, uint32_t cp) {
  if (cp < 0x80) {
    p[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    p[0] = (uint8_t)(0xC0 | cp >> 6);
    p[1] = (uint8_t)(0x80 | (cp & 63));
    return 2;
  }
  if (cp < 0x10000) {
    p[0] = (uint8_t)(0xE0 | cp >> 12);
    p[1] = (uint8_t)(0x80 | ((cp >> 6) & 63));
    p[2] = (uint8_t)(0x80 | (cp & 63));
    return 3;
  }
  p[0] = (uint8_t)(0xF0 | cp >> 18);
  p[1] = (uint8_t)(0x80 | ((cp >> 12) & 63));
  p[2] = (uint8_t)(0x80 | ((cp >> 6) & 63));
  p[3] = (uint8_t)(0x80 | (cp & 63));
  return 4;
}

static uint32_t random_cp(void) {
  switch (rnd(6)) {
    case 0:
      return 0x20 + rnd(0x5F);
    case 1:
      return 0x80 + rnd(0x780);
    case 2:
      return 0x800 + rnd(0xF800); /* includes surrogates */
    case 3:
      return 0x10000 + rnd(0x100000);
    case 4:
      return 0xFFFD + rnd(4);
    default:
      return 0xD7F0 + rnd(0x820); /* around the surrogates */
  }
}

/* Bytes with the shapes that matter to decoders: valid and truncated UTF-8,
 * stray continuation and lead bytes, UTF-16 surrogate units. */
static size_t random_bytes(uint8_t *buf, size_t max) {
  size_t n = 0, want = rnd((uint32_t)max - 8);
  while (n < want) {
    uint8_t tmp[4];
    size_t k;
    switch (rnd(6)) {
      case 0:
        buf[n++] = (uint8_t)rnd(256);
        break;
      case 1:
        buf[n++] = (uint8_t)(0x20 + rnd(0x5F));
        break;
      case 2:
        k = put_cp_utf8(tmp, random_cp());
        k -= rnd(4) == 0 ? rnd((uint32_t)k) : 0; /* sometimes truncated */
        memcpy(buf + n, tmp, k);
        n += k;
        break;
      case 3:
        buf[n++] = (uint8_t)(0x80 + rnd(0x40));
        break;
      case 4:
        buf[n++] = (uint8_t)(0xC0 + rnd(0x40));
        break;
      default: {
        uint16_t u = (uint16_t)(0xD800 + rnd(0x800));
        buf[n++] = (uint8_t)u;
        buf[n++] = (uint8_t)(u >> 8);
      }
    }
  }
  return n;
}

/* Text for the encoders: base64/hex alphabets, padding, whitespace, chars
 * whose low byte is ASCII (StringBytes truncates units), astral chars, and
 * now and then invalid UTF-8. */
static size_t random_text(uint8_t *buf, size_t max) {
  static const char alpha[] = "0123456789abcdefABCDEFxyzXYZ+/-_= \n\t.";
  size_t n = 0, want = rnd((uint32_t)max - 8);
  while (n < want) {
    switch (rnd(5)) {
      case 0:
      case 1:
        buf[n++] = (uint8_t)alpha[rnd(sizeof alpha - 1)];
        break;
      case 2:
        n += put_cp_utf8(buf + n, 0x100 + (uint8_t)alpha[rnd(20)]);
        break;
      case 3: {
        uint32_t cp = random_cp();
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0x10400;
        n += put_cp_utf8(buf + n, cp);
        break;
      }
      default:
        buf[n++] = (uint8_t)(rnd(8) ? 0x41 + rnd(26) : 0x80 + rnd(128));
    }
  }
  return n;
}

static void put_hex(FILE *f, const uint8_t *p, size_t n) {
  if (n == 0) fputc('-', f);
  for (size_t i = 0; i < n; i++) fprintf(f, "%02x", p[i]);
}

static void buf_hex(char **s, size_t *len, size_t *cap, const nnet__buf_t *b) {
  size_t need = *len + b->len * 2 + 3;
  if (need > *cap) {
    *cap = need * 2;
    *s = realloc(*s, *cap);
  }
  if (b->len == 0) (*s)[(*len)++] = '-';
  for (size_t i = 0; i < b->len; i++)
    *len += (size_t)sprintf(*s + *len, "%02x", (uint8_t)b->base[i]);
  (*s)[*len] = 0;
}

static const char *const enc_names[NNET_ENC_COUNT_] = {
#define XX(id, name) name,
    NNET_ENCODING_MAP(XX)
#undef XX
};

#define NCASES 250
#define MAXLEN 72

typedef struct {
  int kind; /* 'D' decode, 'E' encode */
  nnet_encoding_t enc;
  uint8_t data[MAXLEN];
  size_t len;
  size_t splits[MAXLEN];
  size_t nsplits;
} case_t;

static case_t cases[NNET_ENC_COUNT_ * NCASES * 2];
static size_t ncases;

static void make_cases(void) {
  ncases = 0;
  for (int enc = NNET_ENC_UTF8; enc < NNET_ENC_COUNT_; enc++) {
    for (int i = 0; i < NCASES * 2; i++) {
      case_t *c = &cases[ncases++];
      c->kind = i < NCASES ? 'D' : 'E';
      c->enc = (nnet_encoding_t)enc;
      c->len = c->kind == 'D' ? random_bytes(c->data, MAXLEN)
                              : random_text(c->data, MAXLEN);
      c->nsplits = 0;
      for (size_t left = c->len; c->kind == 'D';) {
        size_t n = rnd(4) == 0 ? 0 : rnd((uint32_t)(left < 9 ? left + 1 : 9));
        if (n > left) n = left;
        c->splits[c->nsplits++] = n;
        left -= n;
        if (left == 0 || c->nsplits == MAXLEN - 1) {
          c->splits[c->nsplits - 1] += left;
          break;
        }
      }
    }
  }
}

static char *run_c(const case_t *c) {
  char *s = NULL;
  size_t len = 0, cap = 0;
  nnet__buf_t out = {0};
  if (c->kind == 'E') {
    ck_assert_int_eq(nnet__encode(c->enc, (const char *)c->data, c->len, &out),
                     0);
    buf_hex(&s, &len, &cap, &out);
    nnet__buf_free(&out);
    return s;
  }
  nnet__decoder_t d;
  nnet__decoder_init(&d, c->enc);
  size_t off = 0;
  for (size_t i = 0; i < c->nsplits; i++) {
    out.len = 0;
    ck_assert_int_eq(nnet__decoder_write(&d, c->data + off, c->splits[i], &out),
                     0);
    off += c->splits[i];
    buf_hex(&s, &len, &cap, &out);
    s[len++] = ',';
  }
  out.len = 0;
  ck_assert_int_eq(nnet__decoder_end(&d, &out), 0);
  buf_hex(&s, &len, &cap, &out);
  nnet__buf_free(&out);
  return s;
}

START_TEST(matches_node) {
  const char *seed_env = getenv("NNET_TEST_SEED");
  uint64_t seed = seed_env ? strtoull(seed_env, NULL, 0) : 0x9E3779B97F4A7C15u;
  rng = seed ? seed : 1;
  make_cases();
  const char *dir = nnet_test_tmpdir();
  ck_assert_ptr_nonnull(dir);
  char js[512], in[512], outp[512], cmd[2048];
  snprintf(js, sizeof js, "%s/oracle.js", dir);
  snprintf(in, sizeof in, "%s/cases.txt", dir);
  snprintf(outp, sizeof outp, "%s/node.txt", dir);
  FILE *f = fopen(js, "w");
  ck_assert_ptr_nonnull(f);
  fputs(oracle_js, f);
  fclose(f);
  f = fopen(in, "w");
  ck_assert_ptr_nonnull(f);
  for (size_t i = 0; i < ncases; i++) {
    const case_t *c = &cases[i];
    fprintf(f, "%c %s ", c->kind, enc_names[c->enc]);
    put_hex(f, c->data, c->len);
    fputc(' ', f);
    if (c->nsplits == 0) fputc('-', f);
    for (size_t k = 0; k < c->nsplits; k++)
      fprintf(f, k ? ",%zu" : "%zu", c->splits[k]);
    fputc('\n', f);
  }
  fclose(f);
  const char *node = getenv("NNET_TEST_NODE");
  snprintf(cmd, sizeof cmd, "%s '%s' '%s' '%s'", node ? node : "node", js, in,
           outp);
  ck_assert_msg(system(cmd) == 0, "node failed: %s", cmd);
  f = fopen(outp, "r");
  ck_assert_ptr_nonnull(f);
  char *line = NULL;
  size_t cap = 0;
  int failures = 0;
  for (size_t i = 0; i < ncases; i++) {
    ssize_t n = getline(&line, &cap, f);
    ck_assert_int_gt(n, 0);
    if (line[n - 1] == '\n') line[n - 1] = 0;
    char *mine = run_c(&cases[i]);
    if (strcmp(mine, line) != 0 && failures++ < 5)
      fprintf(stderr,
              "case %zu (seed %#" PRIx64 ") %c %s\n  node %s\n  ours %s\n", i,
              seed, cases[i].kind, enc_names[cases[i].enc], line, mine);
    free(mine);
  }
  free(line);
  fclose(f);
  remove(js);
  remove(in);
  remove(outp);
  rmdir(dir);
  ck_assert_int_eq(failures, 0);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("stream_decoder_node");
  TCase *tc = tcase_create("node");
  tcase_set_timeout(tc, 60);
  tcase_add_test(tc, matches_node);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
