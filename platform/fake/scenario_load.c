/* scenario_load.c - a JSON scenario -> steps of listeners (pure: no clock, no output).
 *
 * A scenario is what devports shows with --demo: snapshots of the listening sockets over time.
 *
 *   {"scenario": "airplay",                     optional name, shown as "demo: airplay"
 *    "kernel": "macos",                         optional: whose rules decide which socket a
 *                                               connection reaches, "linux" (default) or "macos"
 *    "steps": [                                 at least one, "at" increasing
 *      {"at": 0,                                seconds after playback starts; default: 0 for the
 *                                               first step, previous "at" + 1 for the others
 *       "listeners": [                          required, may be empty
 *         {"port": 3000, "pid": 41233, "name": "node", "cmdline": "node .../next dev"}, ...]},
 *      {"at": 6, "listeners": [...]}]}
 *
 * A listener (one socket, one process holding it):
 *   port          number 0-65535, required
 *   proto         "tcp" or "udp"; default "tcp"
 *   address       "127.0.0.1", "::1", "[::1]", "0.0.0.0", "::", or "*" (same as "::" serving
 *                 IPv4 too); default "127.0.0.1"
 *   v6only        true when an IPv6 socket does not also serve IPv4; default false
 *   inode         socket inode number; default 0 (unknown)
 *   owner_hidden  true for another user's socket, whose process cannot be read: such a listener
 *                 has no pid and may give only the fields above, owner, user and uid;
 *                 default false
 *   owner         why a hidden owner is not known: "not_readable" (another user's, devports is
 *                 not root), "not_found" (not found yet) or "unreadable" (not even as root);
 *                 default "not_readable"; only with owner_hidden
 *   user, uid     owner's name and id; each defaults from the other ("root" is 0, 1000 is "dev",
 *                 another uid is shown as digits, another user gets 1000), otherwise from the
 *                 same pid earlier; default "dev"/1000, or "root"/0 for a hidden owner
 * and, for a visible owner:
 *   pid           number 1-4194304, required
 *   ppid          default 1
 *   name          command name; default: the last path element of cmdline's first word, or of exe
 *   cmdline       arguments joined by spaces; default: name
 *   cwd, exe      paths; default ""
 *   project_root  the project the process works in; default: cwd when it is inside a home directory
 *   unit          the systemd service that runs it ("postgresql@15-main.service"); default ""
 *   uptime        the process's age in seconds when this step begins
 *   started       or its start as a UTC date, "2026-11-22T10:00:00Z" (not both)
 *                 default: the process starts when this step begins
 *   start_ticks   clock ticks since boot; default: from the start, counting 100 a second from a
 *                 boot 30 days before playback
 *   rss_kib       resident memory in KiB; default 0
 *   threads       default 1
 *   ignores_sigterm  true: the process survives SIGTERM, only SIGKILL stops it (kill tests);
 *                 default false
 *   connections   established connections the listener has, for inspect; default: unknown
 * A listener whose pid appeared earlier (in this step or a previous one) takes every process
 * field it leaves out from the latest such listener, start time included: describe a process once,
 * then repeat only port, address and pid. Listeners of one step on the same proto, address, port
 * (and inode) with different pids are one socket that all of them hold, as a pre-fork server's
 * parent and workers do: one row with every holder. A "comment" member is allowed in every object.
 * Unknown or repeated members are errors, so are values of the wrong type; null means "the
 * default". Every text is sanitized (sanitize.h) here, once. The JSON must be strict (RFC 8259: no
 * trailing commas, no comments); a syntax error is reported with its line and column.
 *
 * "processes" (optional, at the top level, next to "steps") lists processes that hold no socket,
 * described like listeners without the socket fields: the parents that inspect shows in a
 * listener's ancestry ("systemd -> tmux -> zsh -> npm -> node"):
 *   "processes": [{"pid": 1, "ppid": 0, "name": "systemd", "user": "root"}, ...]
 *
 * A process that devports signals (k, devports kill) is gone from every later snapshot, unless it
 * ignores SIGTERM and the signal was SIGTERM.
 *
 * Times are relative, so a scenario looks the same on every run: a process with "uptime": 7200 in
 * the step at 0 s started two hours before playback began.
 */
#include "array_grow.h"
#include "scenario.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json_check.h"
#include "sanitize.h"

enum { FILE_SIZE_MAX = 16 << 20, LABEL_MAX = 256, WHERE_MAX = 64 };

static const char *const document_keys[] = {"scenario", "kernel", "steps", "processes", NULL};
static const char *const step_keys[] = {"at", "listeners", NULL};

