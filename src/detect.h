/* detect.h - what a process is, from its command name, executable and arguments.
 *
 * A table of rules (detect_rules.c), tried in order; the first that matches wins. Pure: no I/O,
 * no allocation, no globals but the table, so it can be tested and fuzzed on any bytes.
 */
#ifndef DEVPORTS_DETECT_H
#define DEVPORTS_DETECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What kind of thing a process is; hints depend on it (hints.h). */
enum detect_role {
	ROLE_NONE = 0, /* not recognised */
	ROLE_DEV,      /* a dev server, notebook, debugger or static file server: meant for this
	                  machine, so listening on the network is worth a warning */
	ROLE_DATABASE, /* a database, cache or search engine */
	ROLE_SERVICE,  /* a web server, proxy, broker or model server set up on purpose */
	ROLE_SYSTEM,   /* part of the OS or the desktop (sshd, mDNS, printing, DNS) */
	ROLE_APP,      /* a desktop application or tool (browser, editor, music, sync) */
	ROLE_DOCKER,   /* docker-proxy: forwards a host port into a container */
	ROLE_AIRPLAY,  /* macOS ControlCenter, whose AirPlay Receiver holds 5000 and 7000 */
	ROLE_RUNTIME,  /* a language runtime (node, python, ruby...) running something unknown */
	ROLE_COUNT
};

/* "none", "dev", "database", "service", "system", "app", "docker", "airplay", "runtime" */
extern const char *const detect_role_names[ROLE_COUNT];

enum { DETECT_ARGS_MAX = 3, DETECT_LABEL_MAX = 31 };

/* One rule. Every condition that is given must hold. A name pattern is one or more alternatives
 * separated by '|', each an exact name or a prefix ending in '*' ("python*"). */
struct detect_rule {
	const char *label; /* what the row says ("Vite"), at most DETECT_LABEL_MAX bytes; NULL:
	                      classify only and let the port table label it */
	enum detect_role role;
	const char *prog; /* the program: the command name, the executable's file name or the
	                     first argument's file name. A 15-byte command name may be cut by
	                     the kernel: it matches a longer name it begins. */
	const char *args[DETECT_ARGS_MAX]; /* consecutive arguments, each compared by its file
	                          name (".../node_modules/.bin/next" is "next") without a trailing
	                          ':' or a ".js", ".mjs", ".cjs" ending */
	const char *within;    /* a substring of the command line or of the executable's path */
	const char *port_arg;  /* the listener's port must be the one this option gives: "--inspect"
	                          reads --inspect, --inspect-brk=9230, --inspect=host:9230 */
	uint16_t port_default; /* with port_arg: the port when the option gives none */
	bool children;         /* its workers and reloaded children, which may run a command of
	                          their own (`python -c from multiprocessing...`), take the label
	                          (lineage.h) */
};

extern const struct detect_rule detect_rules[];
extern const size_t detect_rules_len;

/* The first rule that matches the process, or NULL. comm, exe and cmdline are the owner's
 * (sanitized text, arguments joined by spaces; any may be "", none NULL); port is the listener's,
 * for rules about one port of a process (the Node inspector). */
const struct detect_rule *detect_process(const char *comm, const char *exe, const char *cmdline,
                                         uint16_t port);

/* The first runtime rule (ROLE_RUNTIME) that matches, ignoring every other rule: the language a
 * process runs in, cheaply, whatever it is. */
const struct detect_rule *detect_runtime(const char *comm, const char *exe, const char *cmdline);

/* What rule r recognised, for inspect: "command: next dev" (its arguments, each pattern's first
 * alternative), "command: …org.apache.catalina…" (a substring), "process: postgres" (comm, the
 * process's command name, for a rule about the program only). */
void detect_evidence(const struct detect_rule *r, const char *comm, char *out, size_t len);

/* A runtime rule's label with the file it runs: "Node.js server.js", "Python app.py", "Python -m
 * myapp", "Java app.jar"; the label alone when no file is named (`node -e`, a REPL). Cut to
 * fit len. r is a rule of role ROLE_RUNTIME. */
void detect_runtime_label(const struct detect_rule *r, const char *cmdline, char *out, size_t len);
/* The file alone ("server.js", "myapp" for `python -m myapp`, "api.jar"); "" when none. */
void detect_runtime_entry(const struct detect_rule *r, const char *cmdline, char *out, size_t len);

/* How a language runtime's command line names the file it runs (detect_rules.c). */
struct detect_runtime {
	const char *label;       /* the runtime rule's label */
	const char *value_opts;  /* options that take the next argument: "-r|--require" */
	const char *stop_opts;   /* options after which no file is run: "-e|--eval" */
	const char *module_opt;  /* the option whose value is the module run: "-m"; NULL none */
	const char *subcommands; /* words before the file: "run|serve" (deno, bun, dotnet) */
	bool program_is_file;    /* the program is the file (a compiled Go binary) */
};
extern const struct detect_runtime detect_runtimes[];
extern const size_t detect_runtimes_len;

/* A package manager running a script of the project: writes what was typed ("npm start", "npm run
 * dev", "pnpm dev", "yarn dev", "bun run dev") into out and returns true; false for any other
 * command line. */
bool detect_launcher(const char *cmdline, char *out, size_t len);

/* How a package manager names the script it runs (detect_rules.c). */
struct detect_launcher {
	const char *name;        /* "npm" */
	const char *prog;        /* "npm|npm-cli": the program, or the script node runs */
	const char *run;         /* the words before a script's name: "run|run-script" */
	const char *direct;      /* scripts named without them: "start|test" */
	const char *not_scripts; /* with any_word: words that are commands, not scripts */
	bool any_word;           /* any other word names a script (`pnpm dev`, `yarn dev`) */
};
extern const struct detect_launcher detect_launchers[];
extern const size_t detect_launchers_len;

/* Whether the process is a shell running one command for its parent (`sh -c "node x.js"`):
 * lineage looks through it. */
bool detect_wrapper_shell(const char *comm, const char *cmdline);

#endif
