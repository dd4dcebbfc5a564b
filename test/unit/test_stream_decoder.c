/* Decoder and encoder cases worth naming; expected outputs printed by
 * Node v20 (StringDecoder / Buffer.from). The broad check against live Node
 * is test_stream_decoder_node.c. */
#include <stdlib.h>
#include <string.h>

#include "stream/decoder.h"
#include "testutil.h"

/* Decodes chunks (split by '|' in a "\x.." string is awkward, so chunks are
 * given as an array) and returns all outputs joined with '|'. */
static char result[512];

static void decode(nnet_encoding_t enc, const char *const *chunks, size_t n) {
  nnet__decoder_t d;
  nnet__buf_t out = {0};
  nnet__decoder_init(&d, enc);
  result[0] = 0;
  for (size_t i = 0; i < n; i++) {
    out.len = 0;
    ck_assert_int_eq(
        nnet__decoder_write(&d, chunks[i], strlen(chunks[i]), &out), 0);
    strncat(result, out.base ? out.base : "", out.len);
    strcat(result, "|");
  }
  out.len = 0;
  ck_assert_int_eq(nnet__decoder_end(&d, &out), 0);
  strncat(result, out.base ? out.base : "", out.len);
  nnet__buf_free(&out);
}

#define DECODE(enc, ...)                       \
  do {                                         \
    const char *const c_[] = {__VA_ARGS__};    \
    decode(enc, c_, sizeof c_ / sizeof c_[0]); \
  } while (0)

START_TEST(utf8_split_sequences) {
  /* "€" = E2 82 AC split in every way: held back, nothing lost. */
  DECODE(NNET_ENC_UTF8, "a\xE2", "\x82",
         "\xAC"
         "b");
  ck_assert_str_eq(result,
                   "a||\xE2\x82\xAC"
                   "b|");
  /* Incomplete at end() → one U+FFFD (Node: decoder.end() === '\ufffd'). */
  DECODE(NNET_ENC_UTF8, "\xF0\x9F\x98");
  ck_assert_str_eq(result, "|\xEF\xBF\xBD");
  /* A non-continuation byte ends the held character: "\ufffdA". */
  DECODE(NNET_ENC_UTF8, "\xE2\x82", "A");
  ck_assert_str_eq(result,
                   "|\xEF\xBF\xBD"
                   "A|");
  /* Invalid bytes: one U+FFFD per maximal subpart (E0 80 → two). */
  DECODE(NNET_ENC_UTF8,
         "\xE0\x80"
         "A\xFF");
  ck_assert_str_eq(result,
                   "\xEF\xBF\xBD\xEF\xBF\xBD"
                   "A\xEF\xBF\xBD|");
}
END_TEST

static void decode_n(nnet_encoding_t enc, const char *bytes, const size_t *lens,
                     size_t n) {
  nnet__decoder_t d;
  nnet__buf_t out = {0};
  nnet__decoder_init(&d, enc);
  result[0] = 0;
  for (size_t i = 0; i < n; i++) {
    out.len = 0;
    ck_assert_int_eq(nnet__decoder_write(&d, bytes, lens[i], &out), 0);
    bytes += lens[i];
    strncat(result, out.base ? out.base : "", out.len);
    strcat(result, "|");
  }
  out.len = 0;
  ck_assert_int_eq(nnet__decoder_end(&d, &out), 0);
  strncat(result, out.base ? out.base : "", out.len);
  nnet__buf_free(&out);
}