int scenario_check_keys(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                        const char *const *names)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		bool known = strcmp(m->string, "comment") == 0;
		for (size_t i = 0; names[i] && !known; i++)
			known = strcmp(m->string, names[i]) == 0;
		const cJSON *twin = obj->child;
		while (twin != m && strcmp(twin->string, m->string) != 0)
			twin = twin->next;
		if (known && twin == m)
			continue;
		char name[64];
		sanitize_text(name, sizeof name, m->string, strlen(m->string));
		snprintf(cx->err, cx->errlen, "%s: %s%s\"%s\" %s", cx->label, where,
		         where[0] ? ": " : "", name,
		         known ? "is given twice" : "is not a known field");
		return -EINVAL;
	}
	return 0;
}

/* "LABEL: WHERE.FIELD: message" (WHERE or FIELD may be ""). */
__attribute__((format(printf, 4, 5))) static int
fail(const struct scenario_ctx *cx, const char *where, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(cx->err, cx->errlen, "%s: %s%s%s%s%s", cx->label, where,
	         where[0] && field[0] ? "." : "", field, where[0] || field[0] ? ": " : "", msg);
	return -EINVAL;
}

static int push_listener(struct scenario_listeners *set, const struct scenario_listener *l)
{
	if (!array_grow((void **)&set->v, &set->cap, set->n + 1, sizeof *set->v, 8))
		return -ENOMEM;
	set->v[set->n++] = *l;
	return 0;
}

