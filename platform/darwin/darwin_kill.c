/* darwin_kill.c - process handles for a kill that cannot hit a recycled pid. macOS has no pidfd:
 * the start time (PROC_PIDTBSDINFO) is compared with the recorded one when the handle opens and
 * again before every signal, and the exit is awaited with kqueue (EVFILT_PROC, NOTE_EXIT), which
 * follows the process itself, not its pid. */
#include "darwin_extra.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/event.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

struct darwin_proc {
	pid_t pid;
	uint64_t start;
	int kq; /* -1: no kqueue (it refused the process): the wait polls */
	bool exited;
};

/* Whether the process the handle was opened on is gone (or its pid now names another). */
static bool gone(const struct darwin_proc *h)
{
	uint64_t start;
	int rc = darwin_proc_start(h->pid, &start);
	if (rc == 0)
		return start != h->start;
	if (rc == -ESRCH)
		return true;
	return kill(h->pid, 0) < 0 && errno == ESRCH; /* another user's: ask the kernel */
}

int darwin_proc_open(void *impl, const struct proc_ident *who, void **proc)
{
	(void)impl;
	*proc = NULL;
	uint64_t start;
	int rc = darwin_proc_start(who->pid, &start);
	if (rc < 0)
		return rc;
	if (start != who->start_ticks)
		return -ESTALE;
	struct darwin_proc *h = malloc(sizeof *h);
	if (!h)
		return -ENOMEM;
	h->pid = who->pid;
	h->start = start;
	h->exited = false;
	h->kq = kqueue();
	if (h->kq < 0) {
		rc = -errno;
		free(h);
		return rc;
	}
	struct kevent ev;
	EV_SET(&ev, (uintptr_t)who->pid, EVFILT_PROC, EV_ADD | EV_ENABLE, NOTE_EXIT, 0, NULL);
	if (kevent(h->kq, &ev, 1, NULL, 0, NULL) < 0) {
		rc = errno;
		close(h->kq);
		h->kq = -1;
		if (rc == ESRCH) {
			free(h);
			return -ESRCH;
		}
	}
	/* The pid could have been reused between the first check and the registration. */
	if (gone(h)) {
		darwin_proc_close(NULL, h);
		return -ESRCH;
	}
	*proc = h;
	return 0;
}

/* Takes a pending exit event without waiting. */
static void collect_exit(struct darwin_proc *h)
{
	struct kevent ev;
	struct timespec zero = {0, 0};
	if (!h->exited && h->kq >= 0 && kevent(h->kq, NULL, 0, &ev, 1, &zero) > 0 &&
	    ev.filter == EVFILT_PROC && (ev.fflags & NOTE_EXIT))
		h->exited = true;
}

int darwin_proc_signal(void *impl, void *proc, int sig)
{
	(void)impl;
	struct darwin_proc *h = proc;
	collect_exit(h);
	if (h->exited || gone(h))
		return -ESRCH;
	/* Between gone() and kill() the process could exit and its pid be handed out again: a
	 * window of microseconds, and the kernel hands out pids in order, so that would take the
	 * whole pid space to wrap in between. */
	return kill(h->pid, sig) == 0 ? 0 : -errno;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int darwin_proc_wait(void *impl, void *proc, int timeout_ms)
{
	(void)impl;
	struct darwin_proc *h = proc;
	int64_t deadline = now_ms() + timeout_ms;
	for (;;) {
		collect_exit(h);
		if (h->exited)
			return 0;
		int64_t left = deadline - now_ms();
		if (h->kq < 0) {
			if (gone(h))
				return 0;
			if (left <= 0)
				return -ETIMEDOUT;
			usleep((useconds_t)(left < 20 ? left : 20) * 1000);
			continue;
		}
		if (left <= 0)
			return -ETIMEDOUT;
		struct timespec ts = {(time_t)(left / 1000), (long)(left % 1000) * 1000000L};
		struct kevent ev;
		int n = kevent(h->kq, NULL, 0, &ev, 1, &ts);
		if (n > 0 && ev.filter == EVFILT_PROC && (ev.fflags & NOTE_EXIT)) {
			h->exited = true;
			return 0;
		}
		if (n < 0 && errno != EINTR) { /* the kqueue failed: poll from now on */
			close(h->kq);
			h->kq = -1;
		}
	}
}

void darwin_proc_close(void *impl, void *proc)
{
	(void)impl;
	struct darwin_proc *h = proc;
	if (!h)
		return;
	if (h->kq >= 0)
		close(h->kq);
	free(h);
}
