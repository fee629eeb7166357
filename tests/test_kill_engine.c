/* test_kill_engine.c - the kill engine on the fake backend, with the clock passed in: wait,
 * escalation, respawn, moved and reused listeners, refusals, cancel. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "app.h"
#include "fake_backend.h"
#include "http_check.h"
#include "kill.h"
#include "proc_helpers.h"
#include "sanitize.h"
#include "scenario.h"
#include "snapshot.h"

static struct platform *p;
static struct snapshot s;
static struct kill_job j;

static void init(void)
{
	sanitize_init_locale();
	struct platform_opts o = {.kind = PLATFORM_FAKE,
	                          .scenario_path = TESTS_DIR "/fixtures/scenarios/kill.json"};
	cr_assert_eq(platform_open(&p, &o), 0);
}

static void fini(void)
{
	kill_job_free(&j);
	snapshot_free(&s);
	platform_close(&p);
}

TestSuite(engine, .init = init, .fini = fini);

/* A snapshot at playback time t. */
static void at(double t)
{
	cr_assert_eq(platform_fake_seek(p, t), 0);
	snapshot_free(&s);
	cr_assert_eq(platform_collect(p, &s), 0);
}

static const struct listener *on(unsigned port)
{
	for (size_t i = 0; i < s.set.n; i++)
		if (s.set.v[i].port == port)
			return &s.set.v[i];
	return NULL;
}

static void plan(unsigned port, int sig)
{
	const struct listener *l = on(port);
	cr_assert_not_null(l, "nothing on :%u", port);
	struct kill_guard g = {.self = 99999, .parent = 99998};
	kill_job_plan(&j, &s.set, l, &g, sig, "press K to force");
}

Test(engine, sigterm_stops_and_a_supervisor_brings_it_back)
{
	at(0);
	plan(3000, SIGTERM);
	cr_assert_eq(j.phase, KILL_CONFIRMING);
	cr_assert_eq(kill_job_confirm(&j, p, 100.0), 0);
	cr_assert_eq(j.phase, KILL_WAITING);
	cr_assert_str_eq(j.message, "sent SIGTERM to :3000 node (pid 977)");
	cr_assert(kill_job_tick(&j, p, NULL, 0, 100.4));
	cr_assert_eq(j.phase, KILL_WATCHING);
	cr_assert_str_eq(j.message, "stopped :3000 node (pid 977) with SIGTERM in 0.4 s");
	at(0);
	cr_assert_null(on(3000), "a killed process leaves the fake's snapshots");
	cr_assert_not(kill_job_tick(&j, p, &s.set, 100.5, 100.5));
	at(10); /* pm2 starts it again under a new pid */
	cr_assert(kill_job_tick(&j, p, &s.set, 101.0, 101.0));
	cr_assert_eq(j.phase, KILL_FINISHED);
	cr_assert_eq(j.outcome, KILL_RESPAWNED);
	cr_assert_str_eq(j.message, ":3000 is back: restarted by pm2 (pid 4100) — pm2 stop <name> "
	                            "(pm2 list names it)");
}

Test(engine, a_snapshot_older_than_the_exit_is_not_taken_for_a_respawn)
{
	at(0);
	plan(3000, SIGTERM);
	kill_job_confirm(&j, p, 100.0);
	kill_job_tick(&j, p, NULL, 0, 100.2);
	at(10);
	cr_assert_not(kill_job_tick(&j, p, &s.set, 100.1, 100.3), "taken before the exit");
	cr_assert_eq(j.phase, KILL_WATCHING);
}

Test(engine, sigterm_ignored_then_sigkill_through_the_same_handle)
{
	at(0);
	plan(8124, SIGTERM);
	cr_assert_eq(kill_job_confirm(&j, p, 50.0), 0);
	cr_assert_not(kill_job_tick(&j, p, NULL, 0, 51.0), "still waiting");
	cr_assert(kill_job_tick(&j, p, NULL, 0, 55.0));
	cr_assert_eq(j.phase, KILL_STUBBORN);
	cr_assert_str_eq(j.message,
	                 ":8124 python3 (pid 5001) still running after 5 s — press K to force");
	at(0);
	cr_assert_not_null(on(8124), "SIGTERM did nothing");
	cr_assert_eq(kill_job_force(&j, 60.0), 0);
	cr_assert_eq(j.sent, SIGKILL);
	cr_assert(kill_job_tick(&j, p, NULL, 0, 60.0));
	cr_assert_str_eq(j.message, "stopped :8124 python3 (pid 5001) with SIGKILL in 0.0 s");
	at(0);
	cr_assert_null(on(8124));
	cr_assert_not(kill_job_tick(&j, p, &s.set, 60.1, 64.9));
	cr_assert_not(kill_job_tick(&j, p, &s.set, 65.0, 65.0), "a quiet end: nothing new to say");
	cr_assert_eq(j.outcome, KILL_FREED);
}

Test(engine, k_on_a_row_can_go_straight_to_sigkill)
{
	at(0);
	plan(8124, SIGKILL);
	cr_assert_eq(kill_job_confirm(&j, p, 1.0), 0);
	cr_assert_str_eq(j.message, "sent SIGKILL to :8124 python3 (pid 5001)");
	kill_job_tick(&j, p, NULL, 0, 1.0);
	cr_assert_eq(j.phase, KILL_WATCHING);
}

Test(engine, a_listener_that_moved_to_another_pid_is_refused)
{
	at(0);
	plan(4000, SIGTERM);
	cr_assert_eq(platform_fake_seek(p, 10), 0); /* while the question is open */
	cr_assert_eq(kill_job_confirm(&j, p, 1.0), -ESTALE);
	cr_assert_eq(j.outcome, KILL_REFUSED);
	cr_assert_str_eq(j.message, ":4000 moved to ruby (pid 6001) while you were confirming — "
	                            "nothing was signalled");
	at(10);
	cr_assert_not_null(on(4000), "the new owner was not signalled");
}