START_TEST(utf16le_pairs_and_odd_bytes) {
  /* "A\u{1F600}" = 41 00 3D D8 00 DE, split inside a unit and the pair. */
  const size_t lens[] = {1, 3, 1, 1};
  decode_n(NNET_ENC_UTF16LE, "\x41\x00\x3D\xD8\x00\xDE", lens, 4);
  ck_assert_str_eq(result, "|A||\xF0\x9F\x98\x80|");
  /* A lone high surrogate at end(), and an odd byte dropped by end(). */
  const size_t lens2[] = {3};
  decode_n(NNET_ENC_UTF16LE, "\x3D\xD8\x41", lens2, 1);
  ck_assert_str_eq(result, "|\xEF\xBF\xBD");
  /* Two high surrogates then a low one in three chunks: Node's strings are
   * "", "\uD83D\uD83D", "\uDE00"; the carried surrogate pairs up. */
  const size_t lens3[] = {2, 2, 2};
  decode_n(NNET_ENC_UTF16LE, "\x3D\xD8\x3D\xD8\x00\xDE", lens3, 3);
  ck_assert_str_eq(result, "|\xEF\xBF\xBD|\xF0\x9F\x98\x80|");
}
END_TEST

START_TEST(latin1_ascii_hex_base64) {
  DECODE(NNET_ENC_LATIN1,
         "\xE9"
         "A");
  ck_assert_str_eq(result,
                   "\xC3\xA9"
                   "A|");
  DECODE(NNET_ENC_ASCII,
         "\xE9"
         "A"); /* Node: 'iA' (top bit stripped) */
  ck_assert_str_eq(result, "iA|");
  DECODE(NNET_ENC_HEX, "\x01\xAB");
  ck_assert_str_eq(result, "01ab|");
  DECODE(NNET_ENC_BASE64, "\x01", "\x02\x03\x04");
  ck_assert_str_eq(result, "|AQID|BA==");
  DECODE(NNET_ENC_BASE64URL, "\xFB\xFF", "\xFE");
  ck_assert_str_eq(result, "|-__-|");
  DECODE(NNET_ENC_BASE64URL, "\x01");
  ck_assert_str_eq(result, "|AQ");
}
END_TEST

static char enc_out[256];
static size_t enc_len;

static void encode(nnet_encoding_t enc, const char *s) {
  nnet__buf_t out = {0};
  ck_assert_int_eq(nnet__encode(enc, s, strlen(s), &out), 0);
  enc_len = out.len;
  memcpy(enc_out, out.base, out.len);
  nnet__buf_free(&out);
}

#define ENCODES(enc, in, expect)                           \
  do {                                                     \
    encode(enc, in);                                       \
    ck_assert_uint_eq(enc_len, sizeof(expect) - 1);        \
    ck_assert_mem_eq(enc_out, expect, sizeof(expect) - 1); \
  } while (0)

START_TEST(encoders) {
  ENCODES(NNET_ENC_UTF8, "h\xC3\xA9", "h\xC3\xA9");
  ENCODES(NNET_ENC_UTF8, "\xFF", "\xEF\xBF\xBD");
  ENCODES(NNET_ENC_UTF16LE, "A\xF0\x9F\x98\x80", "A\0\x3D\xD8\x00\xDE");
  /* 'é😀A' as latin1/ascii: e9 3d 00 41 (low byte of each unit) */
  ENCODES(NNET_ENC_LATIN1,
          "\xC3\xA9\xF0\x9F\x98\x80"
          "A",
          "\xE9\x3D\x00\x41");
  ENCODES(NNET_ENC_ASCII,
          "\xC3\xA9\xF0\x9F\x98\x80"
          "A",
          "\xE9\x3D\x00\x41");
  ENCODES(NNET_ENC_HEX, "41g42", "\x41");
  ENCODES(NNET_ENC_HEX, "414", "\x41");
  ENCODES(NNET_ENC_HEX,
          "\xC5\x81"
          "1",
          "\xA1"); /* U+0141: low byte 'A' */
  ENCODES(NNET_ENC_BASE64, "QU JD=RA", "ABC");
  ENCODES(NNET_ENC_BASE64, "QUJD-_", "ABC\xFB");
  ENCODES(NNET_ENC_BASE64URL, "QUJD+/", "ABC\xFB");
  ENCODES(NNET_ENC_BASE64, "QQ=QQ", "A");
  ENCODES(NNET_ENC_BASE64, "Q", "");
  ENCODES(NNET_ENC_BASE64, "QUJD====", "ABC");
}
END_TEST

