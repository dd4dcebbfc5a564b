/* Node's StringDecoder and string encoders, with UTF-8 as the text form.
 *
 * The decoder follows src/string_decoder.cc step by step: which bytes are
 * held back at a chunk boundary, and how they are finished by the next
 * chunk, decide what each 'data' string contains, so the rules are kept
 * exactly rather than replaced by a "cleaner" streaming decoder. Every
 * complete piece is then converted as V8/StringBytes would (UTF-8 with
 * WHATWG replacement, UTF-16 units, base64 text, ...) into a sink that
 * produces UTF-8. */
#include "stream/decoder.h"

#include <string.h>
#include <strings.h>

/* ---- growable buffer ---------------------------------------------------- */

int nnet__buf_reserve(nnet__buf_t *b, size_t extra) {
  if (b->cap - b->len >= extra) return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap - b->len < extra) {
    if (cap > SIZE_MAX / 2) return UV_ENOMEM;
    cap *= 2;
  }
  char *base = nnet__realloc(b->base, cap);
  if (base == NULL) return UV_ENOMEM;
  b->base = base;
  b->cap = cap;
  return 0;
}

void nnet__buf_free(nnet__buf_t *b) {
  nnet__free(b->base);
  b->base = NULL;
  b->len = b->cap = 0;
}

/* ---- UTF-8 sink (space reserved by the caller) ----------------------------*/

#define REPLACEMENT 0xFFFDu

