/* tmux_query.c - tmux's panes, asked without blocking the dashboard, and switching to one
 * (tmux_query.h). */
#include "tmux_query.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sanitize.h"

extern char **environ;

struct tmux_query {
	int wait_ms;
	char *tmux_env, *tmpdir;
	uid_t uid;
	double next_at; /* when the next query is due */
	/* The query under way: pid 0 when none. */
	pid_t pid;
	int fd; /* its stdout, -1 once at its end */
	double deadline;
	char *buf;
	size_t nbuf, capbuf;
	bool overflow;
	/* display-messages under way: pid 0 for a free slot. */
	pid_t msg_pid[TMUX_MESSAGES_MAX];
	double msg_deadline[TMUX_MESSAGES_MAX];
	/* The last answer. */
	struct pane_list panes;
	int rc;
	char why[TMUX_WHY_MAX];
};

int tmux_socket_path(const char *tmux_env, const char *tmpdir, uid_t uid, char *out, size_t len)
{
	int n;
	if (tmux_env && tmux_env[0])
		n = snprintf(out, len, "%.*s", (int)strcspn(tmux_env, ","), tmux_env);
	else
		n = snprintf(out, len, "%s/tmux-%lu/default", tmpdir && tmpdir[0] ? tmpdir : "/tmp",
		             (unsigned long)uid);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static double monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int tmux_query_new(struct tmux_query **out, int wait_ms, const char *tmux_env, const char *tmpdir,
                   uid_t uid)
{
	struct tmux_query *q = calloc(1, sizeof *q);
	*out = NULL;
	if (!q)
		return -ENOMEM;
	q->tmux_env = dup_or_null(tmux_env);
	q->tmpdir = dup_or_null(tmpdir);
	if ((tmux_env && !q->tmux_env) || (tmpdir && !q->tmpdir)) {
		free(q->tmux_env);
		free(q->tmpdir);
		free(q);
		return -ENOMEM;
	}
	q->wait_ms = wait_ms;
	q->uid = uid;
	q->fd = -1;
	q->rc = -EAGAIN;
	snprintf(q->why, sizeof q->why, "tmux not asked yet");
	*out = q;
	return 0;
}

/* The socket, when a server may be there: 0, or -ENOENT with why said. */
static int server_socket(const struct tmux_query *q, char *path, size_t len, char *why, size_t wlen)
{
	struct stat st;
	if (tmux_socket_path(q->tmux_env, q->tmpdir, q->uid, path, len) < 0) {
		snprintf(why, wlen, "no tmux server: its socket's path is too long");
		return -ENOENT;
	}
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		char shown[TMUX_SOCKET_MAX];
		sanitize_text(shown, sizeof shown, path, strlen(path));
		snprintf(why, wlen, "no tmux server (no socket at %s)", shown);
		return -ENOENT;
	}
	return 0;
}

/* Runs `tmux -S sock ARGS...` with stdin from /dev/null and stdout (stderr too with errors,
 * else /dev/null) on a non-blocking pipe: 0 with *pid and *fd set, or a negative errno. */
static int spawn(const char *sock, const char *const args[], bool errors, pid_t *pid, int *fd)
{
	const char *argv[16] = {"tmux", "-S", sock};
	size_t n = 3;
	for (size_t i = 0; args[i] && n + 1 < sizeof argv / sizeof argv[0]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	int p[2];
	if (pipe(p) < 0)
		return -errno;
	for (int k = 0; k < 2; k++)
		fcntl(p[k], F_SETFD, FD_CLOEXEC);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc == 0 && (rc = posix_spawnattr_init(&at)) != 0)
		posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		close(p[0]);
		close(p[1]);
		return -rc;
	}
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (errors)
		posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	else
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawnp(pid, "tmux", &fa, &at, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return -rc;
	}
	*fd = p[0];
	return 0;
}

/* Reads what the query wrote; true at its end (EOF or an error). Keeps PANES_OUTPUT_MAX bytes. */
static bool drain(struct tmux_query *q)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = read(q->fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		if (n == 0)
			return true;
		size_t room = PANES_OUTPUT_MAX - q->nbuf,
		       take = (size_t)n < room ? (size_t)n : room;
		if (take < (size_t)n)
			q->overflow = true;
		if (q->nbuf + take > q->capbuf) {
			size_t cap = q->capbuf ? q->capbuf * 2 : 8192;
			while (cap < q->nbuf + take)
				cap *= 2;
			char *b = realloc(q->buf, cap);
			if (!b) {
				q->overflow = true;
				return true;
			}
			q->buf = b;
			q->capbuf = cap;
		}
		memcpy(q->buf + q->nbuf, chunk, take);
		q->nbuf += take;
	}
}

