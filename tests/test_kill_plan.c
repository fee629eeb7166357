/* test_kill_plan.c - pure: the target of a kill, its refusals, respawn explanations, signals. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "kill.h"
#include "kill_plan.h"
#include "make_listener.h"
#include "respawn.h"

static struct listener_set set;

static void fini(void)
{
	listener_set_free(&set);
}

TestSuite(plan, .fini = fini);

static struct listener *add(const char *addr, unsigned port, int pid, int ppid, const char *comm)
{
	struct listener l = make_listener(PROTO_TCP, addr, port, pid, comm, "dev");
	test_proc(&l)->ppid = ppid;
	return listener_set_push(&set, &l);
}

Test(plan, the_lead_holder_of_a_shared_socket_is_the_target)
{
	/* A pre-fork server: the master (pid 500, child of a shell) and two workers on one row. */
	struct listener *row = add("127.0.0.1", 8000, 500, 400, "gunicorn");
	struct listener w1 = make_listener(PROTO_TCP, "127.0.0.1", 8000, 501, "gunicorn", "dev");
	struct listener w2 = make_listener(PROTO_TCP, "127.0.0.1", 8000, 502, "gunicorn", "dev");
	test_proc(&w1)->ppid = test_proc(&w2)->ppid = 500;
	const struct listener *workers[] = {&w2, &w1};
	test_add_holders(row, workers, 2);
	struct listener *other = add("127.0.0.1", 9000, 500, 400, "gunicorn");
	other->proc = row->proc; /* the master holds a second port */
	other->holders = row->holders;
	add("127.0.0.1", 3000, 777, 1, "node");
	struct kill_plan p;
	kill_plan_make(&set, &set.v[0], NULL, &p);
	cr_assert_eq(p.refusal, KILL_ALLOWED);
	cr_assert_eq(p.target.id.pid, 500, "the master, not the worker the cursor was on");
	cr_assert_eq(p.nholders, 3);
	cr_assert_eq(p.holders[0], 500);
	cr_assert_eq(p.holders[2], 502);
	cr_assert_eq(p.nports, 2, "every port the master holds");
	cr_assert_str_eq(p.ports[0], "tcp 127.0.0.1:8000");
	cr_assert_str_eq(p.ports[1], "tcp 127.0.0.1:9000");
	char name[128];
	kill_plan_name(&p, name, sizeof name);
	cr_assert_str_eq(name, ":8000 gunicorn (pid 500)");
	cr_assert_eq(p.sel.nholders, 3, "the plan keeps its own copy of the row");
	kill_plan_free(&p);
}

Test(plan, a_wrapper_above_the_holder_is_not_the_target)
{
	/* npm (300) -> sh (301) -> node (302): only node holds the socket. */
	add("::1", 5173, 302, 301, "node");
	struct kill_plan p;
	kill_plan_make(&set, &set.v[0], NULL, &p);
	cr_assert_eq(p.target.id.pid, 302);
	cr_assert_eq(p.nholders, 1);
	cr_assert_str_eq(p.ports[0], "tcp [::1]:5173");
	kill_plan_free(&p);
}

