/* procinfo.c - process data through libproc2, with a per-pid cache for collect (see procinfo.h). */
#include "procinfo.h"
#include "array_grow.h"
#include "cgroup_unit.h"
#include "hash.h"
#include "procdir.h"
#include "sanitize.h"

#include <errno.h>
#include <fcntl.h>
#include <libproc2/pids.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum {
	CHECK_POLLS = 3,      /* the command name of each process is compared this often... */
	CHECK_SETTLED = 16,   /* ...or this often for a settled process whose exit is watched */
	LOOK_MIN = 8,         /* fingerprints: this many polls apart after a change... */
	LOOK_MAX = 256,       /* ...doubling up to this many while nothing changes */
	FULL_POLLS = 256,     /* a full read at least this often (RSS, threads, parent) */
	SETTLED_SECONDS = 30, /* a process running longer starts at LOOK_MAX */
	COMM_RAW_MAX = 64,
	COMM_FDS_MAX = 4096,   /* /proc/PID/comm files kept open, at most (and 1/4 of the limit) */
	PIDFDS_MAX = 8192,     /* pidfds watching exits, at most (and 1/2 of the limit) */
	SELECT_MAX = 255,      /* pids one procps_pids_select() call accepts */
	FILE_THREADS = 3,      /* threads reading processes whole besides the caller (one per other
	                          CPU)... */
	FILES_PER_THREAD = 64, /* ...each share of at least this many processes */
};

/* Results are read by position in this array, never by the library's enum values. */
static enum pids_item items[] = {
    PIDS_ID_PID, PIDS_ID_PPID, PIDS_CMD, PIDS_ID_EUID, PIDS_TICS_BEGAN, PIDS_RSS, PIDS_NLWP,
};
/* Items from /proc/PID/stat: PIDS_RSS (pages, from stat) rather than PIDS_VM_RSS. (Selecting by
 * pid, libproc2 4.0 reads /proc/PID/status as well whatever the items: a read costs about 30 us,
 * which is why the cache reads rarely.) PIDS_CMD is only a fallback (see finish_raw); the command
 * line is read apart (see fill_cmdline). */
enum { I_PID, I_PPID, I_CMD, I_EUID, I_TICS_BEGAN, I_RSS_PAGES, I_NLWP, I_COUNT };
_Static_assert(I_COUNT == sizeof items / sizeof items[0], "one index per item");

/* A process as it is read: the numbers of struct proc_info (its string pointers unused), then
 * its strings in room of their own. */
struct proc_raw {
	struct proc_info n;
	uint64_t print; /* fingerprint() of what was read */
	char comm[PROC_COMM_MAX];
	char user[PROC_USER_MAX];
	char cmdline[PROC_CMDLINE_MAX];
	char cwd[PROC_PATH_MAX];
	char exe[PROC_PATH_MAX];
	char project_root[PROC_PATH_MAX];
	char unit[PROC_PATH_MAX];
};

/* A process's data as the cache keeps it: the numbers of struct proc_info as they are, then its
 * strings back to back, each with its NUL (about 300 bytes). */
struct procinfo_data {
	uint64_t base; /* proc_fingerprint_base() of what was packed */
	unsigned char head[offsetof(struct proc_info, comm)];
	char text[]; /* comm, user, cmdline, cwd, exe, project_root, unit */
};
/* The first strings of proc_info_strings(), in its order: what is read, project_root ("" here:
 * the platform layer fills it) and the service unit (the others are worked out by the platform
 * layer and the snapshot, and are "" here). */
enum { NSTRINGS = PROC_READ_STRINGS + 2 };

/* The strings of a proc_raw, in the order of procinfo_data's text. */
static const struct {
	size_t off, cap;
} strings[] = {
    {offsetof(struct proc_raw, comm), PROC_COMM_MAX},
    {offsetof(struct proc_raw, user), PROC_USER_MAX},
    {offsetof(struct proc_raw, cmdline), PROC_CMDLINE_MAX},
    {offsetof(struct proc_raw, cwd), PROC_PATH_MAX},
    {offsetof(struct proc_raw, exe), PROC_PATH_MAX},
    {offsetof(struct proc_raw, project_root), PROC_PATH_MAX},
    {offsetof(struct proc_raw, unit), PROC_PATH_MAX},
};
_Static_assert(sizeof strings / sizeof strings[0] == NSTRINGS, "one entry per string");

/* Packs p into *d (reallocated). Returns false when out of memory (*d unchanged). */
static bool pack(struct procinfo_data **d, const struct proc_raw *p)
{
	size_t len[NSTRINGS], total = 0;
	for (int i = 0; i < NSTRINGS; i++)
		total +=
		    (len[i] = strnlen((const char *)p + strings[i].off, strings[i].cap - 1)) + 1;
	struct procinfo_data *n = realloc(*d, sizeof *n + total);
	if (!n)
		return false;
	memcpy(n->head, p, sizeof n->head);
	char *t = n->text;
	for (int i = 0; i < NSTRINGS; i++) {
		memcpy(t, (const char *)p + strings[i].off, len[i]);
		t[len[i]] = '\0';
		t += len[i] + 1;
	}
	struct proc_info view;
	procinfo_view(n, &view);
	n->base = proc_fingerprint_base(&view);
	*d = n;
	return true;
}

