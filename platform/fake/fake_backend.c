/* fake_backend.c - the platform contract played from a JSON scenario (--demo, tests, screenshots).
 *
 * The scenario is loaded once, at open; every collect returns the step for the time elapsed since
 * then (or for the time set by platform_fake_seek()). The last step stays once playback passes it.
 * A process that is signalled to death (SIGKILL; SIGTERM and the like unless the scenario says it
 * ignores SIGTERM) is left out of every later snapshot. There is no network: no HTTP check.
 *
 * A step's listeners become sockets: the listeners on one socket (proto, family, address, port,
 * inode) with different pids are one socket held by each of them (a pre-fork server), each pid is
 * added once as a process, and a hidden listener is a socket of its own with no holder.
 */
#include "fake_backend.h"
#include "array_grow.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sanitize.h"
#include "scenario.h"

struct fake {
	struct scenario sc;
	char name[16 + SCENARIO_NAME_MAX]; /* "demo", or "demo: NAME" for a scenario file */
	char error[SCENARIO_ERROR_MAX];
	double step_seconds; /* > 0: steps this far apart, whatever their "at" */
	double opened;       /* platform_monotonic() */
	bool held;           /* platform_fake_seek() stopped the clock at held_at */
	double held_at;
	pid_t *dead; /* pids signalled to death, left out from then on */
	size_t ndead, capdead;
};

struct fake_proc {
	pid_t pid;
};

static bool is_dead(const struct fake *f, pid_t pid)
{
	for (size_t i = 0; i < f->ndead; i++)
		if (f->dead[i] == pid)
			return true;
	return false;
}

static double elapsed(const struct fake *f)
{
	return f->held ? f->held_at : platform_monotonic() - f->opened;
}

static const struct scenario_step *current_step(const struct fake *f)
{
	double t = elapsed(f);
	size_t i;
	if (f->step_seconds > 0) {
		double k = t / f->step_seconds;
		i = k >= (double)(f->sc.n_steps - 1) ? f->sc.n_steps - 1 : (size_t)k;
	} else {
		i = scenario_step_index(&f->sc, t);
	}
	return &f->sc.steps[i];
}

static const char *fake_name(void *impl)
{
	return ((struct fake *)impl)->name;
}

static const char *fake_error(void *impl)
{
	return ((struct fake *)impl)->error;
}

/* Whether a and b are one socket: same key and inode. */
static bool same_socket(const struct listener *a, const struct listener *b)
{
	return listener_same_key(a, b) && a->inode == b->inode;
}

static bool has_pid(const pid_t *pids, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Adds the step's sockets and holders to out (reset by the dispatcher, finished by it too). */
static int add_step(const struct fake *f, const struct scenario_step *st, struct snapshot *out)
{
	const struct scenario_listeners *set = &st->listeners;
	int rc = 0;
	pid_t *pids = set->n ? malloc(set->n * sizeof *pids) : NULL;
	pid_t *added = set->n ? malloc(set->n * sizeof *added) : NULL;
	size_t nadded = 0;
	if (set->n && (!pids || !added)) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < set->n && rc == 0; i++) {
		const struct scenario_listener *l = &set->v[i];
		if (l->sock.owner_hidden) {
			rc = snapshot_add_socket(out, &l->sock, NULL, 0,
			                         (enum owner_unknown)l->sock.owner_why,
			                         l->proc.user);
			continue;
		}
		/* The first visible listener of a socket adds it with the pids of all of them. */
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen =
			    !set->v[k].sock.owner_hidden && same_socket(&set->v[k].sock, &l->sock);
		if (seen)
			continue;
		size_t npids = 0;
		for (size_t k = i; k < set->n && rc == 0; k++) {
			const struct scenario_listener *m = &set->v[k];
			pid_t pid = m->proc.id.pid;
			if (m->sock.owner_hidden || !same_socket(&m->sock, &l->sock) ||
			    is_dead(f, pid) || has_pid(pids, npids, pid))
				continue;
			pids[npids++] = pid;
			if (has_pid(added, nadded, pid))
				continue; /* a process is added once, as its first listener gives it
				           */
			added[nadded++] = pid;
			if (!snapshot_add_process(out, &m->proc))
				rc = -ENOMEM;
		}
		/* Every holder signalled to death: the socket is gone with them. */
		if (rc == 0 && npids > 0)
			rc = snapshot_add_socket(out, &l->sock, pids, npids, OWNER_KNOWN, NULL);
	}
out:
	free(pids);
	free(added);
	return rc;
}

