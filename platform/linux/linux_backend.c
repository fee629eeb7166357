/* linux_backend.c - the Linux backend: sockets from netlink sock_diag (or the /proc/net tables
 * when netlink is not available), their holders from the owner cache, process data from libproc2.
 */
#include "ancestors.h"
#include "array_grow.h"
#include "cache_file.h"
#include "cgroup_unit.h"
#include "linux_extra.h"
#include "owners.h"
#include "owners_file.h"
#include "platform.h"
#include "procdir.h"
#include "procinfo.h"
#include "procnet.h"
#include "snapshot.h"
#include "sockdiag.h"
#include "usernames.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct linux_backend {
	int procfd;
	bool bindv6only;
	struct sockdiag *diag; /* NULL: reading /proc/net */
	struct usernames *names;
	struct owners *owners;
	struct procinfo *procinfo;
	struct ancestors *ancestors; /* the holders' parents and theirs */
	uid_t euid;
	uint16_t only_port;        /* platform_opts.only_port */
	double dumps_ms;           /* CPU time of the last poll's socket dumps (for benchmarks) */
	struct listener_set socks; /* the sockets of this poll */
	uint64_t *inodes;
	size_t ninodes, capinodes;
	pid_t *pids; /* every holder of this poll, ascending */
	size_t npids, cappids;
	pid_t *held; /* one socket's holders */
	size_t capheld;
	/* the owner cache's file (owners_file.h), when opts->cache_dir was given */
	char *cache_dir;
	struct owners_file_id cache_id;
	double saved_at;         /* monotonic seconds of the last write; 0: none yet */
	bool save_due;           /* this collect prepares a seed to write */
	bool collected_since;    /* a collect since the last write */
	const char *cache_read;  /* what became of the file at open: "used", or why not */
	const char *cache_write; /* the last write: "written", or why not */
	char error[256];
};

/* The dashboard writes the cache at most this often (and at exit). */
static const double CACHE_SAVE_SECONDS = 5.0;
static const char CACHE_NAME[] = "owners";

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

static void cache_save(struct linux_backend *b);

static void linux_close(void *impl)
{
	struct linux_backend *b = impl;
	if (!b)
		return;
	if (b->collected_since)
		cache_save(b);
	free(b->cache_dir);
	sockdiag_close(&b->diag);
	procinfo_free(&b->procinfo);
	ancestors_free(&b->ancestors);
	owners_free(&b->owners);
	usernames_free(&b->names);
	listener_set_free(&b->socks);
	free(b->inodes);
	free(b->pids);
	free(b->held);
	if (b->procfd >= 0)
		close(b->procfd);
	free(b);
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

/* Every holder's pid of the sockets in s, ascending and unique, into b->pids. */
static int holder_pids(struct linux_backend *b, const struct listener_set *s)
{
	b->npids = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct owner_holder *h;
		size_t nh = owners_holders(b->owners, s->v[i].inode, &h);
		if (!array_grow((void **)&b->pids, &b->cappids, b->npids + nh, sizeof *b->pids, 64))
			return -ENOMEM;
		for (size_t j = 0; j < nh; j++)
			b->pids[b->npids++] = h[j].pid;
	}
	b->npids = procdir_sort_pids(b->pids, b->npids);
	return 0;
}

/* Why nobody is known to hold socket l: not searched to the end yet, or searched everywhere
 * and found in no process this user can read. */
static enum owner_unknown why_unknown(const struct linux_backend *b, const struct listener *l)
{
	if (!owners_missed(b->owners, l->inode))
		return OWNER_NOT_FOUND;
	/* not root: root could read it (another user's process, or one of ours that is not
	 * dumpable); as root nothing more can be done */
	return b->euid != 0 ? OWNER_NOT_READABLE : OWNER_UNREADABLE;
}

static int add_process(struct snapshot *s, const struct procinfo_data *d)
{
	struct proc_info p;
	if (!d)
		return 0;
	procinfo_view(d, &p);
	return snapshot_add_process(s, &p) ? 0 : -ENOMEM;
}

