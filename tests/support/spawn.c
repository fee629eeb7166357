/* spawn.c - listener processes for integration tests (see spawn.h).
 *
 * The listener process is the test binary itself, executed again with SPAWN_ARGV0 as argv[0]: the
 * constructor below recognizes it and runs listener_main() instead of the tests. It talks to the
 * test over two pipes on fds 3 (commands in) and 4 (reports out), one line each:
 *   listener -> test: "ready" (deferred only), "ok PORT WORKER", "w PID", "r", "a ADDR" or "a -",
 *                     "err ERRNO"
 *   test -> listener: "g" (open the sockets), "f" (fork a worker), "r NAME" (rename), "a" (accept
 *                     a waiting connection, if any, and say on which socket)
 * End of file on the command pipe makes it exit.
 *
 * The listener runs in a process group of its own (its pgid is its pid), and so do its workers:
 * spawn_stop() ends the whole group. When the test dies without stopping it (a time-out, a crash),
 * PR_SET_PDEATHSIG ends the listener, and the listener's death its workers.
 */
#include "spawn.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc_helpers.h"

#define SPAWN_ARGV0 "devports-test-listener"
#define SPAWN_FLAG "--devports-spawn"
enum { CMD_FD = 3, REP_FD = 4, SPAWN_ARGC = 13, MAX_SPAWNED = 64 };

static struct spawn running[MAX_SPAWNED];

/* Reads one line, waiting up to timeout_ms for each byte (-1: forever); false on timeout, error
 * or end of file. */
static bool read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
	size_t len = 0;
	while (len + 1 < cap) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, timeout_ms) <= 0)
			return false;
		ssize_t n = read(fd, buf + len, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return true;
}

static bool write_all(int fd, const void *buf, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		off += (size_t)n;
	}
	return true;
}

static bool send_line(int fd, const char *line)
{
	return write_all(fd, line, strlen(line)) && write_all(fd, "\n", 1);
}

/* ---- the listener process (runs from the constructor, never returns) ---- */

static void die_with_parent(pid_t parent)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
}

static pid_t workers[SPAWN_MAX_WORKERS];
static int nworkers;

/* Forks a worker that keeps the socket; returns once it has taken its name. */
static pid_t fork_worker(void)
{
	pid_t me = getpid();
	int ready[2];
	if (nworkers == SPAWN_MAX_WORKERS || pipe(ready) < 0)
		return -1;
	pid_t w = fork();
	if (w == 0) {
		close(CMD_FD);
		close(REP_FD);
		close(ready[0]);
		die_with_parent(me);
		prctl(PR_SET_NAME, "dp-worker");
		write_all(ready[1], "1", 1);
		close(ready[1]);
		for (;;)
			pause();
	}
	close(ready[1]);
	char c;
	if (w > 0) {
		workers[nworkers++] = w;
		while (read(ready[0], &c, 1) < 0 && errno == EINTR)
			;
	}
	close(ready[0]);
	return w;
}

/* The test closed the command pipe: workers go first, so that nobody is left unreaped. */
static void quit(int status)
{
	for (int i = 0; i < nworkers; i++) {
		kill(workers[i], SIGKILL);
		while (waitpid(workers[i], NULL, 0) < 0 && errno == EINTR)
			;
	}
	_exit(status);
}

static int open_socket(bool udp, const char *addr, int port, int v6only, bool reuseport,
                       int *bound)
{
	struct sockaddr_storage ss = {0};
	socklen_t sslen;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		sslen = sizeof *in4;
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		sslen = sizeof *in6;
	} else {
		errno = EINVAL;
		return -1;
	}
	int s = socket(ss.ss_family, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	if (ss.ss_family == AF_INET6 && v6only >= 0 &&
	    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only) < 0)
		return -1;
	int on = 1;
	if (reuseport && setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) < 0)
		return -1;
	if (bind(s, (struct sockaddr *)&ss, sslen) < 0 || (!udp && listen(s, 16) < 0))
		return -1;
	if (getsockname(s, (struct sockaddr *)&ss, &sslen) < 0)
		return -1;
	*bound = ntohs(ss.ss_family == AF_INET ? in4->sin_port : in6->sin6_port);
	return s;
}

