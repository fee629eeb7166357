/* darwin_backend.c - the macOS backend: every process (proc_listpids), its file descriptors
 * (PROC_PIDLISTFDS, sized first, then filled), the socket ones among them
 * (PROC_PIDFDSOCKETINFO), and the data of each process that holds a listener. Without root only
 * the user's own processes show their descriptors; the others (EPERM) and the ones that exit
 * during the scan (ESRCH) are skipped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_grow.h"
#include "darwin_convert.h"
#include "darwin_extra.h"
#include "http_check.h"
#include "platform.h"
#include "port_probe.h"

struct darwin_backend {
	pid_t *pids;
	size_t cappids;
	struct proc_fdinfo *fds;
	size_t capfds;
	struct socket_fdinfo *socks; /* the socket fds of one process */
	size_t capsocks;
	struct listener_set found; /* the listening sockets of one process */
	struct darwin_held *held;  /* the listening sockets of every process, with their pid */
	size_t nheld, capheld;
	struct darwin_proc_text text; /* one process's strings, before the snapshot copies them */
	struct darwin_procs *procs;
	char error[256];
};

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	return array_grow(v, cap, need, size, 64);
}

/* Every pid into b->pids; their number into *n. */
static int list_pids(struct darwin_backend *b, size_t *n)
{
	for (int tries = 0; tries < 4; tries++) {
		errno = 0;
		int bytes = proc_listpids(PROC_ALL_PIDS, 0, NULL, 0);
		if (bytes <= 0)
			return errno ? -errno : -EIO;
		/* room for the processes started between the two calls */
		size_t want = (size_t)bytes / sizeof(pid_t) + 64;
		if (!grow((void **)&b->pids, &b->cappids, want, sizeof *b->pids))
			return -ENOMEM;
		int size = (int)(b->cappids * sizeof *b->pids);
		int got = proc_listpids(PROC_ALL_PIDS, 0, b->pids, size);
		if (got <= 0)
			return errno ? -errno : -EIO;
		if (got < size) {
			*n = (size_t)got / sizeof(pid_t);
			return 0;
		}
	}
	*n = b->cappids;
	return 0;
}

/* The socket fds of pid into b->socks, their number into *n. 0, -ENOMEM, or another negative
 * errno when the process cannot be read (another user's: EPERM; gone: ESRCH): skip it. */
static int read_sockets(struct darwin_backend *b, pid_t pid, size_t *n)
{
	*n = 0;
	errno = 0;
	int bytes = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, NULL, 0);
	if (bytes <= 0)
		return errno ? -errno : -ESRCH;
	size_t want = (size_t)bytes / PROC_PIDLISTFD_SIZE;
	if (!grow((void **)&b->fds, &b->capfds, want, sizeof *b->fds))
		return -ENOMEM;
	errno = 0;
	bytes = proc_pidinfo(pid, PROC_PIDLISTFDS, 0, b->fds, (int)(b->capfds * sizeof *b->fds));
	if (bytes <= 0)
		return errno ? -errno : -ESRCH;
	size_t nfds = (size_t)bytes / PROC_PIDLISTFD_SIZE;
	for (size_t i = 0; i < nfds; i++) {
		if (b->fds[i].proc_fdtype != PROX_FDTYPE_SOCKET)
			continue;
		if (!grow((void **)&b->socks, &b->capsocks, *n + 1, sizeof *b->socks))
			return -ENOMEM;
		struct socket_fdinfo *si = &b->socks[*n];
		int got = proc_pidfdinfo(pid, b->fds[i].proc_fd, PROC_PIDFDSOCKETINFO, si,
		                         (int)sizeof *si);
		if (got == (int)sizeof *si)
			(*n)++; /* else closed meanwhile */
	}
	return 0;
}

/* pid's listening sockets into b->held, and pid into out when it has any. */
static int collect_process(struct darwin_backend *b, pid_t pid, struct snapshot *out)
{
	size_t n;
	int rc = read_sockets(b, pid, &n);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0 || n == 0)
		return 0;
	listener_set_clear(&b->found);
	rc = darwin_add_listeners(&b->found, b->socks, n);
	if (rc <= 0)
		return rc; /* -ENOMEM, or no listener */
	struct proc_info owner;
	rc = darwin_procs_read(b->procs, pid, &b->text, &owner);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return 0; /* exited while we read it: skipped */
	if (!snapshot_add_process(out, &owner))
		return -ENOMEM;
	if (!grow((void **)&b->held, &b->capheld, b->nheld + b->found.n, sizeof *b->held))
		return -ENOMEM;
	for (size_t i = 0; i < b->found.n; i++)
		b->held[b->nheld++] = (struct darwin_held){.sock = b->found.v[i], .pid = pid};
	return 0;
}

static bool in_table(const struct snapshot *s, pid_t pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].id.pid == pid)
			return true;
	return false;
}

