/* cli.h - argv -> options -> a subcommand; exit codes. Only cli and ui/ ever exit. */
#ifndef DEVPORTS_CLI_H
#define DEVPORTS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "platform.h"
#include "snapshot.h"

struct config;

enum { EXIT_OK = 0, EXIT_NOT_FOUND = 1, EXIT_ERROR = 2 };

/* What `wait` waits for: cli_opts.wait_for (0: not given, which is WAIT_OPEN). */
enum wait_for { WAIT_UNSET = 0, WAIT_OPEN, WAIT_FREE };

struct cli_opts {
	const char *command;     /* "list", "who", ...; NULL for the dashboard */
	bool json;               /* --json */
	double interval;         /* -i/--interval, seconds; 0 = not given */
	bool demo;               /* --demo [FILE] */
	const char *demo_file;   /* NULL: the built-in scenario */
	bool force_proc_net;     /* --proc-net: read /proc/net instead of netlink */
	bool no_cache;           /* --no-cache: neither read nor write the owner cache */
	uint16_t only_port;      /* set by a command about one port: platform_opts.only_port */
	bool force;              /* kill --force: SIGKILL when SIGTERM was not enough */
	bool yes;                /* kill --yes: no question */
	const char *signal;      /* kill --signal NAME; NULL: SIGTERM */
	int wait_for;            /* enum wait_for: wait --open (WAIT_OPEN, the default) or --free */
	bool http;               /* wait --http: until PORT answers HTTP */
	bool timeout_given;      /* wait --timeout SECONDS */
	double timeout;          /* seconds, >= 0; 0: no limit */
	bool quiet;              /* wait -q/--quiet: no line when done */
	bool all;                /* status --all: every listener, not only dev servers */
	bool tmux;               /* status --tmux: tmux markup */
	const char *format;      /* status --format TEMPLATE; NULL: the default */
	const char *sep;         /* status --sep TEXT; NULL: the default */
	int max;                 /* status --max COLUMNS; 0: not given */
	const char *config_file; /* --config FILE: read FILE instead of the default config file */
	const char *project;     /* free --project NAME */
	int nargs;               /* positional arguments after the subcommand */
	char **args;
	const struct config
	    *config; /* the user's config file as loaded (config.h); never NULL in
	                cli_main's commands: an absent or ignored file is defaults */
	/* The project maps in effect (project_map.h), which config->maps points at: filled by
	 * cli_open_snapshot (the config's projects, then every .devports.yml found); never NULL in
	 * cli_main's commands. */
	struct project_maps *maps;
};

/* Runs devports with argv; returns the process exit code. */
int cli_main(int argc, char **argv);

/* Opens the platform the options ask for; prints a one-line error and returns NULL on failure. */
struct platform *cli_open_platform(const struct cli_opts *o);

/* Takes one snapshot into *s (empty before the call; snapshot_free() it); on failure prints one
 * line on stderr and returns false. */
bool cli_snapshot(struct platform *p, struct snapshot *s);
/* cli_open_platform() then cli_snapshot(), then the project maps of the snapshot's listeners and
 * of the current directory into o->maps (their problems, one line each on stderr, except for
 * `status`): *out is the open platform (close it) on success; on failure nothing stays open and
 * false is returned. */
bool cli_open_snapshot(const struct cli_opts *o, struct platform **out, struct snapshot *s);

/* Subcommands, one file each (cmd_*.c). Each returns an exit code. */
int cmd_list(const struct cli_opts *o);
/* `config path`: where the config file is looked for. `config check`: validates it and prints
 * what it understood; exit 0 valid (warnings go to stderr), 1 no file, 2 invalid. */
int cmd_config(const struct cli_opts *o);
/* `who PORT [--json]`: every listener on PORT; exit 0 held, 1 free, 2 error. */
int cmd_who(const struct cli_opts *o);
/* `kill PORT [--force] [--signal NAME] [--yes]`: stops what holds PORT through the kill engine
 * (kill.h); exit 0 when PORT is free afterwards, 1 when it is still held (refused, still
 * running, restarted, or the answer was no), 2 on an error. */
int cmd_kill(const struct cli_opts *o);
/* `free [PORT]`: the first TCP port >= PORT (default 3000) free on 127.0.0.1, ::1, 0.0.0.0 and
 * ::; exit 0 found, 1 none below 65536, 2 error. */
int cmd_free(const struct cli_opts *o);

/* `status [--all] [--tmux] [--format T] [--sep S] [--max N]`: one line for a status bar, the dev
 * servers (status_line.h); an empty line when there are none. Exit 0, or 2 on an error (a bad
 * --format names the unknown field). */
int cmd_status(const struct cli_opts *o);
/* `wait PORT [--open|--free] [--http] [--timeout S] [-q]`: polls PORT at most 10 times a second
 * through one open platform until something listens on it (with --http: until it answers HTTP),
 * or until it binds on 127.0.0.1, ::1, 0.0.0.0 and :: (--free). Exit 0 reached, 1 timed out
 * (default 30 s; 0: no limit), 2 on an error; SIGINT or SIGTERM ends it with 128 + the signal. */
int cmd_wait(const struct cli_opts *o);
/* `health [--json]`: every health check (healthcheck.yml in this folder, its project root and the
 * listeners' projects; the config's "health") run once, one line each; exit 0 all ok or slow, 1
 * some failing or down, 2 an error (a file or section with an error, a check that could not run,
 * no checks at all, a demo). */
int cmd_health(const struct cli_opts *o);

struct health_board;
/* For --json: gathers the checks into b (health_board_init'ed; messages on stderr), keeps those
 * whose TCP port is listened on in s, and runs them once. false when they could not be run. */
bool cli_health_for(const struct cli_opts *o, struct platform *p, const struct snapshot *s,
                    struct health_board *b);

/* Reads the PORT argument of `cmd` (o->args[0]; when absent: dflt, or an error when dflt is 0).
 * A port is a whole number from 1 to 65535 — never a pid. Prints a one-line error and returns
 * false on a bad or missing one, or on extra arguments. */
bool cli_port_arg(const struct cli_opts *o, const char *cmd, uint16_t dflt, uint16_t *port);

#endif
