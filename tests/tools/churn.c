/* churn.c - short-lived listeners for the churn and soak tests, on loopback only.
 *
 * usage: dp_churn [-t SECONDS] [-r PER_SECOND] [-p FIRST_PORT] [-n PORTS]
 *
 * For SECONDS (default 30) it starts PER_SECOND (default 50) listener processes a second, cycling
 * through TCP and UDP, 127.0.0.1 and ::1, on the ports FIRST_PORT .. FIRST_PORT + PORTS - 1
 * (default 23000, 1000 ports; a port still held is skipped). Each listener lives 0.1 to 1 s. One in
 * four forks a worker that inherits the socket and lives its own 0.1 to 1 s (before or after its
 * parent exits); one in seven renames itself halfway. Commands are "dp-churn", "dp-churn-w"
 * (workers) and "dp-churn-r" (renamed). After a stall (a busy machine) it skips the starts it
 * missed rather than making up for them in a burst.
 *
 * Bounded: every process it starts has an alarm() a few seconds past its lifetime, children die
 * with the helper (PR_SET_PDEATHSIG), and workers orphaned by their parent are reaped here
 * (PR_SET_CHILD_SUBREAPER). On SIGTERM or SIGINT, or at the end, it stops starting listeners,
 * waits for the running ones to finish (at most 2 s, then SIGKILL), prints one summary line and
 * exits 0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MIN_LIFE_MS = 100, MAX_LIFE_MS = 1000, BACKSTOP_S = 4 };

static volatile sig_atomic_t stopping;

struct counts {
	unsigned long started, tcp, udp, v6, workers, renamed, busy, failed;
	unsigned long late; /* starts skipped to keep the rate after a stall */
};

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static uint32_t rng_state = 2463534242u;
static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static long life_ms(void)
{
	return MIN_LIFE_MS + (long)(rng() % (MAX_LIFE_MS - MIN_LIFE_MS + 1));
}

/* A socket bound (and for TCP listening) on loopback port, or -errno. */
static int open_listener(bool udp, bool v6, uint16_t port)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (fd < 0)
		return -errno;
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	int rc;
	if (v6) {
		struct sockaddr_in6 a = {.sin6_family = AF_INET6,
		                         .sin6_port = htons(port),
		                         .sin6_addr = IN6ADDR_LOOPBACK_INIT};
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	} else {
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_port = htons(port),
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		rc = bind(fd, (struct sockaddr *)&a, sizeof a);
	}
	if (rc == 0 && !udp)
		rc = listen(fd, 4);
	if (rc < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* The body of a listener process: holds fd for its lifetime, maybe forking a worker first and
 * renaming itself halfway. */
_Noreturn static void listener_main(int fd, bool fork_worker, bool rename, long life)
{
	prctl(PR_SET_NAME, "dp-churn");
	if (fork_worker) {
		long wlife = life_ms();
		pid_t w = fork();
		if (w == 0) {
			prctl(PR_SET_NAME, "dp-churn-w");
			alarm(BACKSTOP_S);
			sleep_ms(wlife);
			_exit(0);
		}
	}
	if (rename) {
		sleep_ms(life / 2);
		prctl(PR_SET_NAME, "dp-churn-r");
		life -= life / 2;
	}
	sleep_ms(life);
	close(fd);
	_exit(0);
}

/* Starts listener number i on port; returns 1 when started, 0 when the port is held, -1 on
 * error. */
static int start_one(unsigned long i, uint16_t port, struct counts *c)
{
	bool udp = i & 1, v6 = (i >> 1) & 1, fork_worker = i % 4 == 3, rename = i % 7 == 5;
	int fd = open_listener(udp, v6, port);
	if (fd == -EADDRINUSE) {
		c->busy++;
		return 0;
	}
	if (fd < 0) {
		c->failed++;
		return -1;
	}
	long life = life_ms();
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(BACKSTOP_S);
		listener_main(fd, fork_worker, rename, life);
	}
	close(fd);
	if (pid < 0) {
		c->failed++;
		return -1;
	}
	c->started++;
	c->udp += udp;
	c->tcp += !udp;
	c->v6 += v6;
	c->workers += fork_worker;
	c->renamed += rename;
	return 1;
}

static void reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* SIGKILL to every child still running (workers orphaned by their parent are ours too). */
static void kill_children(void)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/self/task/%d/children", (int)getpid());
	FILE *f = fopen(path, "r");
	int pid;
	while (f && fscanf(f, "%d", &pid) == 1)
		kill(pid, SIGKILL);
	if (f)
		fclose(f);
}

/* Waits for every descendant to exit; after 2 s kills what is left. Returns how many were
 * killed. */
static unsigned long finish(void)
{
	double until = now_s() + (MAX_LIFE_MS * 2) / 1000.0;
	unsigned long killed = 0;
	for (;;) {
		int status;
		pid_t r = waitpid(-1, &status, WNOHANG);
		if (r < 0 && errno == ECHILD)
			return killed;
		if (r > 0) {
			killed += WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
			continue;
		}
		if (now_s() >= until)
			kill_children();
		sleep_ms(10);
	}
}

static long arg_long(const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end || v < lo || v > hi) {
		fprintf(stderr, "dp_churn: '%s' is not a number from %ld to %ld\n", s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long seconds = 30, rate = 50, first = 23000, nports = 1000;
	int opt;
	while ((opt = getopt(argc, argv, "t:r:p:n:")) != -1) {
		switch (opt) {
		case 't':
			seconds = arg_long(optarg, 1, 24 * 3600);
			break;
		case 'r':
			rate = arg_long(optarg, 1, 1000);
			break;
		case 'p':
			first = arg_long(optarg, 1024, 65535);
			break;
		case 'n':
			nports = arg_long(optarg, 1, 65536);
			break;
		default:
			fprintf(stderr,
			        "usage: dp_churn [-t SECONDS] [-r PER_SECOND] [-p FIRST_PORT] "
			        "[-n PORTS]\n");
			return 2;
		}
	}
	if (first + nports - 1 > 65535)
		nports = 65535 - first + 1;
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	rng_state ^= (uint32_t)getpid();

	struct counts c = {0};
	double start = now_s(), end = start + (double)seconds, step = 1.0 / (double)rate;
	unsigned long i = 0, next_port = 0;
	for (double next = start; !stopping && now_s() < end; next += step) {
		double wait = next - now_s();
		if (wait > 0)
			sleep_ms((long)(wait * 1000));
		if (wait < -0.1) { /* fell behind (a busy machine): a steady rate, not a burst */
			c.late += (unsigned long)(-wait / step);
			next = now_s();
		}
		uint16_t port = (uint16_t)(first + (long)(next_port++ % (unsigned long)nports));
		if (start_one(i, port, &c) >= 0)
			i++;
		reap();
	}
	double took = now_s() - start;
	unsigned long killed = finish();
	printf("dp_churn: %.1f s, %lu listeners (%lu tcp, %lu udp, %lu ipv6), %lu with a worker, "
	       "%lu renamed, %lu ports busy, %lu failed, %lu skipped late, %lu killed at the end\n",
	       took, c.started, c.tcp, c.udp, c.v6, c.workers, c.renamed, c.busy, c.failed, c.late,
	       killed);
	return 0;
}
