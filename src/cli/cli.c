/* cli.c - argv -> options; dispatch to the dashboard or a subcommand. */
#include "cli.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "config.h"
#include "project_map.h"
#include "sanitize.h"
#include "status_line.h"
#include "ui.h"
#include "version.h" /* DEVPORTS_COMMIT, written by the build (cmake/version.cmake) */

static const struct command {
	const char *name;
	int (*run)(const struct cli_opts *o);
	const char *usage;
	const char *help;
} commands[] = {
    {"list", cmd_list, "list [--json]", "print every listener as a table grouped by range"},
    {"who", cmd_who, "who PORT [--json]", "who holds PORT (exit 0 held, 1 free)"},
    {"kill", cmd_kill, "kill PORT [--force] [--signal NAME] [--yes]",
     "stop what holds PORT (SIGTERM, then SIGKILL with --force)"},
    {"free", cmd_free, "free [PORT] | free --project NAME | free --all",
     "the first free TCP port from PORT (default 3000), or a project's (.devports.yml)"},
    {"config", cmd_config, "config check|path", "validate the config file, or say where it is"},
    {"status", cmd_status, "status [--all] [--tmux] [--format T] [--sep S] [--max N]",
     "one line for a status bar: the dev servers"},
    {"wait", cmd_wait, "wait PORT [--open|--free] [--http] [--timeout S] [-q]",
     "until PORT listens (or is free, or answers HTTP)"},
    {"health", cmd_health, "health [--json]",
     "run every health check once (exit 0 all pass, 1 some fail)"},
};

static const size_t command_count = sizeof commands / sizeof commands[0];

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < command_count; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "devports %s - the TCP and UDP ports listening on this machine, and who holds them\n\n"
	    "usage: devports [OPTIONS]            the live dashboard\n",
	    DEVPORTS_VERSION);
	for (size_t i = 0; i < command_count; i++) {
		if (strlen(commands[i].usage) > 22) /* the help goes on the next line, aligned */
			fprintf(out, "       devports %s\n       %-32s%s\n", commands[i].usage, "",
			        commands[i].help);
		else
			fprintf(out, "       devports %-22s %s\n", commands[i].usage,
			        commands[i].help);
	}
	fprintf(out,
	        "       devports --json               same as `devports list --json`\n"
	        "\noptions:\n"
	        "  -i, --interval SECONDS   dashboard refresh, 0.2 to 60 (default 1)\n"
	        "      --json               JSON instead of text (schema in README.md)\n"
	        "      --demo [FILE]        play a JSON scenario instead of this machine\n"
	        "                           (the built-in one when FILE is not given)\n"
	        "      --proc-net           read /proc/net tables instead of netlink (Linux)\n"
	        "      --no-cache           neither read nor write the owner cache (README.md)\n"
	        "      --force              kill: send SIGKILL when SIGTERM was not enough\n"
	        "  -s, --signal NAME        kill: send NAME (TERM, INT, HUP, QUIT, KILL, USR1,\n"
	        "                           USR2) instead of SIGTERM\n"
	        "  -y, --yes                kill: do not ask (needed without a terminal)\n"
	        "      --open               wait: until something listens on PORT (the default)\n"
	        "      --free               wait: until PORT binds on 127.0.0.1, ::1, 0.0.0.0, ::\n"
	        "      --http               wait: until PORT answers HTTP (any status)\n"
	        "      --timeout SECONDS    wait: give up after SECONDS, exit 1 (default 30;\n"
	        "                           0: no limit)\n"
	        "  -q, --quiet              wait: no line when done (errors still say why)\n"
	        "      --all                status: every listener, not only dev servers;\n"
	        "                           free: a port for every project of .devports.yml\n"
	        "      --tmux               status: tmux colours for hints, '#' escaped\n"
	        "      --format TEMPLATE    status: each item from {port} {label} {process}\n"
	        "                           {project} {pid} {flags}\n"
	        "                           (default \"{port} {label}{flags}\")\n"
	        "      --sep TEXT           status: between items (default \" · \")\n"
	        "      --max COLUMNS        status: the line's width, 1 to 1000 (default 120)\n"
	        "      --config FILE        read FILE as the config file (JSON, or YAML when it\n"
	        "                           ends in .yml/.yaml: a .devports.yml works)\n"
	        "      --project NAME       free: the port of project NAME (.devports.yml)\n"
	        "  -h, --help               this help\n"
	        "  -V, --version            the version\n"
	        "\nconfig file: $XDG_CONFIG_HOME/devports/config.json, else\n"
	        "             ~/.config/devports/config.json (devports config check reads it)\n"
	        "dashboard keys, files, environment: man devports\n"
	        "exit codes: 0 ok, 1 not found (who: PORT is free; kill: PORT is still held;\n"
	        "            free: no free port; config check: no file; wait: timed out;\n"
	        "            health: a check is failing or down),\n"
	        "            2 error; wait: 128 + the signal when interrupted\n");
}

