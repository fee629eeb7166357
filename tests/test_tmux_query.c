/* test_tmux_query.c - asking tmux for its panes and switching to one (tmux_query.h), against a
 * stand-in `tmux` (a shell script first in PATH) and a real unix socket for the server: the
 * answer is collected without waiting in the dashboard, a one-shot waits once, a tmux that
 * hangs is killed and reaped at its time-out, and a switch passes the pane's id alone. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sanitize.h"
#include "tmux_query.h"

static char dir[] = "/tmp/dp-tmuxq-XXXXXX";
static char sock[256], env[300];
static int sock_fd = -1;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The stand-in tmux: body runs with "$@" as tmux's arguments. */
static void fake_tmux(const char *body)
{
	char path[300];
	snprintf(path, sizeof path, "%s/tmux", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	fclose(f);
	chmod(path, 0755);
}

static void setup(void)
{
	sanitize_init_locale();
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof sock, "%s/server", dir);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	sock_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	cr_assert_eq(bind(sock_fd, (struct sockaddr *)&a, sizeof a), 0);
	snprintf(env, sizeof env, "%s,4242,0", sock);
	char path[1024];
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", dir);
	setenv("PATH", path, 1);
}

static void teardown(void)
{
	char cmd[400];
	close(sock_fd);
	snprintf(cmd, sizeof cmd, "/bin/rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(tmux_query, .init = setup, .fini = teardown);

/* Steps the dashboard's way until an answer comes (or 3 s pass). */
static const struct pane_list *until_answer(struct tmux_query *q)
{
	char why[TMUX_WHY_MAX];
	double start = now_s();
	const struct pane_list *l = tmux_query_step(q, now_s());
	while (tmux_query_status(q, why, sizeof why) == -EAGAIN && now_s() < start + 3) {
		usleep(10000);
		l = tmux_query_step(q, now_s());
	}
	return l;
}

static void assert_no_child_left(void)
{
	errno = 0;
	cr_assert_eq(waitpid(-1, NULL, WNOHANG), -1, "a child is left");
	cr_assert_eq(errno, ECHILD);
}

Test(tmux_query, the_socket_from_TMUX_or_the_default_one)
{
	char out[64];
	cr_assert_eq(tmux_socket_path("/tmp/tmux-1000/dp-test-1,123,0", NULL, 1000, out, sizeof out),
	             0);
	cr_assert_str_eq(out, "/tmp/tmux-1000/dp-test-1");
	cr_assert_eq(tmux_socket_path(NULL, NULL, 1000, out, sizeof out), 0);
	cr_assert_str_eq(out, "/tmp/tmux-1000/default");
	cr_assert_eq(tmux_socket_path("", "/run/user/5/t", 5, out, sizeof out), 0);
	cr_assert_str_eq(out, "/run/user/5/t/tmux-5/default");
	cr_assert_eq(tmux_socket_path(NULL, "", 0, out, sizeof out), 0);
	cr_assert_str_eq(out, "/tmp/tmux-0/default");
	cr_assert_eq(tmux_socket_path(NULL, "/a/very/long/folder/name/indeed", 1000, out, 16),
	             -ENAMETOOLONG);
}

Test(tmux_query, the_dashboard_collects_the_answer_over_later_steps)
{
	char args[400];
	snprintf(args, sizeof args, "%s/args", dir);
	char body[800];
	snprintf(body, sizeof body,
	         "printf '%%s\\n' \"$@\" > %s\n"
	         "printf '810\\t%%%%1\\t$1\\t1\\t0\\twork\\tapi\\tpython3\\n'", args);
	fake_tmux(body);
	struct tmux_query *q;
	cr_assert_eq(tmux_query_new(&q, 0, env, NULL, getuid()), 0);
	double t0 = now_s();
	const struct pane_list *l = tmux_query_step(q, t0);
	cr_assert_lt(now_s() - t0, 0.2, "the first step only starts tmux");
	l = until_answer(q);
	char why[TMUX_WHY_MAX];
	cr_assert_eq(tmux_query_status(q, why, sizeof why), 0, "%s", why);
	cr_assert_eq(l->n, 1);
	cr_assert_str_eq(l->v[0].session, "work");
	FILE *f = fopen(args, "r");
	char got[512] = "";
	size_t n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
	char want[512];
	snprintf(want, sizeof want, "-S\n%s\nlist-panes\n-a\n-F\n%s\n", sock, PANES_FORMAT);
	cr_assert_str_eq(got, want);
	assert_no_child_left();
	/* not asked again before TMUX_REFRESH_SECONDS; the answer is kept */
	unlink(args);
	l = tmux_query_step(q, now_s());
	cr_assert_eq(l->n, 1);
	cr_assert_eq(access(args, F_OK), -1, "asked again too soon");
	tmux_query_free(&q);
	cr_assert_null(q);
}

Test(tmux_query, a_one_shot_waits_once)
{
	fake_tmux("sleep 0.05; printf '810\\t%%1\\t$1\\t1\\t0\\twork\\tapi\\tpython3\\n'");
	struct tmux_query *q;
	cr_assert_eq(tmux_query_new(&q, 300, env, NULL, getuid()), 0);
	const struct pane_list *l = tmux_query_step(q, now_s());
	cr_assert_eq(l->n, 1, "the answer is there after the first step");
	assert_no_child_left();
	tmux_query_free(&q);
}

Test(tmux_query, a_tmux_that_hangs_is_killed_and_reaped)
{
	fake_tmux("exec sleep 30");
	struct tmux_query *q;
	char why[TMUX_WHY_MAX];
	cr_assert_eq(tmux_query_new(&q, 200, env, NULL, getuid()), 0);
	double t0 = now_s();
	const struct pane_list *l = tmux_query_step(q, t0);
	cr_assert_lt(now_s() - t0, 0.6, "a one-shot waits its bound, no more");
	cr_assert_eq(l->n, 0);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -ETIMEDOUT, "%s", why);
	assert_no_child_left();
	tmux_query_free(&q);

	/* the dashboard: killed at the step after its deadline */
	cr_assert_eq(tmux_query_new(&q, 0, env, NULL, getuid()), 0);
	t0 = now_s();
	tmux_query_step(q, t0);
	tmux_query_step(q, t0 + 0.5);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -EAGAIN, "still waiting");
	tmux_query_step(q, t0 + TMUX_TIMEOUT_MS / 1000.0 + 0.01);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -ETIMEDOUT);
	assert_no_child_left();
	/* and one under way when the handle is freed */
	tmux_query_step(q, t0 + 100);
	tmux_query_free(&q);
	assert_no_child_left();
}