static int fake_collect(void *impl, struct snapshot *out)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL; /* the scenario did not load */
	out->kernel = f->sc.kernel;
	return add_step(f, current_step(f), out);
}

/* The process pid as the current step (its first listener with that pid) or the scenario's
 * "processes" give it, when it lives; NULL otherwise. */
static const struct proc_info *find_process(const struct fake *f, pid_t pid)
{
	if (pid <= 0 || is_dead(f, pid))
		return NULL;
	const struct scenario_listeners *set = &current_step(f)->listeners;
	for (size_t i = 0; i < set->n; i++)
		if (!set->v[i].sock.owner_hidden && set->v[i].proc.id.pid == pid)
			return &set->v[i].proc;
	for (size_t k = 0; k < f->sc.n_processes; k++)
		if (f->sc.processes[k].id.pid == pid)
			return &f->sc.processes[k];
	return NULL;
}

static int fake_process(void *impl, pid_t pid, struct arena *strings, struct proc_info *out)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL;
	const struct proc_info *p = find_process(f, pid);
	if (!p)
		return -ESRCH;
	return proc_info_copy(out, p, strings);
}

static int fake_proc_open(void *impl, const struct proc_ident *who, void **proc)
{
	struct fake *f = impl;
	*proc = NULL;
	const struct proc_info *info = f->sc.n_steps ? find_process(f, who->pid) : NULL;
	if (!info)
		return -ESRCH;
	if (info->id.start_ticks != who->start_ticks)
		return -ESTALE;
	struct fake_proc *h = malloc(sizeof *h);
	if (!h)
		return -ENOMEM;
	h->pid = who->pid;
	*proc = h;
	return 0;
}

static bool ignores_sigterm(const struct fake *f, pid_t pid)
{
	const struct scenario_step *st = current_step(f);
	for (size_t i = 0; st->extra && i < st->listeners.n; i++)
		if (!st->listeners.v[i].sock.owner_hidden &&
		    st->listeners.v[i].proc.id.pid == pid && st->extra[i].ignores_sigterm)
			return true;
	return false;
}

static int fake_proc_signal(void *impl, void *proc, int sig)
{
	static const int fatal[] = {SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
	struct fake *f = impl;
	struct fake_proc *h = proc;
	if (is_dead(f, h->pid))
		return -ESRCH;
	if (sig < 0 || sig >= NSIG)
		return -EINVAL;
	bool dies = false;
	for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
		dies |= fatal[i] == sig;
	if (!dies || (sig == SIGTERM && ignores_sigterm(f, h->pid)))
		return 0;
	if (!array_grow((void **)&f->dead, &f->capdead, f->ndead + 1, sizeof *f->dead, 8))
		return -ENOMEM;
	f->dead[f->ndead++] = h->pid;
	return 0;
}

static int fake_proc_wait(void *impl, void *proc, int timeout_ms)
{
	(void)timeout_ms; /* nothing exits on its own in a scenario: no need to sleep */
	struct fake_proc *h = proc;
	return is_dead(impl, h->pid) ? 0 : -ETIMEDOUT;
}

static void fake_proc_close(void *impl, void *proc)
{
	(void)impl;
	free(proc);
}

static int fake_connections(void *impl, const struct listener *l, int *count)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL;
	const struct scenario_step *st = current_step(f);
	for (size_t i = 0; st->extra && i < st->listeners.n; i++)
		if (listener_same_key(&st->listeners.v[i].sock, l) &&
		    st->extra[i].connections >= 0) {
			*count = st->extra[i].connections;
			return 0;
		}
	return -ENOSYS;
}