/* The last answer becomes rc and why; the panes are parsed only from a good answer. */
static void answer(struct tmux_query *q, int rc, const char *why)
{
	q->rc = rc;
	snprintf(q->why, sizeof q->why, "%s", why);
	if (rc == 0 && panes_parse(&q->panes, q->buf ? q->buf : "", q->nbuf) < 0) {
		q->rc = -ENOMEM;
		snprintf(q->why, sizeof q->why, "out of memory");
	}
	if (q->rc != 0)
		panes_clear(&q->panes);
}

static void end_query(struct tmux_query *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
	q->pid = 0;
	q->nbuf = 0;
	q->overflow = false;
}

/* Kills the query under way and reaps it. */
static void stop_query(struct tmux_query *q)
{
	if (q->pid > 0) {
		kill(q->pid, SIGKILL);
		while (waitpid(q->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	end_query(q);
}

/* The query under way, moved on: read, then reap once it ended, or kill it at its deadline. */
static void collect(struct tmux_query *q, double now)
{
	int status;
	if (q->fd >= 0 && drain(q)) {
		close(q->fd);
		q->fd = -1;
	}
	if (q->fd < 0) {
		pid_t r = waitpid(q->pid, &status, WNOHANG);
		if (r == q->pid) {
			char why[64];
			int rc = 0;
			if (q->overflow) {
				rc = -EMSGSIZE;
				snprintf(why, sizeof why, "tmux's answer is over %d bytes",
				         PANES_OUTPUT_MAX);
			} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				rc = -EIO;
				snprintf(why, sizeof why, "tmux list-panes failed (status %d)",
				         WIFEXITED(status) ? WEXITSTATUS(status)
				                           : 128 + WTERMSIG(status));
			} else {
				snprintf(why, sizeof why, "tmux answered");
			}
			answer(q, rc, why);
			end_query(q);
			return;
		}
		if (r < 0 && errno != EINTR) { /* not ours to reap any more: give up on it */
			answer(q, -EIO, "tmux list-panes: lost its process");
			end_query(q);
			return;
		}
	}
	if (now >= q->deadline) {
		stop_query(q);
		char why[64];
		snprintf(why, sizeof why, "tmux did not answer in %d ms", TMUX_TIMEOUT_MS);
		answer(q, -ETIMEDOUT, why);
	}
}

static void start(struct tmux_query *q, double now)
{
	char sock[TMUX_SOCKET_MAX], why[TMUX_WHY_MAX];
	static const char *const args[] = {"list-panes", "-a", "-F", PANES_FORMAT, NULL};
	q->next_at = now + TMUX_REFRESH_SECONDS;
	int rc = server_socket(q, sock, sizeof sock, why, sizeof why);
	if (rc == 0 && (rc = spawn(sock, args, false, &q->pid, &q->fd)) < 0) {
		snprintf(why, sizeof why, "tmux could not be run: %s", strerror(-rc));
		rc = -ENOEXEC;
	}
	if (rc < 0) {
		answer(q, rc, why);
		return;
	}
	q->deadline = now + TMUX_TIMEOUT_MS / 1000.0;
}

/* Reaps the messages that ended; kills (and reaps) one past its deadline, or every one when
 * all is true. */
static void reap_messages(struct tmux_query *q, double now, bool all)
{
	for (int i = 0; i < TMUX_MESSAGES_MAX; i++) {
		pid_t pid = q->msg_pid[i];
		if (pid <= 0)
			continue;
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == 0 && (all || now >= q->msg_deadline[i])) {
			kill(pid, SIGKILL);
			while ((r = waitpid(pid, NULL, 0)) < 0 && errno == EINTR)
				;
		}
		if (r != 0 && !(r < 0 && errno == EINTR))
			q->msg_pid[i] = 0;
	}
}

void tmux_message_escape(const char *text, char *out, size_t len)
{
	size_t n = 0;
	if (!len)
		return;
	for (const char *s = text; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t need = c == '#' ? 2 : 1;
		/* a UTF-8 character is cut whole: stop at its lead byte when it does not fit */
		size_t whole = need;
		if (c >= 0xc0)
			for (const char *t = s + 1; ((unsigned char)*t & 0xc0) == 0x80; t++)
				whole++;
		if (n + whole >= len)
			break;
		if (c == '#')
			out[n++] = '#';
		out[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	out[n] = '\0';
}

int tmux_query_message(struct tmux_query *q, const char *text, double now)
{
	char sock[TMUX_SOCKET_MAX], why[TMUX_WHY_MAX], msg[512];
	reap_messages(q, now, false);
	if (!q->tmux_env || !q->tmux_env[0])
		return -ENOTTY;
	if (server_socket(q, sock, sizeof sock, why, sizeof why) < 0)
		return -ENOENT;
	int slot = -1;
	for (int i = 0; i < TMUX_MESSAGES_MAX && slot < 0; i++)
		if (q->msg_pid[i] == 0)
			slot = i;
	if (slot < 0)
		return -EBUSY;
	tmux_message_escape(text, msg, sizeof msg);
	const char *const args[] = {"display-message", "-d", "5000", "--", msg, NULL};
	int fd;
	if (spawn(sock, args, false, &q->msg_pid[slot], &fd) < 0) {
		q->msg_pid[slot] = 0;
		return -ENOEXEC;
	}
	close(fd); /* display-message writes nothing */
	q->msg_deadline[slot] = now + TMUX_TIMEOUT_MS / 1000.0;
	return 0;
}

const struct pane_list *tmux_query_step(struct tmux_query *q, double now)
{
	reap_messages(q, now, false);
	if (q->pid == 0 && now >= q->next_at) {
		start(q, now);
		/* A one-shot waits for this first answer, once. */
		for (double end = monotonic() + q->wait_ms / 1000.0; q->wait_ms > 0 && q->pid;) {
			double left = end - monotonic();
			struct pollfd pfd = {.fd = q->fd, .events = POLLIN};
			if (q->fd >= 0 && left > 0)
				poll(&pfd, 1, (int)(left * 1000) + 1);
			else if (left > 0)
				nanosleep(&(struct timespec){0, 2000000},
				          NULL); /* its exit is near */
			collect(q, left > 0 ? now : q->deadline);
		}
		q->wait_ms = 0;
	} else if (q->pid) {
		collect(q, now);
	}
	return &q->panes;
}

int tmux_query_status(const struct tmux_query *q, char *why, size_t len)
{
	snprintf(why, len, "%s", q->why);
	return q->rc;
}

/* Waits for a switch to end (or kills it at its deadline), its output into out. */
static int finish_switch(pid_t pid, int fd, char *out, size_t len)
{
	size_t n = 0;
	double end = monotonic() + TMUX_SWITCH_TIMEOUT_MS / 1000.0;
	bool open = true; /* its output is still being read */
	while (open) {
		double left = end - monotonic();
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		ssize_t r = read(fd, out + n, len - 1 - n);
		if (r > 0)
			n += (size_t)r;
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
			open = false;
		if (n + 1 >= len) /* enough to say why: the rest is not read */
			open = false;
	}
	out[n] = '\0';
	close(fd);
	int status = 0;
	pid_t r;
	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == 0 && monotonic() < end) {
			nanosleep(&(struct timespec){0, 5000000}, NULL);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		break;
	}
	if (r == 0) { /* still running at its deadline */
		kill(pid, SIGKILL);
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		return -ETIMEDOUT;
	}
	return r == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

int tmux_query_switch(struct tmux_query *q, const struct tmux_pane *p, char *why, size_t len)
{
	char sock[TMUX_SOCKET_MAX], id[16], out[512];
	if (!q->tmux_env || !q->tmux_env[0]) {
		snprintf(why, len, "not inside tmux");
		return -ENOTTY;
	}
	int rc = server_socket(q, sock, sizeof sock, why, len);
	if (rc < 0) {
		snprintf(why, len, "no tmux server");
		return rc;
	}
	if (!p) {
		snprintf(why, len, "this row's process is in no tmux pane");
		return -ESRCH;
	}
	tmux_pane_id(p, id, sizeof id);
	const char *const args[] = {"select-window", "-t", id, ";", "select-pane", "-t", id, ";",
	                            "switch-client", "-t", id, NULL};
	pid_t pid;
	int fd;
	if ((rc = spawn(sock, args, true, &pid, &fd)) < 0) {
		snprintf(why, len, "tmux could not be run: %s", strerror(-rc));
		return -ENOEXEC;
	}
	rc = finish_switch(pid, fd, out, sizeof out);
	if (rc == -ETIMEDOUT) {
		snprintf(why, len, "tmux did not answer in %d ms", TMUX_SWITCH_TIMEOUT_MS);
	} else if (rc < 0) {
		char line[256];
		size_t n = strcspn(out, "\n");
		sanitize_text(line, sizeof line, out, n);
		snprintf(why, len, "tmux: %s", line[0] ? line : "switch-client failed");
	} else {
		char target[PANE_TARGET_MAX];
		tmux_pane_target(p, target, sizeof target);
		snprintf(why, len, "switched to tmux pane %s", target);
	}
	return rc;
}

void tmux_query_free(struct tmux_query **q)
{
	if (!q || !*q)
		return;
	stop_query(*q);
	reap_messages(*q, 0, true);
	panes_free(&(*q)->panes);
	free((*q)->buf);
	free((*q)->tmux_env);
	free((*q)->tmpdir);
	free(*q);
	*q = NULL;
}
