/* fake_backend.c - the platform contract played from a JSON scenario (--demo, tests, screenshots).
 *
 * The scenario is loaded once, at open; every collect returns the step for the time elapsed since
 * then (or for the time set by platform_fake_seek()). The last step stays once playback passes it.
 */
#include "fake_backend.h"

#include <errno.h>
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
};

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
	return listener_set_copy(out, &current_step(f)->listeners);
}

static int fake_process(void *impl, pid_t pid, struct proc_info *out)
{
	struct fake *f = impl;
	if (f->sc.n_steps == 0)
		return -EINVAL;
	const struct listener_set *set = &current_step(f)->listeners;
	for (size_t i = 0; pid > 0 && i < set->n; i++)
		if (!set->v[i].owner_hidden && set->v[i].proc.id.pid == pid) {
			*out = set->v[i].proc;
			return 0;
		}
	return -ESRCH;
}

static void fake_close(void *impl)
{
	struct fake *f = impl;
	scenario_free(&f->sc);
	free(f);
}

static const struct platform_ops fake_ops = {
    .name = fake_name,
    .collect = fake_collect,
    .process = fake_process,
    .error = fake_error,
    .close = fake_close,
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
