/* procinfo.c - process data through libproc2, with a per-pid cache for collect (see procinfo.h). */
#include "procinfo.h"
#include "procdir.h"
#include "sanitize.h"

#include <errno.h>
#include <libproc2/pids.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	REFRESH_POLLS = 3,
	SELECT_MAX = 255, /* pids one procps_pids_select() call accepts */
};

/* Results are read by position in this array, never by the library's enum values. */
static enum pids_item items[] = {
    PIDS_ID_PID,  PIDS_ID_PPID,    PIDS_CMD, PIDS_CMDLINE_V,
    PIDS_ID_EUID, PIDS_TICS_BEGAN, PIDS_RSS, PIDS_NLWP,
};
/* Every item comes from /proc/PID/stat, cmdline or the directory's owner: PIDS_RSS (pages, from
 * stat) rather than PIDS_VM_RSS, which would read status too (a third slower). PIDS_CMD is only a
 * fallback (see fill_comm). */
enum { I_PID, I_PPID, I_CMD, I_CMDLINE_V, I_EUID, I_TICS_BEGAN, I_RSS_PAGES, I_NLWP, I_COUNT };
_Static_assert(I_COUNT == sizeof items / sizeof items[0], "one index per item");

struct slot {
	pid_t pid;
	bool valid;
	unsigned long fetched; /* poll of the last read */
	struct proc_info info;
};

struct procinfo {
	struct pids_info *lib;
	int procfd;
	struct usernames *names;
	int64_t btime;
	long hz;
	unsigned long page_kib;
	unsigned long poll;
	unsigned long reads;
	struct slot *v, *tmp; /* sorted by pid */
	size_t n, cap, tmpcap;
	unsigned *want;
	size_t nwant, wantcap;
};

int procinfo_new(struct procinfo **out, int procfd, struct usernames *names)
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
	pi->poll = REFRESH_POLLS; /* so that poll - pid % REFRESH_POLLS is above 0 */
	pi->hz = sysconf(_SC_CLK_TCK);
	if (pi->hz <= 0)
		pi->hz = 100;
	long page = sysconf(_SC_PAGESIZE);
	pi->page_kib = page >= 1024 ? (unsigned long)page / 1024 : 4;
	*out = pi;
	return 0;
}