Test(tmux_query, failures_say_why_and_keep_no_panes)
{
	struct tmux_query *q;
	char why[TMUX_WHY_MAX];
	fake_tmux("echo 'no server running on /x' >&2; exit 1");
	cr_assert_eq(tmux_query_new(&q, 300, env, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_step(q, now_s())->n, 0);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -EIO, "%s", why);
	cr_assert(strstr(why, "status 1"), "%s", why);
	tmux_query_free(&q);

	char missing[400];
	snprintf(missing, sizeof missing, "%s/nothing,1,0", dir);
	cr_assert_eq(tmux_query_new(&q, 300, missing, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_step(q, now_s())->n, 0);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -ENOENT);
	cr_assert(strstr(why, "no tmux server"), "%s", why);
	tmux_query_free(&q);

	setenv("PATH", "/nonexistent", 1);
	cr_assert_eq(tmux_query_new(&q, 300, env, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_step(q, now_s())->n, 0);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -ENOEXEC, "%s", why);
	tmux_query_free(&q);
	assert_no_child_left();
}

Test(tmux_query, an_answer_over_its_bound_is_refused)
{
	fake_tmux("head -c 1100000 /dev/zero | tr '\\0' 'x'");
	struct tmux_query *q;
	char why[TMUX_WHY_MAX];
	cr_assert_eq(tmux_query_new(&q, 0, env, NULL, getuid()), 0);
	cr_assert_eq(until_answer(q)->n, 0);
	cr_assert_eq(tmux_query_status(q, why, sizeof why), -EMSGSIZE, "%s", why);
	assert_no_child_left();
	tmux_query_free(&q);
}

