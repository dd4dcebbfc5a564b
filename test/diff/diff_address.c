/* The C twin of gen_address.js: recomputes every case with nodenet and
 * compares with what Node answered. Usage: diff_address CASES_FILE.
 * Prints the first 20 mismatches and "N cases, M mismatches"; exits 1 on
 * any mismatch. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodenet.h"

static long cases, mismatches;

static void unhex(const char *h, char *out) {
  size_t n = strlen(h) / 2, i;
  for (i = 0; i < n; i++) {
    unsigned v;
    sscanf(h + 2 * i, "%2x", &v);
    out[i] = (char)v;
  }
  out[n] = '\0';
}

static void report(const char *what, const char *in, const char *got,
                   const char *want) {
  cases++;
  if (strcmp(got, want) == 0) return;
  if (++mismatches <= 20)
    fprintf(stderr, "MISMATCH %s(\"%s\"): nodenet %s, Node %s\n", what, in, got,
            want);
}

/* Node's err.code is compared as is: nodenet returns Node's codes. */
static const char *node_code(const char *code) {
  return code;
}

static const char *rc_text(int rc) {
  return rc == 0 ? "ok" : nnet_err_name(rc);
}

static void case_isip(char *f[]) {
  char in[4096], got[8];
  unhex(f[1], in);
  snprintf(got, sizeof got, "%d", nnet_is_ip(in));
  report("isIP", in, got, f[2]);
}

static void case_sa(char *f[]) {
  char in[4096], got[256];
  nnet_socketaddress_t sa;
  int has = strcmp(f[1], "-") != 0, rc;
  if (has) unhex(f[1], in);
  rc = nnet_socketaddress_init(&sa, has ? in : NULL, (nnet_family_t)atoi(f[2]),
                               atoi(f[3]), (uint32_t)strtoul(f[4], NULL, 10));
  if (rc == 0)
    nnet_socketaddress_to_json(&sa, got, sizeof got);
  else
    snprintf(got, sizeof got, "%s", nnet_err_name(rc));
  report("SocketAddress", has ? in : "(default)", got, node_code(f[5]));
}

static void case_parse(char *f[]) {
  char in[4096], got[256];
  nnet_socketaddress_t sa;
  unhex(f[1], in);
  if (nnet_socketaddress_parse(&sa, in) == 0)
    nnet_socketaddress_to_json(&sa, got, sizeof got);
  else
    snprintf(got, sizeof got, "undefined");
  report("SocketAddress.parse", in, got, f[2]);
}

static size_t split(char *line, char *f[], size_t max) {
  size_t n = 0;
  char *save = NULL, *t = strtok_r(line, " \n", &save);
  while (t && n < max) {
    f[n++] = t;
    t = strtok_r(NULL, " \n", &save);
  }
  return n;
}

static void scenario(FILE *fp, long nlines) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  char line[1 << 16], a[4096], b[4096], got[1 << 16];
  char *f[8];
  long i;
  for (i = 0; i < nlines && fgets(line, sizeof line, fp); i++) {
    size_t n = split(line, f, 8);
    nnet_family_t fam;
    if (n < 2) continue;
    fam = (nnet_family_t)atoi(f[1]);
    if (f[0][0] == 'a' && n == 4) {
      unhex(f[2], a);
      report("addAddress", a, rc_text(nnet_blocklist_add_address(bl, a, fam)),
             node_code(f[3]));
    } else if (f[0][0] == 'r' && n == 5) {
      unhex(f[2], a);
      unhex(f[3], b);
      report("addRange", a, rc_text(nnet_blocklist_add_range(bl, a, b, fam)),
             node_code(f[4]));
    } else if (f[0][0] == 's' && n == 5) {
      unhex(f[2], a);
      report("addSubnet", a,
             rc_text(nnet_blocklist_add_subnet(bl, a, atoi(f[3]), fam)),
             node_code(f[4]));
    } else if (f[0][0] == 'c' && n == 4) {
      unhex(f[2], a);
      snprintf(got, sizeof got, "%d", nnet_blocklist_check(bl, a, fam));
      report("check", a, got, f[3]);
    } else if (f[0][0] == 'L') {
      size_t k, len = 0;
      len += (size_t)sprintf(got + len, "[");
      for (k = 0; k < nnet_blocklist_rule_count(bl); k++)
        len += (size_t)sprintf(got + len, "%s\"%s\"", k ? "," : "",
                               nnet_blocklist_rule(bl, k));
      sprintf(got + len, "]");
      unhex(f[1], a);
      report("rules", "", got, a);
    }
  }
  nnet_blocklist_free(bl);
}

int main(int argc, char **argv) {
  static char line[1 << 16];
  FILE *fp = argc > 1 ? fopen(argv[1], "r") : stdin;
  if (fp == NULL) {
    perror(argv[1]);
    return 2;
  }
  while (fgets(line, sizeof line, fp)) {
    char *f[8];
    size_t n = split(line, f, 8);
    if (n == 0) continue;
    if (f[0][0] == 'I' && n == 3) case_isip(f);
    if (f[0][0] == 'S' && n == 6) case_sa(f);
    if (f[0][0] == 'P' && n == 3) case_parse(f);
    if (f[0][0] == 'B' && n == 2) scenario(fp, atol(f[1]));
  }
  if (fp != stdin) fclose(fp);
  printf("%ld cases, %ld mismatches\n", cases, mismatches);
  return mismatches ? 1 : 0;
}
