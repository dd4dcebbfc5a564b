#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  fputs("nodenet: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

bool cli_parse_int(const char *s, long min, long max, long *out) {
  if (!s || !*s) return false;
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < min || v > max) return false;
  *out = v;
  return true;
}

/* A rule is an address, an address/prefix or start-end; the family comes
 * from the text. */
int cli_blocklist_add_rule(nnet_blocklist_t *bl, const char *rule) {
  char buf[128];
  size_t n = strlen(rule);
  if (n >= sizeof buf) return NNET_ERR_INVALID_ARG_VALUE;
  memcpy(buf, rule, n + 1);
  char *dash = strchr(buf, '-');
  if (dash) {
    *dash = '\0';
    int fam = nnet_is_ip(buf);
    if (!fam || fam != nnet_is_ip(dash + 1)) return NNET_ERR_INVALID_ARG_VALUE;
    return nnet_blocklist_add_range(bl, buf, dash + 1, (nnet_family_t)fam);
  }
  if (!strchr(buf, '/')) {
    int fam = nnet_is_ip(buf);
    if (!fam) return NNET_ERR_INVALID_ARG_VALUE;
    return nnet_blocklist_add_address(bl, buf, (nnet_family_t)fam);
  }
  return nnet_blocklist_add_cidr(bl, buf);
}

int cli_block_option(nnet_blocklist_t **bl, const char *opt, const char *rule,
                     const char *cmd) {
  bool allow = !strcmp(opt, "--allow");
  if (!*bl && !(*bl = nnet_blocklist_new())) {
    cli_error("out of memory");
    return CLI_ERR;
  }
  if (nnet_blocklist_size(*bl) > 0 &&
      nnet_blocklist_is_allow_list(*bl) != allow) {
    cli_error("%s: --block and --allow cannot be mixed ('%s')", cmd, rule);
    return CLI_USAGE;
  }
  nnet_blocklist_set_allow_list(*bl, allow);
  if (cli_blocklist_add_rule(*bl, rule) < 0) {
    cli_error("%s: bad address or CIDR '%s' (see nodenet %s --help)", cmd, rule,
              cmd);
    return CLI_USAGE;
  }
  return CLI_OK;
}
