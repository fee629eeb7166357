/* respawn.c - who brought a killed server back, from a table of supervisors (see respawn.h). */
#include "respawn.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Advice templates: {unit} {user} {pid} {port} {arg} (the supervisor's first argument) {brew}
 * (the Homebrew formula of the new holder). When a template needs what is not known, `fallback`
 * is said instead. */
struct advice {
	const char *name;
	const char *text;
	const char *fallback;
};

static const struct advice advice_table[] = {
    {"systemd", "systemctl {user}stop {unit}",
     "a systemd service restarts it: systemctl status {pid} names it"},
    {"launchd", "brew services stop {brew}", "a launch agent restarts it: launchctl list names it"},
    {"init", "", "stop the service that runs it"},
    {"pm2", "pm2 stop <name> (pm2 list names it)", NULL},
    {"docker", "docker ps --filter publish={port}, then docker stop that container", NULL},
    {"supervisord", "supervisorctl stop <name> (supervisorctl status names it)", NULL},
    {"runit", "sv stop {arg}", "sv stop <service>"},
    {"s6", "s6-svc -d {arg}", "s6-svc -d <service dir>"},
    {"forever", "forever stop <name> (forever list names it)", NULL},
};

const struct respawn_supervisor respawn_supervisors[] = {
    {"systemd", {"systemd"}, true, "systemd"},
    {"launchd", {"launchd"}, true, "launchd"},
    {"init", {"init", "openrc-init", "runit-init"}, true, "init"},
    {"pm2", {"pm2"}, false, "pm2"},
    {"nodemon", {"nodemon"}, false, ""},
    {"docker",
     {"docker-proxy", "containerd-shim", "containerd-shim-runc-v2", "dockerd"},
     false,
     "docker"},
    {"supervisord", {"supervisord"}, false, "supervisord"},
    {"runit", {"runsv", "runsvdir"}, false, "runit"},
    {"s6", {"s6-supervise", "s6-svscan"}, false, "s6"},
    {"forever", {"forever"}, false, "forever"},
    {"cargo-watch", {"cargo-watch"}, false, ""},
    {"air", {"air"}, false, ""},
    {"watchexec", {"watchexec"}, false, ""},
    {"entr", {"entr"}, false, ""},
    {"reflex", {"reflex"}, false, ""},
    {"overmind", {"overmind"}, false, ""},
    {"foreman", {"foreman"}, false, ""},
};
const size_t respawn_supervisors_len = sizeof respawn_supervisors / sizeof respawn_supervisors[0];

/* Processes that only start the next one: a supervisor may sit above them. */
static const char *const wrappers[] = {
    "sh",    "bash", "dash", "zsh",    "fish",   "ksh",  "npm",     "npx",
    "yarn",  "pnpm", "env",  "sudo",   "nohup",  "nice", "timeout", "make",
    "cargo", "go",   "uv",   "poetry", "setsid", "su",   NULL,
};

/* The file name of the k-th space-separated word of text, lower case, into out. */
static void word_base(const char *text, int k, char *out, size_t len)
{
	const char *w = text;
	for (int i = 0; i < k && w; i++) {
		w = strchr(w, ' ');
		if (w)
			while (*w == ' ')
				w++;
	}
	out[0] = '\0';
	if (!w || !*w)
		return;
	size_t n = strcspn(w, " ");
	const char *slash = NULL; /* the word's last '/' (memrchr is not on macOS) */
	for (size_t i = 0; i < n; i++)
		if (w[i] == '/')
			slash = w + i;
	if (slash) {
		n -= (size_t)(slash + 1 - w);
		w = slash + 1;
	}
	if (n >= len)
		n = len - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)w[i]);
	out[n] = '\0';
}

/* The names a process goes by: its command name's first word, its argv[0] and argv[1]. */
static void names_of(const struct proc_info *p, char names[3][64])
{
	word_base(p->comm, 0, names[0], 64);
	names[0][strcspn(names[0], " ")] = '\0';
	word_base(p->cmdline, 0, names[1], 64);
	word_base(p->cmdline, 1, names[2], 64);
}

const struct respawn_supervisor *respawn_match(const struct proc_info *p)
{
	char names[3][64];
	names_of(p, names);
	for (size_t s = 0; s < respawn_supervisors_len; s++)
		for (size_t m = 0; m < 4 && respawn_supervisors[s].match[m]; m++)
			for (int k = 0; k < 3; k++)
				if (names[k][0] &&
				    strcmp(names[k], respawn_supervisors[s].match[m]) == 0)
					return &respawn_supervisors[s];
	return NULL;
}

static bool is_wrapper(const struct proc_info *p)
{
	char names[3][64];
	names_of(p, names);
	for (size_t i = 0; wrappers[i]; i++)
		if (strcmp(names[0], wrappers[i]) == 0 || strcmp(names[1], wrappers[i]) == 0)
			return true;
	return false;
}

static bool same_port(const struct listener *a, const struct listener *b)
{
	return a->proto == b->proto && a->port == b->port;
}

