/* scenario_listener.c - one listener object of a scenario -> a socket and its process, defaults
 * filled in, the process's strings in the scenario's arena.
 *
 * The format and its defaults are described at the top of scenario_load.c. Process fields that a
 * listener leaves out are taken from the latest earlier listener with the same pid, so a scenario
 * describes each process once and later steps repeat only the socket.
 */
#include "scenario.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sanitize.h"

enum {
	PID_MAX = 4194304, /* Linux's highest possible pid */
	DEFAULT_UID = 1000,
	TICKS_PER_SECOND = 100,
};
static const double uid_max = 4294967294.0;         /* (uid_t)-1 means "no user" */
static const double exact_max = 9007199254740992.0; /* 2^53: the largest exact JSON integer */
static const double boot_age = 30 * 86400.0; /* the demo machine booted 30 days before playback */

static const char *const listener_keys[] = {
    "port",        "proto",        "address",
    "v6only",      "owner_hidden", "inode",
    "uid",         "user",         "pid",
    "ppid",        "name",         "cmdline",
    "cwd",         "exe",          "uptime",
    "started",     "start_ticks",  "rss_kib",
    "threads",     "project_root", "ignores_sigterm",
    "connections", "owner",        "unit",
    NULL,
};
/* An entry of "processes": a process that holds no socket (an ancestor shown by inspect). */
static const char *const process_keys[] = {
    "pid", "ppid",   "name",    "cmdline",     "cwd",     "exe",     "project_root", "user",
    "uid", "uptime", "started", "start_ticks", "rss_kib", "threads", "unit",         NULL,
};
/* A hidden owner is known only by the socket's uid: nothing else of the process can be read. */
static const char *const hidden_keys[] = {
    "port", "proto", "address", "v6only", "owner_hidden", "owner", "inode", "uid", "user", NULL,
};

__attribute__((format(printf, 4, 5))) static int
fail(const struct scenario_ctx *cx, const char *where, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(cx->err, cx->errlen, "%s: %s%s%s: %s", cx->label, where, field ? "." : "",
	         field ? field : "", msg);
	return -EINVAL;
}

/* The member `field` of obj, or NULL when it is absent or null (both mean "the default"). */
static const cJSON *member(const cJSON *obj, const char *field)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
	return cJSON_IsNull(v) ? NULL : v;
}

/* Reads a number in [min, max] (a whole one when `whole`). 1 read, 0 absent, -EINVAL. */
static int get_number(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                      const char *field, double min, double max, bool whole, const char *msg,
                      double *out)
{
	const cJSON *v = member(obj, field);
	if (!v)
		return 0;
	double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
	if (!(d >= min && d <= max) || (whole && d != floor(d)))
		return fail(cx, where, field, "%s", msg);
	*out = d;
	return 1;
}

static int get_bool(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                    const char *field, bool *out)
{
	const cJSON *v = member(obj, field);
	if (!v)
		return 0;
	if (!cJSON_IsBool(v))
		return fail(cx, where, field, "expected true or false");
	*out = cJSON_IsTrue(v);
	return 1;
}

static int get_text(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                    const char *field, const char **out)
{
	const cJSON *v = member(obj, field);
	if (!v)
		return 0;
	if (!cJSON_IsString(v) || !v->valuestring)
		return fail(cx, where, field, "expected a string");
	*out = v->valuestring;
	return 1;
}

/* raw, sanitized and cut to cap bytes, copied into the scenario's arena -> *dst. 0 or -ENOMEM. */
static int put_text(const struct scenario_ctx *cx, const char **dst, size_t cap, const char *raw)
{
	char buf[PROC_CMDLINE_MAX];
	if (cap > sizeof buf)
		cap = sizeof buf;
	sanitize_text(buf, cap, raw, strlen(raw));
	const char *copy = arena_strdup(cx->strings, buf);
	if (!copy)
		return -ENOMEM;
	*dst = copy;
	return 0;
}

/* A process that knows nothing yet: every string "", never NULL. */
static void proc_blank(struct proc_info *p)
{
	*p = (struct proc_info){0};
	p->comm = p->user = p->cmdline = p->cwd = p->exe = p->project_root = "";
}

