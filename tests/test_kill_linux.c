/* test_kill_linux.c - k, K and the kill engine against real processes on the Linux backend:
 * escalation only after confirmation, a server behind `sh -c`, pid reuse, pid 1 and self, another
 * user's process (as root), a supervisor loop, a refresh and a moved listener while the box is
 * open. Ports are picked at run time. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app.h"
#include "proc_helpers.h"
#include "sanitize.h"
#include "spawn.h"

static struct app a;
static struct platform *p;
static pid_t started[8];
static int nstarted;

static void init(void)
{
	sanitize_init_locale();
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	cr_assert_eq(platform_open(&p, &o), 0);
	app_init(&a, 0.2);
	a.model.show_all = true; /* ports the kernel picks may be in the folded dynamic group */
	a.platform = p;
	a.guard = (struct kill_guard){.self = getpid(), .parent = getppid()};
	a.now = ph_now();
	a.wall = time(NULL);
	app_poll(&a);
}

static void fini(void)
{
	app_free(&a);
	platform_close(&p);
	for (int i = 0; i < nstarted; i++)
		ph_stop(started[i]);
	nstarted = 0;
	spawn_stop_all();
}

TestSuite(kill_linux, .init = init, .fini = fini, .timeout = 60);

static pid_t start(const char *const argv[], uint16_t *port)
{
	if (!ph_have_python())
		cr_skip_test("python3 is not installed");
	pid_t pid = ph_start(argv, port);
	cr_assert_gt(pid, 0, "could not start %s", argv[0]);
	started[nstarted++] = pid;
	cr_assert(ph_wait_listening(*port, 5), "nothing listens on :%u", *port);
	return pid;
}

static void refresh(void)
{
	a.now = ph_now();
	a.wall = time(NULL);
	app_poll(&a);
}

static bool stubborn(struct app *x)
{
	return x->kill.phase == KILL_STUBBORN;
}

static bool watching_or_done(struct app *x)
{
	return x->kill.phase == KILL_WATCHING || x->kill.phase == KILL_FINISHED;
}

static bool finished(struct app *x)
{
	return x->kill.phase == KILL_FINISHED;
}

Test(kill_linux, sigterm_ignored_is_escalated_only_after_confirmation)
{
	uint16_t port = 0;
	const char *argv[] = {"python3", "-c", ph_py_listener(true), NULL};
	pid_t pid = start(argv, &port);
	refresh();
	cr_assert(ph_select(&a, port, pid));
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_KILL);
	cr_assert_eq(a.kill.plan.target.id.pid, pid);
	app_key(&a, 'y');
	cr_assert_eq(a.kill.phase, KILL_WAITING, "%s", a.kill.message);
	cr_assert(ph_run(&a, 7, stubborn), "not reported as still running");
	cr_assert(ph_alive(pid), "SIGTERM is ignored: nothing else may have been sent");
	cr_assert_eq(a.mode, MODE_KILL, "the box stays open to offer SIGKILL");
	char want[160];
	snprintf(want, sizeof want,
	         ":%u python3 (pid %d) still running after 5 s — press K to force", port, (int)pid);
	cr_assert_str_eq(a.status, want);
	ph_sleep_ms(1000);
	cr_assert(ph_alive(pid), "no SIGKILL without the user's K");
	double t0 = ph_now();
	app_key(&a, 'K');
	cr_assert(ph_run(&a, 2, watching_or_done));
	cr_assert_not(ph_alive(pid));
	cr_assert(ph_now() - t0 < 1.0, "gone within 1 s");
	cr_assert_not(ph_listening(port), ":%u is free", port);
	cr_assert(strstr(a.status, "with SIGKILL in"), "%s", a.status);
	cr_assert_eq(a.mode, MODE_LIST);
}

Test(kill_linux, a_server_behind_sh_c_is_stopped_and_the_port_freed)
{
	uint16_t port = 0;
	char script[1024];
	/* `; true` keeps sh as the parent instead of exec'ing python3 */
	snprintf(script, sizeof script, "python3 -c \"$0\"; true");
	const char *argv[] = {"sh", "-c", script, ph_py_listener(false), NULL};
	pid_t sh = start(argv, &port);
	refresh();
	cr_assert(ph_select(&a, port, 0));
	app_key(&a, 'k');
	pid_t target = a.kill.plan.target.id.pid;
	cr_assert_neq(target, sh, "the holder, not the sh -c wrapper");
	cr_assert_str_eq(a.kill.plan.target.comm, "python3");
	app_key(&a, 'y');
	cr_assert(ph_run(&a, 3, watching_or_done), "%s", a.kill.message);
	cr_assert(strstr(a.kill.message, "with SIGTERM in"), "%s", a.kill.message);
	cr_assert_not(ph_alive(target));
	cr_assert_not(ph_listening(port));
}