/* The dashboard on the fake: a refresh lands while the box is open, the rows move and the cursor
 * goes elsewhere; y still signals the process the box names. */
Test(engine, a_refresh_while_confirming_keeps_the_target_the_box_shows)
{
	static struct app a;
	app_init(&a, 1.0);
	a.platform = p;
	a.guard = (struct kill_guard){.self = 99999, .parent = 99998};
	a.now = 1.0;
	a.wall = 1000;
	cr_assert_eq(platform_fake_seek(p, 0), 0);
	app_poll(&a);
	cr_assert(ph_select(&a, 8124, 5001));
	cr_assert_eq(app_key(&a, 'K'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_KILL);
	/* The refresh: :3000 and :4000 restarted under new pids (their rows now show other
	 * processes), and the cursor moves to :3000, held by its new pid. */
	cr_assert_eq(platform_fake_seek(p, 10), 0);
	a.now = 2.0;
	app_poll(&a);
	cr_assert(ph_select(&a, 3000, 1200), "the :3000 row is held by its new pid");
	cr_assert_not(ph_select(&a, 3000, 977), "and no longer by the old one");
	cr_assert_eq(a.mode, MODE_KILL, "the box stays open");
	cr_assert_eq(a.kill.plan.target.id.pid, 5001);
	app_key(&a, 'y');
	cr_assert_str_eq(a.kill.message, "sent SIGKILL to :8124 python3 (pid 5001)");
	at(10);
	cr_assert_null(on(8124), "the target the box showed was signalled");
	cr_assert_not_null(on(3000), "not the row under the cursor");
	app_free(&a);
}

Test(engine, a_reused_pid_is_refused)
{
	at(0);
	plan(4000, SIGTERM);
	j.plan.target.id.start_ticks += 1; /* what was recorded is another process than pid 6000 */
	cr_assert_lt(kill_job_confirm(&j, p, 1.0), 0);
	cr_assert_eq(j.outcome, KILL_REFUSED);
	cr_assert(strstr(j.message, "pid 6000 now belongs to another process (the pid was reused)"),
	          "%s", j.message);
	at(0);
	cr_assert_not_null(on(4000));
}

Test(engine, hidden_owner_refused_and_cancel_sends_nothing)
{
	at(0);
	plan(22, SIGTERM);
	cr_assert_eq(j.outcome, KILL_REFUSED);
	cr_assert_str_eq(j.message, "owned by root — run devports with sudo to stop it");
	cr_assert_eq(kill_job_confirm(&j, p, 1.0), -EALREADY);
	plan(4000, SIGTERM);
	kill_job_cancel(&j);
	cr_assert_eq(j.outcome, KILL_CANCELLED);
	at(0);
	cr_assert_not_null(on(4000));
}

Test(engine, the_fake_knows_connections_ancestors_and_free_ports)
{
	at(0);
	int n = -1;
	cr_assert_eq(platform_connections(p, on(3000), &n), 0);
	cr_assert_eq(n, 2);
	cr_assert_eq(platform_connections(p, on(4000), &n), -ENOSYS, "the scenario does not say");
	struct proc_info parent;
	struct arena strings = {0};
	cr_assert_eq(platform_process(p, 4100, &strings, &parent), 0, "from \"processes\"");
	cr_assert_str_eq(parent.comm, "PM2 v5.3.0: God");
	arena_free(&strings);
	cr_assert_eq(platform_tcp_port_free(p, 3000), -EADDRINUSE);
	cr_assert_eq(platform_tcp_port_free(p, 3001), 0);
	struct http_check *c = NULL;
	cr_assert_eq(platform_http_check(p, on(3000), 1000, &c), -ENOSYS, "no network in a demo");
	char unit[32];
	bool user;
	cr_assert_eq(platform_service_unit(p, 977, unit, sizeof unit, &user), -ENOENT,
	             "the scenario gives it no unit");
}

Test(engine, scenario_fields_for_kill_are_checked)
{
	static const struct {
		const char *json;
		const char *says;
	} bad[] = {
	    {"{\"steps\":[{\"listeners\":[{\"port\":1,\"pid\":2,\"name\":\"x\","
	     "\"ignores_sigterm\":\"yes\"}]}]}",
	     "steps[0].listeners[0].ignores_sigterm: expected true or false"},
	    {"{\"steps\":[{\"listeners\":[{\"port\":1,\"pid\":2,\"name\":\"x\",\"connections\":-1}]"
	     "}]}",
	     "connections: expected a number of connections"},
	    {"{\"steps\":[{\"listeners\":[]}],\"processes\":[{\"pid\":1,\"port\":3}]}",
	     "processes[0]: \"port\" is not a known field"},
	    {"{\"steps\":[{\"listeners\":[]}],\"processes\":{}}", "processes: expected a list"},
	    {"{\"steps\":[{\"listeners\":[{\"port\":22,\"owner_hidden\":true,"
	     "\"ignores_sigterm\":true}]}]}",
	     "a hidden owner shows only its user and uid"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct scenario sc = {0};
		char err[SCENARIO_ERROR_MAX];
		cr_assert_eq(scenario_parse(&sc, bad[i].json, strlen(bad[i].json), "t.json", 0, err,
		                            sizeof err),
		             -EINVAL, "%s", bad[i].json);
		cr_assert(strstr(err, bad[i].says), "%s", err);
	}
}
