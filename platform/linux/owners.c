/* owners.c - socket inode -> holding processes, cached across polls (the strategy is in owners.h;
 * the search for further holders of a found socket is in owners_complete.c). */
#include "array_grow.h"
#include "owners_file.h"
#include "owners_impl.h"
#include "platform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {
	SHALLOW_PIDS = 64,  /* processes a discovery may read at any poll... */
	SHALLOW_FDS = 1024, /* ...and file descriptors: a few old processes with many fds cost as
	                       much as many new ones */
	LIST_POLLS = 3,     /* whole listings for new processes, with no socket to look for */
	RELIST_POLLS = 64,  /* the whole process list, at least this often */
};
static const double DEEP_INTERVAL = 3.0;     /* seconds between discoveries that go deeper */
static const double DEEP_COST_FACTOR = 30.0; /* ... and at least this times their CPU time */
static const double MISS_FIRST_RETRY = 10.0; /* seconds before a socket nobody shows is retried */
static const double MISS_MAX_RETRY = 300.0;
static const double MISS_COST_FACTOR = 1000.0; /* ... and at least this times a full pass's CPU */

/* This process's CPU time (the search's cost); intervals read platform_monotonic(). */
static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int owners_new(struct owners **out, int procfd)
{
	struct owners *o = calloc(1, sizeof *o);
	if (!o)
		return -ENOMEM;
	o->procfd = procfd;
	o->last_pid = -1;
	*out = o;
	return 0;
}

void owners_free(struct owners **po)
{
	if (!po || !*po)
		return;
	struct owners *o = *po;
	for (size_t i = 0; i < o->ne; i++)
		free(o->e[i].h);
	free(o->e);
	free(o->etmp);
	free(o->p);
	free(o->ptmp);
	free(o->list);
	free(o->wanted);
	owners_seed_clear(o->seed);
	free(o->seed);
	free(o);
	*po = NULL;
}

bool owners_missed(const struct owners *o, uint64_t inode)
{
	const struct owner_entry *e = owners_find(o, inode);
	return e && e->state == ENTRY_MISS;
}

const struct owners_stats *owners_stats(const struct owners *o)
{
	return &o->stats;
}

uint64_t owners_start_ticks(const struct owners *o, pid_t pid)
{
	const struct owner_pid *p = owners_find_pid(o, pid);
	return p && p->ppid_read ? p->start_ticks : 0;
}

/* Whether owners_export() describes e: its holders are known, or no process showed it. */

int owners_export(const struct owners *o, uint64_t (*start_of)(void *ctx, pid_t pid), void *ctx,
                  struct owners_seed *out)
{
	*out = (struct owners_seed){0};
	/* counters older than the holders are fine: processes newer than them are read as new */
	if (o->export_tick == 0)
		return -EAGAIN;
	size_t nh = 0;
	for (size_t i = 0; i < o->ne; i++)
		nh += o->e[i].state == ENTRY_KNOWN ? o->e[i].nh : 0;
	/* every listed socket: one that is not in the file is newer than it (owners_complete) */
	out->s = malloc(o->ne * sizeof *out->s + 1);
	out->h = malloc(nh * sizeof *out->h + 1);
	if (!out->s || !out->h) {
		owners_seed_clear(out);
		return -ENOMEM;
	}
	out->last_pid = o->export_last_pid;
	out->forks = (uint64_t)o->export_forks;
	for (size_t i = 0; i < o->ne; i++) {
		const struct owner_entry *e = &o->e[i];
		struct owners_seed_socket *ss = &out->s[out->ns++];
		*ss = (struct owners_seed_socket){.inode = e->inode, .first = (uint32_t)out->nh};
		if (e->state == ENTRY_MISS && !e->nh) {
			ss->missed = true;
			continue;
		}
		for (uint32_t j = 0; e->state == ENTRY_KNOWN && j < e->nh; j++) {
			uint64_t start = start_of(ctx, e->h[j].pid);
			if (start)
				out->h[out->nh++] =
				    (struct owners_seed_holder){e->h[j].pid, e->h[j].fd, start};
		}
		ss->n = (uint32_t)out->nh - ss->first;
		ss->unknown = ss->n == 0; /* not found yet, or no holder's start known */
	}
	return 0;
}

