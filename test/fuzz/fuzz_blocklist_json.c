/* libFuzzer: BlockList rule text from outside — fromJSON text, rule strings
 * (add_rules) and CIDR lists (add_cidr/add_cidrs), as a ban list read from a
 * file or a peer gives them. Properties:
 *  - all or none: a failed call leaves the list exactly as it was;
 *  - what parses round-trips: toJSON() of the result, read into an empty
 *    list, prints the same text again, and so do its own rule strings
 *    through add_rules();
 *  - every error message fits its buffer, NUL-terminated. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodenet.h"

/* assert() vanishes under NDEBUG (RelWithDebInfo); a finding must not. */
#define CHECK(x)                                                            \
  do {                                                                      \
    if (!(x)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #x); \
      abort();                                                              \
    }                                                                       \
  } while (0)

/* The list's JSON, malloc'ed. */
static char *json_of(const nnet_blocklist_t *bl) {
  int need = nnet_blocklist_to_json(bl, NULL, 0);
  CHECK(need >= 2);
  char *buf = malloc((size_t)need + 1);
  CHECK(buf != NULL);
  CHECK(nnet_blocklist_to_json(bl, buf, (size_t)need + 1) == need);
  CHECK(strlen(buf) == (size_t)need);
  return buf;
}

/* A list that holds one rule already, so "nothing added" is visible. */
static nnet_blocklist_t *seeded(void) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  CHECK(bl != NULL);
  CHECK(nnet_blocklist_add_address(bl, "192.0.2.1", NNET_IPV4) == 0);
  return bl;
}

/* toJSON() text read back into an empty list gives the same text, and the
 * list's own rule strings (newest first, as toJSON) give it too. */
static void round_trip(const nnet_blocklist_t *bl) {
  char *json = json_of(bl), err[96];
  size_t n = nnet_blocklist_rule_count(bl), bad = (size_t)-1;
  nnet_blocklist_t *again = nnet_blocklist_new(), *rules = nnet_blocklist_new();
  CHECK(again != NULL && rules != NULL);
  CHECK(nnet_blocklist_from_json(again, json, err, sizeof err) == 0);
  char *json2 = json_of(again);
  CHECK(strcmp(json, json2) == 0);
  const char **texts = malloc((n ? n : 1) * sizeof(*texts));
  CHECK(texts != NULL);
  for (size_t i = 0; i < n; i++) CHECK((texts[i] = nnet_blocklist_rule(bl, i)));
  CHECK(nnet_blocklist_rule(bl, n) == NULL);
  CHECK(nnet_blocklist_add_rules(rules, texts, n, &bad) == 0);
  char *json3 = json_of(rules);
  CHECK(strcmp(json, json3) == 0);
  free(texts);
  free(json3);
  free(json2);
  free(json);
  nnet_blocklist_free(rules);
  nnet_blocklist_free(again);
}

/* Split s at '\n' in place; returns the count (at least 1). */
static size_t split_lines(char *s, const char **out, size_t max) {
  size_t n = 0;
  out[n++] = s;
  for (char *p = s; *p && n < max; p++)
    if (*p == '\n') *p = '\0', out[n++] = p + 1;
  return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  uint8_t mode = data[0];
  char *s = malloc(size), err[128];
  const char *lines[64];
  if (s == NULL) return 0;
  memcpy(s, data + 1, size - 1);
  s[size - 1] = '\0';
  /* A small error buffer now and then: messages must truncate safely. */
  size_t err_size = (mode & 0x80) ? (size_t)(mode & 0x1f) : sizeof err;
  nnet_blocklist_t *bl = seeded();
  char *before = json_of(bl), *after;
  size_t count0 = nnet_blocklist_rule_count(bl), n, bad = (size_t)-1;
  int rc;
  memset(err, 'x', sizeof err);
  switch (mode & 3) {
    case 0: /* fromJSON text */
      rc = nnet_blocklist_from_json(bl, s, err, err_size);
      if (err_size) CHECK(memchr(err, '\0', err_size) != NULL);
      if (err_size < sizeof err) CHECK(err[err_size] == 'x');
      if (rc == 0) CHECK(nnet_blocklist_rule_count(bl) >= count0);
      break;
    case 1: /* rule strings, one per line */
      n = split_lines(s, lines, 64);
      rc = nnet_blocklist_add_rules(bl, lines, n, &bad);
      if (rc == 0)
        CHECK(nnet_blocklist_rule_count(bl) == count0 + n);
      else
        CHECK(bad < n);
      break;
    case 2: /* CIDRs, all or none */
      n = split_lines(s, lines, 64);
      rc = nnet_blocklist_add_cidrs(bl, lines, n);
      if (rc == 0) CHECK(nnet_blocklist_rule_count(bl) == count0 + n);
      break;
    default: /* one CIDR added, then removed again */
      rc = nnet_blocklist_add_cidr(bl, s);
      if (rc == 0) {
        CHECK(nnet_blocklist_rule_count(bl) == count0 + 1);
        round_trip(bl);
        CHECK(nnet_blocklist_remove_cidr(bl, s) == 1);
        after = json_of(bl);
        CHECK(strcmp(before, after) == 0);
        free(after);
      } else {
        CHECK(nnet_blocklist_remove_cidr(bl, s) <= 0);
      }
      break;
  }
  after = json_of(bl);
  if (rc != 0)
    CHECK(strcmp(before, after) == 0); /* nothing added */
  else
    round_trip(bl);
  free(after);
  free(before);
  nnet_blocklist_free(bl);
  free(s);
  return 0;
}