/* "a ADDR" when a connection waits on one of socks[0..n) (it is accepted and closed), "a -" when
 * none does. */
static void accept_waiting(const int *socks, int n, char *line, size_t len)
{
	snprintf(line, len, "a -");
	for (int i = 0; i < n; i++) {
		struct pollfd p = {.fd = socks[i], .events = POLLIN};
		if (poll(&p, 1, 0) != 1)
			continue;
		int c = accept(socks[i], NULL, NULL);
		if (c < 0)
			continue;
		close(c);
		struct sockaddr_storage ss;
		socklen_t sslen = sizeof ss;
		char a[INET6_ADDRSTRLEN] = "?";
		if (getsockname(socks[i], (struct sockaddr *)&ss, &sslen) == 0)
			inet_ntop(ss.ss_family,
			          ss.ss_family == AF_INET
			              ? (void *)&((struct sockaddr_in *)&ss)->sin_addr
			              : (void *)&((struct sockaddr_in6 *)&ss)->sin6_addr,
			          a, sizeof a);
		snprintf(line, len, "a %s", a);
		return;
	}
}

/* argv: argv0 flag proto addr port v6only prefork deferred uid parent marker addr2 reuseport */
static void listener_main(char **argv)
{
	bool udp = strcmp(argv[2], "udp") == 0;
	const char *addr = argv[3], *addr2 = argv[11];
	int port = atoi(argv[4]), v6only = atoi(argv[5]);
	bool prefork = atoi(argv[6]) != 0, deferred = atoi(argv[7]) != 0;
	bool reuseport = atoi(argv[12]) != 0;
	uid_t uid = (uid_t)strtoul(argv[8], NULL, 10);
	pid_t parent = (pid_t)atoi(argv[9]);
	char line[128] = "g";
	int socks[2] = {-1, -1}, nsocks = 0;

	die_with_parent(parent);
	prctl(PR_SET_NAME, "dp-listener");
	if (uid != 0) {
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			goto fail;
		die_with_parent(parent); /* a change of credentials clears it */
	}
	if (deferred) {
		send_line(REP_FD, "ready");
		line[0] = '\0';
	}
	do {
		if (strcmp(line, "g") == 0 && nsocks == 0) {
			if ((socks[0] = open_socket(udp, addr, port, v6only, reuseport, &port)) < 0)
				goto fail;
			nsocks = 1;
			if (strcmp(addr2, "-") != 0 &&
			    (socks[nsocks++] = open_socket(udp, addr2, port, v6only, reuseport,
			                                   &port)) < 0)
				goto fail;
			pid_t worker = 0;
			if (prefork && (worker = fork_worker()) < 0)
				goto fail;
			snprintf(line, sizeof line, "ok %d %d", port, (int)worker);
			send_line(REP_FD, line);
		} else if (strcmp(line, "f") == 0) {
			snprintf(line, sizeof line, "w %d", (int)fork_worker());
			send_line(REP_FD, line);
		} else if (strcmp(line, "a") == 0) {
			accept_waiting(socks, udp ? 0 : nsocks, line, sizeof line);
			send_line(REP_FD, line);
		} else if (strncmp(line, "r ", 2) == 0) {
			prctl(PR_SET_NAME, line + 2);
			send_line(REP_FD, "r");
		}
	} while (read_line(CMD_FD, line, sizeof line, -1));
	quit(0);
fail:
	snprintf(line, sizeof line, "err %d", errno);
	send_line(REP_FD, line);
	quit(1);
}

__attribute__((constructor)) static void spawn_hook(int argc, char **argv)
{
	if (argc == SPAWN_ARGC && strcmp(argv[0], SPAWN_ARGV0) == 0 &&
	    strcmp(argv[1], SPAWN_FLAG) == 0)
		listener_main(argv);
}