Test(plan, refusals_say_why)
{
	struct kill_guard g = {.self = 4000, .parent = 3999};
	static const struct {
		int pid, ppid;
		const char *comm;
		enum kill_refusal want;
		const char *says;
	} cases[] = {
	    {1, 0, "systemd", KILL_REFUSE_INIT, "pid 1"},
	    {2, 0, "kthreadd", KILL_REFUSE_KERNEL, "kernel thread"},
	    {77, 2, "kworker/0:1", KILL_REFUSE_KERNEL, "kernel thread"},
	    {4000, 3999, "devports", KILL_REFUSE_SELF, "devports itself"},
	    {3999, 100, "zsh", KILL_REFUSE_PARENT, "the shell devports runs in"},
	    {5000, 3999, "node", KILL_ALLOWED, ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		listener_set_clear(&set);
		add("0.0.0.0", 7000 + (unsigned)i, cases[i].pid, cases[i].ppid, cases[i].comm);
		struct kill_plan p;
		kill_plan_make(&set, &set.v[0], &g, &p);
		cr_assert_eq(p.refusal, cases[i].want, "pid %d", cases[i].pid);
		cr_assert(strstr(p.refusal_text, cases[i].says), "%s", p.refusal_text);
		kill_plan_free(&p);
	}
}

Test(plan, a_hidden_owner_is_refused_with_the_words_of_its_reason)
{
	struct listener l = make_hidden(PROTO_TCP, "0.0.0.0", 22, 0, "root", OWNER_NOT_READABLE);
	struct kill_plan p;
	kill_plan_make(&set, &l, NULL, &p);
	cr_assert_eq(p.refusal, KILL_REFUSE_HIDDEN);
	cr_assert_str_eq(p.refusal_text, "owned by root — run devports with sudo to stop it");
	struct kill_job j = {0};
	kill_job_plan(&j, &set, &l, NULL, SIGTERM, NULL);
	cr_assert_eq(j.phase, KILL_FINISHED);
	cr_assert_eq(j.outcome, KILL_REFUSED);
	cr_assert_str_eq(j.message, p.refusal_text);
	kill_job_free(&j);
	kill_plan_free(&p);
	/* as root, an owner that cannot be read is no matter of sudo */
	struct listener ns = make_hidden(PROTO_TCP, "0.0.0.0", 2024, 0, "root", OWNER_UNREADABLE);
	kill_plan_make(&set, &ns, NULL, &p);
	cr_assert_eq(p.refusal, KILL_REFUSE_HIDDEN);
	cr_assert_null(strstr(p.refusal_text, "sudo"), "%s", p.refusal_text);
	cr_assert(strstr(p.refusal_text, "even as root"), "%s", p.refusal_text);
	kill_plan_free(&p);
	struct listener nf = make_hidden(PROTO_TCP, "0.0.0.0", 2025, 1000, "dev", OWNER_NOT_FOUND);
	kill_plan_make(&set, &nf, NULL, &p);
	cr_assert(strstr(p.refusal_text, "not found yet") || strstr(p.refusal_text, "was found yet"),
	          "%s", p.refusal_text);
	kill_plan_free(&p);
}

Test(plan, check_tells_held_moved_and_gone)
{
	add("127.0.0.1", 3000, 977, 1, "node");
	struct kill_plan p;
	kill_plan_make(&set, &set.v[0], NULL, &p);
	const struct listener *other;
	cr_assert_eq(kill_plan_check(&p, &set, &other), 1);
	test_proc(&set.v[0])->id.pid = 990; /* the socket is now someone else's */
	cr_assert_eq(kill_plan_check(&p, &set, &other), -1);
	cr_assert_eq(other->proc->id.pid, 990);
	test_proc(&set.v[0])->id.pid = 977;
	test_proc(&set.v[0])->id.start_ticks++; /* the same pid, another process */
	cr_assert_eq(kill_plan_check(&p, &set, &other), -2);
	listener_set_clear(&set);
	cr_assert_eq(kill_plan_check(&p, &set, &other), 0);
	cr_assert_eq(p.target.id.pid, 977, "the plan's copy outlives the rows it came from");
	cr_assert_str_eq(p.target.comm, "node");
	kill_plan_free(&p);
}

Test(plan, respawn_find_ignores_the_killed_sockets_and_sees_a_new_pid)
{
	add("127.0.0.1", 3000, 977, 1, "node");
	struct kill_plan p;
	kill_plan_make(&set, &set.v[0], NULL, &p);
	cr_assert_null(respawn_find(&p, &set), "the old holder is no restart");
	set.v[0].owner_hidden = true; /* the same socket, closing: no owner any more */
	cr_assert_null(respawn_find(&p, &set));
	listener_set_clear(&set);
	add("::1", 3000, 1200, 4100, "node")->inode = 777777; /* a new socket */
	const struct listener *back = respawn_find(&p, &set);
	cr_assert_not_null(back);
	cr_assert_eq(back->proc->id.pid, 1200, "any address counts");
	kill_plan_free(&p);
}

static struct proc_info proc(int pid, int ppid, const char *comm, const char *cmdline)
{
	return (struct proc_info){.id.pid = pid, .ppid = ppid, .comm = comm, .cmdline = cmdline,
	                          .user = "", .cwd = "", .exe = "", .project_root = ""};
}

Test(plan, respawn_names_the_supervisor_and_what_to_stop)
{
	char out[KILL_TEXT_MAX];
	struct proc_info systemd_chain[] = {proc(900, 1, "nginx", "nginx: master process"),
	                                    proc(1, 0, "systemd", "/sbin/init")};
	respawn_explain(80, systemd_chain, 2, "nginx.service", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by systemd (pid 1) — systemctl stop nginx.service");
	respawn_explain(80, systemd_chain, 2, "web.service", true, out, sizeof out);
	cr_assert_str_eq(out, "restarted by systemd (pid 1) — systemctl --user stop web.service");
	respawn_explain(80, systemd_chain, 2, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by systemd (pid 1) — a systemd service restarts it: "
	                      "systemctl status 1 names it");

	struct proc_info pm2[] = {proc(5000, 4100, "node", "node /home/dev/api/server.js"),
	                          proc(4100, 1, "PM2 v5.3.0: God", "PM2 v5.3.0: God Daemon"),
	                          proc(1, 0, "systemd", "/sbin/init")};
	respawn_explain(3000, pm2, 3, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by pm2 (pid 4100) — pm2 stop <name> (pm2 list names it)");

	struct proc_info nodemon[] = {
	    proc(5100, 5090, "node", "node app.js"), proc(5090, 5080, "sh", "sh -c node app.js"),
	    proc(5080, 4000, "node", "node /usr/local/bin/nodemon app.js"),
	    proc(4000, 1, "zsh", "-zsh")};
	respawn_explain(3000, nodemon, 4, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by nodemon (pid 5080) — stop nodemon (pid 5080) instead");

	struct proc_info docker[] = {
	    proc(7000, 900, "docker-proxy", "/usr/bin/docker-proxy -proto tcp"),
	    proc(900, 1, "dockerd", "/usr/bin/dockerd")};
	respawn_explain(8080, docker, 2, "docker.service", false, out, sizeof out);
	cr_assert_str_eq(out,
	                 "restarted by docker (pid 7000) — docker ps --filter publish=8080, then "
	                 "docker stop that container");

	struct proc_info runit[] = {proc(300, 200, "redis-server", "redis-server *:6379"),
	                            proc(200, 100, "runsv", "runsv redis")};
	respawn_explain(6379, runit, 2, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by runit (pid 200) — sv stop redis");

	struct proc_info brew[] = {
	    proc(612, 1, "postgres", "/opt/homebrew/Cellar/postgresql@14/14.5/bin/postgres -D x"),
	    proc(1, 0, "launchd", "/sbin/launchd")};
	respawn_explain(5432, brew, 2, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by launchd (pid 1) — brew services stop postgresql@14");
}

Test(plan, a_shell_loop_is_named_and_an_init_far_above_is_not_blamed)
{
	char out[KILL_TEXT_MAX];
	/* while true; do python3 -m http.server; done, in bash, in tmux, under a user systemd. */
	struct proc_info loop[] = {proc(800, 700, "python3", "python3 -m http.server 8000"),
	                           proc(700, 600, "bash", "bash -c while true; do ...; done"),
	                           proc(600, 500, "tmux: server", "tmux"),
	                           proc(500, 1, "systemd", "/lib/systemd/systemd --user"),
	                           proc(1, 0, "systemd", "/sbin/init")};
	respawn_explain(8000, loop, 5, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted by bash (pid 700) — stop it first");
	respawn_explain(8000, loop, 1, "", false, out, sizeof out);
	cr_assert_str_eq(out, "restarted: python3 (pid 800) holds it now");
}

Test(plan, every_supervisor_in_the_table_is_matched_by_its_names)
{
	for (size_t i = 0; i < respawn_supervisors_len; i++)
		for (size_t m = 0; m < 4 && respawn_supervisors[i].match[m]; m++) {
			struct proc_info p = proc(10, 1, respawn_supervisors[i].match[m], "x");
			cr_assert_eq(respawn_match(&p), &respawn_supervisors[i], "%s",
			             respawn_supervisors[i].match[m]);
		}
}

Test(plan, signal_names)
{
	char buf[32];
	cr_assert_eq(kill_signal_parse("TERM"), SIGTERM);
	cr_assert_eq(kill_signal_parse("sigkill"), SIGKILL);
	cr_assert_eq(kill_signal_parse("SIGINT"), SIGINT);
	cr_assert_eq(kill_signal_parse("9"), SIGKILL);
	cr_assert_eq(kill_signal_parse("STOP"), 0);
	cr_assert_eq(kill_signal_parse("3000x"), 0);
	cr_assert_eq(kill_signal_parse(""), 0);
	cr_assert_str_eq(kill_signal_name(SIGHUP, buf, sizeof buf), "SIGHUP");
}
