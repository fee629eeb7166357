/* hostile_linux.c - hostile-named listener processes (see hostile_linux.h). */
#include "hostile_linux.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define HOSTILE_ENV "DEVPORTS_TEST_HOSTILE_COMM"
enum { READY_FD = 4 }; /* stdin (0) is the lifeline, 3 the listener */

/* ---- the hostile process (runs from the constructor, never returns) ---- */

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

__attribute__((constructor)) static void hostile_hook(void)
{
	const char *hex = getenv(HOSTILE_ENV);
	if (!hex)
		return;
	char comm[16] = {0};
	for (size_t i = 0;
	     i + 1 < sizeof comm && hexval(hex[2 * i]) >= 0 && hexval(hex[2 * i + 1]) >= 0; i++)
		comm[i] = (char)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
	prctl(PR_SET_NAME, comm);
	if (write(READY_FD, "k", 1) != 1)
		_exit(1);
	close(READY_FD);
	char b;
	while (read(0, &b, 1) > 0)
		;
	_exit(0);
}

/* ---- the test side ---- */

static int listen_on(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 8) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* In the child: fds 0 (lifeline), 3 (listener), 4 (ready), nothing else; then the exec. */
static void exec_child(const struct hostile *h, int life, int sock, int ready, const char *env)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (dup2(life, 0) < 0 || dup2(sock, 3) < 0 || dup2(ready, READY_FD) < 0)
		_exit(127);
	int devnull = open("/dev/null", O_WRONLY);
	if (devnull >= 0)
		dup2(devnull, 1), dup2(devnull, 2);
	for (int fd = READY_FD + 1; fd < 1024; fd++)
		close(fd);
	static const char *const none[] = {NULL};
	char *envp[] = {(char *)env, NULL};
	execve("/proc/self/exe", (char *const *)(h->argv ? h->argv : none), envp);
	_exit(127);
}

int hostile_start(struct hostile *h, uint16_t port)
{
	char env[64];
	int n = snprintf(env, sizeof env, "%s=", HOSTILE_ENV);
	for (size_t i = 0; h->comm[i] && i < 15; i++)
		n += snprintf(env + n, sizeof env - (size_t)n, "%02x", (unsigned char)h->comm[i]);
	int sock = listen_on(port);
	if (sock < 0)
		return sock;
	int life[2], ready[2];
	if (pipe2(life, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0) {
		close(sock);
		return -errno;
	}
	pid_t pid = fork();
	if (pid == 0)
		exec_child(h, life[0], sock, ready[1], env);
	int err = pid < 0 ? -errno : 0;
	close(sock);
	close(life[0]);
	close(ready[1]);
	char b;
	if (err == 0 && read(ready[0], &b, 1) != 1)
		err = -ECHILD;
	close(ready[0]);
	h->pid = pid > 0 ? pid : 0;
	h->port = port;
	h->lifeline = life[1];
	if (err < 0)
		hostile_stop(h);
	return err;
}

void hostile_stop(struct hostile *h)
{
	if (h->lifeline > 0)
		close(h->lifeline);
	h->lifeline = -1;
	if (h->pid > 0) {
		kill(h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
	}
	h->pid = 0;
}