Test(kill_linux, a_reused_pid_is_refused_and_not_signalled)
{
	uint16_t port = 0;
	const char *argv[] = {"python3", "-c", ph_py_listener(false), NULL};
	pid_t pid = start(argv, &port);
	refresh();
	cr_assert(ph_select(&a, port, pid));
	/* What the handle sees when the pid now names another process. */
	struct proc_ident other = {.pid = pid, .start_ticks = 1};
	struct platform_proc *h = NULL;
	cr_assert_eq(platform_proc_open(p, &other, &h), -ESTALE);
	cr_assert_null(h);
	app_key(&a, 'k');
	a.kill.plan.target.id.start_ticks -= 1; /* recorded before the pid was reused */
	app_key(&a, 'y');
	cr_assert_eq(a.kill.outcome, KILL_REFUSED);
	cr_assert(strstr(a.kill.message, "(the pid was reused) — nothing was signalled"), "%s",
	          a.kill.message);
	cr_assert(ph_alive(pid));
}

Test(kill_linux, pid_1_and_devports_itself_are_refused)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 4) == 0);
	getsockname(s, (struct sockaddr *)&sa, &len);
	uint16_t port = ntohs(sa.sin_port);
	refresh();
	cr_assert(ph_select(&a, port, getpid()), "our own listener on :%u", port);
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_LIST, "no box");
	cr_assert_eq(a.kill.plan.refusal, KILL_REFUSE_SELF);
	cr_assert(strstr(a.status, "devports itself"), "%s", a.status);
	const struct listener *sel = &model_selected(&a.model)->l;
	cr_assert_eq(sel->proc->id.pid, getpid(), "we lead our own row");
	cr_assert(listener_held_by(sel, getpid()));
	/* The same socket as if pid 1 held it (alone: a snapshot of that one row, since the plan
	 * takes the row of the snapshot with sel's key). */
	struct proc_info init = *sel->proc;
	init.id.pid = 1;
	init.ppid = 0;
	const struct proc_info *one[] = {&init};
	struct listener l = *sel;
	l.proc = &init;
	l.holders = one;
	l.nholders = 1;
	struct listener_set only = {0};
	cr_assert_not_null(listener_set_push(&only, &l));
	struct kill_job j = {0};
	kill_job_plan(&j, &only, &l, &a.guard, SIGTERM, NULL);
	cr_assert_eq(j.outcome, KILL_REFUSED);
	cr_assert_eq(j.plan.refusal, KILL_REFUSE_INIT);
	cr_assert(strstr(j.message, "pid 1"), "%s", j.message);
	kill_job_free(&j);
	listener_set_free(&only);
	close(s);
}

struct as_nobody {
	uint16_t port;
	struct proc_ident root_proc;
};
struct as_nobody_out {
	int hidden;
	int why;
	char refusal[KILL_TEXT_MAX];
	int signal_rc;
};

static void kill_as_nobody(void *arg, void *out, size_t len)
{
	const struct as_nobody *in = arg;
	struct as_nobody_out *r = out;
	(void)len;
	struct platform *np = NULL;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	if (platform_open(&np, &o) < 0)
		return;
	struct snapshot s = {0};
	platform_collect(np, &s);
	for (size_t i = 0; i < s.set.n; i++) {
		if (s.set.v[i].port != in->port)
			continue;
		r->hidden = s.set.v[i].owner_hidden;
		r->why = s.set.v[i].owner_why;
		struct kill_job j = {0};
		kill_job_plan(&j, &s.set, &s.set.v[i], NULL, SIGTERM, NULL);
		snprintf(r->refusal, sizeof r->refusal, "%s", j.message);
		kill_job_free(&j);
	}
	/* EPERM: the system refuses too, and says the same. */
	struct platform_proc *h = NULL;
	if (platform_proc_open(np, &in->root_proc, &h) == 0) {
		r->signal_rc = platform_proc_signal(h, SIGTERM);
		platform_proc_close(&h);
	}
	snapshot_free(&s);
	platform_close(&np);
}