/* bsearch() comparisons: a key (an inode, a pid) against an entry. */
static int cmp_entry_inode(const void *key, const void *elem)
{
	uint64_t x = *(const uint64_t *)key, y = ((const struct owner_entry *)elem)->inode;
	return (x > y) - (x < y);
}

static int cmp_pid_entry(const void *key, const void *elem)
{
	pid_t x = *(const pid_t *)key, y = ((const struct owner_pid *)elem)->pid;
	return (x > y) - (x < y);
}

struct owner_entry *owners_find(const struct owners *o, uint64_t inode)
{
	return o->ne ? bsearch(&inode, o->e, o->ne, sizeof *o->e, cmp_entry_inode) : NULL;
}

struct owner_pid *owners_find_pid(const struct owners *o, pid_t pid)
{
	return o->np ? bsearch(&pid, o->p, o->np, sizeof *o->p, cmp_pid_entry) : NULL;
}

size_t owners_holders(const struct owners *o, uint64_t inode, const struct owner_holder **out)
{
	const struct owner_entry *e = owners_find(o, inode);
	*out = e ? e->h : NULL;
	return e ? e->nh : 0;
}

pid_t owners_parent_of(struct owners *o, struct owner_pid *p)
{
	if (!p->ppid_read) {
		struct procdir_stat st;
		p->ppid_read = true;
		o->stats.stats_read++;
		bool ok = procdir_stat(o->procfd, p->pid, &st) == 0;
		p->ppid = ok ? st.ppid : 0;
		p->start_ticks = ok ? st.start_ticks : 0;
	}
	return p->ppid;
}

void owners_add_holder(struct owners *o, pid_t pid, int fd, uint64_t inode)
{
	struct owner_entry *e = owners_find(o, inode);
	if (!e)
		return;
	for (uint32_t i = 0; i < e->nh; i++)
		if (e->h[i].pid == pid && e->h[i].fd == fd)
			return;
	size_t cap = e->caph;
	if (!array_grow((void **)&e->h, &cap, (size_t)e->nh + 1, sizeof *e->h, 16)) {
		o->oom = true;
		return;
	}
	e->caph = (uint32_t)cap;
	e->h[e->nh++] = (struct owner_holder){pid, fd};
	struct owner_pid *p = owners_find_pid(o, pid);
	if (p)
		p->holds = true;
	if (e->nh == 1 && e->sought) {
		e->sought = false;
		e->found_now = true;
		o->unfound--;
	}
	if (e->found_now)
		o->hit_found = true;
}

/* Called for every socket fd met while reading a process's fds. */
static void on_socket(void *ctx, pid_t pid, int fd, uint64_t inode)
{
	owners_add_holder(ctx, pid, fd, inode);
}

void owners_scan_pid(struct owners *o, struct owner_pid *p)
{
	unsigned nfds = 0;
	p->scanned = o->tick;
	o->stats.pids_scanned++;
	procdir_scan_sockets(o->procfd, p->pid, on_socket, o, &nfds);
	o->stats.fds_read += nfds;
}

/* Replaces the entries by the sorted, unique inodes in wanted[0..nwanted), keeping what is known.
 */
static int merge_entries(struct owners *o)
{
	if (!array_grow((void **)&o->etmp, &o->capetmp, o->nwanted, sizeof *o->etmp, 16))
		return -ENOMEM;
	size_t i = 0, n = 0;
	for (size_t w = 0; w < o->nwanted; w++) {
		while (i < o->ne && o->e[i].inode < o->wanted[w])
			free(o->e[i++].h);
		if (i < o->ne && o->e[i].inode == o->wanted[w])
			o->etmp[n++] = o->e[i++];
		else
			o->etmp[n++] = (struct owner_entry){
			    .inode = o->wanted[w], .since = o->tick, .state = ENTRY_NEW};
	}
	while (i < o->ne)
		free(o->e[i++].h);
	struct owner_entry *t = o->e;
	size_t tcap = o->cape;
	o->e = o->etmp;
	o->cape = o->capetmp;
	o->etmp = t;
	o->capetmp = tcap;
	o->ne = n;
	return 0;
}

/* e kept `kept` of its `had` holders: one that lost them all was passed on to a process we do not
 * know: search again. */
static void holders_kept(struct owner_entry *e, uint32_t had, uint32_t kept)
{
	e->nh = kept;
	if (had && !kept) {
		e->state = ENTRY_NEW;
		e->tried = false;
	}
}