/* Every holder and ancestor read this poll into s once, then every socket with its holders. */
static int fill_snapshot(struct linux_backend *b, struct snapshot *s)
{
	int rc;
	for (size_t k = 0; k < b->npids; k++)
		if ((rc = add_process(s, procinfo_find(b->procinfo, b->pids[k]))) < 0)
			return rc;
	const pid_t *up = NULL;
	size_t nup = b->ancestors ? ancestors_pids(b->ancestors, &up) : 0;
	for (size_t k = 0; k < nup; k++)
		if ((rc = add_process(s, ancestors_find(b->ancestors, up[k]))) < 0)
			return rc;
	for (size_t i = 0; i < b->socks.n; i++) {
		const struct listener *l = &b->socks.v[i];
		const struct owner_holder *h;
		/* every holder left was read this poll: forget_gone() dropped the others */
		size_t n = owners_holders(b->owners, l->inode, &h);
		if (!array_grow((void **)&b->held, &b->capheld, n + 1, sizeof *b->held, 64))
			return -ENOMEM;
		for (size_t j = 0; j < n; j++)
			b->held[j] = h[j].pid;
		rc = snapshot_add_socket(s, l, b->held, n, n ? OWNER_KNOWN : why_unknown(b, l),
		                         usernames_get(b->names, l->uid));
		if (rc < 0)
			return rc;
	}
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

/* owners_export()'s start ticks: the process table's, read this poll; else the owner cache's;
 * else read now (a holder of a socket on a port the snapshot was not about). */
static uint64_t start_ticks_of(void *ctx, pid_t pid)
{
	const struct linux_backend *b = ctx;
	const struct procinfo_data *d = procinfo_find(b->procinfo, pid);
	struct proc_info p;
	struct procdir_stat st;
	if (d) {
		procinfo_view(d, &p);
		return p.id.start_ticks;
	}
	uint64_t known = owners_start_ticks(b->owners, pid);
	if (known)
		return known;
	return procdir_stat(b->procfd, pid, &st) == 0 ? st.start_ticks : 0;
}

/* What the owner cache knows now, into the cache folder. */
static void cache_save(struct linux_backend *b)
{
	struct owners_seed seed;
	void *buf = NULL;
	size_t len = 0;
	int rc = owners_export(b->owners, start_ticks_of, b, &seed);
	if (rc == 0)
		rc = owners_file_encode(&b->cache_id, &seed, &buf, &len);
	owners_seed_clear(&seed);
	const char *why = "written";
	if (rc == 0)
		rc = cache_file_write(b->cache_dir, CACHE_NAME, buf, len, &why);
	else
		why = rc == -EFBIG ? "too many sockets" : "nothing to write";
	free(buf);
	b->cache_write = rc == 0 ? "written" : why;
	b->saved_at = platform_monotonic();
	b->collected_since = false;
}

/* The file an earlier run wrote, as the owner cache's seed: never trusted (owners.h). */
static void cache_load(struct linux_backend *b)
{
	void *buf = NULL;
	size_t len = 0;
	struct owners_seed seed;
	const char *why = "used";
	if (cache_file_read(b->cache_dir, CACHE_NAME, OWNERS_FILE_MAX, &buf, &len, &why) == 0 &&
	    owners_file_decode(buf, len, &b->cache_id, &seed, &why) == 0) {
		owners_set_seed(b->owners, &seed);
		why = NULL; /* the first update says */
	}
	free(buf);
	b->cache_read = why;
}

/* This thread's CPU time, in milliseconds. */
static double cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int linux_collect(void *impl, struct snapshot *snap)
{
	struct linux_backend *b = impl;
	struct listener_set *out = &b->socks;
	listener_set_clear(out);
	/* a file to write after this poll: the owner cache notes the counters before the sockets */
	b->save_due = b->cache_dir && (b->saved_at == 0 ||
	                               platform_monotonic() - b->saved_at >= CACHE_SAVE_SECONDS);
	if (b->save_due)
		owners_want_export(b->owners);
	double t0 = cpu_ms();
	int rc = read_sockets(b, out);
	b->dumps_ms = cpu_ms() - t0;
	if (rc < 0)
		return rc;

	if (!array_grow((void **)&b->inodes, &b->capinodes, out->n, sizeof *b->inodes, 64))
		return -ENOMEM;
	for (size_t i = 0; i < out->n; i++)
		b->inodes[i] = out->v[i].inode;
	b->ninodes = out->n;
	if ((rc = owners_update(b->owners, b->inodes, b->ninodes)) < 0)
		return rc;
	/* the owner cache keeps every socket (its file stays whole); the snapshot only PORT's */
	if (b->only_port) {
		size_t n = 0;
		for (size_t i = 0; i < out->n; i++)
			if (out->v[i].port == b->only_port)
				out->v[n++] = out->v[i];
		out->n = n;
	}
	if ((rc = holder_pids(b, out)) < 0 ||
	    (rc = procinfo_update(b->procinfo, b->pids, b->npids)) < 0)
		return rc;
	forget_gone(b);
	if (b->ancestors &&
	    (rc = ancestors_update(b->ancestors, b->procinfo, b->pids, b->npids)) < 0)
		return rc;
	if (!b->cache_read)
		b->cache_read = owners_seed_result(b->owners);
	b->collected_since = b->cache_dir != NULL;
	if (b->save_due)
		cache_save(b);
	return fill_snapshot(b, snap);
}

static int linux_process(void *impl, pid_t pid, struct arena *strings, struct proc_info *out)
{
	struct linux_backend *b = impl;
	return procinfo_read(b->procinfo, pid, strings, out);
}

/* The systemd unit pid runs in, read under the proc root (cgroup_unit.h). */
static int linux_service_unit(void *impl, pid_t pid, char *unit, size_t len, bool *user)
{
	const struct linux_backend *b = impl;
	return cgroup_unit_read(b->procfd, pid, unit, len, user);
}

static const struct platform_ops linux_ops;

double linux_dumps_ms(struct platform *p)
{
	const struct linux_backend *b = platform_backend(p, &linux_ops);
	return b ? b->dumps_ms : -1;
}

const struct owners_stats *linux_owners_stats(struct platform *p)
{
	const struct linux_backend *b = platform_backend(p, &linux_ops);
	return b ? owners_stats(b->owners) : NULL;
}

const char *linux_cache_result(struct platform *p, bool written)
{
	const struct linux_backend *b = platform_backend(p, &linux_ops);
	return !b ? NULL : written ? b->cache_write : b->cache_read;
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
	b->euid = geteuid();
	b->only_port = opts ? opts->only_port : 0;

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
	if ((rc = procinfo_new(&b->procinfo, b->procfd, b->names, strcmp(root, "/proc") == 0)) <
	    0) {
		snprintf(b->error, sizeof b->error, "libproc2: cannot read processes (%s)",
		         strerror(rc == -ENOMEM ? ENOMEM : EINVAL));
		return rc;
	}
	/* libproc2 reads the live /proc whatever the root: another root's processes have no
	 * ancestors that could be read consistently */
	if (strcmp(root, "/proc") == 0 &&
	    (rc = ancestors_new(&b->ancestors, b->procfd, b->names)) < 0)
		return rc;
	if (opts && opts->cache_dir && owners_file_identity(b->procfd, &b->cache_id) == 0) {
		if (!(b->cache_dir = strdup(opts->cache_dir)))
			return -ENOMEM;
		cache_load(b);
	}
	if (!(opts && opts->force_proc_net) && (rc = probe_netlink(b)) < 0) {
		if (rc == -ENOMEM)
			return rc;
		snprintf(b->error, sizeof b->error,
		         "netlink sock_diag not available (%s); reading /proc/net", strerror(-rc));
	}
	return 0;
}
