/* linux_backend.c - the Linux backend: sockets from netlink sock_diag (or the /proc/net tables
 * when netlink is not available), their holders from the owner cache, process data from libproc2.
 */
#include "array_grow.h"
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A row to be: its key, the socket it shows (an index into the sockets of this poll) and its
 * owner. The key is copied here so that ordering the rows reads only these small records. */
struct row_src {
	uint8_t proto, family;
	uint16_t port;
	uint8_t addr[16];
	pid_t pid; /* 0: the owner cannot be seen */
	uint32_t sock;
	uint64_t inode;
	const struct procinfo_data *info; /* NULL when pid is 0 */
};

/* The socket's own fields: the bytes of struct listener before proc. */
#define SOCK_PART offsetof(struct listener, proc)

struct linux_backend {
	int procfd;
	bool bindv6only;
	struct sockdiag *diag; /* NULL: reading /proc/net */
	struct usernames *names;
	struct owners *owners;
	struct procinfo *procinfo;
	uint64_t *inodes;
	size_t ninodes, capinodes;
	struct row_src *src; /* the rows of this poll, in key order */
	size_t nsrc, capsrc;
	unsigned char *heads; /* their sockets' fields, SOCK_PART bytes each */
	size_t capheads;
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
	free(b->inodes);
	free(b->src);
	free(b->heads);
	free(b->pids);
	if (b->procfd >= 0)
		close(b->procfd);
	free(b);
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	return array_grow(v, cap, need, size, 64);
}