void procinfo_free(struct procinfo **ppi)
{
	if (!ppi || !*ppi)
		return;
	struct procinfo *pi = *ppi;
	procps_pids_unref(&pi->lib);
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

/* Arguments joined by single spaces (empty trailing ones dropped: a rewritten process title is
 * often padded with NULs), as raw bytes, then sanitized once. */
static void fill_cmdline(char *dst, size_t cap, char **argv)
{
	char raw[2 * PROC_CMDLINE_MAX]; /* more than fits once sanitized: the cut still shows "…" */
	size_t len = 0, keep = 0;
	for (size_t i = 0; argv && argv[i] && len < sizeof raw; i++) {
		if (i > 0)
			raw[len++] = ' ';
		size_t alen = strlen(argv[i]);
		if (alen > sizeof raw - len)
			alen = sizeof raw - len;
		memcpy(raw + len, argv[i], alen);
		len += alen;
		if (alen)
			keep = len;
	}
	sanitize_text(dst, cap, raw, keep);
}

/* The command name as raw bytes. libproc2 hands PIDS_CMD over already mangled (control and
 * non-ASCII bytes become '?': "café" arrives as "caf??"), so it is read from /proc/PID/comm and
 * sanitized here; PIDS_CMD is the fallback when that read fails. */
static void fill_comm(struct procinfo *pi, pid_t pid, const char *lib_cmd, char *dst, size_t cap)
{
	char raw[64]; /* the kernel keeps 16 bytes */
	ssize_t n = procdir_read_pid_file(pi->procfd, pid, "comm", raw, sizeof raw);
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	if (n > 0)
		sanitize_text(dst, cap, raw, (size_t)n);
	else if (lib_cmd)
		sanitize_text(dst, cap, lib_cmd, strlen(lib_cmd));
}

static void fill(struct procinfo *pi, const struct pids_stack *s, struct proc_info *out)
{
	const struct pids_result *r = s->head;
	memset(out, 0, sizeof *out);
	out->id.pid = r[I_PID].result.s_int;
	out->id.start_ticks = r[I_TICS_BEGAN].result.ull_int;
	out->ppid = r[I_PPID].result.s_int;
	out->uid = r[I_EUID].result.u_int;
	out->start_time =
	    pi->btime ? pi->btime + (int64_t)(out->id.start_ticks / (uint64_t)pi->hz) : 0;
	out->rss_kib = r[I_RSS_PAGES].result.ul_int * pi->page_kib;
	out->threads = r[I_NLWP].result.s_int;
	fill_comm(pi, out->id.pid, r[I_CMD].result.str, out->comm, sizeof out->comm);
	fill_cmdline(out->cmdline, sizeof out->cmdline, r[I_CMDLINE_V].result.strv);
	const char *user = usernames_get(pi->names, out->uid); /* already sanitized */
	size_t ulen = strlen(user);
	if (ulen >= sizeof out->user)
		ulen = sizeof out->user - 1;
	memcpy(out->user, user, ulen);

	char path[PROC_PATH_MAX];
	ssize_t n = procdir_readlink(pi->procfd, out->id.pid, "cwd", path, sizeof path);
	if (n > 0)
		sanitize_text(out->cwd, sizeof out->cwd, path, (size_t)n);
	n = procdir_readlink(pi->procfd, out->id.pid, "exe", path, sizeof path);
	if (n > 0)
		sanitize_text(out->exe, sizeof out->exe, path, (size_t)n);
	pi->reads++;
}

int procinfo_read(struct procinfo *pi, pid_t pid, struct proc_info *out)
{
	unsigned one = (unsigned)pid;
	if (pid <= 0)
		return -ESRCH;
	struct pids_fetch *f = procps_pids_select(pi->lib, &one, 1, PIDS_SELECT_PID);
	if (!f)
		return -errno ? -errno : -ENOMEM;
	for (int i = 0; i < f->counts->total; i++) {
		if (f->stacks[i]->head[I_PID].result.s_int == pid) {
			fill(pi, f->stacks[i], out);
			return 0;
		}
	}
	return -ESRCH;
}

static struct slot *find_slot(const struct procinfo *pi, pid_t pid)
{
	size_t lo = 0, hi = pi->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (pi->v[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pi->n && pi->v[lo].pid == pid ? &pi->v[lo] : NULL;
}

const struct proc_info *procinfo_find(const struct procinfo *pi, pid_t pid)
{
	const struct slot *s = find_slot(pi, pid);
	return s && s->valid ? &s->info : NULL;
}

static bool grow(void **v, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 16;
	while (ncap < need)
		ncap *= 2;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}

/* Reads want[0..nwant) in chunks and stores the results in their slots. */
static int fetch(struct procinfo *pi)
{
	for (size_t off = 0; off < pi->nwant; off += SELECT_MAX) {
		int count = (int)(pi->nwant - off < SELECT_MAX ? pi->nwant - off : SELECT_MAX);
		struct pids_fetch *f =
		    procps_pids_select(pi->lib, pi->want + off, count, PIDS_SELECT_PID);
		if (!f)
			return -ENOMEM;
		for (int i = 0; i < f->counts->total; i++) {
			struct slot *s = find_slot(pi, f->stacks[i]->head[I_PID].result.s_int);
			if (!s)
				continue;
			fill(pi, f->stacks[i], &s->info);
			s->valid = true;
			/* staggered: processes first read together are not all re-read together */
			s->fetched = s->fetched == 0
			                 ? pi->poll - (unsigned long)s->pid % REFRESH_POLLS
			                 : pi->poll;
		}
	}
	return 0;
}

int procinfo_update(struct procinfo *pi, const pid_t *pids, size_t n)
{
	pi->poll++;
	if (!grow((void **)&pi->tmp, &pi->tmpcap, n, sizeof *pi->tmp) ||
	    !grow((void **)&pi->want, &pi->wantcap, n, sizeof *pi->want))
		return -ENOMEM;
	size_t i = 0;
	pi->nwant = 0;
	for (size_t k = 0; k < n; k++) {
		while (i < pi->n && pi->v[i].pid < pids[k])
			i++;
		struct slot *s = &pi->tmp[k];
		if (i < pi->n && pi->v[i].pid == pids[k])
			*s = pi->v[i++];
		else
			*s = (struct slot){.pid = pids[k]};
		if (!s->valid || pi->poll - s->fetched >= REFRESH_POLLS) {
			s->valid = false; /* stays so when the process is gone */
			pi->want[pi->nwant++] = (unsigned)pids[k];
		}
	}
	struct slot *t = pi->v;
	size_t tcap = pi->cap;
	pi->v = pi->tmp;
	pi->cap = pi->tmpcap;
	pi->tmp = t;
	pi->tmpcap = tcap;
	pi->n = n;
	return fetch(pi);
}
