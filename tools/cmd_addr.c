/* `nodenet isip` and `nodenet blocklist`: the address layer from the
 * command line. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void help_isip(void) {
  puts(
      "usage: nodenet isip ADDR...\n"
      "\n"
      "Prints each ADDR with 4, 6 or 0, as Node's net.isIP() answers.\n"
      "Exit status: 0 if every ADDR is an IP address, 1 if one is not.");
}

int cmd_isip(int argc, char **argv) {
  if (argc < 1) {
    help_isip();
    return CLI_USAGE;
  }
  int status = CLI_OK;
  for (int i = 0; i < argc; i++) {
    int fam = nnet_is_ip(argv[i]);
    printf("%s %d\n", argv[i], fam);
    if (!fam) status = CLI_ERR;
  }
  return status;
}

void help_blocklist(void) {
  puts(
      "usage: nodenet blocklist [--rule RULE]... [--allow-list] [--rules] "
      "ADDR...\n"
      "\n"
      "Builds a net.BlockList from the rules and checks each ADDR.\n"
      "  --rule RULE    an address (1.2.3.4), a subnet (10.0.0.0/8, "
      "fd00::/8)\n"
      "                 or a range (10.0.0.1-10.0.0.9); repeatable\n"
      "  --allow-list   invert: block everything the rules do not cover\n"
      "  --rules        print blockList.rules (newest first) before the "
      "answers\n"
      "Prints 'ADDR blocked' or 'ADDR allowed' per address.");
}

static int print_rules(const nnet_blocklist_t *bl) {
  size_t n = nnet_blocklist_rule_count(bl);
  for (size_t i = 0; i < n; i++)
    printf("rule %s\n", nnet_blocklist_rule(bl, i));
  return 0;
}

int cmd_blocklist(int argc, char **argv) {
  nnet_blocklist_t *bl = nnet_blocklist_new();
  if (!bl) {
    cli_error("out of memory");
    return CLI_ERR;
  }
  int status = CLI_OK, show_rules = 0, i = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
    if (!strcmp(argv[i], "--rule") && i + 1 < argc) {
      int rc = cli_blocklist_add_rule(bl, argv[++i]);
      if (rc < 0) {
        cli_error("bad rule '%s': %s (%s)", argv[i], nnet_strerror(rc),
                  nnet_err_name(rc));
        status = CLI_USAGE;
        goto done;
      }
    } else if (!strcmp(argv[i], "--allow-list")) {
      nnet_blocklist_set_allow_list(bl, true);
    } else if (!strcmp(argv[i], "--rules")) {
      show_rules = 1;
    } else {
      cli_error("blocklist: unknown option '%s' (see --help)", argv[i]);
      status = CLI_USAGE;
      goto done;
    }
  }
  if (show_rules) print_rules(bl);
  if (i == argc && !show_rules) {
    help_blocklist();
    status = CLI_USAGE;
  }
  for (; i < argc; i++) {
    int fam = nnet_is_ip(argv[i]);
    int rc = fam ? nnet_blocklist_check(bl, argv[i], (nnet_family_t)fam) : 0;
    if (!fam) {
      printf("%s invalid\n", argv[i]);
      status = CLI_ERR;
    } else {
      printf("%s %s\n", argv[i], rc == 1 ? "blocked" : "allowed");
    }
  }
done:
  nnet_blocklist_free(bl);
  return status;
}
