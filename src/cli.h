/* cli.h - argv -> options -> a subcommand; exit codes. Only cli and ui/ ever exit. */
#ifndef DEVPORTS_CLI_H
#define DEVPORTS_CLI_H

#include <stdbool.h>

#include "platform.h"

struct config;

enum { EXIT_OK = 0, EXIT_NOT_FOUND = 1, EXIT_ERROR = 2 };

struct cli_opts {
	const char *command;   /* "list", "who", ...; NULL for the dashboard */
	bool json;             /* --json */
	double interval;       /* -i/--interval, seconds; 0 = not given */
	bool demo;             /* --demo [FILE] */
	const char *demo_file; /* NULL: the built-in scenario */
	bool force_proc_net;   /* --proc-net: read /proc/net instead of netlink */
	int nargs;             /* positional arguments after the subcommand */
	char **args;
	const struct config *config; /* the user's config file as loaded (config.h); never NULL in
	                                cli_main's commands: an absent or ignored file is defaults */
};

/* Runs devports with argv; returns the process exit code. */
int cli_main(int argc, char **argv);

/* Opens the platform the options ask for; prints a one-line error and returns NULL on failure. */
struct platform *cli_open_platform(const struct cli_opts *o);

/* Subcommands, one file each (cmd_*.c). Each returns an exit code. */
int cmd_list(const struct cli_opts *o);
/* `config path`: where the config file is looked for. `config check`: validates it and prints
 * what it understood; exit 0 valid (warnings go to stderr), 1 no file, 2 invalid. */
int cmd_config(const struct cli_opts *o);

#endif