void procinfo_view(const struct procinfo_data *d, struct proc_info *out)
{
	memset(out, 0, sizeof *out);
	memcpy(out, d->head, sizeof d->head);
	const char **f[PROC_STRINGS];
	proc_info_strings(out, f);
	const char *t = d->text;
	for (int i = 0; i < NSTRINGS; i++) {
		*f[i] = t;
		t += strlen(t) + 1;
	}
	for (int i = NSTRINGS; i < PROC_STRINGS; i++)
		*f[i] = "";
	out->fingerprint = d->base;
}

/* Whether what devports shows of a process (RSS and threads aside) differs between two reads. */
static bool shown_differs(const struct procinfo_data *a, const struct procinfo_data *b)
{
	struct proc_info x, y;
	procinfo_view(a, &x);
	procinfo_view(b, &y);
	if (x.id.start_ticks != y.id.start_ticks || x.ppid != y.ppid || x.uid != y.uid)
		return true;
	const char **fx[PROC_STRINGS], **fy[PROC_STRINGS];
	proc_info_strings(&x, fx);
	proc_info_strings(&y, fy);
	for (int i = 0; i < NSTRINGS; i++)
		if (strcmp(*fx[i], *fy[i]) != 0)
			return true;
	return false;
}

struct slot {
	pid_t pid;
	int comm_fd;                 /* /proc/PID/comm kept open for the checks, or -1 */
	int pidfd;                   /* a pidfd in the exit watch (epfd), or -1 */
	uint64_t dead_ticks;         /* the start ticks of the process the watch saw exit: until
	                                its parent reaps it, the pid still reads (a zombie) */
	bool valid;                  /* data holds the process's data */
	bool want;                   /* to be read in full at this update */
	bool gone;                   /* the process was not there at the last read or check */
	uint8_t comm_len;            /* comm_raw's length; 0 when unknown */
	uint32_t interval;           /* polls between fingerprints, LOOK_MIN to LOOK_MAX */
	unsigned long look_due;      /* the poll of the next fingerprint */
	unsigned long full_due;      /* the poll of the next full read */
	uint64_t print;              /* fingerprint() at the last full read */
	int64_t start_time;          /* the process's, for schedule() */
	char comm_raw[COMM_RAW_MAX]; /* /proc/PID/comm as last read, without the newline */
	struct procinfo_data *data;  /* NULL until the first full read */
};

struct procinfo {
	struct pids_info *lib;
	int procfd;
	struct usernames *names;
	int64_t btime;
	long hz;
	unsigned long page_kib;
	unsigned long poll;
	int64_t now; /* wall clock seconds, at this update */
	unsigned long reads, checks, looks;
	int comm_fds, comm_fds_max;
	int epfd; /* the exit watch: an epoll set of the slots' pidfds; -1 when not watching */
	int pidfds, pidfds_max;
	struct slot *v, *tmp; /* sorted by pid */
	size_t n, cap, tmpcap;
	unsigned *want;
	size_t nwant, wantcap;
};

int procinfo_new(struct procinfo **out, int procfd, struct usernames *names, bool watch_exits)
{
	*out = NULL;
	struct procinfo *pi = calloc(1, sizeof *pi);
	if (!pi)
		return -ENOMEM;
	int rc = procps_pids_new(&pi->lib, items, I_COUNT);
	if (rc < 0) {
		free(pi);
		return rc;
	}
	pi->procfd = procfd;
	pi->names = names;
	pi->btime = procdir_boot_time(procfd);
	pi->hz = sysconf(_SC_CLK_TCK);
	if (pi->hz <= 0)
		pi->hz = 100;
	struct rlimit rl;
	pi->comm_fds_max = COMM_FDS_MAX;
	pi->pidfds_max = PIDFDS_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
		if (rl.rlim_cur / 4 < COMM_FDS_MAX)
			pi->comm_fds_max = (int)(rl.rlim_cur / 4);
		if (rl.rlim_cur / 2 < PIDFDS_MAX)
			pi->pidfds_max = (int)(rl.rlim_cur / 2);
	}
	pi->epfd = watch_exits ? epoll_create1(EPOLL_CLOEXEC) : -1;
	long page = sysconf(_SC_PAGESIZE);
	pi->page_kib = page >= 1024 ? (unsigned long)page / 1024 : 4;
	*out = pi;
	return 0;
}

