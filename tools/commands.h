/* The table of subcommands. One line per command. */
#ifndef NNET_CLI_COMMANDS_H
#define NNET_CLI_COMMANDS_H

#include "cli.h"

static const cli_command_t cli_commands[] = {
    {"isip", "tell whether each argument is an IPv4/IPv6 address", cmd_isip,
     help_isip},
    {"blocklist", "check addresses against BlockList rules", cmd_blocklist,
     help_blocklist},
    {"connect", "connect to HOST PORT (or --unix PATH), pipe stdin/stdout",
     cmd_connect, help_connect},
    {"listen",
     "accept a connection on PORT (or --unix PATH), pipe stdin/stdout",
     cmd_listen, help_listen},
    {"echo", "echo server on 127.0.0.1:PORT [and UNIXPATH]", cmd_echo,
     help_echo},
    {"proxy", "proxy LISTEN to TARGET (TCP or Unix), both ways", cmd_proxy,
     help_proxy},
    {NULL, NULL, NULL, NULL},
};

#endif