static void put_utf8(nnet__buf_t *o, uint32_t cp) {
  unsigned char *p = (unsigned char *)o->base + o->len;
  if (cp < 0x80) {
    p[0] = (unsigned char)cp;
    o->len += 1;
  } else if (cp < 0x800) {
    p[0] = (unsigned char)(0xC0 | (cp >> 6));
    p[1] = (unsigned char)(0x80 | (cp & 0x3F));
    o->len += 2;
  } else if (cp < 0x10000) {
    p[0] = (unsigned char)(0xE0 | (cp >> 12));
    p[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    p[2] = (unsigned char)(0x80 | (cp & 0x3F));
    o->len += 3;
  } else {
    p[0] = (unsigned char)(0xF0 | (cp >> 18));
    p[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    p[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    p[3] = (unsigned char)(0x80 | (cp & 0x3F));
    o->len += 4;
  }
}

/* A code point that is not a surrogate; a carried high surrogate before it
 * was lone. */
static void put_cp(nnet__decoder_t *d, nnet__buf_t *o, uint32_t cp) {
  if (d->high != 0) {
    put_utf8(o, REPLACEMENT);
    d->high = 0;
  }
  put_utf8(o, cp);
}

/* One UTF-16 code unit, pairing surrogates across calls. */
static void put_unit(nnet__decoder_t *d, nnet__buf_t *o, uint16_t u) {
  if (u >= 0xD800 && u <= 0xDBFF) {
    if (d->high != 0) put_utf8(o, REPLACEMENT);
    d->high = u;
  } else if (u >= 0xDC00 && u <= 0xDFFF) {
    if (d->high != 0) {
      put_utf8(o,
               0x10000 + (((uint32_t)d->high - 0xD800) << 10) + (u - 0xDC00));
      d->high = 0;
    } else {
      put_utf8(o, REPLACEMENT);
    }
  } else {
    put_cp(d, o, u);
  }
}

/* ---- UTF-8 decoding as V8 does it (WHATWG: one U+FFFD per maximal
 * subpart of an ill-formed sequence) ---------------------------------------*/

typedef struct {
  uint32_t cp;
  uint8_t need, seen, lower, upper;
} utf8_state_t;

static void utf8_reset(utf8_state_t *s) {
  s->cp = 0;
  s->need = s->seen = 0;
  s->lower = 0x80;
  s->upper = 0xBF;
}

/* Feeds one byte; returns a code point, REPLACEMENT, or -1 (need more).
 * *again is set when the byte must be fed again (it ended a bad sequence
 * and starts the next). */
static int32_t utf8_step(utf8_state_t *s, uint8_t b, int *again) {
  *again = 0;
  if (s->need == 0) {
    if (b < 0x80) return b;
    if (b >= 0xC2 && b <= 0xDF) {
      s->need = 1;
      s->cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      if (b == 0xE0) s->lower = 0xA0;
      if (b == 0xED) s->upper = 0x9F;
      s->need = 2;
      s->cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      if (b == 0xF0) s->lower = 0x90;
      if (b == 0xF4) s->upper = 0x8F;
      s->need = 3;
      s->cp = b & 0x07;
    } else {
      return REPLACEMENT;
    }
    return -1;
  }
  if (b < s->lower || b > s->upper) {
    utf8_reset(s);
    *again = 1;
    return REPLACEMENT;
  }
  s->lower = 0x80;
  s->upper = 0xBF;
  s->cp = (s->cp << 6) | (b & 0x3F);
  if (++s->seen < s->need) return -1;
  int32_t cp = (int32_t)s->cp;
  utf8_reset(s);
  return cp;
}

/* Calls emit for each code point of a complete piece of UTF-8. */
#define UTF8_FOR_EACH(in, len, cpvar, body)               \
  do {                                                    \
    utf8_state_t st_;                                     \
    utf8_reset(&st_);                                     \
    for (size_t i_ = 0; i_ < (len); i_++) {               \
      int again_;                                         \
      int32_t cpvar = utf8_step(&st_, (in)[i_], &again_); \
      if (again_) i_--;                                   \
      if (cpvar >= 0) body;                               \
    }                                                     \
    if (st_.need != 0) {                                  \
      int32_t cpvar = REPLACEMENT;                        \
      body;                                               \
    }                                                     \
  } while (0)

/* V8's String::NewFromUtf8 for one complete piece, re-emitted as UTF-8:
 * runs of ASCII are copied in bulk (the common case for sockets), the rest
 * goes through the replacement-aware state machine. UTF-8 input never
 * yields surrogates, so no carried surrogate is involved. */
static void utf8_piece(nnet__buf_t *o, const uint8_t *in, size_t len) {
  utf8_state_t st;
  utf8_reset(&st);
  for (size_t i = 0; i < len; i++) {
    if (st.need == 0 && in[i] < 0x80) {
      size_t j = i;
      while (j < len && in[j] < 0x80) j++;
      memcpy(o->base + o->len, in + i, j - i);
      o->len += j - i;
      i = j - 1;
      continue;
    }
    int again;
    int32_t cp = utf8_step(&st, in[i], &again);
    if (again) i--;
    if (cp >= 0) put_utf8(o, (uint32_t)cp);
  }
  if (st.need != 0) put_utf8(o, REPLACEMENT);
}

/* ---- StringBytes::Encode: a complete piece of bytes to text -------------*/

static const char b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void make_base64(nnet__buf_t *o, const uint8_t *in, size_t len,
                        int url) {
  const char *tab = url ? b64_url : b64_std;
  char *p = o->base + o->len;
  size_t i = 0;
  for (; i + 3 <= len; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
    *p++ = tab[v >> 18];
    *p++ = tab[(v >> 12) & 63];
    *p++ = tab[(v >> 6) & 63];
    *p++ = tab[v & 63];
  }
  if (i < len) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < len) v |= (uint32_t)in[i + 1] << 8;
    *p++ = tab[v >> 18];
    *p++ = tab[(v >> 12) & 63];
    if (i + 1 < len) *p++ = tab[(v >> 6) & 63];
    if (!url) { /* base64url has no padding in Node */
      if (i + 1 >= len) *p++ = '=';
      *p++ = '=';
    }
  }
  o->len = (size_t)(p - o->base);
}

static void make_string(nnet__decoder_t *d, nnet__buf_t *o, const uint8_t *in,
                        size_t len) {
  static const char hex[] = "0123456789abcdef";
  switch (d->enc) {
    case NNET_ENC_UTF8:
      utf8_piece(o, in, len);
      break;
    case NNET_ENC_UTF16LE:
      for (size_t i = 0; i + 1 < len; i += 2)
        put_unit(d, o, (uint16_t)(in[i] | in[i + 1] << 8));
      break;
    case NNET_ENC_LATIN1:
      for (size_t i = 0; i < len; i++) put_cp(d, o, in[i]);
      break;
    case NNET_ENC_ASCII: /* Node's ascii decoding strips the top bit */
      for (size_t i = 0; i < len; i++) put_cp(d, o, in[i] & 0x7F);
      break;
    case NNET_ENC_HEX:
      for (size_t i = 0; i < len; i++) {
        o->base[o->len++] = hex[in[i] >> 4];
        o->base[o->len++] = hex[in[i] & 15];
      }
      break;
    case NNET_ENC_BASE64:
    case NNET_ENC_BASE64URL:
      make_base64(o, in, len, d->enc == NNET_ENC_BASE64URL);
      break;
    default: /* NNET_ENC_BUFFER: bytes pass through */
      memcpy(o->base + o->len, in, len);
      o->len += len;
      break;
  }
}

/* ---- the decoder ---------------------------------------------------------*/

void nnet__decoder_init(nnet__decoder_t *d, nnet_encoding_t enc) {
  memset(d, 0, sizeof(*d));
  d->enc = enc;
}

static int holds_back(nnet_encoding_t enc) {
  return enc == NNET_ENC_UTF8 || enc == NNET_ENC_UTF16LE ||
         enc == NNET_ENC_BASE64 || enc == NNET_ENC_BASE64URL;
}

/* Upper bound of the output for len input bytes plus held state: at most 3
 * UTF-8 bytes per input byte (a U+FFFD), plus the held bytes and a carried
 * surrogate, plus base64 padding. */
static size_t out_bound(size_t len) {
  if (len > (SIZE_MAX - 64) / 3) return SIZE_MAX;
  return len * 3 + 64;
}

/* Node: the first part of DecodeData, finishing the held character with
 * bytes from the new chunk. Returns the bytes consumed. */
static size_t finish_held(nnet__decoder_t *d, nnet__buf_t *o, const uint8_t *in,
                          size_t len) {
  size_t used = 0;
  if (d->enc == NNET_ENC_UTF8) {
    /* A non-continuation byte ends the held character early; V8 gets the
     * incomplete remainder as is. */
    for (size_t i = 0; i < len && i < d->missing; i++) {
      if ((in[i] & 0xC0) != 0x80) {
        d->missing = 0;
        memcpy(d->held + d->nheld, in, i);
        d->nheld = (uint8_t)(d->nheld + i);
        used = i;
        break;
      }
    }
  }
  size_t found = len - used < d->missing ? len - used : d->missing;
  memcpy(d->held + d->nheld, in + used, found);
  used += found;
  d->missing = (uint8_t)(d->missing - found);
  d->nheld = (uint8_t)(d->nheld + found);
  if (d->missing == 0) {
    make_string(d, o, d->held, d->nheld);
    d->nheld = 0;
  }
  return used;
}

/* Node: how many trailing bytes of a UTF-8 chunk start a character the next
 * chunk must finish (sets d->missing). */
static void utf8_tail(nnet__decoder_t *d, const uint8_t *in, size_t len) {
  if (!(in[len - 1] & 0x80)) return;
  unsigned buffered = 0, need;
  for (size_t i = len - 1;; i--) {
    buffered++;
    uint8_t b = in[i];
    if ((b & 0xC0) == 0x80) {
      if (buffered >= 4 || i == 0) return;
      continue;
    }
    if ((b & 0xE0) == 0xC0)
      need = 2;
    else if ((b & 0xF0) == 0xE0)
      need = 3;
    else if ((b & 0xF8) == 0xF0)
      need = 4;
    else
      return;
    if (buffered >= need) return;
    d->nheld = (uint8_t)buffered;
    d->missing = (uint8_t)(need - buffered);
    return;
  }
}

static void find_tail(nnet__decoder_t *d, const uint8_t *in, size_t len) {
  if (d->enc == NNET_ENC_UTF8) {
    utf8_tail(d, in, len);
  } else if (d->enc == NNET_ENC_UTF16LE) {
    if (len % 2 == 1) {
      d->nheld = d->missing = 1;
    } else if ((in[len - 1] & 0xFC) == 0xD8) {
      d->nheld = d->missing = 2;
    }
  } else {
    d->nheld = (uint8_t)(len % 3);
    if (d->nheld > 0) d->missing = (uint8_t)(3 - d->nheld);
  }
}

int nnet__decoder_write(nnet__decoder_t *d, const void *in_, size_t len,
                        nnet__buf_t *out) {
  const uint8_t *in = in_;
  if (len == 0) return 0;
  if (nnet__buf_reserve(out, out_bound(len)) != 0) return UV_ENOMEM;
  if (!holds_back(d->enc)) {
    make_string(d, out, in, len);
    return 0;
  }
  if (d->missing > 0) {
    size_t used = finish_held(d, out, in, len);
    in += used;
    len -= used;
  }
  if (len == 0) return 0;
  find_tail(d, in, len);
  len -= d->nheld;
  memcpy(d->held, in + len, d->nheld);
  make_string(d, out, in, len);
  return 0;
}

int nnet__decoder_end(nnet__decoder_t *d, nnet__buf_t *out) {
  if (nnet__buf_reserve(out, out_bound(sizeof(d->held))) != 0) return UV_ENOMEM;
  /* UCS-2: a single trailing byte is dropped, like the JS decoder does. */
  if (d->enc == NNET_ENC_UTF16LE && d->nheld % 2 == 1) d->nheld--;
  if (d->nheld > 0) make_string(d, out, d->held, d->nheld);
  if (d->high != 0) put_utf8(out, REPLACEMENT);
  nnet__decoder_init(d, d->enc);
  return 0;
}

/* ---- encoders: JS string → bytes ----------------------------------------*/

/* The UTF-16 units of the JS string that `str` (UTF-8) denotes. */
static uint16_t *to_units(const char *str, size_t len, size_t *n) {
  uint16_t *u = nnet__malloc((len + 1) * sizeof(*u));
  if (u == NULL) return NULL;
  size_t k = 0;
  const uint8_t *in = (const uint8_t *)str;
  UTF8_FOR_EACH(in, len, cp, {
    if (cp >= 0x10000) {
      u[k++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
      u[k++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    } else {
      u[k++] = (uint16_t)cp;
    }
  });
  *n = k;
  return u;
}

static int unhex(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Node's hex_decode: pairs until the first bad one; StringBytes reads each
 * UTF-16 unit through a uint8_t, so only its low byte counts. */
static void encode_hex(nnet__buf_t *o, const uint16_t *u, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2) {
    int a = unhex((uint8_t)u[i]), b = unhex((uint8_t)u[i + 1]);
    if (a < 0 || b < 0) break;
    o->base[o->len++] = (char)(a << 4 | b);
  }
}

static int unbase64(uint8_t c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

/* Node's base64 decoding (either alphabet for either encoding): characters
 * that are not base64 are skipped, '=' stops, a byte is produced by every
 * character after the first of a group of four, and the result is capped
 * at base64ByteLength() = floor(3/4 of the length without up to two
 * trailing '='). Units are read through a uint8_t, as in StringBytes. */
static void encode_base64(nnet__buf_t *o, const uint16_t *u, size_t n) {
  size_t len = n;
  if (len > 0 && u[len - 1] == '=') len--;
  if (len > 1 && u[len - 1] == '=') len--;
  size_t cap = (len * 3) >> 2, k = 0;
  unsigned pos = 0, hi = 0;
  for (size_t i = 0; i < n && k < cap; i++) {
    uint8_t c = (uint8_t)u[i];
    int lo = unbase64(c);
    if (lo < 0) {
      if (c == '=') break;
      continue;
    }
    switch (pos) {
      case 1:
        o->base[o->len + k++] = (char)((hi & 0x3F) << 2 | (lo & 0x30) >> 4);
        break;
      case 2:
        o->base[o->len + k++] = (char)((hi & 0x0F) << 4 | (lo & 0x3C) >> 2);
        break;
      case 3:
        o->base[o->len + k++] = (char)((hi & 0x03) << 6 | (lo & 0x3F));
        break;
    }
    hi = (unsigned)lo;
    pos = (pos + 1) & 3;
  }
  o->len += k;
}

static void encode_units(nnet_encoding_t enc, nnet__buf_t *o, const uint16_t *u,
                         size_t n) {
  nnet__decoder_t d;
  nnet__decoder_init(&d, enc);
  switch (enc) {
    case NNET_ENC_UTF16LE:
      for (size_t i = 0; i < n; i++) {
        o->base[o->len++] = (char)(u[i] & 0xFF);
        o->base[o->len++] = (char)(u[i] >> 8);
      }
      break;
    case NNET_ENC_LATIN1:
    case NNET_ENC_ASCII: /* both write the low byte of each unit */
      for (size_t i = 0; i < n; i++) o->base[o->len++] = (char)(u[i] & 0xFF);
      break;
    case NNET_ENC_HEX:
      encode_hex(o, u, n);
      break;
    case NNET_ENC_BASE64:
    case NNET_ENC_BASE64URL:
      encode_base64(o, u, n);
      break;
    default: /* utf8 (and buffer): the units' own UTF-8 */
      for (size_t i = 0; i < n; i++) put_unit(&d, o, u[i]);
      if (d.high != 0) put_utf8(o, REPLACEMENT);
      break;
  }
}

int nnet__encode(nnet_encoding_t enc, const char *str, size_t len,
                 nnet__buf_t *out) {
  if (len > (SIZE_MAX - 64) / 3) return UV_ENOMEM;
  if (nnet__buf_reserve(out, len * 3 + 4) != 0) return UV_ENOMEM;
  size_t n;
  uint16_t *u = to_units(str, len, &n);
  if (u == NULL) return UV_ENOMEM;
  encode_units(enc, out, u, n);
  nnet__free(u);
  return 0;
}

/* ---- names ---------------------------------------------------------------*/

/* Node's normalizeEncoding: case-insensitive, with its aliases. */
int nnet_encoding_from_name(const char *name) {
  static const struct {
    const char *name;
    nnet_encoding_t enc;
  } names[] = {
      {"utf8", NNET_ENC_UTF8},           {"utf-8", NNET_ENC_UTF8},
      {"ucs2", NNET_ENC_UTF16LE},        {"ucs-2", NNET_ENC_UTF16LE},
      {"utf16le", NNET_ENC_UTF16LE},     {"utf-16le", NNET_ENC_UTF16LE},
      {"latin1", NNET_ENC_LATIN1},       {"binary", NNET_ENC_LATIN1},
      {"ascii", NNET_ENC_ASCII},         {"base64", NNET_ENC_BASE64},
      {"base64url", NNET_ENC_BASE64URL}, {"hex", NNET_ENC_HEX},
  };
  if (name == NULL) return NNET_ERR_UNKNOWN_ENCODING;
  for (size_t i = 0; i < NNET__ARRAY_SIZE(names); i++)
    if (strcasecmp(name, names[i].name) == 0) return names[i].enc;
  return NNET_ERR_UNKNOWN_ENCODING;
}