static void close_comm(struct procinfo *pi, struct slot *s)
{
	if (s->comm_fd >= 0) {
		close(s->comm_fd);
		s->comm_fd = -1;
		pi->comm_fds--;
	}
}

/* Stops watching s's exit (closing the pidfd takes it out of the epoll set). */
static void unwatch(struct procinfo *pi, struct slot *s)
{
	if (s->pidfd >= 0) {
		close(s->pidfd);
		s->pidfd = -1;
		pi->pidfds--;
	}
}

/* Watches s's exit with a pidfd in the epoll set, while fewer than pidfds_max are. The pidfd is
 * opened right after a full read: a pid reused in between would watch another process, whose
 * exit would only bring the next full read earlier. Returns false when the process is gone
 * already (it exited since it was read: the caller checks it now, rather than at its turn). */
static bool watch(struct procinfo *pi, struct slot *s)
{
	if (pi->epfd < 0 || s->pidfd >= 0 || pi->pidfds >= pi->pidfds_max)
		return true;
	int fd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (fd < 0) {
		if (errno == ENOSYS || errno == EMFILE || errno == ENFILE)
			pi->pidfds_max = pi->pidfds; /* no more: the checks see exits */
		return errno != ESRCH;
	}
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)(uint32_t)s->pid};
	if (epoll_ctl(pi->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		close(fd);
		return true;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	s->pidfd = fd;
	pi->pidfds++;
	return true;
}

static void forget(struct procinfo *pi, struct slot *s)
{
	unwatch(pi, s);
	close_comm(pi, s);
	free(s->data);
	s->data = NULL;
}

void procinfo_free(struct procinfo **ppi)
{
	if (!ppi || !*ppi)
		return;
	struct procinfo *pi = *ppi;
	procps_pids_unref(&pi->lib);
	for (size_t i = 0; i < pi->n; i++)
		forget(pi, &pi->v[i]);
	if (pi->epfd >= 0)
		close(pi->epfd);
	free(pi->v);
	free(pi->tmp);
	free(pi->want);
	free(pi);
	*ppi = NULL;
}

unsigned long procinfo_reads(const struct procinfo *pi)
{
	return pi->reads;
}

unsigned long procinfo_checks(const struct procinfo *pi)
{
	return pi->checks + pi->looks;
}

enum { CMDLINE_RAW_MAX = 2 * PROC_CMDLINE_MAX + 1 }; /* more than fits once sanitized */

/* What a full read would show that the command name does not tell: the command line and working
 * directory as raw bytes, and the owner of /proc/PID (its effective uid), hashed together. A full
 * read computes it from what it reads (fill); a cheap look reads only these (fingerprint). */
static uint64_t print_cmdline(const char *raw, ssize_t n)
{
	uint64_t h = hash_bytes(HASH_SEED, raw, n > 0 ? (size_t)n : 0);
	return hash_bytes(h, "", 1);
}

/* The owner of /proc/PID: the process's effective uid, always (the kernel makes only the files
 * of a process that is not dumpable root's, never its directory). Returns false when gone. */
static bool proc_owner(const struct procinfo *pi, pid_t pid, uid_t *uid)
{
	char path[32];
	struct stat st;
	snprintf(path, sizeof path, "%d", (int)pid);
	if (fstatat(pi->procfd, path, &st, 0) != 0)
		return false;
	*uid = st.st_uid;
	return true;
}

/* owned: whether proc_owner() found the process; uid, its answer. */
static uint64_t print_rest(uint64_t h, const char *cwd, ssize_t n, bool owned, uid_t uid)
{
	h = hash_bytes(h, cwd, n > 0 ? (size_t)n : 0);
	if (owned)
		h = hash_bytes(h, &uid, sizeof uid);
	return h;
}

static uint64_t fingerprint(const struct procinfo *pi, pid_t pid)
{
	char buf[CMDLINE_RAW_MAX];
	ssize_t n = procdir_read_pid_file(pi->procfd, pid, "cmdline", buf, sizeof buf);
	uint64_t h = print_cmdline(buf, n);
	n = procdir_readlink(pi->procfd, pid, "cwd", buf, PROC_PATH_MAX);
	uid_t uid = 0;
	bool owned = proc_owner(pi, pid, &uid);
	return print_rest(h, buf, n, owned, uid);
}

/* /proc/PID/cmdline: the arguments joined by single spaces (empty trailing ones dropped: a
 * rewritten process title is often padded with NULs), as raw bytes, then sanitized once. Read here
 * and not through libproc2, whose PIDS_CMDLINE_V ends an argument at a newline as well as at its
 * NUL: an argument "a\nb" would show as two ("a b") instead of "a\nb". */
static uint64_t fill_cmdline(const struct procinfo *pi, pid_t pid, char *dst, size_t cap)
{
	char raw[CMDLINE_RAW_MAX]; /* more than fits once sanitized: a cut shows "…" */
	ssize_t n = procdir_read_pid_file(pi->procfd, pid, "cmdline", raw, sizeof raw);
	uint64_t print = print_cmdline(raw, n);
	size_t keep = 0;
	for (ssize_t i = 0; i < n; i++) {
		if (raw[i] == '\0')
			raw[i] = ' ';
		else
			keep = (size_t)i + 1;
	}
	sanitize_text(dst, cap, raw, keep);
	return print;
}

/* /proc/PID/comm without its newline into raw[COMM_RAW_MAX]. Returns the length (0 for a process
 * that named itself "" with prctl) or a negative errno (-ENOENT, -ESRCH: gone). */
static ssize_t read_comm(const struct procinfo *pi, pid_t pid, char *raw)
{
	ssize_t n = procdir_read_pid_file(pi->procfd, pid, "comm", raw, COMM_RAW_MAX);
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	return n;
}

/* The files of /proc/PID that neither libproc2 nor /proc/PID/stat tell, into raw's strings
 * (sanitized) and raw->print: the command line, the working directory, the executable and the
 * service unit (cgroup); and the owner of /proc/PID (proc_owner) into *uid. Reads files only:
 * safe on any thread. Returns whether the owner could be read (false: gone). */
static bool read_other_files(const struct procinfo *pi, pid_t pid, struct proc_raw *raw, uid_t *uid)
{
	uint64_t print = fill_cmdline(pi, pid, raw->cmdline, sizeof raw->cmdline);
	char path[PROC_PATH_MAX];
	ssize_t n = procdir_readlink(pi->procfd, pid, "cwd", path, sizeof path);
	if (n > 0)
		sanitize_text(raw->cwd, sizeof raw->cwd, path, (size_t)n);
	bool owned = proc_owner(pi, pid, uid);
	raw->print = print_rest(print, path, n, owned, *uid);
	n = procdir_readlink(pi->procfd, pid, "exe", path, sizeof path);
	if (n > 0)
		sanitize_text(raw->exe, sizeof raw->exe, path, (size_t)n);
	bool user_unit;
	cgroup_unit_read(pi->procfd, pid, raw->unit, sizeof raw->unit, &user_unit);
	return owned;
}

/* The command name (raw bytes to comm_raw, COMM_RAW_MAX; sanitized to raw->comm) and the files of
 * read_other_files(). Returns the raw command name's length (0 when it could not be read). */
static size_t read_files(const struct procinfo *pi, pid_t pid, struct proc_raw *raw, char *comm_raw)
{
	ssize_t len = read_comm(pi, pid, comm_raw);
	if (len > 0)
		sanitize_text(raw->comm, sizeof raw->comm, comm_raw, (size_t)len);
	uid_t uid = 0;
	read_other_files(pi, pid, raw, &uid);
	return len > 0 ? (size_t)len : 0;
}

/* The numbers of struct proc_info from what libproc2 or /proc/PID/stat and status say. */
static void set_numbers(const struct procinfo *pi, struct proc_info *out, pid_t pid, pid_t ppid,
                        uid_t euid, uint64_t start_ticks, uint64_t rss_pages, int threads)
{
	out->id.pid = pid;
	out->id.start_ticks = start_ticks;
	out->ppid = ppid;
	out->uid = euid;
	out->start_time = pi->btime ? pi->btime + (int64_t)(start_ticks / (uint64_t)pi->hz) : 0;
	out->rss_kib = rss_pages * pi->page_kib;
	out->threads = threads;
}

/* The numbers of one libproc2 result into out. */
static void read_numbers(const struct procinfo *pi, const struct pids_stack *s,
                         struct proc_info *out)
{
	const struct pids_result *r = s->head;
	set_numbers(pi, out, r[I_PID].result.s_int, r[I_PPID].result.s_int, r[I_EUID].result.u_int,
	            r[I_TICS_BEGAN].result.ull_int, r[I_RSS_PAGES].result.ul_int,
	            r[I_NLWP].result.s_int);
}

/* What read_numbers() leaves to do: the user's name, and libproc2's command name when
 * /proc/PID/comm could not be read (comm_len 0). The name is read from comm, not taken from
 * libproc2, which hands PIDS_CMD over already mangled (control and non-ASCII bytes become '?':
 * "café" arrives as "caf??"). */
static void finish_raw(struct procinfo *pi, struct proc_raw *raw, size_t comm_len,
                       const char *lib_cmd)
{
	if (comm_len == 0 && lib_cmd)
		sanitize_text(raw->comm, sizeof raw->comm, lib_cmd, strlen(lib_cmd));
	const char *user = usernames_get(pi->names, raw->n.uid); /* already sanitized */
	size_t ulen = strlen(user);
	if (ulen >= sizeof raw->user)
		ulen = sizeof raw->user - 1;
	memcpy(raw->user, user, ulen);
}

/* Fills raw from one libproc2 result and the files it does not read; returns read_files()'s. */
static size_t fill(struct procinfo *pi, const struct pids_stack *s, struct proc_raw *raw,
                   char *comm_raw)
{
	char buf[COMM_RAW_MAX];
	memset(raw, 0, sizeof *raw);
	read_numbers(pi, s, &raw->n);
	size_t len = read_files(pi, raw->n.id.pid, raw, comm_raw ? comm_raw : buf);
	finish_raw(pi, raw, len, s->head[I_CMD].result.str);
	return len;
}

int procinfo_read(struct procinfo *pi, pid_t pid, struct arena *strings_out, struct proc_info *out)
{
	unsigned one = (unsigned)pid;
	if (pid <= 0)
		return -ESRCH;
	struct pids_fetch *f = procps_pids_select(pi->lib, &one, 1, PIDS_SELECT_PID);
	if (!f)
		return -errno ? -errno : -ENOMEM;
	for (int i = 0; i < f->counts->total; i++) {
		if (f->stacks[i]->head[I_PID].result.s_int != pid)
			continue;
		struct proc_raw *raw = malloc(sizeof *raw);
		if (!raw)
			return -ENOMEM;
		fill(pi, f->stacks[i], raw, NULL);
		pi->reads++;
		struct proc_info view = raw->n;
		const char **f_view[PROC_STRINGS];
		proc_info_strings(&view, f_view);
		for (int k = 0; k < NSTRINGS; k++)
			*f_view[k] = (const char *)raw + strings[k].off;
		int rc = proc_info_copy(out, &view, strings_out);
		free(raw);
		return rc;
	}
	return -ESRCH;
}

static int cmp_slot_pid(const void *key, const void *elem)
{
	pid_t x = *(const pid_t *)key, y = ((const struct slot *)elem)->pid;
	return (x > y) - (x < y);
}

static struct slot *find_slot(const struct procinfo *pi, pid_t pid)
{
	return pi->n ? bsearch(&pid, pi->v, pi->n, sizeof *pi->v, cmp_slot_pid) : NULL;
}

const struct procinfo_data *procinfo_find(const struct procinfo *pi, pid_t pid)
{
	const struct slot *s = find_slot(pi, pid);
	return s && s->valid ? s->data : NULL;
}

/* A due poll `interval` polls ahead, spread by pid over half to one and a half intervals, so
 * that processes read together (the first poll reads them all) do not come due together. */
static unsigned long spread_due(const struct procinfo *pi, pid_t pid, uint32_t interval)
{
	uint32_t spread = ((uint32_t)pid * 2654435761u) % interval; /* 0..interval-1 */
	return pi->poll + interval / 2 + spread;
}

/* The next fingerprint of s, after the last look found its data changed or not: the interval
 * doubles while nothing changes. */
static void schedule(const struct procinfo *pi, struct slot *s, bool changed)
{
	if (s->interval == 0 && s->start_time > 0 && pi->now - s->start_time > SETTLED_SECONDS)
		s->interval = LOOK_MAX; /* first read of a process past its start: it has settled */
	else if (changed || s->interval < LOOK_MIN)
		s->interval = LOOK_MIN;
	else if (s->interval < LOOK_MAX)
		s->interval *= 2;
	s->look_due = spread_due(pi, s->pid, s->interval);
}

/* One process read in full by fetch(), before it goes into its slot. */
struct fetched {
	struct procinfo_data *data; /* NULL: not found (gone), or out of memory (oom) */
	uint64_t print;             /* fingerprint() of what was read */
	int64_t start_time;
	bool oom;
	uint8_t comm_len;
	char comm_raw[COMM_RAW_MAX];
};

/* One process read in full on a thread: what libproc2 gives, from /proc/PID/stat and the owner
 * of /proc/PID (libproc2's buffers are per thread and lost with a thread that exits: 265 KB
 * each), and the files of read_other_files(). */
struct whole_read {
	char *text; /* comm, cmdline, cwd, exe, unit, each with its NUL; NULL: not read (oom) */
	struct proc_info n; /* the numbers; n.id.pid 0: gone */
	uint64_t print;
	uint8_t comm_len;
	bool done;
};

/* A share of the wanted pids that one thread reads whole. */
struct whole_part {
	const struct procinfo *pi;
	const unsigned *pids;
	size_t n;
	struct whole_read *out; /* out[i] for pids[i] */
	struct fetched *got;    /* got[i].comm_raw for pids[i] */
};

static const size_t file_strings[] = {
    offsetof(struct proc_raw, comm), offsetof(struct proc_raw, cmdline),
    offsetof(struct proc_raw, cwd), offsetof(struct proc_raw, exe),
    offsetof(struct proc_raw, unit)};
enum { FILE_STRINGS = sizeof file_strings / sizeof file_strings[0] };

/* Reads pid whole into *w (raw is scratch room): stat (numbers and the command name), the owner
 * of /proc/PID (the effective uid), then the other files. Safe on any thread. */
static void read_whole(const struct procinfo *pi, pid_t pid, struct proc_raw *raw,
                       struct whole_read *w, char *comm_raw)
{
	struct procdir_stat st;
	uid_t euid;
	w->done = true;
	if (procdir_stat(pi->procfd, pid, &st) < 0)
		return; /* gone */
	memset(raw, 0, sizeof *raw);
	size_t len = st.comm_len < COMM_RAW_MAX - 1 ? st.comm_len : COMM_RAW_MAX - 1;
	memcpy(comm_raw, st.comm, len);
	if (len > 0)
		sanitize_text(raw->comm, sizeof raw->comm, comm_raw, len);
	w->comm_len = (uint8_t)len;
	if (!read_other_files(pi, pid, raw, &euid))
		return; /* gone */
	set_numbers(pi, &w->n, pid, st.ppid, euid, st.start_ticks, st.rss_pages, st.threads);
	w->print = raw->print;
	size_t slen[FILE_STRINGS], total = 0;
	for (size_t k = 0; k < FILE_STRINGS; k++)
		total += (slen[k] = strlen((const char *)raw + file_strings[k])) + 1;
	if (!(w->text = malloc(total)))
		return;
	char *t = w->text;
	for (size_t k = 0; k < FILE_STRINGS; k++) {
		memcpy(t, (const char *)raw + file_strings[k], slen[k] + 1);
		t += slen[k] + 1;
	}
}

static void *whole_part_run(void *arg)
{
	struct whole_part *pt = arg;
	struct proc_raw *raw = malloc(sizeof *raw); /* ~9 KB: not on a thread's stack */
	for (size_t i = 0; raw && i < pt->n; i++)
		read_whole(pt->pi, (pid_t)pt->pids[i], raw, &pt->out[i], pt->got[i].comm_raw);
	free(raw);
	return NULL;
}

/* How many threads besides the caller read want[0..nwant) whole: none (libproc2 on the caller)
 * unless there are enough processes and CPUs. */
static size_t whole_threads(const struct procinfo *pi)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = pi->nwant / FILES_PER_THREAD;
	if (cpus < 2 || threads < 2)
		return 0;
	threads--; /* the caller reads a share too */
	if (threads > (size_t)cpus - 1)
		threads = (size_t)cpus - 1;
	return threads < FILE_THREADS ? threads : FILE_THREADS;
}