const struct listener *respawn_find(const struct kill_plan *plan, const struct listener_set *snap)
{
	for (size_t i = 0; i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (!same_port(l, &plan->sel) || kill_plan_has_inode(plan, l->inode))
			continue; /* one of the killed sockets, still closing */
		if (l->owner_hidden || !kill_plan_holds(plan, l->proc->id.pid))
			return l;
	}
	return NULL;
}

const struct listener *respawn_leftover(const struct kill_plan *plan,
                                        const struct listener_set *snap)
{
	for (size_t i = 0; i < snap->n; i++) {
		const struct listener *l = &snap->v[i];
		if (same_port(l, &plan->sel) && !l->owner_hidden &&
		    l->proc->id.pid != plan->target.id.pid &&
		    kill_plan_holds(plan, l->proc->id.pid))
			return l;
	}
	return NULL;
}

/* The Homebrew formula a path belongs to: ".../Cellar/NAME/..." or ".../opt/homebrew/opt/NAME/".
 */
static bool brew_formula(const struct proc_info *p, char *out, size_t len)
{
	static const char *const marks[] = {"/Cellar/", "/homebrew/opt/"};
	const char *paths[] = {p->exe, p->cmdline};
	for (size_t i = 0; i < 2; i++)
		for (size_t m = 0; m < 2; m++) {
			const char *at = strstr(paths[i], marks[m]);
			if (!at)
				continue;
			at += strlen(marks[m]);
			size_t n = strcspn(at, "/ ");
			if (n == 0 || at[n] != '/')
				continue;
			snprintf(out, len, "%.*s", (int)n, at);
			return true;
		}
	return false;
}

struct fill {
	const char *unit, *user, *arg, *brew;
	char pid[16], port[8];
};

/* Expands a template; false when a placeholder it needs is unknown (""). */
static bool expand(const char *tpl, const struct fill *f, char *out, size_t len)
{
	static const char *const keys[] = {"{unit}", "{user}", "{pid}",
	                                   "{port}", "{arg}",  "{brew}"};
	const char *vals[] = {f->unit, f->user, f->pid, f->port, f->arg, f->brew};
	size_t o = 0;
	out[0] = '\0';
	for (const char *s = tpl; *s && o + 1 < len;) {
		size_t k = 0;
		while (k < 6 && strncmp(s, keys[k], strlen(keys[k])) != 0)
			k++;
		if (k == 6) {
			out[o++] = *s++;
			continue;
		}
		if (!vals[k][0] && k != 1)
			return false;
		o += (size_t)snprintf(out + o, len - o, "%s", vals[k]);
		if (o >= len)
			o = len - 1;
		s += strlen(keys[k]);
	}
	out[o] = '\0';
	return true;
}

static void advise(const struct respawn_supervisor *s, const struct proc_info *sup,
                   const struct proc_info *holder, const struct fill *base, char *out, size_t len)
{
	char arg[64], brew[64];
	struct fill f = *base;
	word_base(sup->cmdline, 1, arg, sizeof arg);
	f.arg = arg;
	f.brew = brew_formula(holder, brew, sizeof brew) ? brew : "";
	snprintf(f.pid, sizeof f.pid, "%ld", (long)sup->id.pid);
	for (size_t i = 0; i < sizeof advice_table / sizeof advice_table[0]; i++) {
		const struct advice *a = &advice_table[i];
		if (strcmp(a->name, s->advice) != 0)
			continue;
		if (!expand(a->text, &f, out, len) || !out[0])
			expand(a->fallback ? a->fallback : "", &f, out, len);
		return;
	}
	snprintf(out, len, "stop %s (pid %ld) instead", s->name, (long)sup->id.pid);
}

void respawn_explain(uint16_t port, const struct proc_info *chain, size_t n, const char *unit,
                     bool user_unit, char *buf, size_t len)
{
	struct fill f = {.unit = unit ? unit : "", .user = user_unit ? "--user " : ""};
	char advice[KILL_TEXT_MAX];
	snprintf(f.port, sizeof f.port, "%u", (unsigned)port);
	const struct proc_info *holder = &chain[0];
	for (size_t i = 0; i < n && i <= RESPAWN_DEPTH; i++) {
		const struct respawn_supervisor *s = respawn_match(&chain[i]);
		if (s && (!s->parent_only || i == 1)) {
			advise(s, &chain[i], holder, &f, advice, sizeof advice);
			snprintf(buf, len, "restarted by %s (pid %ld)%s%s", s->name,
			         (long)chain[i].id.pid, advice[0] ? " — " : "", advice);
			return;
		}
		if (i > 0 && !is_wrapper(&chain[i]))
			break;
	}
	if (n < 2) {
		snprintf(buf, len, "restarted: %s (pid %ld) holds it now", holder->comm,
		         (long)holder->id.pid);
		return;
	}
	snprintf(buf, len, "restarted by %s (pid %ld) — stop it first", chain[1].comm,
	         (long)chain[1].id.pid);
}