/* "127.0.0.1", "::1", "[::1]", or "*" (every IPv4 and IPv6 address, like "::" without v6only). */
static bool parse_address(const char *s, struct listener *l)
{
	char buf[INET6_ADDRSTRLEN + 2];
	size_t n = strlen(s);
	if (strcmp(s, "*") == 0)
		s = "::";
	if (n >= 2 && n < sizeof buf && s[0] == '[' && s[n - 1] == ']') {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	memset(l->addr, 0, sizeof l->addr);
	if (inet_pton(AF_INET, s, l->addr) == 1)
		l->family = FAMILY_V4;
	else if (inet_pton(AF_INET6, s, l->addr) == 1)
		l->family = FAMILY_V6;
	else
		return false;
	return true;
}

static int read_socket(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                       struct listener *out)
{
	double port = 0, inode = 0;
	const char *proto = "tcp", *address = "127.0.0.1";
	bool v6only = false;
	int rc = get_number(cx, obj, where, "port", 0, 65535, true,
	                    "expected a number from 0 to 65535", &port);
	if (rc == 0)
		return fail(cx, where, "port", "missing (every listener has a port)");
	if (rc < 0 || get_text(cx, obj, where, "proto", &proto) < 0 ||
	    get_text(cx, obj, where, "address", &address) < 0 ||
	    get_bool(cx, obj, where, "v6only", &v6only) < 0)
		return -EINVAL;
	out->port = (uint16_t)port;
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0)
		return fail(cx, where, "proto", "expected \"tcp\" or \"udp\"");
	out->proto = proto[0] == 'u' ? PROTO_UDP : PROTO_TCP;
	if (!parse_address(address, out))
		return fail(
		    cx, where, "address",
		    "expected an IPv4 or IPv6 address like \"127.0.0.1\", \"::1\" or \"*\"");
	if (v6only && (out->family != FAMILY_V6 || strcmp(address, "*") == 0))
		return fail(cx, where, "v6only",
		            "only an IPv6 address other than \"*\" can be v6only");
	out->v6only = v6only;
	rc = get_number(cx, obj, where, "inode", 0, exact_max, true,
	                "expected a socket inode number, 0 or more", &inode);
	if (rc < 0)
		return rc;
	out->inode = rc ? (uint64_t)inode : 0;
	return 0;
}

/* user and uid: each defaults from the other ("root" is 0, 1000 is "dev"), then from base (the
 * same process earlier), then to dev/1000 (root/0 for a hidden owner). */
static int read_user(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                     const struct proc_info *base, bool hidden, struct proc_info *p)
{
	const char *user = NULL;
	double uid = 0;
	int has_user = get_text(cx, obj, where, "user", &user);
	int has_uid = get_number(cx, obj, where, "uid", 0, uid_max, true,
	                         "expected a user id from 0 to 4294967294", &uid);
	if (has_user < 0 || has_uid < 0)
		return -EINVAL;
	if (has_user && put_text(cx, &p->user, PROC_USER_MAX, user) < 0)
		return -ENOMEM;
	if (has_uid)
		p->uid = (uint32_t)uid;
	if (has_user && !has_uid)
		p->uid = base && strcmp(base->user, p->user) == 0 ? base->uid
		         : strcmp(p->user, "root") == 0           ? 0
		                                                  : DEFAULT_UID;
	if (has_uid && !has_user) {
		char digits[16];
		snprintf(digits, sizeof digits, "%u", (unsigned)p->uid);
		p->user = base && base->uid == p->uid ? base->user
		          : p->uid == 0               ? "root"
		          : p->uid == DEFAULT_UID     ? "dev"
		                                      : arena_strdup(cx->strings, digits);
	}
	if (!has_user && !has_uid && !base) {
		p->uid = hidden ? 0 : DEFAULT_UID;
		p->user = hidden ? "root" : "dev";
	}
	return p->user ? 0 : -ENOMEM;
}

/* "2026-11-22T10:00:00Z" -> seconds since the epoch. */
static bool parse_utc(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec, n = 0;
	if (strlen(s) != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[19] != 'Z' ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 20)
		return false;
	struct tm tm = {.tm_year = y - 1900,
	                .tm_mon = mo - 1,
	                .tm_mday = d,
	                .tm_hour = h,
	                .tm_min = mi,
	                .tm_sec = sec};
	time_t t = timegm(&tm);
	struct tm back;
	if (t == (time_t)-1 || !gmtime_r(&t, &back) || back.tm_mday != d || back.tm_mon != mo - 1 ||
	    back.tm_hour != h || back.tm_min != mi || back.tm_sec != sec || y < 1970)
		return false;
	*out = (int64_t)t;
	return true;
}

/* Start time from "uptime" (age when the step begins) or "started" (a date); a new process
 * without either starts when its step begins. Start ticks follow from the start time, counted
 * from a boot 30 days before playback, unless "start_ticks" gives them. */
