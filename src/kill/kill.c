/* kill.c - the kill engine (see kill.h). */
#include "kill.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ancestry.h"
#include "respawn.h"
#include "snapshot.h"

static const struct {
	int sig;
	const char *name;
} signal_table[] = {
    {SIGTERM, "TERM"}, {SIGKILL, "KILL"}, {SIGINT, "INT"},   {SIGHUP, "HUP"},
    {SIGQUIT, "QUIT"}, {SIGUSR1, "USR1"}, {SIGUSR2, "USR2"},
};
enum { SIGNAL_COUNT = sizeof signal_table / sizeof signal_table[0] };

const char *kill_signal_name(int sig, char *buf, size_t len)
{
	for (size_t i = 0; i < SIGNAL_COUNT; i++)
		if (signal_table[i].sig == sig) {
			snprintf(buf, len, "SIG%s", signal_table[i].name);
			return buf;
		}
	snprintf(buf, len, "signal %d", sig);
	return buf;
}

int kill_signal_parse(const char *name)
{
	char *end;
	long n = strtol(name, &end, 10);
	for (size_t i = 0; i < SIGNAL_COUNT; i++) {
		const char *s = name;
		if (strncasecmp(s, "SIG", 3) == 0)
			s += 3;
		if ((*end == '\0' && end != name && n == signal_table[i].sig) ||
		    strcasecmp(s, signal_table[i].name) == 0)
			return signal_table[i].sig;
	}
	return 0;
}

__attribute__((format(printf, 2, 3))) static void say(struct kill_job *j, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(j->message, sizeof j->message, fmt, ap);
	va_end(ap);
	j->news++;
}

static void finish(struct kill_job *j, enum kill_outcome o)
{
	j->phase = KILL_FINISHED;
	j->outcome = o;
	kill_job_release(j);
}

void kill_job_plan(struct kill_job *j, const struct listener_set *snap, const struct listener *sel,
                   const struct kill_guard *g, int sig, const char *force_hint)
{
	kill_job_free(j);
	*j = (struct kill_job){.sig = sig ? sig : SIGTERM, .force_hint = force_hint};
	kill_plan_make(snap, sel, g, &j->plan);
	if (j->plan.refusal != KILL_ALLOWED) {
		say(j, "%s", j->plan.refusal_text);
		finish(j, KILL_REFUSED);
	}
}

void kill_job_cancel(struct kill_job *j)
{
	if (j->phase != KILL_CONFIRMING)
		return;
	say(j, "cancelled: nothing was signalled");
	finish(j, KILL_CANCELLED);
}

/* The one map from an error the platform gave for the target (opening its handle, signalling it,
 * or the plan's check) to what the user is told and how the job ends: -ESTALE the pid was reused,
 * -ESRCH gone, -EPERM/-EACCES another user's (the sudo hint), anything else "name: doing: error"
 * with `after` appended. The dashboard and `devports kill` both show j->message. */
static void fail(struct kill_job *j, int rc, const char *name, const char *doing, const char *after)
{
	if (rc == -ESTALE) {
		say(j,
		    "pid %ld now belongs to another process (the pid was reused) — nothing was "
		    "signalled",
		    (long)j->plan.target.id.pid);
		finish(j, KILL_REFUSED);
	} else if (rc == -ESRCH) {
		say(j, "%s is already gone", name);
		finish(j, KILL_GONE);
	} else if (rc == -EPERM || rc == -EACCES) {
		char why[KILL_TEXT_MAX];
		kill_plan_sudo_text(j->plan.target.user, why, sizeof why);
		say(j, "%s: %s", name, why);
		finish(j, KILL_DENIED);
	} else {
		say(j, "%s: %s: %s%s", name, doing, strerror(-rc), after);
		finish(j, KILL_FAILED);
	}
}

static int send(struct kill_job *j, int sig, double now)
{
	char name[KILL_TEXT_MAX], sname[32], doing[64];
	kill_plan_name(&j->plan, name, sizeof name);
	int rc = platform_proc_signal(j->h, sig);
	if (rc < 0) {
		snprintf(doing, sizeof doing, "cannot send %s",
		         kill_signal_name(sig, sname, sizeof sname));
		fail(j, rc, name, doing, "");
	} else {
		j->sent = sig;
		j->sent_at = now;
		j->phase = KILL_WAITING;
		say(j, "sent %s to %s", kill_signal_name(sig, sname, sizeof sname), name);
	}
	return rc;
}

/* A fresh look at the socket: has it moved to another process since the plan was made? */
static int check_moved(struct kill_job *j, struct platform *p, const char *name)
{
	struct snapshot s = {0};
	int rc = platform_collect(p, &s);
	if (rc < 0) {
		say(j, "%s: cannot read listeners (%s) — nothing was signalled", name,
		    strerror(-rc));
		finish(j, KILL_FAILED);
		return rc;
	}
	const struct listener *other = NULL;
	int held = kill_plan_check(&j->plan, &s.set, &other);
	if (held == -2) {
		snapshot_free(&s);
		fail(j, -ESTALE, name, "", "");
		return -ESTALE;
	}
	if (held < 0 && other && other->owner_hidden) {
		say(j,
		    ":%u moved to another user's process while you were confirming — nothing "
		    "was signalled",
		    (unsigned)j->plan.sel.port);
	} else if (held < 0) {
		say(j,
		    ":%u moved to %s (pid %ld) while you were confirming — nothing was signalled",
		    (unsigned)j->plan.sel.port, other ? other->proc->comm : "?",
		    other ? (long)other->proc->id.pid : 0L);
	} else if (held == 0) {
		say(j, ":%u is already free — nothing was signalled", (unsigned)j->plan.sel.port);
	}
	snapshot_free(&s);
	if (held == 1)
		return 0;
	finish(j, held < 0 ? KILL_REFUSED : KILL_GONE);
	return held < 0 ? -ESTALE : -ESRCH;
}

