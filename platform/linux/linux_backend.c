/* linux_backend.c - the Linux backend: sockets from netlink sock_diag (or the /proc/net tables
 * when netlink is not available), their holders from the owner cache, process data from libproc2.
 */
#include "linux_extra.h"
#include "owners.h"
#include "platform.h"
#include "procdir.h"
#include "procinfo.h"
#include "procnet.h"
#include "sockdiag.h"
#include "usernames.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct linux_backend {
	int procfd;
	bool bindv6only;
	struct sockdiag *diag; /* NULL: reading /proc/net */
	struct usernames *names;
	struct owners *owners;
	struct procinfo *procinfo;
	struct listener_set raw; /* sockets of this poll, before owners */
	uint64_t *inodes;
	size_t ninodes, capinodes;
	pid_t *pids;
	size_t npids, cappids;
	char error[256];
};

static const char *linux_name(void *impl)
{
	const struct linux_backend *b = impl;
	return b->diag ? "linux netlink" : "linux /proc";
}

static const char *linux_error(void *impl)
{
	const struct linux_backend *b = impl;
	return b->error;
}

static void linux_close(void *impl)
{
	struct linux_backend *b = impl;
	if (!b)
		return;
	sockdiag_close(&b->diag);
	procinfo_free(&b->procinfo);
	owners_free(&b->owners);
	usernames_free(&b->names);
	listener_set_free(&b->raw);
	free(b->inodes);
	free(b->pids);
	if (b->procfd >= 0)
		close(b->procfd);
	free(b);
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

/* The sockets of this poll into b->raw, from netlink; from /proc/net once netlink has failed. */
static int read_sockets(struct linux_backend *b)
{
	listener_set_clear(&b->raw);
	if (b->diag) {
		int rc = sockdiag_collect(b->diag, &b->raw);
		if (rc == 0)
			return 0;
		if (rc == -ENOMEM)
			return rc;
		snprintf(b->error, sizeof b->error,
		         "netlink sock_diag failed (%s); reading /proc/net", strerror(-rc));
		sockdiag_close(&b->diag);
		listener_set_clear(&b->raw);
	}
	return procnet_collect(b->procfd, b->bindv6only, &b->raw);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Every holder's pid, ascending and unique, into b->pids. */
static int holder_pids(struct linux_backend *b)
{
	b->npids = 0;
	for (size_t i = 0; i < b->raw.n; i++) {
		const struct owner_holder *h;
		size_t nh = owners_holders(b->owners, b->raw.v[i].inode, &h);
		if (!grow((void **)&b->pids, &b->cappids, b->npids + nh, sizeof *b->pids))
			return -ENOMEM;
		for (size_t j = 0; j < nh; j++)
			b->pids[b->npids++] = h[j].pid;
	}
	if (b->npids > 1)
		qsort(b->pids, b->npids, sizeof *b->pids, cmp_pid);
	size_t n = 0;
	for (size_t i = 0; i < b->npids; i++)
		if (n == 0 || b->pids[i] != b->pids[n - 1])
			b->pids[n++] = b->pids[i];
	b->npids = n;
	return 0;
}

/* One listener per (socket, holding pid); a socket whose holder cannot be read is one hidden row.
 */
static int expand(struct linux_backend *b, struct listener_set *out)
{
	for (size_t i = 0; i < b->raw.n; i++) {
		struct listener *l = &b->raw.v[i];
		const struct owner_holder *h;
		size_t nh = owners_holders(b->owners, l->inode, &h);
		if (nh == 0) {
			l->owner_hidden = true;
			l->proc.uid = l->uid;
			const char *user = usernames_get(b->names, l->uid);
			snprintf(l->proc.user, sizeof l->proc.user, "%s", user);
			if (!listener_set_push(out, l))
				return -ENOMEM;
			continue;
		}
		for (size_t j = 0; j < nh; j++) {
			/* a socket fd may be held twice by one process (dup): one row per pid */
			bool dup = false;
			for (size_t k = 0; k < j && !dup; k++)
				dup = h[k].pid == h[j].pid;
			const struct proc_info *info = procinfo_find(b->procinfo, h[j].pid);
			if (dup || !info)
				continue; /* exited while we read it: skipped */
			l->proc = *info;
			if (!listener_set_push(out, l))
				return -ENOMEM;
		}
	}
	return 0;
}

/* One row per key (proto, family, address, port, pid), as listener.h promises: a process holding
 * several SO_REUSEPORT sockets on one port (an nginx master) is one row, with the lowest inode. */
static void dedupe(struct listener_set *out)
{
	if (out->n < 2)
		return;
	listener_set_sort(out);
	size_t n = 1;
	for (size_t i = 1; i < out->n; i++) {
		struct listener *kept = &out->v[n - 1];
		if (listener_key_cmp(kept, &out->v[i]) != 0)
			out->v[n++] = out->v[i];
		else if (out->v[i].inode < kept->inode)
			*kept = out->v[i];
	}
	out->n = n;
}

static int linux_collect(void *impl, struct listener_set *out)
{
	struct linux_backend *b = impl;
	listener_set_clear(out);
	int rc = read_sockets(b);
	if (rc < 0)
		return rc;

	if (!grow((void **)&b->inodes, &b->capinodes, b->raw.n, sizeof *b->inodes))
		return -ENOMEM;
	for (size_t i = 0; i < b->raw.n; i++)
		b->inodes[i] = b->raw.v[i].inode;
	b->ninodes = b->raw.n;
	if ((rc = owners_update(b->owners, b->inodes, b->ninodes)) < 0)
		return rc;
	if ((rc = holder_pids(b)) < 0)
		return rc;
	if ((rc = procinfo_update(b->procinfo, b->pids, b->npids)) < 0)
		return rc;
	if ((rc = expand(b, out)) < 0)
		return rc;
	dedupe(out);
	return 0;
}

static int linux_process(void *impl, pid_t pid, struct proc_info *out)
{
	struct linux_backend *b = impl;
	return procinfo_read(b->procinfo, pid, out);
}

static const struct platform_ops linux_ops = {
    .name = linux_name,
    .collect = linux_collect,
    .process = linux_process,
    .error = linux_error,
    .close = linux_close,
    .proc_open = linux_proc_open,
    .proc_signal = linux_proc_signal,
    .proc_wait = linux_proc_wait,
    .proc_close = linux_proc_close,
    .connections = linux_connections,
    .service_unit = linux_service_unit,
    .tcp_port_free = linux_tcp_port_free,
    .http_check = linux_http_check,
};

/* Whether netlink answers at all: one small dump (listening IPv4 TCP sockets). */
static int probe_netlink(struct linux_backend *b)
{
	int rc = sockdiag_open(&b->diag);
	if (rc < 0)
		return rc;
	rc = sockdiag_collect(b->diag, &b->raw);
	listener_set_clear(&b->raw);
	if (rc < 0)
		sockdiag_close(&b->diag);
	return rc;
}

int platform_native_open(const struct platform_opts *opts, void **impl,
                         const struct platform_ops **ops)
{
	const char *root = opts && opts->proc_root ? opts->proc_root : "/proc";
	*impl = NULL;
	*ops = NULL;
	struct linux_backend *b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	*impl = b;
	*ops = &linux_ops;

	b->procfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (b->procfd < 0) {
		int rc = -errno;
		snprintf(b->error, sizeof b->error, "%s: %s", root, strerror(-rc));
		return rc;
	}
	b->bindv6only = procnet_bindv6only(b->procfd);
	int rc;
	if ((rc = usernames_new(&b->names)) < 0 || (rc = owners_new(&b->owners, b->procfd)) < 0)
		return rc;
	if ((rc = procinfo_new(&b->procinfo, b->procfd, b->names)) < 0) {
		snprintf(b->error, sizeof b->error, "libproc2: cannot read processes (%s)",
		         strerror(rc == -ENOMEM ? ENOMEM : EINVAL));
		return rc;
	}
	if (!(opts && opts->force_proc_net) && (rc = probe_netlink(b)) < 0) {
		if (rc == -ENOMEM)
			return rc;
		snprintf(b->error, sizeof b->error,
		         "netlink sock_diag not available (%s); reading /proc/net", strerror(-rc));
	}
	return 0;
}
