/* scenario.h - a demo scenario in memory: snapshots of listeners over time (inside platform/fake).
 *
 * The JSON format is described at the top of scenario_load.c. Loading is pure: the text, a label
 * for messages and the moment the playback starts go in; sanitized listeners come out.
 */
#ifndef DEVPORTS_FAKE_SCENARIO_H
#define DEVPORTS_FAKE_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "listener.h"
#include "reach.h"

enum { SCENARIO_NAME_MAX = 64, SCENARIO_ERROR_MAX = 512 };

/* What a scenario says about a listener beyond struct listener (for kill and inspect). */
struct scenario_extra {
	bool ignores_sigterm; /* its process survives SIGTERM (only SIGKILL stops it) */
	int connections;      /* established connections; -1 when the scenario does not say */
};

/* One listener object of a step: a socket and the process that holds it. Several objects on the
 * same socket (proto, address, port and inode) with different pids are one socket held by all of
 * them (a pre-fork server's parent and workers). */
struct scenario_listener {
	/* The socket's fields (proto, family, addr, port, v6only, uid, inode); owner_hidden and
	 * owner_why (enum owner_unknown) for an owner that cannot be read. proc, holders unused. */
	struct listener sock;
	/* The owner; its strings belong to the scenario's arena. A hidden owner has pid 0 and
	 * only uid and user. */
	struct proc_info proc;
};

struct scenario_listeners {
	struct scenario_listener *v;
	size_t n, cap;
};

struct scenario_step {
	double at;                           /* seconds after the playback starts */
	struct scenario_listeners listeners; /* as the step lists them */
	struct scenario_extra *extra; /* one per listener, same order; NULL when there are none */
};

struct scenario {
	char name[SCENARIO_NAME_MAX]; /* sanitized; "" when the file gives none */
	uint8_t kernel;               /* enum reach_kernel: "kernel", REACH_LINUX by default */
	struct scenario_step *steps;  /* n_steps >= 1 after a successful load, "at" increasing */
	size_t n_steps;
	struct proc_info *processes; /* "processes": ancestors that hold no socket (for inspect) */
	size_t n_processes;
	struct arena strings; /* every process string of the steps and of processes */
};

/* Parses JSON text (len bytes; it need not be NUL-terminated) into *sc, which must be zeroed or
 * freed. `label` names the text in messages ("scenario.json"). `open_time` (seconds since the
 * epoch) is when playback starts: process start times are computed from it, so the same scenario
 * gives the same ages on every run. Returns 0, -EINVAL (bad JSON or a bad field: err says where and
 * why) or -ENOMEM. On error *sc is left empty. err (capacity errlen) is always NUL-terminated, ""
 * on success. */
int scenario_parse(struct scenario *sc, const char *text, size_t len, const char *label,
                   int64_t open_time, char *err, size_t errlen);

/* Reads the file at path and parses it as above, with the path as label.
 * Errors: also -ENOENT, -EACCES... from opening or reading the file ("PATH: No such file or
 * directory"), and -EFBIG for a file over 16 MiB. */
int scenario_load_file(struct scenario *sc, const char *path, int64_t open_time, char *err,
                       size_t errlen);

/* The built-in demo scenario (a developer's Linux machine over about 20 seconds), as JSON text. */
extern const char scenario_builtin_json[];

/* Index of the step shown at `t` seconds: the last one whose "at" is <= t (the first step before
 * it starts). sc must hold at least one step. */
size_t scenario_step_index(const struct scenario *sc, double t);

/* Frees every step; *sc becomes empty (and may be loaded again). */
void scenario_free(struct scenario *sc);

/* Shared by the loader's files. */
struct cJSON;
struct scenario_ctx {
	const char *label; /* the text's name for messages, sanitized */
	int64_t open_time; /* playback start, seconds since the epoch */
	char *err;         /* message buffer */
	size_t errlen;
	const struct scenario *sc;            /* the steps read so far */
	const struct scenario_listeners *cur; /* the current step's listeners read so far */
	struct arena *strings;                /* where the process strings go (sc's arena) */
};

/* One listener object of the step that starts at `at` seconds -> *out (defaults filled in, text
 * sanitized, strings in cx->strings). `where` names the object in messages
 * ("steps[1].listeners[0]"). 0, -EINVAL or -ENOMEM. */
int scenario_read_listener(const struct scenario_ctx *cx, const struct cJSON *obj, double at,
                           const char *where, struct scenario_listener *out);

/* The extra fields of one listener object ("ignores_sigterm", "connections") -> *out. 0 or
 * -EINVAL. */
int scenario_read_extra(const struct scenario_ctx *cx, const struct cJSON *obj, const char *where,
                        struct scenario_extra *out);

/* One object of "processes" (pid, ppid, name, cmdline, cwd, exe, user, uid, uptime, started,
 * start_ticks, rss_kib, threads) -> *out, defaults as for a listener. 0, -EINVAL or -ENOMEM. */
int scenario_read_process(const struct scenario_ctx *cx, const struct cJSON *obj, const char *where,
                          struct proc_info *out);

/* Checks that every member of obj is one of the NULL-terminated names (or "comment") and that no
 * name appears twice. 0 or -EINVAL with the message in cx->err. */
int scenario_check_keys(const struct scenario_ctx *cx, const struct cJSON *obj, const char *where,
                        const char *const *names);

#endif
