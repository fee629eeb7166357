/* fake_backend.c - the platform contract played from a JSON scenario (--demo, tests, screenshots).
 *
 * The scenario is loaded once, at open; every collect returns the step for the time elapsed since
 * then (or for the time set by platform_fake_seek()). The last step stays once playback passes it.
 * A process that is signalled to death (SIGKILL; SIGTERM and the like unless the scenario says it
 * ignores SIGTERM) is left out of every later snapshot. There is no network: no HTTP check.
 */
#include "fake_backend.h"

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
	double step_seconds;    /* > 0: steps this far apart, whatever their "at" */
	struct timespec opened; /* monotonic */
	bool held;              /* platform_fake_seek() stopped the clock at held_at */
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
	struct timespec now;
	if (f->held)
		return f->held_at;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - f->opened.tv_sec) + (now.tv_nsec - f->opened.tv_nsec) / 1e9;
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

static int fake_collect(void *impl, struct listener_set *out)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL; /* the scenario did not load */
	const struct listener_set *set = &current_step(f)->listeners;
	listener_set_clear(out);
	for (size_t i = 0; i < set->n; i++)
		if ((set->v[i].owner_hidden || !is_dead(f, set->v[i].proc.id.pid)) &&
		    !listener_set_push(out, &set->v[i]))
			return -ENOMEM;
	return 0;
}

/* The current step's listener index of a live, visible pid, or -1. */
static long find_pid(const struct fake *f, pid_t pid)
{
	const struct listener_set *set = &current_step(f)->listeners;
	for (size_t i = 0; pid > 0 && i < set->n; i++)
		if (!set->v[i].owner_hidden && set->v[i].proc.id.pid == pid)
			return is_dead(f, pid) ? -1 : (long)i;
	return -1;
}

static int fake_process(void *impl, pid_t pid, struct proc_info *out)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL;
	long i = find_pid(f, pid);
	if (i >= 0) {
		*out = current_step(f)->listeners.v[i].proc;
		return 0;
	}
	for (size_t k = 0; pid > 0 && k < f->sc.n_processes; k++)
		if (f->sc.processes[k].id.pid == pid && !is_dead(f, pid)) {
			*out = f->sc.processes[k];
			return 0;
		}
	return -ESRCH;
}

static int fake_proc_open(void *impl, const struct proc_ident *who, void **proc)
{
	struct fake *f = impl;
	struct proc_info info;
	*proc = NULL;
	if (f->sc.n_steps == 0 || fake_process(f, who->pid, &info) < 0)
		return -ESRCH;
	if (info.id.start_ticks != who->start_ticks)
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
		if (!st->listeners.v[i].owner_hidden && st->listeners.v[i].proc.id.pid == pid &&
		    st->extra[i].ignores_sigterm)
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
	if (f->ndead == f->capdead) {
		size_t cap = f->capdead ? f->capdead * 2 : 8;
		pid_t *v = realloc(f->dead, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		f->dead = v;
		f->capdead = cap;
	}
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
	const struct scenario_step *st = current_step(f);
	for (size_t i = 0; st->extra && i < st->listeners.n; i++)
		if (listener_key_cmp(&st->listeners.v[i], l) == 0 && st->extra[i].connections >= 0) {
			*count = st->extra[i].connections;
			return 0;
		}
	return -ENOSYS;
}

static int fake_tcp_port_free(void *impl, uint16_t port)
{
	struct listener_set now = {0};
	int rc = fake_collect(impl, &now);
	for (size_t i = 0; rc == 0 && i < now.n; i++)
		if (now.v[i].proto == PROTO_TCP && now.v[i].port == port)
			rc = -EADDRINUSE;
	listener_set_free(&now);
	return rc;
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
	clock_gettime(CLOCK_MONOTONIC, &f->opened);
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