static int fail_usage(const char *what, const char *arg)
{
	fprintf(stderr, "devports: %s '%s' (see devports --help)\n", what, arg);
	return EXIT_ERROR;
}

static bool parse_interval(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0.2 || v > 60)
		return false;
	*out = v;
	return true;
}

/* Options that only set a flag. */
static const struct flag_option {
	const char *name, *alias; /* alias: NULL or a short form */
	size_t offset;            /* of the bool in struct cli_opts */
} flag_options[] = {
    {"--json", NULL, offsetof(struct cli_opts, json)},
    {"--proc-net", NULL, offsetof(struct cli_opts, force_proc_net)},
    {"--no-cache", NULL, offsetof(struct cli_opts, no_cache)},
    {"--force", NULL, offsetof(struct cli_opts, force)},
    {"--yes", "-y", offsetof(struct cli_opts, yes)},
    {"--http", NULL, offsetof(struct cli_opts, http)},
    {"--quiet", "-q", offsetof(struct cli_opts, quiet)},
    {"--all", NULL, offsetof(struct cli_opts, all)},
    {"--tmux", NULL, offsetof(struct cli_opts, tmux)},
};

static bool set_flag(const char *a, struct cli_opts *o)
{
	for (size_t i = 0; i < sizeof flag_options / sizeof flag_options[0]; i++) {
		const struct flag_option *f = &flag_options[i];
		if (!strcmp(a, f->name) || (f->alias && !strcmp(a, f->alias))) {
			*(bool *)((char *)o + f->offset) = true;
			return true;
		}
	}
	return false;
}

/* Whether argv[*i] is option `name` with a value, "--name VALUE" (then *i moves past VALUE) or
 * "--name=VALUE"; *value is NULL when VALUE is missing. */
static bool option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(name);
	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return false;
	*value = a[n] == '=' ? a + n + 1 : *i + 1 < argc ? argv[++*i] : NULL;
	return true;
}

static bool parse_seconds(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= 0 && v <= 31536000)) /* a year; NaN fails too */
		return false;
	*out = v;
	return true;
}

static bool parse_columns(const char *s, int *out)
{
	char *end;
	errno = 0;
	long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
	if (v < 1 || v > STATUS_MAX_MAX || errno || *end)
		return false;
	*out = (int)v;
	return true;
}

/* --open or --free; both is an error. */
static int set_wait_for(struct cli_opts *o, int want, const char *a)
{
	if (o->wait_for && o->wait_for != want)
		return fail_usage("--open and --free do not go together:", a);
	o->wait_for = want;
	return EXIT_OK;
}

/* The options that take a value (besides --signal, --demo and --interval). */
static int value_option(int argc, char **argv, int *i, struct cli_opts *o, bool *matched)
{
	const char *v;
	*matched = true;
	if (option_value(argc, argv, i, "--timeout", &v)) {
		if (!v)
			return fail_usage("missing number of seconds after", "--timeout");
		if (!parse_seconds(v, &o->timeout))
			return fail_usage(
			    "--timeout must be a number of seconds (0: no limit), not", v);
		o->timeout_given = true;
	} else if (option_value(argc, argv, i, "--config", &v)) {
		if (!v || !v[0])
			return fail_usage("missing file after", "--config");
		o->config_file = v;
	} else if (option_value(argc, argv, i, "--project", &v)) {
		if (!v || !v[0] || v[0] == '-')
			return fail_usage("missing project name after", "--project");
		o->project = v;
	} else if (option_value(argc, argv, i, "--format", &v)) {
		if (!v)
			return fail_usage("missing template after", "--format");
		o->format = v;
	} else if (option_value(argc, argv, i, "--sep", &v)) {
		if (!v)
			return fail_usage("missing text after", "--sep");
		o->sep = v;
	} else if (option_value(argc, argv, i, "--max", &v)) {
		if (!v)
			return fail_usage("missing number of columns after", "--max");
		if (!parse_columns(v, &o->max))
			return fail_usage("--max must be a number of columns from 1 to 1000, not",
			                  v);
	} else {
		*matched = false;
	}
	return EXIT_OK;
}

