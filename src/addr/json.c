/* A JSON array of strings, strictly per RFC 8259, nothing more. */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "internal.h"

typedef struct {
  const char *s, *p;
  char *err;
  size_t err_size;
} cursor_t;

static int fail(cursor_t *c, const char *what) {
  if (c->err && c->err_size)
    snprintf(c->err, c->err_size, "JSON: %s at offset %zu", what,
             (size_t)(c->p - c->s));
  return NNET_ERR_INVALID_ARG_VALUE;
}

static void skip_ws(cursor_t *c) {
  while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')
    c->p++;
}

static int hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char ch = p[i];
    v <<= 4;
    if (ch >= '0' && ch <= '9')
      v |= (unsigned)(ch - '0');
    else if (ch >= 'a' && ch <= 'f')
      v |= (unsigned)(ch - 'a' + 10);
    else if (ch >= 'A' && ch <= 'F')
      v |= (unsigned)(ch - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) return o[0] = (char)cp, 1;
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* An escape after the backslash at c->p; appends its UTF-8 to o. */
static int unescape(cursor_t *c, char *o, size_t *len) {
  static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
  const char *hit = *c->p ? strchr(from, *c->p) : NULL;
  unsigned cp, lo;
  if (hit) {
    o[(*len)++] = to[hit - from];
    c->p++;
    return 0;
  }
  if (*c->p != 'u' || hex4(c->p + 1, &cp) != 0) return fail(c, "bad escape");
  c->p += 5;
  if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
    if (c->p[0] != '\\' || c->p[1] != 'u' || hex4(c->p + 2, &lo) != 0 ||
        lo < 0xDC00 || lo > 0xDFFF)
      return fail(c, "unpaired surrogate");
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    c->p += 6;
  } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
    return fail(c, "unpaired surrogate");
  }
  if (cp == 0) return fail(c, "NUL in a string");
  *len += put_utf8(o + *len, cp);
  return 0;
}

static int parse_string(cursor_t *c, char **out) {
  const char *start = ++c->p; /* after the opening quote */
  size_t len = 0;
  /* The decoded text is never longer than the escaped text. */
  const char *end = start;
  while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
  if (*end != '"') return c->p = end, fail(c, "unterminated string");
  char *o = nnet__malloc((size_t)(end - start) + 1);
  if (o == NULL) return UV_ENOMEM;
  while (*c->p != '"') {
    unsigned char ch = (unsigned char)*c->p;
    int rc = 0;
    if (ch < 0x20)
      rc = fail(c, "control character in a string");
    else if (ch == '\\')
      c->p++, rc = unescape(c, o, &len);
    else
      o[len++] = (char)ch, c->p++;
    if (rc != 0) {
      nnet__free(o);
      return rc;
    }
  }
  c->p++;
  o[len] = '\0';
  *out = o;
  return 0;
}

void nnet__json_free_strings(char **items, size_t n) {
  for (size_t i = 0; i < n; i++) nnet__free(items[i]);
  nnet__free(items);
}

static int push(char ***items, size_t *n, size_t *cap, char *s) {
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 8;
    char **p = nnet__realloc(*items, ncap * sizeof(*p));
    if (p == NULL) return UV_ENOMEM;
    *items = p;
    *cap = ncap;
  }
  (*items)[(*n)++] = s;
  return 0;
}

int nnet__json_parse_strings(const char *json, char ***out, size_t *n,
                             char *err, size_t err_size) {
  cursor_t c = {json, json, err, err_size};
  char **items = NULL;
  size_t cnt = 0, cap = 0;
  int rc = 0;
  skip_ws(&c);
  if (*c.p != '[') return fail(&c, "expected '['");
  c.p++;
  skip_ws(&c);
  if (*c.p == ']')
    c.p++;
  else
    for (;;) {
      char *s = NULL;
      skip_ws(&c);
      if (*c.p != '"') {
        rc = fail(&c, "expected a string");
        break;
      }
      if ((rc = parse_string(&c, &s)) != 0) break;
      if ((rc = push(&items, &cnt, &cap, s)) != 0) {
        nnet__free(s);
        break;
      }
      skip_ws(&c);
      if (*c.p == ',') {
        c.p++;
        continue;
      }
      if (*c.p == ']') {
        c.p++;
        break;
      }
      rc = fail(&c, "expected ',' or ']'");
      break;
    }
  if (rc == 0) {
    skip_ws(&c);
    if (*c.p != '\0') rc = fail(&c, "unexpected text after the array");
  }
  if (rc != 0) {
    nnet__json_free_strings(items, cnt);
    return rc;
  }
  *out = items;
  *n = cnt;
  return 0;
}
