/* poll_bench.c - the backend's cost per poll in a long-running process, as the dashboard pays it:
 * 100 polls with the load steady, then polls right after a new listening process appears.
 *   usage: devports_pollbench [POLLS [SECONDS]]
 * Prints one line per phase: "steady: median 0.41 ms, mean 0.44 ms, max 0.90 ms (100 polls)":
 * the kernel's netlink dumps alone (the floor of a poll: what `ss` without -p pays), a poll, a
 * poll and the model's merge (what the dashboard does each tick before drawing), and a poll
 * right after a new listening process appears; with SECONDS, also a poll and merge a second for
 * that long, as the dashboard ticks (caches cold between ticks), each beside the CPU time its own
 * netlink dumps took. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "linux_extra.h"
#include "model.h"
#include "owners.h"
#include "platform.h"
#include "sockdiag.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *phase, double *t, int n, size_t listeners)
{
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += t[i];
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("%s: median %.3f ms, mean %.3f ms, max %.3f ms (%d polls, %zu listeners)\n", phase,
	       t[n / 2], sum / n, t[n - 1], n, listeners);
}

/* --listener: what a new server process does: listens on an ephemeral loopback port, says so on
 * fd 3, waits to be killed. */
static int be_listener(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0)
		return 1;
	if (write(3, "1", 1) != 1)
		return 1;
	close(3);
	pause();
	return 0;
}

static void stop_listener(pid_t group)
{
	kill(-group, SIGKILL);
	while (waitpid(-group, NULL, 0) > 0)
		;
}

/* A new server process, started the way a shell starts one: spawned (not forked from this process:
 * a fork would make every page this process writes copy-on-write while the child lives, which a
 * dashboard never pays for other people's processes) under a shell that stays its parent, in a
 * process group of its own. Returns the group, or -1. */
