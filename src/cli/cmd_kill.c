/* cmd_kill.c - `devports kill PORT [--force] [--signal NAME] [--yes]`: the dashboard's kill
 * engine (kill.h) driven from the command line. PORT is always a port, never a pid. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kill.h"
#include "sanitize.h"
#include "snapshot.h"

enum { TICK_MS = 20, SNAPSHOT_EVERY_MS = 200 };

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* One job per process to signal: the listeners on port, grouped by the process a kill targets. */
static size_t plan_all(const struct snapshot *s, uint16_t port, const struct kill_guard *g, int sig,
                       bool force, struct kill_job *jobs, size_t max)
{
	const char *hint =
	    force ? "sending SIGKILL (--force)" : "run again with --force to send SIGKILL";
	size_t n = 0;
	for (size_t i = 0; i < s->set.n && n < max; i++) {
		const struct listener *l = &s->set.v[i];
		if (l->port != port)
			continue;
		kill_job_plan(&jobs[n], &s->set, l, g, sig, hint);
		bool dup = false;
		for (size_t k = 0; k < n && !dup; k++)
			dup = l->owner_hidden
			          ? strcmp(jobs[k].message, jobs[n].message) == 0
			          : !jobs[k].plan.sel.owner_hidden &&
			                jobs[k].plan.target.id.pid == jobs[n].plan.target.id.pid;
		if (!dup)
			n++;
	}
	return n;
}

static void print_plan(const struct kill_plan *p, int sig)
{
	char sname[32];
	const struct proc_info *t = &p->target;
	printf("stop %s (pid %ld)?\n", t->comm, (long)t->id.pid);
	printf("  user       %s\n", t->user);
	printf("  command    %s\n", t->cmdline);
	printf("  directory  %s\n", t->cwd[0] ? t->cwd : "(unknown)");
	for (size_t i = 0; i < p->nports; i++)
		printf("  %-10s %s\n", i ? "" : "holds", p->ports[i]);
	if (p->nholders > 1) {
		printf("  holders   ");
		for (size_t i = 0; i < p->nholders; i++)
			printf(" %ld%s", (long)p->holders[i],
			       p->holders[i] == t->id.pid ? " (signalled)" : "");
		printf(" — the socket is shared; the signal goes to the parent-most\n");
	}
	printf("  signal     %s, then up to %d s for it to exit\n",
	       kill_signal_name(sig, sname, sizeof sname), KILL_WAIT_SECONDS);
}

/* Asks on the terminal; true for y or yes. */
static bool ask(size_t n)
{
	char line[32];
	printf("%s [y/N] ", n > 1 ? "stop them?" : "stop it?");
	fflush(stdout);
	if (!fgets(line, sizeof line, stdin))
		return false;
	return strcmp(line, "y\n") == 0 || strcmp(line, "Y\n") == 0 || strcmp(line, "yes\n") == 0;
}

/* Drives every started job to its outcome, printing each message as it changes. */
static void run_jobs(struct platform *p, struct kill_job *jobs, size_t n, bool force)
{
	struct snapshot s = {0};
	double next_snapshot = 0, taken_at = 0;
	for (;;) {
		double now = platform_monotonic();
		bool running = false;
		if (now >= next_snapshot) {
			snapshot_free(&s);
			if (platform_collect(p, &s) < 0)
				s = (struct snapshot){0};
			taken_at = now;
			next_snapshot = now + SNAPSHOT_EVERY_MS / 1000.0;
		}
		for (size_t i = 0; i < n; i++) {
			struct kill_job *j = &jobs[i];
			if (!kill_job_running(j))
				continue;
			if (kill_job_tick(j, p, &s.set, taken_at, now))
				printf("%s\n", j->message);
			if (j->phase == KILL_STUBBORN && force && kill_job_force(j, now) == 0)
				printf("%s\n", j->message);
			else if (j->phase == KILL_STUBBORN && !force)
				continue; /* given up on: its message said what to do */
			running |= kill_job_running(j);
		}
		fflush(stdout);
		if (!running)
			break;
		sleep_ms(TICK_MS);
	}
	snapshot_free(&s);
}

/* Whether anything still listens on port (TCP or UDP), from a fresh snapshot. */
static int still_held(struct platform *p, uint16_t port)
{
	struct snapshot s = {0};
	int rc = platform_collect(p, &s);
	for (size_t i = 0; rc == 0 && i < s.set.n; i++)
		if (s.set.v[i].port == port)
			rc = 1;
	snapshot_free(&s);
	return rc;
}

static int kill_port(struct platform *p, const struct cli_opts *o, uint16_t port, int sig)
{
	struct snapshot s = {0};
	struct kill_guard g = {.self = getpid(), .parent = getppid()};
	if (!cli_snapshot(p, &s))
		return EXIT_ERROR;
	enum { JOBS_MAX = 32 };
	struct kill_job *jobs = calloc(JOBS_MAX, sizeof *jobs);
	if (!jobs) {
		snapshot_free(&s);
		return EXIT_ERROR;
	}
	size_t n = plan_all(&s, port, &g, sig, o->force, jobs, JOBS_MAX), refused = 0;
	snapshot_free(&s);
	for (size_t i = 0; i < n; i++)
		if (jobs[i].phase == KILL_FINISHED) {
			printf("refused: :%u %s\n", (unsigned)port, jobs[i].message);
			refused++;
		}
	int exit_code = EXIT_OK;
	if (n == 0) {
		printf(":%u is already free\n", (unsigned)port);
	} else if (refused) {
		printf("nothing was signalled\n");
		exit_code = EXIT_NOT_FOUND;
	} else if (!o->yes && !isatty(STDIN_FILENO)) {
		fprintf(stderr,
		        "devports: kill asks before it stops anything, and there is no terminal "
		        "to ask on: add --yes to stop what holds :%u without asking\n",
		        (unsigned)port);
		exit_code = EXIT_ERROR;
	} else {
		for (size_t i = 0; i < n && !o->yes; i++)
			print_plan(&jobs[i].plan, sig);
		if (!o->yes && !ask(n)) {
			printf("nothing was signalled\n");
			exit_code = EXIT_NOT_FOUND;
		} else {
			for (size_t i = 0; i < n; i++) { /* sent, or why not */
				kill_job_confirm(&jobs[i], p, platform_monotonic());
				printf("%s\n", jobs[i].message);
			}
			run_jobs(p, jobs, n, o->force);
			int held = still_held(p, port);
			if (held == 0)
				printf(":%u is free\n", (unsigned)port);
			exit_code = held == 0 ? EXIT_OK : held > 0 ? EXIT_NOT_FOUND : EXIT_ERROR;
		}
	}
	for (size_t i = 0; i < n; i++)
		kill_job_free(&jobs[i]);
	free(jobs);
	return exit_code;
}

int cmd_kill(const struct cli_opts *o)
{
	uint16_t port;
	if (!cli_port_arg(o, "kill", 0, &port))
		return EXIT_ERROR;
	int sig = o->signal ? kill_signal_parse(o->signal) : SIGTERM;
	if (!sig) {
		char safe[64];
		sanitize_text(safe, sizeof safe, o->signal, strlen(o->signal));
		fprintf(stderr,
		        "devports: kill: unknown signal '%s' (TERM, INT, HUP, QUIT, KILL, USR1, "
		        "USR2)\n",
		        safe);
		return EXIT_ERROR;
	}
	struct platform *p = cli_open_platform(o);
	if (!p)
		return EXIT_ERROR;
	int rc = kill_port(p, o, port, sig);
	platform_close(&p);
	if (fflush(stdout) == EOF)
		rc = EXIT_ERROR;
	return rc;
}
