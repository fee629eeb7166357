/* app_health.c - the dashboard's health checks: the files read again when the walk of the
 * project folders (app_projects_refresh, every 2 s) finds them changed, due checks started and
 * finished ones recorded from the loop's turns, never waiting (platform.h: platform_health_*). What
 * the files say wrong goes to the status line and the event log. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "app_work.h"
#include "hash.h"

enum { HEALTH_MESSAGE_SECONDS = 10 };

/* Every error and warning of a new reading into the event log; the first in the status line. */
static void tell(struct app *a)
{
	const struct health_board *b = &a->health;
	char line[HEALTH_MESSAGE_MAX + 32];
	uint64_t said = HASH_SEED; /* the same messages again (another folder came) are not news */
	for (size_t i = 0; i < b->nerrors; i++)
		said = hash_str(said, b->errors[i]);
	for (size_t i = 0; i < b->nwarnings; i++)
		said = hash_str(said, b->warnings[i]);
	if (said == a->health_said)
		return;
	a->health_said = said;
	for (size_t i = 0; i < b->nerrors; i++) {
		snprintf(line, sizeof line, "health: %s", b->errors[i]);
		model_note(&a->model, a->wall, line);
	}
	for (size_t i = 0; i < b->nwarnings; i++) {
		snprintf(line, sizeof line, "health: warning: %s", b->warnings[i]);
		model_note(&a->model, a->wall, line);
	}
	if (b->nerrors || b->nwarnings) {
		snprintf(line, sizeof line, "health: %s%s",
		         b->nerrors ? b->errors[0] : b->warnings[0],
		         b->nerrors + b->nwarnings > 1 ? " (more: e shows events)" : "");
		app_warn(a, line, HEALTH_MESSAGE_SECONDS);
	}
}

static bool passing(enum health_state s)
{
	return s == HEALTH_OK || s == HEALTH_SLOW;
}

void app_health_tell(struct app *a)
{
	const struct health_board *b = &a->health;
	struct app_health_told now[HEALTH_CHECKS_MAX];
	size_t n = 0;
	for (size_t i = 0; i < b->n && n < HEALTH_CHECKS_MAX; i++) {
		const struct health_entry *e = &b->v[i];
		const struct health_result *r = health_entry_last(e);
		if (!r || r->state == HEALTH_PENDING || r->state == HEALTH_ERROR)
			continue;
		now[n] = (struct app_health_told){e->spec.key, passing(r->state)};
		for (size_t k = 0; k < a->nhealth_told; k++) {
			if (a->health_told[k].key != e->spec.key ||
			    a->health_told[k].passing == now[n].passing)
				continue;
			char text[HEALTH_NAME_MAX + HEALTH_URL_MAX + HEALTH_TEXT_MAX + 32];
			snprintf(text, sizeof text, "health: %s %s %s: %s", e->spec.service,
			         e->spec.url,
			         now[n].passing ? "passes again" : health_state_names[r->state],
			         r->text);
			app_notify(a, text);
		}
		n++;
	}
	memcpy(a->health_told, now, n * sizeof now[0]);
	a->nhealth_told = n;
}

bool app_health_tick(struct app *a)
{
	if (!a->platform || a->health_rc < 0)
		return false;
	if (!a->health_run) {
		a->health_rc = platform_health_open(a->platform, &a->health_run);
		if (a->health_rc < 0)
			return false; /* a demo: the board stays as tests fill it */
		a->maps_at = 0;       /* the files are read at the next poll */
	}
	bool changed = false;
	if (health_runner_step(a->health_run, &a->health, a->now, a->wall)) {
		app_health_tell(a);
		changed = true;
	}
	return changed;
}

bool app_health_files(struct app *a, uint64_t files)
{
	if (!a->health_run || files == a->health_seen)
		return false;
	if (!platform_health_load(a->platform, &a->snap, a->cwd, a->health_config, &a->health,
	                          &a->health_seen, true))
		return false;
	tell(a);
	return true;
}

bool app_health_busy(const struct app *a)
{
	return health_runner_busy(a->health_run);
}

bool app_health_wait(struct app *a, int fd, int timeout_ms)
{
	if (!health_runner_busy(a->health_run))
		return false;
	health_runner_wait(a->health_run, fd, timeout_ms);
	return true;
}

void app_health_free(struct app *a)
{
	health_runner_free(&a->health_run);
	health_board_free(&a->health);
}