static int read_start(const struct scenario_ctx *cx, const cJSON *obj, const char *where, double at,
                      bool inherited, struct proc_info *p)
{
	const char *started = NULL;
	double uptime = 0, ticks = 0, since_open = at; /* start, in seconds after playback starts */
	int has_uptime = get_number(cx, obj, where, "uptime", 0, exact_max, false,
	                            "expected a number of seconds, 0 or more", &uptime);
	int has_started = get_text(cx, obj, where, "started", &started);
	int has_ticks =
	    get_number(cx, obj, where, "start_ticks", 1, exact_max, true,
	               "expected a number of clock ticks since boot, 1 or more", &ticks);
	if (has_uptime < 0 || has_started < 0 || has_ticks < 0)
		return -EINVAL;
	if (has_uptime && has_started)
		return fail(cx, where, "started", "give either uptime or started, not both");
	if (has_started) {
		int64_t t;
		if (!parse_utc(started, &t))
			return fail(cx, where, "started",
			            "expected a UTC date and time like \"2026-11-22T10:00:00Z\"");
		since_open = (double)(t - cx->open_time);
	} else if (has_uptime) {
		since_open = at - uptime;
	}
	if (has_uptime || has_started || !inherited) {
		double start = floor((double)cx->open_time + since_open);
		double boot_ticks = floor((boot_age + since_open) * TICKS_PER_SECOND);
		p->start_time = start >= 1 ? (int64_t)start : 1;
		p->id.start_ticks = boot_ticks >= 1 ? (uint64_t)boot_ticks : 1;
	}
	if (has_ticks)
		p->id.start_ticks = (uint64_t)ticks;
	return 0;
}

/* The process of the latest earlier visible listener with this pid, or NULL. */
static const struct proc_info *find_process(const struct scenario_ctx *cx, pid_t pid)
{
	for (size_t i = cx->cur ? cx->cur->n : 0; i-- > 0;)
		if (!cx->cur->v[i].sock.owner_hidden && cx->cur->v[i].proc.id.pid == pid)
			return &cx->cur->v[i].proc;
	for (size_t s = cx->sc ? cx->sc->n_steps : 0; s-- > 0;) {
		const struct scenario_listeners *set = &cx->sc->steps[s].listeners;
		for (size_t i = set->n; i-- > 0;)
			if (!set->v[i].sock.owner_hidden && set->v[i].proc.id.pid == pid)
				return &set->v[i].proc;
	}
	return NULL;
}

/* The command name a process gets by default: the last path element of argv[0] or of exe. */
static int default_name(const struct scenario_ctx *cx, const char *cmdline, const char *exe,
                        const char **out)
{
	char name[PROC_COMM_MAX];
	const char *s = cmdline && cmdline[0] ? cmdline : exe ? exe : "";
	size_t n = strcspn(s, " ");
	const char *slash = NULL; /* the word's last '/' (memrchr is not on macOS) */
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/')
			slash = s + i;
	if (slash) {
		n -= (size_t)(slash + 1 - s);
		s = slash + 1;
	}
	sanitize_text(name, sizeof name, s, n);
	*out = arena_strdup(cx->strings, name);
	return *out ? 0 : -ENOMEM;
}

static int read_process(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                        double at, struct proc_info *p)
{
	double pid = 0, num = 0;
	int rc = get_number(cx, obj, where, "pid", 1, PID_MAX, true,
	                    "expected a process id from 1 to 4194304", &pid);
	if (rc == 0)
		return fail(cx, where, "pid",
		            "missing (give the owner's pid, or set owner_hidden "
		            "to true)");
	if (rc < 0)
		return rc;
	const struct proc_info *base = find_process(cx, (pid_t)pid);
	if (base) {
		*p = *base;
	} else {
		proc_blank(p);
		p->ppid = 1;
		p->threads = 1;
	}
	p->id.pid = (pid_t)pid;
	if ((rc = get_number(cx, obj, where, "ppid", 0, PID_MAX, true,
	                     "expected a process id from 0 to 4194304", &num)) < 0)
		return rc;
	if (rc)
		p->ppid = (pid_t)num;
	if ((rc = get_number(cx, obj, where, "rss_kib", 0, exact_max, true,
	                     "expected a size in KiB, 0 or more", &num)) < 0)
		return rc;
	if (rc)
		p->rss_kib = (uint64_t)num;
	if ((rc = get_number(cx, obj, where, "threads", 1, 1e7, true,
	                     "expected a number of threads, 1 or more", &num)) < 0)
		return rc;
	if (rc)
		p->threads = (int)num;

	static const struct {
		const char *field;
		size_t offset, cap;
	} texts[] = {
	    {"name", offsetof(struct proc_info, comm), PROC_COMM_MAX},
	    {"cmdline", offsetof(struct proc_info, cmdline), PROC_CMDLINE_MAX},
	    {"cwd", offsetof(struct proc_info, cwd), PROC_PATH_MAX},
	    {"exe", offsetof(struct proc_info, exe), PROC_PATH_MAX},
	    {"project_root", offsetof(struct proc_info, project_root), PROC_PATH_MAX},
	    {"unit", offsetof(struct proc_info, unit), PROC_PATH_MAX},
	};
	enum { NTEXTS = sizeof texts / sizeof texts[0] };
	const char *raw[NTEXTS] = {NULL};
	for (size_t i = 0; i < NTEXTS; i++) {
		if (get_text(cx, obj, where, texts[i].field, &raw[i]) < 0)
			return -EINVAL;
		if (raw[i] && put_text(cx, (const char **)((char *)p + texts[i].offset),
		                       texts[i].cap, raw[i]) < 0)
			return -ENOMEM;
	}
	if (!base) {
		if (!raw[0] && default_name(cx, raw[1], raw[3], &p->comm) < 0)
			return -ENOMEM;
		if (!p->comm[0])
			return fail(cx, where, "name",
			            "missing (give the process name, or its "
			            "cmdline)");
		if (!raw[1])
			p->cmdline = p->comm;
		/* A scenario has no files to look for project markers in: a working directory in
		 * someone's home stands for its project unless the scenario says otherwise. */
		const char *home_sub =
		    strncmp(p->cwd, "/home/", 6) == 0 ? strchr(p->cwd + 6, '/') : NULL;
		if (!raw[4] && home_sub && home_sub[1])
			p->project_root = p->cwd;
	}
	if ((rc = read_user(cx, obj, where, base, false, p)) < 0)
		return rc;
	return read_start(cx, obj, where, at, base != NULL, p);
}