/* The one process of a full read into got: its numbers and files (raw, scratch) and the user's
 * name; lib_cmd is libproc2's command name (a fallback), or NULL. */
static void keep_read(struct procinfo *pi, struct fetched *r, struct proc_raw *raw, size_t comm_len,
                      const char *lib_cmd)
{
	finish_raw(pi, raw, comm_len, lib_cmd);
	pi->reads++;
	if (!pack(&r->data, raw)) {
		r->oom = true;
		return;
	}
	r->comm_len = (uint8_t)comm_len;
	r->print = raw->print;
	r->start_time = raw->n.start_time;
}

/* Reads want[0..nwant) whole into got over whole_threads() threads and the caller. */
static int fetch_whole(struct procinfo *pi, struct fetched *got, size_t threads)
{
	struct whole_read *w = calloc(pi->nwant, sizeof *w);
	struct proc_raw *raw = malloc(sizeof *raw);
	struct whole_part parts[FILE_THREADS + 1];
	pthread_t tid[FILE_THREADS];
	int rc = w && raw ? 0 : -ENOMEM;
	size_t per = (pi->nwant + threads) / (threads + 1), started = 0;
	for (size_t t = 0; rc == 0 && t <= threads; t++) {
		size_t from = t * per < pi->nwant ? t * per : pi->nwant;
		size_t to = t == threads || from + per > pi->nwant ? pi->nwant : from + per;
		parts[t] =
		    (struct whole_part){pi, pi->want + from, to - from, w + from, got + from};
		if (t > 0) {
			if (pthread_create(&tid[started], NULL, whole_part_run, &parts[t]) != 0)
				break; /* what no thread read, the caller reads below */
			started++;
		}
	}
	if (rc == 0)
		whole_part_run(&parts[0]);
	for (size_t t = 0; t < started; t++)
		pthread_join(tid[t], NULL);

	for (size_t k = 0; rc == 0 && k < pi->nwant; k++) {
		struct fetched *r = &got[k];
		if (!w[k].done || (w[k].n.id.pid && !w[k].text)) {
			free(w[k].text);
			w[k] = (struct whole_read){0};
			read_whole(pi, (pid_t)pi->want[k], raw, &w[k], r->comm_raw);
		}
		if (!w[k].n.id.pid)
			continue; /* gone */
		if (!w[k].text) {
			r->oom = true;
			continue;
		}
		memset(raw, 0, sizeof *raw);
		const char *t = w[k].text;
		for (size_t s = 0; s < FILE_STRINGS; s++) {
			strcpy((char *)raw + file_strings[s], t); /* it came from there */
			t += strlen(t) + 1;
		}
		raw->print = w[k].print;
		raw->n = w[k].n;
		keep_read(pi, r, raw, w[k].comm_len, NULL);
	}
	for (size_t k = 0; w && k < pi->nwant; k++)
		free(w[k].text);
	free(w);
	free(raw);
	return rc;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return (x > y) - (x < y);
}