START_TEST(names) {
  ck_assert_int_eq(nnet_encoding_from_name("utf8"), NNET_ENC_UTF8);
  ck_assert_int_eq(nnet_encoding_from_name("UTF-8"), NNET_ENC_UTF8);
  ck_assert_int_eq(nnet_encoding_from_name("Ucs-2"), NNET_ENC_UTF16LE);
  ck_assert_int_eq(nnet_encoding_from_name("utf-16le"), NNET_ENC_UTF16LE);
  ck_assert_int_eq(nnet_encoding_from_name("BINARY"), NNET_ENC_LATIN1);
  ck_assert_int_eq(nnet_encoding_from_name("latin1"), NNET_ENC_LATIN1);
  ck_assert_int_eq(nnet_encoding_from_name("ascii"), NNET_ENC_ASCII);
  ck_assert_int_eq(nnet_encoding_from_name("Base64"), NNET_ENC_BASE64);
  ck_assert_int_eq(nnet_encoding_from_name("base64url"), NNET_ENC_BASE64URL);
  ck_assert_int_eq(nnet_encoding_from_name("hex"), NNET_ENC_HEX);
  /* Buffer.isEncoding() is false for these */
  ck_assert_int_eq(nnet_encoding_from_name("buffer"),
                   NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_encoding_from_name("utf16"), NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_encoding_from_name("u8"), NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_encoding_from_name(""), NNET_ERR_UNKNOWN_ENCODING);
  ck_assert_int_eq(nnet_encoding_from_name(NULL), NNET_ERR_UNKNOWN_ENCODING);
}
END_TEST

static long fail_after = -1;
static void *fail_malloc(size_t n) {
  return fail_after-- == 0 ? NULL : malloc(n);
}
static void *fail_realloc(void *p, size_t n) {
  return fail_after-- == 0 ? NULL : realloc(p, n);
}
static void *fail_calloc(size_t c, size_t n) {
  return fail_after-- == 0 ? NULL : calloc(c, n);
}

/* Out of memory leaves the decoder untouched: retrying gives the same text
 * as if nothing had failed. */
START_TEST(oom_is_atomic) {
  nnet_set_allocator(fail_malloc, fail_realloc, fail_calloc, free);
  nnet__decoder_t d;
  nnet__buf_t out = {0};
  nnet__decoder_init(&d, NNET_ENC_UTF8);
  fail_after = -1;
  ck_assert_int_eq(nnet__decoder_write(&d, "a\xE2", 2, &out), 0);
  nnet__buf_free(&out);
  fail_after = 0;
  ck_assert_int_eq(nnet__decoder_write(&d, "\x82\xAC", 2, &out), UV_ENOMEM);
  fail_after = 0;
  ck_assert_int_eq(nnet__encode(NNET_ENC_HEX, "41", 2, &out), UV_ENOMEM);
  fail_after = -1;
  ck_assert_int_eq(nnet__decoder_write(&d, "\x82\xAC", 2, &out), 0);
  ck_assert_uint_eq(out.len, 3);
  ck_assert_mem_eq(out.base, "\xE2\x82\xAC", 3);
  out.len = 0;
  fail_after = 0; /* out has room: the unit array is what fails */
  ck_assert_int_eq(nnet__encode(NNET_ENC_HEX, "41", 2, &out), UV_ENOMEM);
  ck_assert_uint_eq(out.len, 0);
  nnet__buf_free(&out);
  nnet_set_allocator(malloc, realloc, calloc, free);
}
END_TEST

static Suite *suite(void) {
  Suite *s = suite_create("stream_decoder");
  TCase *tc = tcase_create("decoder");
  tcase_add_test(tc, utf8_split_sequences);
  tcase_add_test(tc, utf16le_pairs_and_odd_bytes);
  tcase_add_test(tc, latin1_ascii_hex_base64);
  tcase_add_test(tc, encoders);
  tcase_add_test(tc, names);
  tcase_add_test(tc, oom_is_atomic);
  suite_add_tcase(s, tc);
  return s;
}

int main(void) {
  return nnet_test_run_suite(suite());
}
