/* libFuzzer target for the encodings: decoding in random pieces must give
 * the same text as decoding at once (Node's StringDecoder holds back exactly
 * the bytes that keep this true), and the byte-preserving encodings must
 * round-trip through nnet__encode.
 * Input: [encoding byte][split seed byte][data...]. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stream/decoder.h"

static void decode_all(nnet_encoding_t enc, const uint8_t *p, size_t len,
                       uint32_t seed, nnet__buf_t *out) {
  nnet__decoder_t d;
  nnet__decoder_init(&d, enc);
  size_t off = 0;
  while (off < len) {
    size_t n = len - off;
    if (seed != 0) {
      seed = seed * 1103515245u + 12345u;
      n = (seed >> 16) % 9;
      if (n > len - off) n = len - off;
    }
    if (nnet__decoder_write(&d, p + off, n, out) != 0) abort();
    off += n;
  }
  if (nnet__decoder_end(&d, out) != 0) abort();
}

static int round_trips(nnet_encoding_t enc) {
  return enc == NNET_ENC_HEX || enc == NNET_ENC_BASE64 ||
         enc == NNET_ENC_BASE64URL || enc == NNET_ENC_LATIN1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  nnet_encoding_t enc =
      (nnet_encoding_t)(NNET_ENC_UTF8 + data[0] % (NNET_ENC_COUNT_ - 1));
  uint32_t seed = data[1] | 1u;
  data += 2;
  size -= 2;
  nnet__buf_t whole = {0}, pieces = {0}, back = {0};
  decode_all(enc, data, size, 0, &whole);
  decode_all(enc, data, size, seed, &pieces);
  if (whole.len != pieces.len ||
      (whole.len && memcmp(whole.base, pieces.base, whole.len) != 0))
    abort();
  if (nnet__encode(enc, whole.base ? whole.base : "", whole.len, &back) != 0)
    abort();
  if (round_trips(enc) &&
      (back.len != size || (size && memcmp(back.base, data, size) != 0)))
    abort();
  /* The raw input as text, through every encoder: must not crash. */
  for (int e = NNET_ENC_UTF8; e < NNET_ENC_COUNT_; e++) {
    back.len = 0;
    if (nnet__encode((nnet_encoding_t)e, (const char *)data, size, &back) != 0)
      abort();
  }
  nnet__buf_free(&whole);
  nnet__buf_free(&pieces);
  nnet__buf_free(&back);
  return 0;
}