/* Reads want[0..nwant) in full into got: libproc2's numbers and the other files on the caller,
 * or, for many processes with CPUs to spare, whole over threads (fetch_whole). Returns 0 or
 * -ENOMEM. */
static int fetch_read(struct procinfo *pi, struct fetched *got)
{
	size_t threads = whole_threads(pi);
	if (threads)
		return fetch_whole(pi, got, threads);
	struct proc_raw *raw = malloc(sizeof *raw);
	if (!raw)
		return -ENOMEM;
	int rc = 0;
	for (size_t off = 0; off < pi->nwant; off += SELECT_MAX) {
		int count = (int)(pi->nwant - off < SELECT_MAX ? pi->nwant - off : SELECT_MAX);
		struct pids_fetch *f =
		    procps_pids_select(pi->lib, pi->want + off, count, PIDS_SELECT_PID);
		if (!f) {
			rc = -ENOMEM;
			break;
		}
		for (int i = 0; i < f->counts->total; i++) {
			unsigned pid = (unsigned)f->stacks[i]->head[I_PID].result.s_int;
			const unsigned *at =
			    bsearch(&pid, pi->want + off, (size_t)count, sizeof pid, cmp_unsigned);
			if (!at)
				continue;
			struct fetched *r = &got[at - pi->want];
			memset(raw, 0, sizeof *raw);
			read_numbers(pi, f->stacks[i], &raw->n);
			size_t comm_len = read_files(pi, (pid_t)pid, raw, r->comm_raw);
			keep_read(pi, r, raw, comm_len, f->stacks[i]->head[I_CMD].result.str);
		}
	}
	free(raw);
	return rc;
}