/* Step 1 of owners.h: this poll's slice of the holders, by pid and fd. */
static void verify(struct owners *o)
{
	for (size_t i = 0; i < o->ne; i++) {
		struct owner_entry *e = &o->e[i];
		uint32_t kept = 0;
		for (uint32_t j = 0; j < e->nh; j++) {
			const struct owner_holder *h = &e->h[j];
			uint32_t slice = (uint32_t)h->pid + (uint32_t)h->fd + o->tick;
			uint32_t every = e->nh > 1 ? OWNERS_VERIFY_POLLS : OWNERS_VERIFY_SOLE_POLLS;
			if (slice % every == 0) {
				o->stats.verified++;
				if (procdir_fd_is(o->procfd, h->pid, h->fd, e->inode) != 1)
					continue;
			}
			e->h[kept++] = *h;
		}
		holders_kept(e, e->nh, kept);
	}
}

void owners_forget_pid(struct owners *o, pid_t pid)
{
	for (size_t i = 0; i < o->ne; i++) {
		struct owner_entry *e = &o->e[i];
		uint32_t kept = 0;
		for (uint32_t j = 0; j < e->nh; j++)
			if (e->h[j].pid != pid)
				e->h[kept++] = e->h[j];
		holders_kept(e, e->nh, kept);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Replaces o->p by the listing in o->list (whole: processes not in it are forgotten) or adds the
 * listing to it (a range), keeping what is known of each process; new ones get first_seen. */
static int merge_listing(struct owners *o, bool whole)
{
	size_t need = whole ? o->nlist : o->np + o->nlist;
	if (!array_grow((void **)&o->ptmp, &o->capptmp, need, sizeof *o->ptmp, 16))
		return -ENOMEM;
	size_t i = 0, n = 0;
	for (size_t k = 0; k < o->nlist; k++) {
		while (i < o->np && o->p[i].pid < o->list[k]) {
			if (!whole)
				o->ptmp[n++] = o->p[i];
			i++;
		}
		if (i < o->np && o->p[i].pid == o->list[k])
			o->ptmp[n++] = o->p[i++];
		else
			o->ptmp[n++] = (struct owner_pid){.pid = o->list[k], .first_seen = o->tick};
	}
	while (!whole && i < o->np)
		o->ptmp[n++] = o->p[i++];
	struct owner_pid *t = o->p;
	size_t tcap = o->capp;
	o->p = o->ptmp;
	o->capp = o->capptmp;
	o->ptmp = t;
	o->capptmp = tcap;
	o->np = n;
	return 0;
}

/* Whether new process p may have inherited a listed socket: its parent holds one (a pre-fork
 * worker), or its parent is not a listed process or init (it exited: what it held may have gone
 * to this child). A process gone already has no parent. */
static bool may_inherit(struct owners *o, struct owner_pid *p)
{
	pid_t ppid = owners_parent_of(o, p);
	if (ppid <= 0)
		return false;
	const struct owner_pid *parent = ppid == 1 ? NULL : owners_find_pid(o, ppid);
	return !parent || parent->holds;
}

/* Reads the fds of the processes that appeared in this update's listing and may hold a known
 * socket (may_inherit), ascending so that a worker's new parent is read before it. Other new
 * processes cost one stat read: a build starting a hundred compilers a second reads no fds. */
static void read_new(struct owners *o)
{
	for (size_t k = 0; k < o->np; k++)
		o->p[k].holds = false;
	for (size_t i = 0; i < o->ne; i++)
		for (uint32_t j = 0; j < o->e[i].nh; j++) {
			struct owner_pid *p = owners_find_pid(o, o->e[i].h[j].pid);
			if (p)
				p->holds = true;
		}
	for (size_t k = 0; k < o->np; k++) {
		struct owner_pid *p = &o->p[k];
		if (p->first_seen == o->tick && may_inherit(o, p))
			owners_scan_pid(o, p);
	}
}

/* Step 2 of owners.h: lists the processes when they may have changed and reads the fds of those
 * not seen before (after the first update, where discovery reads them all). */
static void note_export(struct owners *o, int64_t forks, long last)
{
	if (forks < 0 || last <= 0)
		return;
	o->export_forks = forks;
	o->export_last_pid = last;
	o->export_tick = o->tick;
}

static int refresh_pids(struct owners *o, bool searching)
{
	/* for owners_export(): the counters read before the sockets were (owners_want_export) */
	bool want = o->want_export;
	int64_t forks = o->want_forks;
	long want_last = o->want_last_pid;
	long last = procdir_last_pid(o->procfd);
	bool moved = last < 0 || last != o->last_pid;
	bool whole = o->tick == 1 || o->tick - o->full_listed >= RELIST_POLLS;
	o->want_export = false;
	if (!whole && !moved) {
		if (want) /* no process since the last listing */
			note_export(o, forks, want_last);
		return 0;
	}
	/* threads move the last pid too: with no socket to look for (new processes matter as
	 * pre-fork workers then), not at every poll */
	if (!whole && !searching && !want && o->tick - o->listed < LIST_POLLS)
		return 0;
	int rc = -ENOTSUP;
	if (!whole && o->pid_base > 0 && o->last_pid > 0 && last > o->last_pid)
		rc = procdir_list_pids_range(o->procfd, o->pid_base, (pid_t)(o->last_pid + 1),
		                             (pid_t)last, &o->list, &o->nlist, &o->caplist);
	if (rc == -ENOMEM)
		return rc;
	if (rc == 0) {
		o->stats.ranges++;
	} else {
		whole = true;
		rc = procdir_list_pids(o->procfd, &o->list, &o->nlist, &o->caplist, &o->pid_base);
		if (rc < 0)
			return rc == -ENOMEM ? rc : 0;
		o->stats.listings++;
		o->full_listed = o->tick;
	}
	o->last_pid = last;
	o->prev_listed = o->listed;
	o->listed = o->tick;
	if ((rc = merge_listing(o, whole)) < 0)
		return rc;
	if (want)
		note_export(o, forks, want_last);
	if (o->tick > 1)
		read_new(o);
	return 0;
}

/* How many pids were handed out after pid, as far as the pids tell: pids count up from the last
 * allocated one and wrap at pid_max (32768 on many systems), so those above it are the older. */
static unsigned long pid_age(const struct owners *o, pid_t pid)
{
	long last = o->last_pid > 0 ? o->last_pid : INT32_MAX;
	return pid <= last ? (unsigned long)(last - pid)
	                   : (unsigned long)last + (unsigned long)(INT32_MAX - pid);
}

/* Newest first: by the poll a process was first seen, then by pid_age(). */
static int cmp_newest(const void *a, const void *b, void *ctx)
{
	const struct owner_pid *x = *(const struct owner_pid *const *)a;
	const struct owner_pid *y = *(const struct owner_pid *const *)b;
	if (x->first_seen != y->first_seen)
		return x->first_seen > y->first_seen ? -1 : 1;
	unsigned long ax = pid_age(ctx, x->pid), ay = pid_age(ctx, y->pid);
	return (ax > ay) - (ax < ay);
}

/* pass_cpu: the CPU seconds the full pass that missed it took. */
static void mark_missed(struct owner_entry *e, double now, double pass_cpu)
{
	e->retry_delay =
	    e->state == ENTRY_MISS && e->retry_delay > 0
	        ? (e->retry_delay * 2 < MISS_MAX_RETRY ? e->retry_delay * 2 : MISS_MAX_RETRY)
	        : MISS_FIRST_RETRY;
	double wait = MISS_COST_FACTOR * pass_cpu;
	e->retry_at = now + (wait > e->retry_delay ? wait : e->retry_delay);
	e->state = ENTRY_MISS;
}

static int discover(struct owners *o, double now)
{
	o->unfound = 0;
	bool any_found = false;
	bool deep_ok = now >= o->deep_allowed_at;
	/* Deep only for a socket still listed after a shallow search missed it (or a miss due for
	 * its retry): a socket seen for the first time is most often a new process's, and one whose
	 * holder exited between the dump and the search is gone at the next poll. */
	bool deep_wanted = false;
	for (size_t i = 0; i < o->ne; i++) {
		struct owner_entry *e = &o->e[i];
		/* found in a new process just now: its older relatives may hold it too */
		e->found_now = e->nh > 0 && e->state != ENTRY_KNOWN;
		/* a shallow search once; after that only deep ones, which are rate-limited */
		e->sought =
		    e->nh == 0 && ((e->state == ENTRY_NEW && (!e->tried || deep_ok)) ||
		                   (e->state == ENTRY_MISS && now >= e->retry_at && deep_ok));
		o->unfound += e->sought;
		deep_wanted |= e->sought && (e->tried || e->state == ENTRY_MISS);
		any_found |= e->found_now;
	}
	if (!o->unfound) {
		for (size_t i = 0; i < o->ne; i++)
			if (o->e[i].nh)
				o->e[i].state = ENTRY_KNOWN;
		return any_found ? owners_complete(o) : 0;
	}
	o->stats.discoveries++;

	struct owner_pid **order = malloc(o->np * sizeof *order + 1);
	if (!order)
		return -ENOMEM;
	for (size_t k = 0; k < o->np; k++)
		order[k] = &o->p[k];
	qsort_r(order, o->np, sizeof *order, cmp_newest, o);

	double cpu0 = cpu_seconds();
	size_t read = 0, k = 0;
	unsigned long fds0 = o->stats.fds_read;
	bool deep = false;
	if (o->tick == 1 && !o->seeded) { /* everything, for complete holder lists */
		owners_full_pass(o, order, o->np);
		k = o->np;
	}
	for (; k < o->np; k++) {
		if (o->unfound == 0)
			break;
		bool shallow_done = read >= SHALLOW_PIDS || o->stats.fds_read - fds0 >= SHALLOW_FDS;
		if (shallow_done &&
		    o->tick == 1) { /* from a seed: the rest at once, over threads */
			size_t rest = k;
			for (size_t r = k; r < o->np; r++)
				if (order[r]->scanned != o->tick)
					order[rest++] = order[r];
			owners_full_pass(o, order + k, rest - k);
			k = o->np;
			deep = true;
			break;
		}
		if (shallow_done && !(deep_ok && deep_wanted))
			break;
		deep |= shallow_done;
		if (order[k]->scanned == o->tick)
			continue;
		owners_scan_pid(o, order[k]);
		read++;
	}
	free(order);
	double cpu = cpu_seconds() - cpu0;
	if (deep) {
		double wait = DEEP_COST_FACTOR * cpu;
		o->deep_allowed_at = now + (wait > DEEP_INTERVAL ? wait : DEEP_INTERVAL);
	}
	bool everything = k == o->np;
	if (everything)
		o->stats.full_passes++;

	for (size_t i = 0; i < o->ne; i++) {
		struct owner_entry *e = &o->e[i];
		if (e->nh) {
			e->state = ENTRY_KNOWN;
		} else if (e->sought) {
			e->tried = true;
			if (everything)
				mark_missed(e, now, cpu);
		}
	}
	if (!everything)
		return owners_complete(o);
	return 0;
}

void owners_set_seed(struct owners *o, struct owners_seed *seed)
{
	if (o->tick > 0 || o->seed)
		return;
	o->seed = malloc(sizeof *o->seed);
	if (!o->seed) {
		o->seed_result = "out of memory";
		return;
	}
	*o->seed = *seed;
	*seed = (struct owners_seed){0};
}

const char *owners_seed_result(const struct owners *o)
{
	return o->seed_result;
}

void owners_want_export(struct owners *o)
{
	/* the count first, so that it is never ahead of the last pid */
	o->want_export = true;
	o->want_forks = procdir_system_stat(o->procfd, "processes");
	o->want_last_pid = procdir_last_pid(o->procfd);
}

/* Whether pid was handed out in (from, upto], pids counting up and wrapping at pid_max. */
static bool pid_in(pid_t pid, long from, long upto)
{
	return from <= upto ? pid > from && pid <= upto : pid > from || pid <= upto;
}

/* The first update's use of a seed (owners.h, "A seed"), after the listing: NULL, or why the
 * seed was not used (then the update reads every process as without one). */
static const char *apply_seed(struct owners *o, const struct owners_seed *s, double now)
{
	long last_after = procdir_last_pid(o->procfd);
	int64_t forks = procdir_system_stat(o->procfd, "processes"); /* after the listing too */
	int64_t pid_max = procdir_read_number(o->procfd, "sys/kernel/pid_max");
	if (last_after <= 0 || forks < 0 || pid_max <= 0)
		return "the system's process counters cannot be read";
	if ((uint64_t)forks < s->forks)
		return "from another boot";
	if ((uint64_t)forks - s->forks >= (uint64_t)pid_max / 4)
		return "too old (pids may have gone round)";

	/* the seed's holders of listed sockets, by processes older than the seed, each checked
	 * (over threads when there are many) */
	struct owner_check *checks = malloc(s->nh * sizeof *checks + 1);
	if (!checks) {
		o->oom = true;
		return NULL;
	}
	size_t nchecks = 0, i = 0;
	for (size_t j = 0; j < s->ns && i < o->ne; j++) {
		const struct owners_seed_socket *ss = &s->s[j];
		while (i < o->ne && o->e[i].inode < ss->inode)
			i++;
		if (i == o->ne || o->e[i].inode != ss->inode)
			continue;
		struct owner_entry *e = &o->e[i];
		/* held, unless a check below says so, by processes the seed did not name, maybe
		 * older than it (owners_complete) */
		e->seed_failed = !ss->missed;
		if (ss->missed) {
			e->state = ENTRY_MISS;
			e->tried = true;
			e->retry_delay = MISS_FIRST_RETRY;
			e->retry_at = now + MISS_FIRST_RETRY;
			continue;
		}
		for (uint32_t k = 0; k < ss->n; k++) {
			const struct owners_seed_holder *h = &s->h[ss->first + k];
			/* a process gone, or new since the seed (read in full below): not checked
			 */
			if (owners_find_pid(o, h->pid) && !pid_in(h->pid, s->last_pid, last_after))
				checks[nchecks++] =
				    (struct owner_check){.pid = h->pid,
				                         .fd = h->fd,
				                         .inode = e->inode,
				                         .start_ticks = h->start_ticks};
		}
	}
	owners_check_all(o, checks, nchecks);
	for (size_t k = 0; k < nchecks; k++) {
		const struct owner_check *c = &checks[k];
		struct owner_pid *p = owners_find_pid(o, c->pid);
		if (!c->holds || !p)
			continue;
		p->ppid = c->ppid;
		p->ppid_read = true;
		p->start_ticks = c->start_ticks;
		owners_add_holder(o, c->pid, c->fd, c->inode);
		struct owner_entry *e = owners_find(o, c->inode);
		e->state = ENTRY_KNOWN;
		e->seed_failed = false;
		o->stats.seed_kept++;
	}
	o->stats.verified += nchecks;
	free(checks);

	struct owner_pid **fresh = malloc(o->np * sizeof *fresh + 1);
	if (!fresh) {
		o->oom = true;
		return NULL;
	}
	size_t n = 0;
	for (size_t k = 0; k < o->np; k++)
		if (pid_in(o->p[k].pid, s->last_pid, last_after))
			fresh[n++] = &o->p[k];
	owners_full_pass(o, fresh, n);
	o->stats.seed_new += n;
	free(fresh);
	return NULL;
}

int owners_update(struct owners *o, const uint64_t *inodes, size_t n)
{
	o->tick++;
	o->stats.updates++;
	o->oom = false;
	double now = platform_monotonic();

	if (!array_grow((void **)&o->wanted, &o->capwanted, n, sizeof *o->wanted, 16))
		return -ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (inodes[i])
			o->wanted[m++] = inodes[i];
	if (m > 1)
		qsort(o->wanted, m, sizeof *o->wanted, cmp_u64);
	o->nwanted = 0;
	for (size_t i = 0; i < m; i++)
		if (i == 0 || o->wanted[i] != o->wanted[i - 1])
			o->wanted[o->nwanted++] = o->wanted[i];

	int rc = merge_entries(o);
	if (rc < 0)
		return rc;
	verify(o);
	bool searching = false;
	for (size_t i = 0; i < o->ne && !searching; i++)
		searching =
		    o->e[i].nh == 0 && (o->e[i].state == ENTRY_NEW ||
		                        (o->e[i].state == ENTRY_MISS && now >= o->e[i].retry_at));
	if ((rc = refresh_pids(o, searching)) < 0)
		return rc;
	if (o->seed) {
		const char *why = apply_seed(o, o->seed, now);
		o->seeded = !why;
		o->seed_result = why ? why : "used";
		owners_seed_clear(o->seed);
		free(o->seed);
		o->seed = NULL;
	}
	if ((rc = discover(o, now)) < 0)
		return rc;
	return o->oom ? -ENOMEM : 0;
}