static pid_t start_listener(const char *self)
{
	int p[2];
	pid_t pid = -1;
	char cmd[4200];
	snprintf(cmd, sizeof cmd, "'%s' --listener; :", self);
	char *argv[] = {(char *)"sh", (char *)"-c", cmd, NULL};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	if (pipe2(p, O_CLOEXEC) < 0) /* fd 3 alone goes to the shell, then to the server */
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 3);
	posix_spawnattr_init(&at);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	if (posix_spawn(&pid, "/bin/sh", &fa, &at, argv, environ) != 0)
		pid = -1;
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	char c;
	if (pid > 0 && read(p[0], &c, 1) != 1) { /* it could not listen */
		stop_listener(pid);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static double cpu_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A poll and a merge each second, as the dashboard's tick: CPU time of each, and of that poll's
 * own netlink dumps. */
static void at_one_hz(struct platform *p, int seconds)
{
	double *tick = calloc((size_t)seconds, sizeof *tick);
	double *dumps = calloc((size_t)seconds, sizeof *dumps);
	double *ratio = calloc((size_t)seconds, sizeof *ratio);
	struct model m;
	struct snapshot a = {0}, b = {0}, *cur = &a, *next = &b;
	model_init(&m);
	platform_collect(p, cur);
	model_apply(&m, cur, 0, 0);
	for (int i = 0; i < seconds; i++) {
		sleep(1);
		double t0 = cpu_now_ms();
		platform_collect(p, next);
		model_apply(&m, next, i + 1, 0);
		tick[i] = cpu_now_ms() - t0;
		dumps[i] = linux_dumps_ms(p);
		ratio[i] = dumps[i] > 0 ? tick[i] / dumps[i] : 0;
		struct snapshot *x = cur;
		cur = next;
		next = x;
	}
	qsort(tick, (size_t)seconds, sizeof *tick, cmp_double);
	qsort(dumps, (size_t)seconds, sizeof *dumps, cmp_double);
	qsort(ratio, (size_t)seconds, sizeof *ratio, cmp_double);
	printf("at 1 Hz: poll and model median %.3f ms CPU, its own netlink dumps median %.3f ms, "
	       "median ratio %.2fx (%d ticks, %zu listeners)\n",
	       tick[seconds / 2], dumps[seconds / 2], ratio[seconds / 2], seconds, cur->set.n);
	const struct owners_stats *st = linux_owners_stats(p);
	if (st)
		printf("owner cache since start: %lu updates, %lu discoveries, %lu full passes, %lu "
		       "fd directories read, %lu readlinks verifying\n",
		       st->updates, st->discoveries, st->full_passes, st->pids_scanned, st->verified);
	model_free(&m);
	snapshot_free(&a);
	snapshot_free(&b);
	free(tick);
	free(dumps);
	free(ratio);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--listener") == 0)
		return be_listener();
	char self[4096];
	ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (len <= 0) {
		fprintf(stderr, "pollbench: cannot find its own executable\n");
		return 2;
	}
	self[len] = '\0';
	int polls = argc > 1 ? atoi(argv[1]) : 100;
	if (polls < 3)
		polls = 100;
	struct platform *p = NULL;
	struct platform_opts opts = {.kind = PLATFORM_NATIVE};
	if (platform_open(&p, &opts) < 0) {
		fprintf(stderr, "pollbench: cannot open the backend\n");
		return 2;
	}
	struct snapshot snap = {0};
	double *t = calloc((size_t)polls, sizeof *t);
	double t0 = now_ms();
	platform_collect(p, &snap); /* the first poll fills the owner cache */
	printf("first poll: %.3f ms (%zu listeners, %s)\n", now_ms() - t0, snap.set.n,
	       platform_name(p));
	for (int i = 0; i < polls; i++) {
		t0 = now_ms();
		platform_collect(p, &snap);
		t[i] = now_ms() - t0;
	}
	report("steady", t, polls, snap.set.n);

	/* The same polls merged into a model, as the dashboard's tick does: two snapshots in turn,
	 * the one the model reads kept intact through the next merge. */
	struct model m;
	struct snapshot other = {0}, *cur = &snap, *next = &other;
	model_init(&m);
	model_apply(&m, cur, 0, 0);
	for (int i = 0; i < polls; i++) {
		t0 = now_ms();
		platform_collect(p, next);
		model_apply(&m, next, i + 1, 0);
		t[i] = now_ms() - t0;
		struct snapshot *x = cur;
		cur = next;
		next = x;
	}
	report("steady, poll and model", t, polls, cur->set.n);
	printf("model: %lu rows labelled, %lu ports' reachability worked out in %d polls\n",
	       m.annotated, m.reached, polls + 1);
	model_free(&m);
	snapshot_free(&other);

	/* The netlink dumps alone (TCP and UDP, IPv4 and IPv6), as every poll makes them. */
	struct sockdiag *diag = NULL;
	struct listener_set socks = {0};
	if (sockdiag_open(&diag) == 0) {
		for (int i = 0; i < polls; i++) {
			listener_set_clear(&socks);
			t0 = now_ms();
			sockdiag_collect(diag, &socks);
			t[i] = now_ms() - t0;
		}
		report("netlink dumps", t, polls, socks.n);
		sockdiag_close(&diag);
	}
	listener_set_free(&socks);

	int rounds = polls < 20 ? polls : 20;
	for (int i = 0; i < rounds; i++) {
		pid_t child = start_listener(self);
		if (child < 0) {
			fprintf(stderr, "pollbench: cannot start a listener\n");
			return 2;
		}
		t0 = now_ms();
		platform_collect(p, &snap);
		t[i] = now_ms() - t0;
		stop_listener(child);
		platform_collect(p, &snap); /* settle */
	}
	report("new listening process", t, rounds, snap.set.n);

	int seconds = argc > 2 ? atoi(argv[2]) : 0;
	if (seconds > 0)
		at_one_hz(p, seconds);
	snapshot_free(&snap);
	free(t);
	platform_close(&p);
	return 0;
}
