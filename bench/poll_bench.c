/* poll_bench.c - the backend's cost per poll in a long-running process, as the dashboard pays it:
 * 100 polls with the load steady, then polls right after a new listening process appears.
 *   usage: devports_pollbench [POLLS] [--new-listener]
 * Prints one line per phase: "steady: median 0.41 ms, mean 0.44 ms, max 0.90 ms (100 polls)". */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

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

/* A new server process: forks, listens on an ephemeral loopback port, waits to be killed. */
static pid_t start_listener(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0)
			_exit(1);
		pause();
		_exit(0);
	}
	usleep(20000);
	return pid;
}

int main(int argc, char **argv)
{
	int polls = argc > 1 ? atoi(argv[1]) : 100;
	if (polls < 3)
		polls = 100;
	struct platform *p = NULL;
	struct platform_opts opts = {.kind = PLATFORM_NATIVE};
	if (platform_open(&p, &opts) < 0) {
		fprintf(stderr, "pollbench: cannot open the backend\n");
		return 2;
	}
	struct listener_set set = {0};
	double *t = calloc((size_t)polls, sizeof *t);
	double t0 = now_ms();
	platform_collect(p, &set); /* the first poll fills the owner cache */
	printf("first poll: %.3f ms (%zu listeners, %s)\n", now_ms() - t0, set.n, platform_name(p));
	for (int i = 0; i < polls; i++) {
		t0 = now_ms();
		platform_collect(p, &set);
		t[i] = now_ms() - t0;
	}
	report("steady", t, polls, set.n);

	int rounds = polls < 20 ? polls : 20;
	for (int i = 0; i < rounds; i++) {
		pid_t child = start_listener();
		t0 = now_ms();
		platform_collect(p, &set);
		t[i] = now_ms() - t0;
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		platform_collect(p, &set); /* settle */
	}
	report("new listening process", t, rounds, set.n);
	listener_set_free(&set);
	free(t);
	platform_close(&p);
	return 0;
}