/* Reads the slots marked want (want[0..nwant) are their pids, ascending) in full. */
static int fetch(struct procinfo *pi)
{
	if (pi->nwant == 0)
		return 0;
	struct fetched *got = calloc(pi->nwant, sizeof *got);
	if (!got)
		return -ENOMEM;
	int rc = fetch_read(pi, got);
	for (size_t k = 0; k < pi->nwant; k++) {
		struct fetched *r = &got[k];
		struct slot *s = find_slot(pi, (pid_t)pi->want[k]);
		if (r->oom)
			rc = -ENOMEM; /* stays wanted: marked gone below, read again later */
		if (!s || !s->want || !r->data) {
			free(r->data);
			continue;
		}
		struct proc_info fresh;
		procinfo_view(r->data, &fresh);
		if (s->gone && s->dead_ticks && fresh.id.start_ticks == s->dead_ticks) {
			s->want = false; /* the process that exited, not yet reaped: still gone */
			free(r->data);
			continue;
		}
		bool changed = !s->valid || shown_differs(r->data, s->data);
		if (s->gone || changed)
			close_comm(pi, s); /* maybe another process with this pid: its own file */
		free(s->data);
		s->data = r->data;
		s->start_time = r->start_time;
		s->print = r->print; /* what fingerprint() would say, from this read */
		s->full_due = spread_due(pi, s->pid, FULL_POLLS);
		schedule(pi, s, changed);
		memcpy(s->comm_raw, r->comm_raw, r->comm_len);
		s->comm_len = r->comm_len;
		s->valid = true;
		s->want = false;
		s->gone = false;
	}
	free(got);
	for (size_t i = 0; i < pi->n; i++) /* asked for but not found: gone */
		if (pi->v[i].want) {
			pi->v[i].want = false;
			pi->v[i].valid = false;
			pi->v[i].gone = true;
			close_comm(pi, &pi->v[i]);
		}
	return rc;
}