Test(tmux_query, a_switch_passes_the_panes_id_alone)
{
	char args[400], body[600];
	snprintf(args, sizeof args, "%s/args", dir);
	snprintf(body, sizeof body, "printf '%%s\\n' \"$@\" > %s", args);
	fake_tmux(body);
	struct tmux_query *q;
	char why[TMUX_WHY_MAX];
	struct tmux_pane p = {.pid = 810, .id = 5, .window = 2, .pane = 1};
	snprintf(p.session, sizeof p.session, "w'o;rk$(x)");
	cr_assert_eq(tmux_query_new(&q, 0, env, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_switch(q, &p, why, sizeof why), 0, "%s", why);
	cr_assert_str_eq(why, "switched to tmux pane w'o;rk$(x):2.1");
	FILE *f = fopen(args, "r");
	char got[512] = "";
	size_t n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
	char want[512];
	snprintf(want, sizeof want,
	         "-S\n%s\nselect-window\n-t\n%%5\n;\nselect-pane\n-t\n%%5\n;\nswitch-client\n-t\n%%5\n",
	         sock);
	cr_assert_str_eq(got, want);
	cr_assert_eq(tmux_query_switch(q, NULL, why, sizeof why), -ESRCH);
	cr_assert_str_eq(why, "this row's process is in no tmux pane");

	fake_tmux("printf 'can'\"'\"'t find pane: %%5\\033[2J\\n' >&2; exit 1");
	cr_assert_eq(tmux_query_switch(q, &p, why, sizeof why), -EIO);
	cr_assert_str_eq(why, "tmux: can't find pane: %5\\e[2J");
	fake_tmux("exec sleep 30");
	double t0 = now_s();
	cr_assert_eq(tmux_query_switch(q, &p, why, sizeof why), -ETIMEDOUT, "%s", why);
	cr_assert_lt(now_s() - t0, TMUX_SWITCH_TIMEOUT_MS / 1000.0 + 0.5);
	assert_no_child_left();
	tmux_query_free(&q);

	cr_assert_eq(tmux_query_new(&q, 0, NULL, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_switch(q, &p, why, sizeof why), -ENOTTY);
	cr_assert_str_eq(why, "not inside tmux");
	tmux_query_free(&q);
	char missing[400];
	snprintf(missing, sizeof missing, "%s/nothing,1,0", dir);
	cr_assert_eq(tmux_query_new(&q, 0, missing, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_switch(q, &p, why, sizeof why), -ENOENT);
	cr_assert_str_eq(why, "no tmux server");
	tmux_query_free(&q);
}

/* A watched port's message: display-message with the text as one argument, '#' doubled (tmux
 * expands no format, runs no #(command)), control characters as spaces; never waited for, reaped
 * by later steps, a hung one killed at its time-out; at most TMUX_MESSAGES_MAX at once. */
Test(tmux_query, a_message_is_one_escaped_argument_and_is_reaped)
{
	char args[400], body[600];
	snprintf(args, sizeof args, "%s/args", dir);
	/* list-panes (the steps' own query) answers at once; the steps below start no other */
	snprintf(body, sizeof body,
	         "[ \"$3\" = list-panes ] && exit 0\nprintf '%%s\\n' \"$@\" > %s.tmp; mv %s.tmp %s",
	         args, args, args);
	fake_tmux(body);
	struct tmux_query *q;
	cr_assert_eq(tmux_query_new(&q, 0, env, NULL, getuid()), 0);
	until_answer(q); /* the next list-panes is TMUX_REFRESH_SECONDS away */
	cr_assert_eq(tmux_query_message(q, ":3000 #(touch x)#[fg=red] went\tdown", now_s()), 0);
	char got[512] = "";
	for (int i = 0; i < 300 && access(args, F_OK) != 0; i++)
		usleep(10000);
	FILE *f = fopen(args, "r");
	cr_assert_not_null(f, "the stand-in tmux did not run");
	size_t n = fread(got, 1, sizeof got - 1, f);
	got[n] = '\0';
	fclose(f);
	char want[512];
	snprintf(want, sizeof want,
	         "-S\n%s\ndisplay-message\n-d\n5000\n--\n:3000 ##(touch x)##[fg=red] went down\n",
	         sock);
	cr_assert_str_eq(got, want);
	for (int i = 0; i < 300; i++) { /* reaped by a later step */
		tmux_query_step(q, now_s());
		usleep(10000);
		errno = 0;
		if (waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD)
			break;
	}
	assert_no_child_left();

	fake_tmux("[ \"$3\" = list-panes ] && exit 0\nexec sleep 30");
	double t = now_s();
	for (int i = 0; i < TMUX_MESSAGES_MAX; i++)
		cr_assert_eq(tmux_query_message(q, "x", t), 0);
	cr_assert_eq(tmux_query_message(q, "x", t), -EBUSY);
	tmux_query_step(q, t + TMUX_TIMEOUT_MS / 1000.0 + 0.01); /* past their deadline */
	assert_no_child_left();
	cr_assert_eq(tmux_query_message(q, "x", now_s()), 0);
	tmux_query_free(&q); /* kills and reaps it */
	assert_no_child_left();

	cr_assert_eq(tmux_query_new(&q, 0, NULL, NULL, getuid()), 0);
	cr_assert_eq(tmux_query_message(q, "x", now_s()), -ENOTTY);
	tmux_query_free(&q);
}

Test(tmux_query, message_escape_cuts_on_a_whole_character)
{
	char out[8];
	tmux_message_escape("a#b", out, sizeof out);
	cr_assert_str_eq(out, "a##b");
	tmux_message_escape("abcdef\xc3\xa9", out, sizeof out);
	cr_assert_str_eq(out, "abcdef", "é does not fit whole");
	tmux_message_escape("ab\x1b[2J", out, sizeof out);
	cr_assert_str_eq(out, "ab [2J");
}
