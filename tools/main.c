/* nodenet: a netcat built on the nodenet library. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

static void usage(FILE *out) {
  fprintf(out,
          "usage: nodenet COMMAND [options] [args]\n"
          "\n"
          "A netcat that behaves like Node's net module (nodenet %s).\n"
          "\n"
          "commands:\n",
          nnet_version_string());
  for (const cli_command_t *c = cli_commands; c->name; c++)
    fprintf(out, "  %-10s %s\n", c->name, c->summary);
  fprintf(out,
          "\n'nodenet COMMAND --help' describes one command.\n"
          "Exit status: 0 clean end (stdin sent in full), 1 connection error\n"
          "or stdin not sent in full, 2 bad usage.\n");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CLI_USAGE;
  }
  const char *name = argv[1];
  if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
    usage(stdout);
    return CLI_OK;
  }
  if (!strcmp(name, "--version") || !strcmp(name, "version")) {
    printf("nodenet %s\n", nnet_version_string());
    return CLI_OK;
  }
  for (const cli_command_t *c = cli_commands; c->name; c++) {
    if (strcmp(c->name, name)) continue;
    for (int i = 2; i < argc; i++) {
      if (!strcmp(argv[i], "--")) break;
      if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
        c->help();
        return CLI_OK;
      }
    }
    return c->run(argc - 2, argv + 2);
  }
  cli_error("unknown command '%s'", name);
  usage(stderr);
  return CLI_USAGE;
}