/* The command name through the slot's open file (opened at its first check while fewer than
 * comm_fds_max are), else by path; like read_comm(). An open file of a process that exited reads
 * -ESRCH, even once its pid is reused. */
static ssize_t check_comm(struct procinfo *pi, struct slot *s, char *raw)
{
	if (s->comm_fd < 0 && pi->comm_fds < pi->comm_fds_max) {
		char path[32];
		snprintf(path, sizeof path, "%d/comm", (int)s->pid);
		s->comm_fd = openat(pi->procfd, path, O_RDONLY | O_CLOEXEC);
		if (s->comm_fd < 0 && (errno == ENOENT || errno == ESRCH))
			return -errno;
		if (s->comm_fd < 0)
			pi->comm_fds_max = pi->comm_fds; /* out of files (EMFILE): keep no more */
		else
			pi->comm_fds++;
	}
	if (s->comm_fd < 0)
		return read_comm(pi, s->pid, raw);
	ssize_t n = pread(s->comm_fd, raw, COMM_RAW_MAX - 1, 0);
	if (n < 0)
		return -errno;
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	return n;
}

/* The cheap check between full reads: whether the command name is still the one read last. A
 * rename (prctl, a thread name) or an exec changes it; a process that exited fails the read, and
 * its row goes (a gone pid is read again only if a check finds a process there again). */