Test(kill_linux, as_nobody_a_root_listener_is_refused_with_the_sudo_message)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become uid 65534");
	struct spawn sp;
	struct spawn_opts so = {.addr = "127.0.0.1"};
	cr_assert_eq(spawn_listener(&sp, &so), 0);
	refresh();
	cr_assert(ph_select(&a, sp.port, sp.pid));
	const struct listener *sel = &model_selected(&a.model)->l;
	cr_assert_eq(sel->proc->id.pid, sp.pid, "the listener leads its row");
	struct as_nobody in = {.port = sp.port, .root_proc = sel->proc->id};
	struct as_nobody_out out;
	cr_assert_eq(spawn_run_as(65534, kill_as_nobody, &in, &out, sizeof out), 0);
	cr_assert(out.hidden, "root's listener shows with its owner hidden");
	cr_assert_eq(out.why, OWNER_NOT_READABLE, "another user's: %s",
	             owner_unknown_keys[out.why % OWNER_UNKNOWN_COUNT]);
	cr_assert_str_eq(out.refusal, "owned by root — run devports with sudo to stop it");
	cr_assert_eq(out.signal_rc, -EPERM, "the pidfd may be opened, the signal is refused");
	cr_assert(ph_alive(sp.pid));
	spawn_stop(&sp);
}

Test(kill_linux, a_supervisor_loop_is_reported_as_a_respawn_naming_it)
{
	if (!ph_have_python())
		cr_skip_test("python3 is not installed");
	uint16_t port = ph_free_port(1);
	char script[2048], portarg[8];
	snprintf(portarg, sizeof portarg, "%u", port);
	snprintf(script, sizeof script, "while true; do python3 -c \"$0\" \"$1\"; sleep 0.1; done");
	const char *argv[] = {"bash", "-c", script, ph_py_listener(false), portarg, NULL};
	uint16_t printed = 0;
	pid_t bash = start(argv, &printed);
	cr_assert_eq(printed, port);
	refresh();
	cr_assert(ph_select(&a, port, 0));
	app_key(&a, 'k');
	pid_t first = a.kill.plan.target.id.pid;
	cr_assert_neq(first, bash);
	app_key(&a, 'y');
	cr_assert(ph_run(&a, 8, finished), "%s", a.kill.message);
	cr_assert_eq(a.kill.outcome, KILL_RESPAWNED, "%s", a.kill.message);
	char want[128];
	snprintf(want, sizeof want, ":%u is back: restarted by bash (pid %d) — stop it first", port,
	         (int)bash);
	cr_assert_str_eq(a.kill.message, want);
	const struct model_event *e = model_event_at(&a.model, a.model.nevents - 1);
	cr_assert(strstr(e->note, "restarted by bash"), "the event log has it: %s", e->note);
}

Test(kill_linux, a_refresh_while_the_box_is_open_does_not_change_the_target)
{
	uint16_t pa = 0, pb = 0;
	const char *argv[] = {"python3", "-c", ph_py_listener(false), NULL};
	pid_t ta = start(argv, &pa);
	refresh();
	cr_assert(ph_select(&a, pa, ta));
	app_key(&a, 'k');
	/* While the question is open: a new listener appears, the list refreshes, the cursor moves.
	 */
	pid_t tb = start(argv, &pb);
	refresh();
	cr_assert(ph_select(&a, pb, tb));
	cr_assert_eq(model_selected(&a.model)->l.proc->id.pid, tb, "the cursor is elsewhere now");
	cr_assert_eq(a.kill.plan.target.id.pid, ta);
	app_key(&a, 'y');
	cr_assert(ph_run(&a, 3, watching_or_done), "%s", a.kill.message);
	cr_assert_not(ph_alive(ta), "the confirmed target was stopped");
	cr_assert(ph_alive(tb), "not the row under the cursor");
}

Test(kill_linux, a_listener_that_moves_to_another_pid_is_refused)
{
	uint16_t port = 0, again = 0;
	const char *argv[] = {"python3", "-c", ph_py_listener(false), NULL};
	pid_t first = start(argv, &port);
	refresh();
	cr_assert(ph_select(&a, port, first));
	app_key(&a, 'k');
	/* While the question is open the server restarts under another pid on the same port. */
	ph_stop(first);
	nstarted--;
	char portarg[8];
	snprintf(portarg, sizeof portarg, "%u", port);
	const char *argv2[] = {"python3", "-c", ph_py_listener(false), portarg, NULL};
	pid_t second = start(argv2, &again);
	cr_assert_eq(again, port);
	app_key(&a, 'y');
	cr_assert_eq(a.kill.outcome, KILL_REFUSED, "%s", a.kill.message);
	char want[160];
	snprintf(want, sizeof want,
	         ":%u moved to python3 (pid %d) while you were confirming — nothing was signalled",
	         port, (int)second);
	cr_assert_str_eq(a.kill.message, want);
	cr_assert(ph_alive(second));
	cr_assert_eq(a.mode, MODE_LIST);
}
