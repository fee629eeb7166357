/* proc_helpers.c - see proc_helpers.h. */
#include "proc_helpers.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

double ph_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ph_sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

bool ph_have_python(void)
{
	return system("python3 -c pass >/dev/null 2>&1") == 0;
}

const char *ph_py_listener(bool ignore_term)
{
	return ignore_term ? "import signal,socket,sys\n"
	                     "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
	                     "s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]) if "
	                     "len(sys.argv)>1 else 0))\n"
	                     "s.listen(8)\n"
	                     "try: print(s.getsockname()[1], flush=True)\n"
	                     "except OSError: pass\n"
	                     "while True: signal.pause()\n"
	                   : "import signal,socket,sys\n"
	                     "s=socket.socket(); s.bind(('127.0.0.1', int(sys.argv[1]) if "
	                     "len(sys.argv)>1 else 0))\n"
	                     "s.listen(8)\n"
	                     "try: print(s.getsockname()[1], flush=True)\n"
	                     "except OSError: pass\n"
	                     "while True: signal.pause()\n";
}

/* ---- processes in groups of their own ---- */

enum { PH_MAX_GROUPS = 64 };

/* Every group ph_spawn() started that ph_stop() has not ended: its process and its guard. */
static struct {
	pid_t pid, guard;
} groups[PH_MAX_GROUPS];

static void track(pid_t pid, pid_t guard)
{
	for (int i = 0; i < PH_MAX_GROUPS; i++)
		if (groups[i].pid == 0) {
			groups[i].pid = pid;
			groups[i].guard = guard;
			return;
		}
}

/* Forgets pid; returns its guard (0: none, or not started by ph_spawn). */
static pid_t untrack(pid_t pid)
{
	for (int i = 0; i < PH_MAX_GROUPS; i++)
		if (groups[i].pid == pid) {
			pid_t guard = groups[i].guard;
			groups[i].pid = groups[i].guard = 0;
			return guard;
		}
	return 0;
}

/* The guard, in the child just forked with every signal blocked (async-signal-safe calls only):
 * it joins the group pgid and waits, holding no file descriptor (no pipe end, no socket of the
 * test), until its parent, the test, has gone; then it kills the whole group, itself included. */
static _Noreturn void guard_main(pid_t parent, pid_t pgid)
{
	if (setpgid(0, pgid) < 0 || getpgrp() != pgid)
		_exit(1); /* never signal a group other than the one it guards */
#if defined(__linux__)
	prctl(PR_SET_PDEATHSIG, SIGHUP); /* wakes it as soon as the test dies */
	prctl(PR_SET_NAME, "dp-guard");
	close_range(0, ~0U, 0);
#else
	for (int fd = 0; fd < 1024; fd++)
		close(fd);
#endif
	sigset_t all;
	sigfillset(&all);
	while (getppid() == parent) {
#if defined(__linux__)
		struct timespec t = {.tv_sec = 1};
		sigtimedwait(&all, NULL, &t); /* a signal (or a second): look again */
#else
		struct timespec t = {.tv_nsec = 50 * 1000 * 1000}; /* no PR_SET_PDEATHSIG: poll */
		nanosleep(&t, NULL);
#endif
	}
	kill(-pgid, SIGKILL);
	_exit(0);
}

static pid_t start_guard(pid_t pgid)
{
	pid_t parent = getpid();
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old); /* the guard starts with every signal blocked */
	pid_t guard = fork();
	if (guard == 0)
		guard_main(parent, pgid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return guard;
}

pid_t ph_spawn(const char *const argv[], int *out)
{
	int fds[2] = {-1, -1};
	if (out) {
		if (pipe(fds) < 0)
			return -1;
		fcntl(fds[0], F_SETFD, FD_CLOEXEC);
		fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	}
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		if (out) {
			close(fds[0]);
			close(fds[1]);
		}
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
#if defined(__linux__)
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlive the test */
#endif
		if (getppid() != parent)
			_exit(1);
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
			if (!out)
				dup2(null, STDOUT_FILENO);
		}
		if (out)
			dup2(fds[1], STDOUT_FILENO);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	setpgid(pid, pid); /* here and in the child: the group exists whichever runs first */
	if (out) {
		close(fds[1]);
		*out = fds[0];
	}
	pid_t guard = start_guard(pid);
	track(pid, guard > 0 ? guard : 0);
	return pid;
}