/* ---- the test side ---- */

/* Copies of every running spawn (the caller's struct may live on a stack frame that an assertion
 * failure has left), for spawn_stop_all(). */
static void track(const struct spawn *s, bool on)
{
	int slot = -1;
	for (int i = 0; i < MAX_SPAWNED && slot < 0; i++)
		if (running[i].pid == s->pid)
			slot = i;
	if (!on) {
		if (slot >= 0)
			running[slot].pid = 0;
		return;
	}
	for (int i = 0; i < MAX_SPAWNED && slot < 0; i++)
		if (running[i].pid == 0)
			slot = i;
	if (slot >= 0)
		running[slot] = *s;
}

/* Reads the "ok PORT WORKER" report (or "err ERRNO"). */
static int read_ok(struct spawn *s)
{
	char line[128];
	int port = 0, worker = 0, err = 0;
	if (!read_line(s->rep_fd, line, sizeof line, 5000))
		return -ETIMEDOUT;
	if (sscanf(line, "ok %d %d", &port, &worker) == 2) {
		s->port = (uint16_t)port;
		if (worker > 0)
			s->workers[s->nworkers++] = worker;
		track(s, true);
		return 0;
	}
	return sscanf(line, "err %d", &err) == 1 ? -err : -EPROTO;
}

/* In the forked child: the pipe ends become fds 3 and 4, every other fd is closed. */
static void setup_child_fds(int cmd, int rep)
{
	int c = fcntl(cmd, F_DUPFD, 100), r = fcntl(rep, F_DUPFD, 100);
	if (c < 0 || r < 0 || dup2(c, CMD_FD) < 0 || dup2(r, REP_FD) < 0)
		_exit(126);
	close_range(REP_FD + 1, ~0u, 0);
}