/* "owner": why a hidden owner is not known: "not_readable" (the default), "not_found" or
 * "unreadable". */
static int read_owner_why(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                          bool hidden, uint8_t *why)
{
	const char *key = NULL;
	int rc = get_text(cx, obj, where, "owner", &key);
	if (rc < 0)
		return rc;
	*why = hidden ? OWNER_NOT_READABLE : OWNER_KNOWN;
	if (!rc)
		return 0;
	if (!hidden)
		return fail(cx, where, "owner",
		            "only a hidden owner has a reason (set owner_hidden to true)");
	for (int k = OWNER_NOT_READABLE; k < OWNER_UNKNOWN_COUNT; k++)
		if (strcmp(key, owner_unknown_keys[k]) == 0) {
			*why = (uint8_t)k;
			return 0;
		}
	return fail(cx, where, "owner",
	            "expected \"not_readable\", \"not_found\" or \"unreadable\"");
}

int scenario_read_listener(const struct scenario_ctx *cx, const cJSON *obj, double at,
                           const char *where, struct scenario_listener *out)
{
	bool hidden = false;
	int rc;
	*out = (struct scenario_listener){0};
	proc_blank(&out->proc);
	if (!cJSON_IsObject(obj))
		return fail(cx, where, NULL,
		            "expected an object like {\"port\": 3000, \"pid\": 4242, "
		            "\"name\": \"node\"}");
	if (scenario_check_keys(cx, obj, where, listener_keys) < 0 ||
	    get_bool(cx, obj, where, "owner_hidden", &hidden) < 0 ||
	    read_socket(cx, obj, where, &out->sock) ||
	    read_owner_why(cx, obj, where, hidden, &out->sock.owner_why) < 0)
		return -EINVAL;
	out->sock.owner_hidden = hidden;
	if (hidden) {
		for (const cJSON *m = obj->child; m; m = m->next) {
			bool allowed = strcmp(m->string, "comment") == 0;
			for (size_t i = 0; hidden_keys[i] && !allowed; i++)
				allowed = strcmp(m->string, hidden_keys[i]) == 0;
			if (!allowed)
				return fail(cx, where, m->string,
				            "a hidden owner shows only its user and uid (remove "
				            "this field, or set owner_hidden to false)");
		}
		if ((rc = read_user(cx, obj, where, NULL, true, &out->proc)) < 0)
			return rc;
	} else if ((rc = read_process(cx, obj, where, at, &out->proc)) < 0) {
		return rc;
	}
	out->sock.uid = out->proc.uid;
	return 0;
}

int scenario_read_extra(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                        struct scenario_extra *out)
{
	double n = 0;
	*out = (struct scenario_extra){.connections = -1};
	if (get_bool(cx, obj, where, "ignores_sigterm", &out->ignores_sigterm) < 0)
		return -EINVAL;
	int rc = get_number(cx, obj, where, "connections", 0, 1e9, true,
	                    "expected a number of connections, 0 or more", &n);
	if (rc < 0)
		return rc;
	if (rc)
		out->connections = (int)n;
	return 0;
}

int scenario_read_process(const struct scenario_ctx *cx, const cJSON *obj, const char *where,
                          struct proc_info *out)
{
	if (!cJSON_IsObject(obj))
		return fail(cx, where, NULL,
		            "expected an object like {\"pid\": 41200, \"name\": \"npm\"}");
	if (scenario_check_keys(cx, obj, where, process_keys) < 0)
		return -EINVAL;
	return read_process(cx, obj, where, 0, out);
}