/* Parses argv into o; positional arguments are collected into o->args (argv is reused). */
static int parse(int argc, char **argv, struct cli_opts *o, bool *done)
{
	o->args = argv + 1;
	o->nargs = 0;
	bool matched;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			*done = true;
			return EXIT_OK;
		} else if (!strcmp(a, "-V") || !strcmp(a, "--version")) {
			if (DEVPORTS_COMMIT[0])
				printf("devports %s (commit %s)\n", DEVPORTS_VERSION,
				       DEVPORTS_COMMIT);
			else
				printf("devports %s\n", DEVPORTS_VERSION);
			*done = true;
			return EXIT_OK;
		} else if (set_flag(a, o)) {
			continue;
		} else if (!strcmp(a, "--open") || !strcmp(a, "--free")) {
			if (set_wait_for(o, a[2] == 'o' ? WAIT_OPEN : WAIT_FREE, a) != EXIT_OK)
				return EXIT_ERROR;
		} else if (value_option(argc, argv, &i, o, &matched) != EXIT_OK) {
			return EXIT_ERROR;
		} else if (matched) {
			continue;
		} else if (!strcmp(a, "--signal") || !strcmp(a, "-s")) {
			if (i + 1 >= argc)
				return fail_usage("missing signal name after", a);
			o->signal = argv[++i];
		} else if (!strncmp(a, "--signal=", 9)) {
			o->signal = a + 9;
		} else if (!strcmp(a, "--demo")) {
			o->demo = true;
			if (i + 1 < argc && argv[i + 1][0] != '-' && !find_command(argv[i + 1]))
				o->demo_file = argv[++i];
		} else if (!strcmp(a, "-i") || !strcmp(a, "--interval")) {
			if (i + 1 >= argc)
				return fail_usage("missing number of seconds after", a);
			if (!parse_interval(argv[++i], &o->interval))
				return fail_usage(
				    "interval must be a number of seconds from 0.2 to 60, not",
				    argv[i]);
		} else if (!strncmp(a, "--interval=", 11)) {
			if (!parse_interval(a + 11, &o->interval))
				return fail_usage(
				    "interval must be a number of seconds from 0.2 to 60, not",
				    a + 11);
		} else if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
			return fail_usage("unknown option", a);
		} else if (!o->command && o->nargs == 0) {
			if (!find_command(a))
				return fail_usage("unknown command", a);
			o->command = a;
		} else {
			o->args[o->nargs++] = argv[i];
		}
	}
	return EXIT_OK;
}

bool cli_port_arg(const struct cli_opts *o, const char *cmd, uint16_t dflt, uint16_t *port)
{
	if (o->nargs > 1) {
		fprintf(stderr, "devports: %s takes one port (see devports --help)\n", cmd);
		return false;
	}
	if (o->nargs == 0) {
		if (!dflt)
			fprintf(stderr, "devports: %s needs a port, e.g. devports %s 3000\n", cmd,
			        cmd);
		*port = dflt;
		return dflt != 0;
	}
	const char *s = o->args[0];
	char *end;
	errno = 0;
	long v = s[0] >= '0' && s[0] <= '9' ? strtol(s, &end, 10) : -1;
	if (v < 1 || v > 65535 || errno || *end) {
		char safe[64];
		sanitize_text(safe, sizeof safe, s, strlen(s));
		fprintf(stderr, "devports: %s: '%s' is not a port (a number from 1 to 65535)\n",
		        cmd, safe);
		return false;
	}
	*port = (uint16_t)v;
	return true;
}

/* The operating system's name ("Linux", "Darwin", "FreeBSD"), for the unsupported message. */
static const char *system_name(void)
{
	static struct utsname u;
	return uname(&u) >= 0 && u.sysname[0] ? u.sysname : "this system";
}