/* The holders' parents and theirs, up to a child of launchd, into out: what labels read about a
 * process's lineage (src/lineage.h: a reloader above its worker, `npm start` above a server). A
 * parent that cannot be read (another user's) ends its line. */
static int collect_ancestors(struct darwin_backend *b, struct snapshot *out)
{
	size_t first = 0, n = out->nprocs;
	for (int depth = 0; depth < 16 && first < n; depth++) {
		for (size_t i = first; i < n; i++) {
			pid_t up = out->procs[i].ppid;
			struct proc_info parent;
			if (up <= 1 || in_table(out, up))
				continue;
			int rc = darwin_procs_read(b->procs, up, &b->text, &parent);
			if (rc == -ENOMEM)
				return rc;
			if (rc == 0 && !snapshot_add_process(out, &parent))
				return -ENOMEM;
		}
		first = n;
		n = out->nprocs;
	}
	return 0;
}

/* Every process's listening sockets, then each socket once with the pids holding it: a socket
 * workers inherited across fork is one socket held by all of them. */
static int darwin_collect(void *impl, struct snapshot *out)
{
	struct darwin_backend *b = impl;
	b->nheld = 0;
	out->kernel = REACH_MACOS; /* XNU's rules pick the socket a connection reaches */
	size_t npids;
	int rc = list_pids(b, &npids);
	if (rc < 0) {
		snprintf(b->error, sizeof b->error, "proc_listpids: %s", strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < npids; i++) {
		if (b->pids[i] <= 0)
			continue; /* the kernel (0) holds no listener we can read */
		if ((rc = collect_process(b, b->pids[i], out)) < 0)
			return rc;
	}
	if ((rc = collect_ancestors(b, out)) < 0)
		return rc;
	return darwin_add_sockets(out, b->held, b->nheld);
}

static int darwin_process(void *impl, pid_t pid, struct arena *strings, struct proc_info *out)
{
	struct darwin_backend *b = impl;
	int rc = darwin_procs_read(b->procs, pid, &b->text, out);
	if (rc == 0)
		rc = darwin_proc_copy_strings(out, strings);
	if (rc < 0) /* out's strings must not point into b->text, which the next read reuses */
		*out = (struct proc_info){.comm = "",
		                          .user = "",
		                          .cmdline = "",
		                          .cwd = "",
		                          .exe = "",
		                          .project_root = ""};
	return rc;
}

/* Established TCP connections on l's port and address, in every process this user can read. */
static int darwin_connections(void *impl, const struct listener *l, int *count)
{
	struct darwin_backend *b = impl;
	size_t npids;
	int rc = list_pids(b, &npids);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < npids; i++) {
		size_t n;
		rc = b->pids[i] > 0 ? read_sockets(b, b->pids[i], &n) : -ESRCH;
		if (rc == -ENOMEM)
			return rc;
		for (size_t j = 0; rc == 0 && j < n; j++)
			*count += darwin_connection_of(&b->socks[j], l);
	}
	return 0;
}

static int darwin_tcp_port_free(void *impl, uint16_t port)
{
	(void)impl;
	return port_probe_tcp(port);
}

static int darwin_http_check(void *impl, const struct listener *l, int timeout_ms,
                             struct http_check **out)
{
	(void)impl;
	struct listener target;
	int rc = http_check_target(l, &target);
	return rc < 0 ? rc : http_check_start(out, &target, timeout_ms);
}

static const char *darwin_name(void *impl)
{
	(void)impl;
	return "macos libproc";
}

static const char *darwin_error(void *impl)
{
	const struct darwin_backend *b = impl;
	return b->error;
}

static void darwin_close(void *impl)
{
	struct darwin_backend *b = impl;
	if (!b)
		return;
	darwin_procs_free(&b->procs);
	listener_set_free(&b->found);
	free(b->held);
	free(b->pids);
	free(b->fds);
	free(b->socks);
	free(b);
}

/* service_unit stays NULL (-ENOSYS): which launchd job runs a process is not public API. */
static const struct platform_ops darwin_ops = {
    .name = darwin_name,
    .collect = darwin_collect,
    .process = darwin_process,
    .error = darwin_error,
    .close = darwin_close,
    .proc_open = darwin_proc_open,
    .proc_signal = darwin_proc_signal,
    .proc_wait = darwin_proc_wait,
    .proc_close = darwin_proc_close,
    .connections = darwin_connections,
    .tcp_port_free = darwin_tcp_port_free,
    .http_check = darwin_http_check,
};

int platform_native_open(const struct platform_opts *opts, void **impl,
                         const struct platform_ops **ops)
{
	(void)opts; /* proc_root and force_proc_net are Linux's */
	*impl = NULL;
	*ops = NULL;
	struct darwin_backend *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	*impl = b;
	*ops = &darwin_ops;
	return darwin_procs_new(&b->procs);
}
