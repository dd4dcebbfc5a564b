/* The nodenet command-line tool: shared declarations. Built only on the
 * public API (nodenet.h). */
#ifndef NNET_CLI_H
#define NNET_CLI_H

#include <stdbool.h>

#include "nodenet.h"

/* Exit statuses: 0 clean end, 1 connection/runtime error, 2 bad usage. */
enum { CLI_OK = 0, CLI_ERR = 1, CLI_USAGE = 2 };

typedef struct {
  const char *name;
  const char *summary;
  int (*run)(int argc, char **argv);
  void (*help)(void);
} cli_command_t;

/* Inside an option loop: take the option's value (val) or fail with a usage
 * error. Expects locals a, val, i, rc, a usage_error() and an `out` label. */
#define CLI_NEED_VAL()                          \
  do {                                          \
    if (!val) {                                 \
      rc = usage_error("missing value for", a); \
      goto out;                                 \
    }                                           \
    i++;                                        \
  } while (0)

/* Print "nodenet: <message>" to stderr (printf-style). */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a whole decimal number in [min, max]; false on junk or overflow. */
bool cli_parse_int(const char *s, long min, long max, long *out);
/* Parse a rule for a BlockList ("1.2.3.4", "10.0.0.0/8", "a-b") and add it. */
int cli_blocklist_add_rule(nnet_blocklist_t *bl, const char *rule);
/* One --block/--allow RULE option (opt names which): creates *bl on first
 * use; the two may not be mixed. Returns CLI_OK, or CLI_USAGE / CLI_ERR
 * after printing why. */
int cli_block_option(nnet_blocklist_t **bl, const char *opt, const char *rule,
                     const char *cmd);

int cmd_isip(int argc, char **argv);
void help_isip(void);
int cmd_blocklist(int argc, char **argv);
void help_blocklist(void);

int cmd_connect(int argc, char **argv);
void help_connect(void);
int cmd_listen(int argc, char **argv);
void help_listen(void);
int cmd_echo(int argc, char **argv);
void help_echo(void);
int cmd_proxy(int argc, char **argv);
void help_proxy(void);

#endif