pid_t ph_start(const char *const argv[], uint16_t *port)
{
	int fd;
	pid_t pid = ph_spawn(argv, &fd);
	if (pid < 0)
		return -1;
	char line[32];
	size_t n = 0;
	double end = ph_now() + 5;
	while (n + 1 < sizeof line && ph_now() < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t r = read(fd, line + n, 1);
		if (r <= 0 || line[n] == '\n')
			break;
		n++;
	}
	line[n] = '\0';
	close(fd);
	int v = atoi(line);
	if (v <= 0 || v > 65535) {
		ph_stop(pid);
		return -1;
	}
	*port = (uint16_t)v;
	return pid;
}

static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

void ph_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	pid_t guard = untrack(pid);
	kill(-pid, SIGKILL); /* the group: pid, what it started, its guard */
	kill(pid, SIGKILL);  /* and pid, had it left the group */
	reap(pid);
	if (guard > 0)
		reap(guard);
	ph_group_gone(pid, 5);
}

void ph_stop_all(void)
{
	for (int i = 0; i < PH_MAX_GROUPS; i++)
		if (groups[i].pid > 0)
			ph_stop(groups[i].pid);
}

#if defined(__linux__)
/* Whether a process of the group pgid runs, from /proc/PID/stat of every process (an entry that
 * vanishes while it is read is a process that has gone). */
static bool group_runs(pid_t pgid)
{
	DIR *d = opendir("/proc");
	if (!d)
		return kill(-pgid, 0) == 0;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[512];
		snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "pid (comm) state ppid pgrp ...": comm may hold anything, up to the last ')' */
		const char *rp = strrchr(buf, ')');
		char state;
		int ppid, pgrp;
		if (rp && sscanf(rp + 1, " %c %d %d", &state, &ppid, &pgrp) == 3)
			found = pgrp == pgid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return found;
}
#else
static bool group_runs(pid_t pgid)
{
	return kill(-pgid, 0) == 0; /* zombies count here */
}
#endif

bool ph_group_gone(pid_t pgid, double seconds)
{
	double end = ph_now() + seconds;
	while (group_runs(pgid)) {
		if (ph_now() >= end)
			return false;
		ph_sleep_ms(10);
	}
	return true;
}

bool ph_alive(pid_t pid)
{
	int status;
	if (waitpid(pid, &status, WNOHANG) == pid)
		return false; /* our child, and it has exited: reaped now */
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *rp = strrchr(buf, ')');
	return rp && rp[1] == ' ' && rp[2] != 'Z' && rp[2] != 'X';
}

static int bind_port(uint16_t port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	return s;
}

uint16_t ph_free_port(int n)
{
	for (int tries = 0; tries < 200; tries++) {
		int s = bind_port(0);
		struct sockaddr_in a;
		socklen_t len = sizeof a;
		if (s < 0 || getsockname(s, (struct sockaddr *)&a, &len) < 0)
			return 0;
		close(s);
		uint16_t base = ntohs(a.sin_port);
		bool ok = base + n - 1 <= 65535;
		for (int i = 1; i < n && ok; i++) {
			int t = bind_port((uint16_t)(base + i));
			ok = t >= 0;
			if (t >= 0)
				close(t);
		}
		if (ok)
			return base;
	}
	return 0;
}

bool ph_listening(uint16_t port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool ok = s >= 0 && connect(s, (struct sockaddr *)&a, sizeof a) == 0;
	if (s >= 0)
		close(s);
	return ok;
}

bool ph_wait_listening(uint16_t port, double seconds)
{
	double end = ph_now() + seconds;
	while (ph_now() < end) {
		if (ph_listening(port))
			return true;
		ph_sleep_ms(20);
	}
	return false;
}

bool ph_select(struct app *a, uint16_t port, pid_t pid)
{
	for (size_t i = 0; i < a->model.nlines; i++) {
		const struct model_line *ln = &a->model.lines[i];
		if (ln->kind != LINE_ROW)
			continue;
		const struct row *r = &a->model.rows[ln->row];
		if (r->l.port == port && !r->gone_at && (pid <= 0 || listener_held_by(&r->l, pid))) {
			model_select_line(&a->model, i);
			return true;
		}
	}
	return false;
}

bool ph_run(struct app *a, double seconds, bool (*done)(struct app *a))
{
	double end = ph_now() + seconds, next_poll = 0;
	while (ph_now() < end) {
		a->now = ph_now();
		a->wall = time(NULL);
		app_tick(a);
		if (a->poll_now || a->now >= next_poll) {
			a->poll_now = false;
			app_poll(a);
			next_poll = a->now + a->interval;
		}
		if (done(a))
			return true;
		if (!app_wait(a, -1, 20))
			ph_sleep_ms(20);
	}
	return false;
}