/* The sockets of this poll into out, from netlink; from /proc/net once netlink has failed. */
static int read_sockets(struct linux_backend *b, struct listener_set *out)
{
	if (b->diag) {
		int rc = sockdiag_collect(b->diag, out);
		if (rc == 0)
			return 0;
		if (rc == -ENOMEM)
			return rc;
		snprintf(b->error, sizeof b->error,
		         "netlink sock_diag failed (%s); reading /proc/net", strerror(-rc));
		sockdiag_close(&b->diag);
		listener_set_clear(out);
	}
	return procnet_collect(b->procfd, b->bindv6only, out);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

/* Every holder's pid of the sockets in s, ascending and unique, into b->pids. */
static int holder_pids(struct linux_backend *b, const struct listener_set *s)
{
	b->npids = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct owner_holder *h;
		size_t nh = owners_holders(b->owners, s->v[i].inode, &h);
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

_Static_assert(offsetof(struct listener, proc) + sizeof(struct proc_info) ==
                   sizeof(struct listener),
               "a row is its socket's fields (the bytes before proc), then proc");

/* Key order (listener_key_cmp: proto, family, address, port, pid); without it, the lowest inode
 * first. */
static int cmp_key(const struct row_src *x, const struct row_src *y)
{
	int c;
	if ((c = (x->proto > y->proto) - (x->proto < y->proto)) ||
	    (c = (x->family > y->family) - (x->family < y->family)) ||
	    (c = memcmp(x->addr, y->addr, sizeof x->addr)) ||
	    (c = (x->port > y->port) - (x->port < y->port)))
		return c;
	return (x->pid > y->pid) - (x->pid < y->pid);
}

static int cmp_src(const void *a, const void *b)
{
	const struct row_src *x = a, *y = b;
	int c = cmp_key(x, y);
	return c ? c : (x->inode > y->inode) - (x->inode < y->inode);
}

/* A row to be for socket i of s, held by pid (0: hidden). */
static struct row_src row_src_of(const struct listener_set *s, size_t i, pid_t pid,
                                 const struct procinfo_data *info)
{
	const struct listener *l = &s->v[i];
	struct row_src r = {.proto = l->proto,
	                    .family = l->family,
	                    .port = l->port,
	                    .pid = pid,
	                    .sock = (uint32_t)i,
	                    .inode = l->inode,
	                    .info = info};
	memcpy(r.addr, l->addr, sizeof r.addr);
	return r;
}

/* Turns the sockets in s into the rows of this poll, in key order: one per (socket, holding pid),
 * one hidden row for a socket whose holder cannot be read or has exited (forget_gone()). One row
 * per key (listener.h): a process holding several SO_REUSEPORT sockets on one port (an nginx
 * master) is one row, with the lowest inode. The rows are ordered on small records first, so that
 * no 2.7 KB listener is moved twice. */
static int expand(struct linux_backend *b, struct listener_set *s)
{
	b->nsrc = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct owner_holder *h;
		size_t nh = owners_holders(b->owners, s->v[i].inode, &h);
		if (!grow((void **)&b->src, &b->capsrc, b->nsrc + (nh ? nh : 1), sizeof *b->src))
			return -ENOMEM;
		if (nh == 0)
			b->src[b->nsrc++] = row_src_of(s, i, 0, NULL);
		for (size_t j = 0; j < nh; j++) {
			const struct procinfo_data *info = procinfo_find(b->procinfo, h[j].pid);
			if (info) /* always: forget_gone() dropped the holders that exited */
				b->src[b->nsrc++] = row_src_of(s, i, h[j].pid, info);
		}
	}
	if (b->nsrc > 1)
		qsort(b->src, b->nsrc, sizeof *b->src, cmp_src);
	size_t n = 0; /* rows kept: the first of each key (a dup'ed fd, a reuseport twin) */
	for (size_t k = 0; k < b->nsrc; k++)
		if (n == 0 || cmp_key(&b->src[n - 1], &b->src[k]) != 0)
			b->src[n++] = b->src[k];
	b->nsrc = n;

	/* the sockets' fields, in row order, before the rows overwrite them */
	if (!grow((void **)&b->heads, &b->capheads, n * SOCK_PART, 1))
		return -ENOMEM;
	for (size_t k = 0; k < n; k++)
		memcpy(b->heads + k * SOCK_PART, &s->v[b->src[k].sock], SOCK_PART);
	if (n > s->cap) {
		struct listener *v = realloc(s->v, n * sizeof *v);
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = n;
	}
	for (size_t k = 0; k < n; k++) {
		struct listener *row = &s->v[k];
		memcpy(row, b->heads + k * SOCK_PART, SOCK_PART);
		if (b->src[k].info) {
			procinfo_copy(b->src[k].info, &row->proc);
			continue;
		}
		row->owner_hidden = true;
		memset(&row->proc, 0, sizeof row->proc);
		row->proc.uid = row->uid;
		snprintf(row->proc.user, sizeof row->proc.user, "%s",
		         usernames_get(b->names, row->uid));
	}
	s->n = n;
	return 0;
}

/* Holders whose process could not be read have exited: the owner cache drops them now. A socket
 * the kernel still lists after its last known holder exited is held by a process not found yet
 * (a pre-fork worker that outlived its parent): it shows hidden until the search finds it, at the
 * next poll for a new process, rather than vanishing until the holder's next verification. */
static void forget_gone(struct linux_backend *b)
{
	for (size_t k = 0; k < b->npids; k++)
		if (!procinfo_find(b->procinfo, b->pids[k]))
			owners_forget_pid(b->owners, b->pids[k]);
}

static int linux_collect(void *impl, struct listener_set *out)
{
	struct linux_backend *b = impl;
	listener_set_clear(out);
	int rc = read_sockets(b, out);
	if (rc < 0)
		return rc;

	if (!grow((void **)&b->inodes, &b->capinodes, out->n, sizeof *b->inodes))
		return -ENOMEM;
	for (size_t i = 0; i < out->n; i++)
		b->inodes[i] = out->v[i].inode;
	b->ninodes = out->n;
	if ((rc = owners_update(b->owners, b->inodes, b->ninodes)) < 0 ||
	    (rc = holder_pids(b, out)) < 0 ||
	    (rc = procinfo_update(b->procinfo, b->pids, b->npids)) < 0) {
		listener_set_clear(out);
		return rc;
	}
	forget_gone(b);
	if ((rc = expand(b, out)) < 0)
		listener_set_clear(out);
	return rc;
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
	struct listener_set probe = {0};
	rc = sockdiag_collect(b->diag, &probe);
	listener_set_free(&probe);
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
