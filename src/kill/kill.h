/* kill.h - the kill engine, shared by the dashboard (k, K) and `devports kill`: confirm -> signal
 * -> wait for the exit -> (still running: offer SIGKILL) -> watch the port for a restart.
 *
 * Nothing here blocks or sleeps: the caller drives the job with kill_job_tick() as often as it
 * likes (the dashboard on every turn of its loop, the command line every few tens of ms) and
 * passes the time in, so the whole sequence is testable without a clock. Signals go through a
 * platform_proc handle opened at confirmation against the recorded start ticks, so a recycled
 * pid is never signalled, and the same handle carries the SIGKILL that may follow.
 */
#ifndef DEVPORTS_KILL_H
#define DEVPORTS_KILL_H

#include <stdbool.h>

#include "kill_plan.h"
#include "platform.h"

enum { KILL_WAIT_SECONDS = 5, KILL_WATCH_SECONDS = 5 };

enum kill_phase {
	KILL_CONFIRMING = 0, /* planned; nothing sent; waiting for the user's yes */
	KILL_WAITING,        /* a signal was sent; waiting up to KILL_WAIT_SECONDS for the exit */
	KILL_STUBBORN,       /* still running after the wait: SIGKILL is offered */
	KILL_WATCHING,       /* it exited; watching the port for KILL_WATCH_SECONDS */
	KILL_FINISHED,       /* the outcome is final */
};

enum kill_outcome {
	KILL_PENDING = 0,
	KILL_FREED,     /* it stopped and nothing took the port again while watched */
	KILL_RESPAWNED, /* it stopped, then another process took the port: message says who */
	KILL_LEFTOVER,  /* it stopped, but another of the socket's holders still holds the port */
	KILL_REFUSED,   /* nothing was signalled: a refusal, a reused pid, a moved listener */
	KILL_GONE,      /* it had exited already (or the port was already free) */
	KILL_DENIED,    /* the system said no (EPERM): another user's process */
	KILL_CANCELLED, /* the user said no */
	KILL_FAILED,    /* anything else; message says what */
};

struct kill_job {
	struct kill_plan plan;
	enum kill_phase phase;
	enum kill_outcome outcome;
	int sig;                 /* what the confirmation sends (SIGTERM, or SIGKILL for K) */
	int sent;                /* the last signal sent; 0 before any */
	const char *force_hint;  /* said after "still running after 5 s — ": "press K to force" */
	struct platform_proc *h; /* open from confirmation until the process has exited */
	double sent_at;          /* when the last signal was sent */
	double exited_at;
	char message[KILL_TEXT_MAX]; /* the latest outcome, one line for people */
	unsigned news;               /* grows by one whenever message changes */
};

/* Plans a kill of sel (a listener of snap) that will send sig; j is zeroed or an earlier job
 * (freed first). A refused plan is finished at once (outcome KILL_REFUSED, message why).
 * force_hint is borrowed (a literal). */
void kill_job_plan(struct kill_job *j, const struct listener_set *snap, const struct listener *sel,
                   const struct kill_guard *g, int sig, const char *force_hint);

/* The user said yes: takes a fresh snapshot from p and refuses when another process now holds
 * the socket (it moved while the question was open), opens the process against its recorded
 * start ticks (-ESTALE: the pid was reused, refused), and sends the planned signal. Returns 0
 * when the signal went out (phase KILL_WAITING), else a negative errno with the job finished and
 * its message saying what happened ("already gone", "owned by USER — run devports with sudo to
 * stop it", "pid reused"...). */
int kill_job_confirm(struct kill_job *j, struct platform *p, double now);

/* The user said no: finished, KILL_CANCELLED. Only while confirming. */
void kill_job_cancel(struct kill_job *j);

/* Sends SIGKILL through the handle opened at confirmation (while waiting or stubborn). 0, or a
 * negative errno (-EALREADY when there is no running process to force). */
int kill_job_force(struct kill_job *j, double now);

/* Advances the job at time now by at most one step, so that every message can be shown: notices
 * the exit, the end of the wait, a new holder of the port in latest (the newest snapshot the
 * caller has, taken at monotonic time latest_at; NULL, or one not taken after the exit, is not
 * looked at) and the end of the watch, asking p about the new holder's parents. Returns true
 * when message changed. */
bool kill_job_tick(struct kill_job *j, struct platform *p, const struct listener_set *latest,
                   double latest_at, double now);

/* Whether the job is between its first signal and its outcome (waiting, stubborn, watching). */
bool kill_job_running(const struct kill_job *j);

/* Closes the handle, if open. The job's outcome stays as it is. */
void kill_job_release(struct kill_job *j);
/* kill_job_release(), and frees the plan's copy of its row: the job is done with. A zeroed job
 * may be freed. */
void kill_job_free(struct kill_job *j);

/* "SIGTERM", "SIGKILL"... ("signal 42" for others). */
const char *kill_signal_name(int sig, char *buf, size_t len);

/* "TERM", "SIGTERM", "term", "15" -> 15. 0 when it is not a signal devports sends. */
int kill_signal_parse(const char *name);

#endif