int kill_job_confirm(struct kill_job *j, struct platform *p, double now)
{
	char name[KILL_TEXT_MAX];
	if (j->phase != KILL_CONFIRMING)
		return -EALREADY;
	kill_plan_name(&j->plan, name, sizeof name);
	int rc = check_moved(j, p, name);
	if (rc < 0)
		return rc;
	rc = platform_proc_open(p, &j->plan.target.id, &j->h);
	if (rc < 0)
		fail(j, rc, name, "cannot open the process", " — nothing was signalled");
	return rc < 0 ? rc : send(j, j->sig, now);
}

int kill_job_force(struct kill_job *j, double now)
{
	if ((j->phase != KILL_WAITING && j->phase != KILL_STUBBORN) || !j->h)
		return -EALREADY;
	return send(j, SIGKILL, now);
}

/* The new holder of the port: who it is and who restarted it. */
static void explain_respawn(struct kill_job *j, struct platform *p, const struct listener *l)
{
	char why[KILL_TEXT_MAX], unit[128] = "";
	bool user_unit = false;
	if (l->owner_hidden) {
		say(j, ":%u is back, held by a process of %s — run devports with sudo to see it",
		    (unsigned)l->port, l->proc->user[0] ? l->proc->user : "another user");
		return;
	}
	struct proc_info *chain = calloc(ANCESTRY_MAX, sizeof *chain);
	struct arena strings = {0};
	if (!chain) {
		say(j, ":%u is back: %s (pid %ld) holds it", (unsigned)l->port, l->proc->comm,
		    (long)l->proc->id.pid);
		return;
	}
	size_t n = ancestry_walk(p, l->proc, chain, ANCESTRY_MAX, &strings);
	if (platform_service_unit(p, l->proc->id.pid, unit, sizeof unit, &user_unit) < 0)
		unit[0] = '\0';
	respawn_explain(l->port, chain, n, unit, user_unit, why, sizeof why);
	free(chain);
	arena_free(&strings);
	say(j, ":%u is back: %s", (unsigned)l->port, why);
}

static void exited(struct kill_job *j, double now)
{
	char name[KILL_TEXT_MAX], sname[32];
	kill_plan_name(&j->plan, name, sizeof name);
	j->exited_at = now;
	j->phase = KILL_WATCHING;
	kill_job_release(j);
	say(j, "stopped %s with %s in %.1f s", name, kill_signal_name(j->sent, sname, sizeof sname),
	    now - j->sent_at);
}

bool kill_job_tick(struct kill_job *j, struct platform *p, const struct listener_set *latest,
                   double latest_at, double now)
{
	if ((j->phase == KILL_WAITING || j->phase == KILL_STUBBORN) &&
	    platform_proc_wait(j->h, 0) == 0) {
		exited(j, now);
		return true;
	}
	if (j->phase == KILL_WAITING && now - j->sent_at >= KILL_WAIT_SECONDS) {
		char name[KILL_TEXT_MAX];
		kill_plan_name(&j->plan, name, sizeof name);
		j->phase = KILL_STUBBORN;
		say(j, "%s still running after %d s%s%s", name, KILL_WAIT_SECONDS,
		    j->force_hint ? " — " : "", j->force_hint ? j->force_hint : "");
		return true;
	}
	if (j->phase != KILL_WATCHING)
		return false;
	unsigned before = j->news;
	if (latest_at <= j->exited_at)
		latest = NULL; /* it may still show the process that was just stopped */
	const struct listener *back = latest ? respawn_find(&j->plan, latest) : NULL;
	/* A new holder the backend has not attributed yet shows as hidden for a poll or two: wait
	 * for its owner until the watch ends rather than report "a process of root". */
	if (back && back->owner_hidden && now - j->exited_at < KILL_WATCH_SECONDS)
		return j->news != before;
	if (back) {
		explain_respawn(j, p, back);
		finish(j, KILL_RESPAWNED);
	} else if (now - j->exited_at >= KILL_WATCH_SECONDS) {
		const struct listener *left = latest ? respawn_leftover(&j->plan, latest) : NULL;
		if (left)
			say(j, ":%u is still held by %s (pid %ld)", (unsigned)left->port,
			    left->proc->comm, (long)left->proc->id.pid);
		finish(j, left ? KILL_LEFTOVER : KILL_FREED);
	}
	return j->news != before;
}

bool kill_job_running(const struct kill_job *j)
{
	return j->phase == KILL_WAITING || j->phase == KILL_STUBBORN || j->phase == KILL_WATCHING;
}

void kill_job_release(struct kill_job *j)
{
	platform_proc_close(&j->h);
}

void kill_job_free(struct kill_job *j)
{
	kill_job_release(j);
	kill_plan_free(&j->plan);
}