static int fake_tcp_port_free(void *impl, uint16_t port)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL;
	const struct scenario_listeners *set = &current_step(f)->listeners;
	for (size_t i = 0; i < set->n; i++) {
		const struct scenario_listener *l = &set->v[i];
		if (l->sock.proto == PROTO_TCP && l->sock.port == port &&
		    (l->sock.owner_hidden || !is_dead(f, l->proc.id.pid)))
			return -EADDRINUSE;
	}
	return 0;
}

/* The scenario's "unit" of the process (a scenario has no user units). */
static int fake_service_unit(void *impl, pid_t pid, char *unit, size_t len, bool *user)
{
	struct fake *f = impl;
	*user = false;
	const struct proc_info *p = f->sc.n_steps ? find_process(f, pid) : NULL;
	if (!p)
		return -ESRCH;
	if (!p->unit || !p->unit[0])
		return -ENOENT;
	snprintf(unit, len, "%s", p->unit);
	return 0;
}

static void fake_close(void *impl)
{
	struct fake *f = impl;
	scenario_free(&f->sc);
	free(f->dead);
	free(f);
}

static const struct platform_ops fake_ops = {
    .name = fake_name,
    .collect = fake_collect,
    .process = fake_process,
    .error = fake_error,
    .close = fake_close,
    .proc_open = fake_proc_open,
    .proc_signal = fake_proc_signal,
    .proc_wait = fake_proc_wait,
    .proc_close = fake_proc_close,
    .connections = fake_connections,
    .service_unit = fake_service_unit,
    .tcp_port_free = fake_tcp_port_free,
};

/* "demo: NAME" from the scenario's name, or from the file name without its directory and .json. */
static void set_name(struct fake *f, const char *path)
{
	char base[SCENARIO_NAME_MAX];
	if (!path) {
		snprintf(f->name, sizeof f->name, "demo");
		return;
	}
	if (f->sc.name[0]) {
		snprintf(f->name, sizeof f->name, "demo: %s", f->sc.name);
		return;
	}
	const char *slash = strrchr(path, '/');
	const char *b = slash ? slash + 1 : path;
	size_t n = strlen(b);
	if (n > 5 && strcmp(b + n - 5, ".json") == 0)
		n -= 5;
	sanitize_text(base, sizeof base, b, n);
	snprintf(f->name, sizeof f->name, "demo: %s", base);
}

int platform_fake_open(const struct platform_opts *opts, void **impl,
                       const struct platform_ops **ops)
{
	*impl = NULL;
	*ops = NULL;
	struct fake *f = calloc(1, sizeof *f);
	if (!f)
		return -ENOMEM;
	f->opened = platform_monotonic();
	int64_t now = opts->scenario_epoch > 0 ? opts->scenario_epoch : (int64_t)time(NULL);
	const char *path = opts->scenario_path;
	if (opts->scenario_step_seconds > 0)
		f->step_seconds = opts->scenario_step_seconds;
	int rc = path ? scenario_load_file(&f->sc, path, now, f->error, sizeof f->error)
	              : scenario_parse(&f->sc, scenario_builtin_json, strlen(scenario_builtin_json),
	                               "built-in scenario", now, f->error, sizeof f->error);
	set_name(f, path);
	/* Kept on error too, so that platform_error() can say what is wrong with the file. */
	*impl = f;
	*ops = &fake_ops;
	return rc;
}

int platform_fake_seek(struct platform *p, double seconds)
{
	struct fake *f = platform_backend(p, &fake_ops);
	if (!f || !(seconds >= 0))
		return -EINVAL;
	f->held = true;
	f->held_at = seconds;
	return 0;
}