struct platform *cli_open_platform(const struct cli_opts *o)
{
	struct platform_opts po = {
	    .kind = o->demo ? PLATFORM_FAKE : PLATFORM_NATIVE,
	    .force_proc_net = o->force_proc_net,
	    .scenario_path = o->demo_file,
	    .only_port = o->only_port,
	    /* a one-shot command prints once: it may wait a little for the container engine */
	    .containers_wait_ms = o->command ? 500 : 0,
	    .tmux_wait_ms = o->command ? 300 : 0,
	};
	char cache_dir[PROC_PATH_MAX];
	if (!o->demo && !o->no_cache && platform_cache_dir(cache_dir, sizeof cache_dir) == 0)
		po.cache_dir = cache_dir;
	struct platform *p = NULL;
	int rc = platform_open(&p, &po);
	if (rc < 0) {
		const char *why = p ? platform_error(p) : "";
		if (rc == -ENOSYS && !o->demo)
			fprintf(stderr, "devports does not support %s yet; try --demo\n",
			        system_name());
		else
			fprintf(stderr, "devports: %s\n", why[0] ? why : strerror(-rc));
		platform_close(&p);
		return NULL;
	}
	return p;
}

/* What loading the config said, one line each on stderr, before anything else is shown. */
static void report_config(const struct config *c)
{
	if (c->error[0])
		fprintf(stderr, "devports: config ignored, running on the defaults: %s\n",
		        c->error);
	for (size_t i = 0; i < c->nwarnings; i++)
		fprintf(stderr, "devports: config: %s\n", c->warnings[i]);
}

bool cli_snapshot(struct platform *p, struct snapshot *s)
{
	int rc = platform_collect(p, s);
	if (rc < 0)
		fprintf(stderr, "devports: cannot read listeners: %s\n", strerror(-rc));
	return rc == 0;
}

/* The project maps of s and the current directory into o->maps. */
static void load_projects(const struct cli_opts *o, struct platform *p, const struct snapshot *s)
{
	if (!o->maps)
		return;
	char cwd[PROC_PATH_MAX];
	platform_project_maps(p, s, getcwd(cwd, sizeof cwd) ? cwd : NULL,
	                      o->config ? &o->config->projects : NULL, o->maps);
	if (o->command && !strcmp(o->command, "status"))
		return;
	for (size_t i = 0; i < o->maps->nmessages; i++)
		fprintf(stderr, "devports: %s\n", o->maps->messages[i]);
}

bool cli_open_snapshot(const struct cli_opts *o, struct platform **out, struct snapshot *s)
{
	*out = cli_open_platform(o);
	if (!*out)
		return false;
	if (cli_snapshot(*out, s)) {
		load_projects(o, *out, s);
		return true;
	}
	platform_close(out);
	return false;
}

/* The dashboard: the CLI opens the platform and hands it to the UI. */
static int dashboard(const struct cli_opts *o)
{
	struct platform *p = cli_open_platform(o);
	if (!p)
		return EXIT_ERROR;
	struct ui_opts uo = {.interval = o->interval, .config = o->config, .demo = o->demo};
	int rc = ui_main(p, &uo);
	platform_close(&p);
	return rc;
}

int cli_main(int argc, char **argv)
{
	struct cli_opts o = {0};
	bool done = false;
	sanitize_init_locale();
	int rc = parse(argc, argv, &o, &done);
	if (rc != EXIT_OK || done)
		return rc;
	if (!o.command && o.json)
		o.command = "list";

	struct config cfg;
	struct project_maps maps = {0};
	char path[PROC_PATH_MAX];
	const char *home = getenv("HOME");
	config_init(&cfg);
	if (o.config_file)
		snprintf(path, sizeof path, "%s", o.config_file);
	else
		config_path(path, sizeof path, getenv("XDG_CONFIG_HOME"), home);
	config_load(&cfg, path, home); /* whatever happens, cfg is usable: defaults at worst */
	if (o.config_file && !cfg.found) {
		char safe[PROC_PATH_MAX];
		sanitize_text(safe, sizeof safe, o.config_file, strlen(o.config_file));
		fprintf(stderr, "devports: --config %s: no such file\n", safe);
		config_free(&cfg);
		return EXIT_ERROR;
	}
	cfg.maps = &maps;
	o.config = &cfg;
	o.maps = &maps;
	if (!o.command || strcmp(o.command, "config") != 0)
		report_config(&cfg);

	rc = o.command ? find_command(o.command)->run(&o) : dashboard(&o);
	config_free(&cfg);
	project_maps_free(&maps);
	return rc;
}
