/* app.c - the dashboard's state: polling into the model, transient messages. */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app_work.h"
#include "config.h"
#include "project_map.h"

enum { STATUS_SECONDS = 4, WATCH_STATUS_SECONDS = 8 };
/* The project folders are walked for their .devports.yml this often (a new listener's project
 * counts from the next walk); the files themselves are looked at every 2 s. */
#define PROJECT_MAPS_RECHECK_SECONDS 2.0

void app_init(struct app *a, double interval)
{
	*a = (struct app){.interval = interval > 0 ? interval : 1.0};
	a->kill.phase = KILL_FINISHED; /* no kill yet */
	a->kill.outcome = KILL_CANCELLED;
	model_init(&a->model);
	snprintf(a->backend, sizeof a->backend, "%s", "none");
}

void app_free(struct app *a)
{
	app_detail_close(a);
	app_health_free(a);
	kill_job_free(&a->kill);
	model_free(&a->model);
	project_maps_free(a->maps);
	free(a->maps);
	free(a->cfg_view);
	snapshot_free(&a->snap);
	snapshot_free(&a->next);
}

void app_notify(struct app *a, const char *text)
{
	int rc = a->platform ? platform_tmux_message(a->platform, text) : -ENOSYS;
	if (a->nnotices == APP_NOTICES_MAX) { /* the oldest gives way */
		memmove(&a->notices[0], &a->notices[1],
		        (APP_NOTICES_MAX - 1) * sizeof a->notices[0]);
		a->nnotices--;
	}
	struct app_notice *n = &a->notices[a->nnotices++];
	snprintf(n->text, sizeof n->text, "%s", text);
	n->osc = rc < 0;
	app_warn(a, text, WATCH_STATUS_SECONDS);
}

/* The watched ports' changes of the last merge, told (app_notify). */
static void tell_watch(struct app *a)
{
	const struct model *m = &a->model;
	for (size_t i = 0; i < m->nalerts; i++)
		app_notify(a, m->alerts[i].text);
}

/* Merges a->snap, just replaced, into the model; whether anything shown changed. */
static bool merge_snap(struct app *a)
{
	a->snap_at = a->now;
	int rc = model_apply(&a->model, &a->snap, a->now, a->wall);
	if (rc < 0)
		snprintf(a->error, sizeof a->error, "out of memory");
	tell_watch(a);
	return rc != 0;
}

bool app_apply(struct app *a, struct snapshot *s)
{
	snapshot_free(&a->next); /* the one before the current: nothing reads it any more */
	a->next = a->snap;
	a->snap = *s;
	*s = (struct snapshot){0};
	merge_snap(a);
	return true;
}

bool app_poll(struct app *a)
{
	bool changed = model_expire(&a->model, a->now);
	if (a->paused || !a->platform)
		return changed;
	/* into the scratch snapshot: a poll that changes nothing (most) allocates nothing */
	struct snapshot *s = &a->next;
	int rc = platform_collect(a->platform, s);
	if (rc < 0) {
		const char *why = platform_error(a->platform);
		snprintf(a->error, sizeof a->error, "cannot read listeners: %s",
		         why[0] ? why : strerror(-rc));
		return true;
	}
	bool had_error = a->error[0] != '\0';
	a->error[0] = '\0';
	a->snap_at = a->now; /* current now, whether or not anything changed */
	snprintf(a->backend, sizeof a->backend, "%s", platform_name(a->platform));
	/* The model reads the new snapshot from now on; the old one stays intact through the merge
	 * and is the next poll's scratch. Redraw only when something shown changed. */
	struct snapshot old = a->snap;
	a->snap = *s;
	*s = old;
	bool merged = merge_snap(a);
	return app_projects_refresh(a) || merged || changed || had_error;
}

void app_say(struct app *a, const char *msg)
{
	snprintf(a->status, sizeof a->status, "%s", msg);
	a->status_until = a->now + STATUS_SECONDS;
	a->status_error = false;
}

void app_warn(struct app *a, const char *msg, double seconds)
{
	snprintf(a->status, sizeof a->status, "%s", msg);
	a->status_until = a->now + seconds;
	a->status_error = true;
}

void app_use_config(struct app *a, const struct config *cfg, bool interval_given)
{
	char msg[CONFIG_MESSAGE_MAX + 64];
	a->model.cfg = cfg;
	if (!cfg)
		return;
	a->health_config = cfg->health;
	free(a->cfg_view);
	if (!a->maps)
		a->maps = calloc(1, sizeof *a->maps);
	if ((a->cfg_view = malloc(sizeof *a->cfg_view)) && a->maps) {
		*a->cfg_view = *cfg; /* a view: the lists stay the caller's */
		a->cfg_view->maps = a->maps;
		project_maps_add_all(a->maps, &cfg->projects);
		a->model.cfg = a->cfg_view;
	}
	if (!getcwd(a->cwd, sizeof a->cwd))
		a->cwd[0] = '\0';
	if (cfg->interval > 0 && !interval_given)
		a->interval = cfg->interval;
	if (cfg->sort >= 0 && cfg->sort < SORT_COUNT)
		a->model.sort = (enum sort_mode)cfg->sort;
	if (cfg->show_udp >= 0)
		a->model.hide_udp = !cfg->show_udp;
	if (cfg->show_dynamic >= 0)
		a->model.unfold_dynamic = cfg->show_dynamic;
	for (size_t i = 0; i < cfg->nwatch; i++)
		watch_add(&a->model.watch, cfg->watch[i].port, cfg->watch[i].proto, true);
	model_rebuild(&a->model);
	if (cfg->error[0])
		snprintf(msg, sizeof msg, "config ignored, defaults used: %s", cfg->error);
	else if (cfg->nwarnings)
		snprintf(msg, sizeof msg, "config: %s", cfg->warnings[0]);
	else
		return;
	app_warn(a, msg, CONFIG_NOTICE_SECONDS);
}

bool app_tick(struct app *a)
{
	platform_tick(a->platform); /* tmux's query: ended on time even between slow polls */
	bool changed = app_kill_tick(a);
	changed |= app_detail_tick(a);
	changed |= app_health_tick(a);
	return changed;
}

bool app_busy(const struct app *a)
{
	return app_kill_busy(a) || app_detail_busy(a) || app_health_busy(a);
}

bool app_projects_refresh(struct app *a)
{
	if (!a->maps || !a->cfg_view || a->now < a->maps_at)
		return false;
	a->maps_at = a->now + PROJECT_MAPS_RECHECK_SECONDS; /* the files are looked at as often */
	const char *cwd = a->cwd[0] ? a->cwd : NULL;
	uint64_t h = platform_project_files(a->platform, &a->snap, cwd, NULL, NULL);
	bool changed = app_health_files(a, h);
	if (h == a->maps_hash)
		return changed;
	a->maps_hash = h;
	platform_project_maps(a->platform, &a->snap, cwd, &a->model.cfg->projects, a->maps);
	for (size_t i = 0; i < a->maps->nmessages; i++)
		model_note(&a->model, a->wall, a->maps->messages[i]);
	if (a->maps->nmessages)
		app_warn(a, a->maps->messages[0], CONFIG_NOTICE_SECONDS);
	model_reannotate(&a->model);
	return true;
}