static int read_step(const struct scenario_ctx *outer, const cJSON *obj, size_t i, double prev_at,
                     struct scenario_step *step)
{
	struct scenario_ctx step_cx = *outer, *cx = &step_cx;
	char where[WHERE_MAX];
	cx->cur = &step->listeners;
	snprintf(where, sizeof where, "steps[%zu]", i);
	if (!cJSON_IsObject(obj))
		return fail(cx, where, "",
		            "expected an object like {\"at\": 0, \"listeners\": [...]}");
	if (scenario_check_keys(cx, obj, where, step_keys) < 0)
		return -EINVAL;
	const cJSON *at = cJSON_GetObjectItemCaseSensitive(obj, "at");
	step->at = i == 0 ? 0 : prev_at + 1;
	if (at && !cJSON_IsNull(at)) {
		if (!cJSON_IsNumber(at) || !(at->valuedouble >= 0 && at->valuedouble <= 1e9))
			return fail(cx, where, "at", "expected a number of seconds, 0 or more");
		step->at = at->valuedouble;
	}
	if (i > 0 && step->at <= prev_at)
		return fail(cx, where, "at", "expected a time after the previous step's (%g s)",
		            prev_at);
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(obj, "listeners");
	if (!list)
		return fail(cx, where, "listeners",
		            "missing (a step lists its listeners; [] for none)");
	if (!cJSON_IsArray(list))
		return fail(cx, where, "listeners", "expected a list of listeners");
	size_t j = 0, n = (size_t)cJSON_GetArraySize(list);
	step->extra = n ? calloc(n, sizeof *step->extra) : NULL;
	if (n && !step->extra)
		return -ENOMEM;
	for (const cJSON *l = list->child; l; l = l->next, j++) {
		struct scenario_listener one;
		char lwhere[WHERE_MAX];
		snprintf(lwhere, sizeof lwhere, "steps[%zu].listeners[%zu]", i, j);
		int rc = scenario_read_listener(cx, l, step->at, lwhere, &one);
		if (rc < 0)
			return rc;
		if (scenario_read_extra(cx, l, lwhere, &step->extra[j]) < 0)
			return -EINVAL;
		if (push_listener(&step->listeners, &one) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int read_processes(struct scenario_ctx *cx, const cJSON *doc, struct scenario *sc)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "processes");
	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return fail(cx, "", "processes", "expected a list of processes");
	size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
	sc->processes = n ? calloc(n, sizeof *sc->processes) : NULL;
	if (n && !sc->processes)
		return -ENOMEM;
	for (const cJSON *p = list->child; p; p = p->next, i++) {
		char where[WHERE_MAX];
		snprintf(where, sizeof where, "processes[%zu]", i);
		int rc = scenario_read_process(cx, p, where, &sc->processes[i]);
		if (rc < 0)
			return rc;
		sc->n_processes = i + 1;
	}
	return 0;
}

static int read_document(struct scenario_ctx *cx, const cJSON *doc, struct scenario *sc)
{
	if (!cJSON_IsObject(doc))
		return fail(cx, "", "", "expected an object like {\"steps\": [...]}");
	if (scenario_check_keys(cx, doc, "", document_keys) < 0)
		return -EINVAL;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(doc, "scenario");
	if (name && !cJSON_IsNull(name)) {
		if (!cJSON_IsString(name) || !name->valuestring)
			return fail(cx, "", "scenario", "expected a name (a string)");
		sanitize_text(sc->name, sizeof sc->name, name->valuestring,
		              strlen(name->valuestring));
	}
	const cJSON *kernel = cJSON_GetObjectItemCaseSensitive(doc, "kernel");
	if (kernel && !cJSON_IsNull(kernel)) {
		int k = -1;
		for (int i = 0; i < REACH_KERNEL_COUNT && cJSON_IsString(kernel); i++)
			if (strcmp(kernel->valuestring, reach_kernel_names[i]) == 0)
				k = i;
		if (k < 0)
			return fail(cx, "", "kernel", "expected \"linux\" or \"macos\"");
		sc->kernel = (uint8_t)k;
	}
	const cJSON *steps = cJSON_GetObjectItemCaseSensitive(doc, "steps");
	if (!steps)
		return fail(cx, "", "steps", "missing (a scenario is a list of steps)");
	if (!cJSON_IsArray(steps))
		return fail(cx, "", "steps", "expected a list of steps");
	size_t n = (size_t)cJSON_GetArraySize(steps);
	if (n == 0)
		return fail(cx, "", "steps", "expected at least one step");
	sc->steps = calloc(n, sizeof *sc->steps);
	if (!sc->steps)
		return -ENOMEM;
	size_t i = 0;
	for (const cJSON *s = steps->child; s; s = s->next, i++) {
		sc->n_steps = i; /* the steps read so far, for the listeners that refer back */
		int rc = read_step(cx, s, i, i ? sc->steps[i - 1].at : 0, &sc->steps[i]);
		sc->n_steps = i + 1;
		if (rc < 0)
			return rc;
	}
	return read_processes(cx, doc, sc);
}

int scenario_parse(struct scenario *sc, const char *text, size_t len, const char *label,
                   int64_t open_time, char *err, size_t errlen)
{
	char safe_label[LABEL_MAX];
	sanitize_text(safe_label, sizeof safe_label, label, strlen(label));
	struct scenario_ctx cx = {.label = safe_label,
	                          .open_time = open_time,
	                          .err = err,
	                          .errlen = errlen,
	                          .sc = sc,
	                          .strings = &sc->strings};
	*sc = (struct scenario){0};
	err[0] = '\0';
	cJSON *doc = NULL;
	int rc = json_check_parse(text, len, safe_label, &doc, err, errlen);
	if (rc == 0)
		rc = read_document(&cx, doc, sc);
	cJSON_Delete(doc);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", safe_label);
	if (rc < 0)
		scenario_free(sc);
	return rc;
}

/* Reads the whole file (a regular file or a pipe). 0 or a negative errno. */
static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;
	for (;;) {
		bool full = n >= FILE_SIZE_MAX;
		if (n == cap && (full || !array_grow((void **)&buf, &cap, n + 1, 1, 64 << 10))) {
			free(buf);
			return full ? -EFBIG : -ENOMEM;
		}
		ssize_t got = read(fd, buf + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*out = buf;
	*len = n;
	return 0;
}

int scenario_load_file(struct scenario *sc, const char *path, int64_t open_time, char *err,
                       size_t errlen)
{
	char *text = NULL;
	size_t len = 0;
	*sc = (struct scenario){0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : read_all(fd, &text, &len);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		char safe_path[LABEL_MAX];
		sanitize_text(safe_path, sizeof safe_path, path, strlen(path));
		snprintf(err, errlen, "%s: %s", safe_path,
		         rc == -EFBIG ? "larger than 16 MiB, not a scenario" : strerror(-rc));
		return rc;
	}
	rc = scenario_parse(sc, text, len, path, open_time, err, errlen);
	free(text);
	return rc;
}

size_t scenario_step_index(const struct scenario *sc, double t)
{
	size_t i = sc->n_steps - 1;
	while (i > 0 && sc->steps[i].at > t)
		i--;
	return i;
}

void scenario_free(struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_steps; i++) {
		free(sc->steps[i].listeners.v);
		free(sc->steps[i].extra);
	}
	free(sc->steps);
	free(sc->processes);
	arena_free(&sc->strings);
	*sc = (struct scenario){0};
}