static void check(struct procinfo *pi, struct slot *s)
{
	char raw[COMM_RAW_MAX];
	pi->checks++;
	if (s->gone) {
		s->want = read_comm(pi, s->pid, raw) >= 0;
		return;
	}
	ssize_t n = check_comm(pi, s, raw);
	if (n == -ENOENT || n == -ESRCH) { /* other errors (EMFILE) tell nothing */
		s->valid = false;
		s->gone = true;
		close_comm(pi, s);
		unwatch(pi, s);
	} else if (n >= 0 &&
	           ((size_t)n != s->comm_len || memcmp(raw, s->comm_raw, (size_t)n) != 0)) {
		s->want = true;
	}
}

/* The slots whose process exited since the last update (their pidfd is readable) are gone: at
 * once, however long to their next check. */
static void reap_exits(struct procinfo *pi)
{
	struct epoll_event ev[64];
	int n;
	if (pi->epfd < 0 || pi->pidfds == 0)
		return;
	do {
		n = epoll_wait(pi->epfd, ev, 64, 0);
		for (int i = 0; i < n; i++) {
			struct slot *s = find_slot(pi, (pid_t)(uint32_t)ev[i].data.u64);
			if (!s || s->pidfd < 0)
				continue;
			if (s->data) {
				struct proc_info dead;
				procinfo_view(s->data, &dead);
				s->dead_ticks = dead.id.start_ticks;
			}
			s->valid = false;
			s->gone = true;
			close_comm(pi, s);
			unwatch(pi, s);
		}
	} while (n == 64);
}

/* How many polls apart s's command name is compared: a process that runs for a while and whose
 * exit is watched changes its name rarely; a young one (a server setting its title) or an
 * unwatched one is looked at every CHECK_POLLS. */
static unsigned long check_period(const struct procinfo *pi, const struct slot *s)
{
	bool settled = s->start_time > 0 && pi->now - s->start_time > SETTLED_SECONDS;
	return s->pidfd >= 0 && settled ? CHECK_SETTLED : CHECK_POLLS;
}

int procinfo_update(struct procinfo *pi, const pid_t *pids, size_t n)
{
	pi->poll++;
	if (!array_grow((void **)&pi->tmp, &pi->tmpcap, n, sizeof *pi->tmp, 16) ||
	    !array_grow((void **)&pi->want, &pi->wantcap, n, sizeof *pi->want, 16))
		return -ENOMEM;
	size_t i = 0, m = 0;
	for (size_t k = 0; k < n; k++) {
		while (i < pi->n && pi->v[i].pid < pids[k])
			forget(pi, &pi->v[i++]); /* no longer asked for */
		if (i < pi->n && pi->v[i].pid == pids[k]) {
			pi->tmp[m++] = pi->v[i++];
			continue;
		}
		pi->tmp[m++] = (struct slot){.pid = pids[k], .comm_fd = -1, .pidfd = -1};
	}
	while (i < pi->n)
		forget(pi, &pi->v[i++]);
	struct slot *t = pi->v;
	size_t tcap = pi->cap;
	pi->v = pi->tmp;
	pi->cap = pi->tmpcap;
	pi->tmp = t;
	pi->tmpcap = tcap;
	pi->n = m;

	pi->now = (int64_t)time(NULL);
	reap_exits(pi);
	pi->nwant = 0;
	for (size_t k = 0; k < pi->n; k++) {
		struct slot *s = &pi->v[k];
		s->want = (!s->valid && !s->gone) || (s->valid && pi->poll >= s->full_due);
		if (!s->want && s->valid && pi->poll >= s->look_due) {
			pi->looks++;
			if (fingerprint(pi, s->pid) != s->print)
				s->want = true; /* a new command line, directory or user */
			else
				schedule(pi, s, false);
		}
		/* from the second update on: a one-shot run watches nothing; one that exited
		 * since its first read is checked at once (its exit was watched by nobody) */
		bool alive = !(s->valid && s->pidfd < 0 && pi->poll > 1) || watch(pi, s);
		if (!s->want &&
		    (!alive || ((unsigned long)s->pid + pi->poll) % check_period(pi, s) == 0))
			check(pi, s);
		if (s->want)
			pi->want[pi->nwant++] = (unsigned)s->pid;
	}
	return fetch(pi);
}
