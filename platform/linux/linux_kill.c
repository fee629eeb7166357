/* linux_kill.c - process handles for a kill that cannot hit a recycled pid: pidfd_open() first,
 * then the start ticks of /proc/PID/stat compared with the recorded ones, then signals and the
 * wait for the exit through that pidfd. */
#include "linux_extra.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procdir.h"

struct linux_proc {
	int pidfd;
	pid_t pid;
};

int linux_proc_open(void *impl, const struct proc_ident *who, void **proc)
{
	(void)impl;
	*proc = NULL;
	int fd = (int)syscall(SYS_pidfd_open, who->pid, 0);
	if (fd < 0)
		return errno == EINVAL ? -ESRCH : -errno;
	/* The pidfd now pins whatever process has the pid; the stat read after it tells whether
	 * that is still the recorded one (a reuse in between would show other start ticks). */
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct procdir_stat st;
	int rc = procfd < 0 ? -errno : procdir_stat(procfd, who->pid, &st);
	if (procfd >= 0)
		close(procfd);
	if (rc == 0 && st.start_ticks != who->start_ticks)
		rc = -ESTALE;
	if (rc == -ENOENT)
		rc = -ESRCH;
	struct linux_proc *h = rc == 0 ? malloc(sizeof *h) : NULL;
	if (rc == 0 && !h)
		rc = -ENOMEM;
	if (rc < 0) {
		close(fd);
		return rc;
	}
	h->pidfd = fd;
	h->pid = who->pid;
	*proc = h;
	return 0;
}

int linux_proc_signal(void *impl, void *proc, int sig)
{
	(void)impl;
	struct linux_proc *h = proc;
	if (syscall(SYS_pidfd_send_signal, h->pidfd, sig, NULL, 0) == 0)
		return 0;
	return -errno;
}

int linux_proc_wait(void *impl, void *proc, int timeout_ms)
{
	(void)impl;
	struct linux_proc *h = proc;
	struct pollfd p = {.fd = h->pidfd, .events = POLLIN};
	int n = poll(&p, 1, timeout_ms);
	if (n > 0)
		return 0;  /* readable: the process has exited */
	return -ETIMEDOUT; /* a signal interrupting the wait is no exit either */
}

void linux_proc_close(void *impl, void *proc)
{
	(void)impl;
	struct linux_proc *h = proc;
	if (!h)
		return;
	close(h->pidfd);
	free(h);
}