int spawn_listener(struct spawn *s, const struct spawn_opts *o)
{
	memset(s, 0, sizeof *s);
	s->cmd_fd = s->rep_fd = -1;
	int cmd[2], rep[2];
	if (pipe2(cmd, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		int rc = -errno;
		close(cmd[0]);
		close(cmd[1]);
		return rc;
	}
	char a_port[8], a_v6[4], a_pre[4], a_def[4], a_uid[16], a_parent[16], a_reuse[4];
	snprintf(a_port, sizeof a_port, "%u", o->port);
	snprintf(a_v6, sizeof a_v6, "%d", o->v6only);
	snprintf(a_pre, sizeof a_pre, "%d", o->prefork);
	snprintf(a_def, sizeof a_def, "%d", o->deferred);
	snprintf(a_uid, sizeof a_uid, "%u", o->uid);
	snprintf(a_parent, sizeof a_parent, "%d", (int)getpid());
	snprintf(a_reuse, sizeof a_reuse, "%d", o->reuseport);
	char *argv[] = {SPAWN_ARGV0,
	                SPAWN_FLAG,
	                o->udp ? "udp" : "tcp",
	                (char *)o->addr,
	                a_port,
	                a_v6,
	                a_pre,
	                a_def,
	                a_uid,
	                a_parent,
	                (char *)(o->marker ? o->marker : "none"),
	                (char *)(o->addr2 ? o->addr2 : "-"),
	                a_reuse,
	                NULL};
	_Static_assert(sizeof argv / sizeof argv[0] == SPAWN_ARGC + 1, "argv matches the hook");
	size_t len = 0;
	for (int i = 0; argv[i]; i++)
		len += (size_t)snprintf(s->cmdline + len, sizeof s->cmdline - len, "%s%s",
		                        i ? " " : "", argv[i]);

	pid_t pid = fork();
	if (pid < 0) {
		int rc = -errno;
		close(cmd[0]);
		close(cmd[1]);
		close(rep[0]);
		close(rep[1]);
		return rc;
	}
	if (pid == 0) {
		setpgid(0, 0);
		setup_child_fds(cmd[0], rep[1]);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	setpgid(pid, pid); /* here and in the child: the group exists whichever runs first */
	close(cmd[0]);
	close(rep[1]);
	s->pid = pid;
	s->cmd_fd = cmd[1];
	s->rep_fd = rep[0];
	track(s, true);

	int rc;
	if (o->deferred) {
		char line[32];
		rc = read_line(s->rep_fd, line, sizeof line, 5000) && strcmp(line, "ready") == 0
		         ? 0
		         : -EPROTO;
	} else {
		rc = read_ok(s);
	}
	if (rc < 0)
		spawn_stop(s);
	return rc;
}

int spawn_go(struct spawn *s)
{
	if (!send_line(s->cmd_fd, "g"))
		return -EPIPE;
	return read_ok(s);
}

pid_t spawn_fork_worker(struct spawn *s)
{
	char line[64];
	int pid = 0;
	if (s->nworkers == SPAWN_MAX_WORKERS)
		return -ENOSPC;
	if (!send_line(s->cmd_fd, "f") || !read_line(s->rep_fd, line, sizeof line, 5000) ||
	    sscanf(line, "w %d", &pid) != 1 || pid <= 0)
		return -EPROTO;
	s->workers[s->nworkers++] = pid;
	track(s, true);
	return pid;
}

int spawn_accepted(struct spawn *s, char *addr, size_t len)
{
	char line[128];
	if (!send_line(s->cmd_fd, "a") || !read_line(s->rep_fd, line, sizeof line, 5000) ||
	    strncmp(line, "a ", 2) != 0)
		return -EPROTO;
	snprintf(addr, len, "%s", line + 2);
	return strcmp(line + 2, "-") != 0;
}

int spawn_rename(struct spawn *s, const char *name)
{
	char line[64];
	snprintf(line, sizeof line, "r %s", name);
	if (!send_line(s->cmd_fd, line) || !read_line(s->rep_fd, line, sizeof line, 5000) ||
	    strcmp(line, "r") != 0)
		return -EPROTO;
	return 0;
}

/* Waits up to 5 s for our child to exit, leaving it a zombie: its pid, and so its process group,
 * stay reserved until it is reaped. */
static void wait_exit(pid_t pid)
{
	for (int i = 0; i < 500; i++) {
		siginfo_t info = {0};
		if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 &&
		    errno != EINTR)
			return;
		if (info.si_pid == pid)
			return;
		nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
	}
}

void spawn_stop(struct spawn *s)
{
	track(s, false);
	if (s->cmd_fd >= 0)
		close(s->cmd_fd); /* end of commands: the listener reaps its workers and exits */
	if (s->rep_fd >= 0)
		close(s->rep_fd);
	s->cmd_fd = s->rep_fd = -1;
	if (s->pid > 0) {
		/* Then (or after 5 s) its whole group is killed: what is left of it, or all of it.
		 * The listener is reaped after that, so that the group is not another's by then. */
		wait_exit(s->pid);
		kill(-s->pid, SIGKILL);
		while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
			;
		ph_group_gone(s->pid, 5); /* workers are not our children */
	}
	s->pid = 0;
	s->nworkers = 0;
}

void spawn_stop_all(void)
{
	for (int i = 0; i < MAX_SPAWNED; i++)
		if (running[i].pid > 0) {
			struct spawn copy = running[i];
			spawn_stop(&copy);
		}
}

int spawn_run_as(uint32_t uid, void (*fn)(void *arg, void *out, size_t len), void *arg, void *out,
                 size_t len)
{
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int rc = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return rc;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(2);
		die_with_parent(parent); /* after the change of credentials, which clears it */
		memset(out, 0, len);
		fn(arg, out, len);
		_exit(write_all(pfd[1], out, len) ? 0 : 3);
	}
	close(pfd[1]);
	size_t off = 0;
	while (off < len) {
		ssize_t n = read(pfd[0], (char *)out + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(pfd[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return -EPERM;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && off == len ? 0 : -EIO;
}
