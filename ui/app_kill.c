/* app_kill.c - the kill box: k/K capture the target, y sends, the engine (kill.h) runs while the
 * list keeps refreshing, outcomes go to the status line and the event log. No curses. */
#include <signal.h>

#include "app.h"
#include "app_work.h"
#include "detail.h"

enum { KILL_WARN_SECONDS = 10 };

/* Says what the job said last, once: the status line, and the event log for outcomes. */
static void report(struct app *a)
{
	const struct kill_job *j = &a->kill;
	if (j->news == a->kill_seen)
		return;
	a->kill_seen = j->news;
	if (j->phase == KILL_WAITING || j->outcome == KILL_CANCELLED) {
		app_say(a, j->message); /* "sent SIGTERM to ...": the outcome follows */
		return;
	}
	model_note(&a->model, a->wall, j->message);
	bool bad =
	    j->phase == KILL_STUBBORN ||
	    (j->phase == KILL_FINISHED && j->outcome != KILL_FREED && j->outcome != KILL_GONE);
	if (bad)
		app_warn(a, j->message, KILL_WARN_SECONDS);
	else
		app_say(a, j->message);
}

/* Closes the box once there is nothing left to ask: the process exited or it is over. */
static void maybe_close(struct app *a)
{
	if (a->mode == MODE_KILL &&
	    (a->kill.phase == KILL_WATCHING || a->kill.phase == KILL_FINISHED))
		a->mode = a->kill_return;
}

enum reaction app_kill_open(struct app *a, int sig)
{
	const struct listener *l;
	if (a->mode == MODE_DETAIL && a->detail) {
		l = &a->detail->row.l;
	} else {
		const struct row *r = model_selected(&a->model);
		if (!r)
			return REACT_NONE;
		if (r->held) {
			app_warn(a,
			         r->declared
			             ? "a project's declared port: nothing holds it, nothing "
			               "to stop"
			             : "this watched port is down: nothing holds it, nothing "
			               "to stop",
			         4);
			return REACT_REDRAW;
		}
		if (model_row_is_gone(r)) {
			app_warn(a, "that listener is already gone (the row only remembers it)", 4);
			return REACT_REDRAW;
		}
		l = &r->l;
	}
	kill_job_release(&a->kill); /* an earlier kill is no longer watched */
	kill_job_plan(&a->kill, &a->snap.set, l, &a->guard, sig, "press K to force");
	a->kill_seen = a->kill.news - (a->kill.phase == KILL_FINISHED); /* a refusal is news */
	if (a->kill.phase == KILL_FINISHED) {
		report(a);
		return REACT_REDRAW;
	}
	a->kill_return = a->mode == MODE_DETAIL ? MODE_DETAIL : MODE_LIST;
	a->mode = MODE_KILL;
	return REACT_REDRAW;
}

static enum reaction send(struct app *a)
{
	if (!a->platform) {
		app_warn(a, "no platform to signal through", 4);
		return REACT_REDRAW;
	}
	kill_job_confirm(&a->kill, a->platform, a->now);
	report(a);
	maybe_close(a);
	return REACT_REDRAW;
}

enum reaction app_kill_yes(struct app *a)
{
	if (a->kill.phase == KILL_CONFIRMING)
		return send(a);
	if (a->kill.phase == KILL_STUBBORN)
		return app_kill_force(a);
	maybe_close(a);
	return REACT_REDRAW;
}

enum reaction app_kill_force(struct app *a)
{
	if (a->kill.phase == KILL_CONFIRMING) {
		a->kill.sig = SIGKILL;
		return send(a);
	}
	if (a->kill.phase == KILL_WAITING || a->kill.phase == KILL_STUBBORN) {
		kill_job_force(&a->kill, a->now);
		report(a);
		maybe_close(a);
	}
	return REACT_REDRAW;
}

enum reaction app_kill_no(struct app *a)
{
	if (a->kill.phase == KILL_CONFIRMING) {
		kill_job_cancel(&a->kill);
		report(a);
	}
	if (a->mode == MODE_KILL) /* once sent, the kill goes on behind the list */
		a->mode = a->kill_return;
	return REACT_REDRAW;
}

bool app_kill_tick(struct app *a)
{
	if (!kill_job_running(&a->kill) || !a->platform)
		return false;
	enum kill_phase before = a->kill.phase;
	bool news = kill_job_tick(&a->kill, a->platform, &a->snap.set, a->snap_at, a->now);
	if (news)
		report(a);
	if (before != KILL_WATCHING && a->kill.phase == KILL_WATCHING)
		a->poll_now = true; /* show the freed port at once */
	maybe_close(a);
	/* While waiting, the box counts the seconds. */
	return news || (a->mode == MODE_KILL && a->kill.phase == KILL_WAITING);
}

bool app_kill_busy(const struct app *a)
{
	return kill_job_running(&a->kill);
}
