/* owners_pass.c - the first update's pass over every process, and its checks of a seed's
 * holders, split over a few threads.
 *
 * Reading fds is kernel time spent one readlink at a time, so threads divide the wall time of a
 * one-shot run (about 0.6x of `ss -tulnp` on one thread, 0.35x on two, same CPU). Threads only
 * read: each collects (pid, fd, inode) matches in its own list, found with a read-only lookup of
 * the cache; the cache is updated once they have all finished.
 */
#include "array_grow.h"
#include "owners_impl.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

enum {
	MAX_THREADS = 4,
	MIN_PIDS_PER_THREAD = 128, /* fewer: a thread costs more than it saves */
};

struct match {
	pid_t pid;
	int fd;
	uint64_t inode;
};

struct part {
	struct owners *o;
	struct owner_pid **pids;
	size_t n, stride; /* this part reads pids[0], pids[stride], pids[2 * stride]... */
	struct match *m;
	size_t nm, cap;
	unsigned long scanned, fds;
	bool oom;
};

static void on_match(void *ctx, pid_t pid, int fd, uint64_t inode)
{
	struct part *pt = ctx;
	if (!owners_find(pt->o, inode))
		return;
	if (!array_grow((void **)&pt->m, &pt->cap, pt->nm + 1, sizeof *pt->m, 64)) {
		pt->oom = true;
		return;
	}
	pt->m[pt->nm++] = (struct match){pid, fd, inode};
}

static void *read_part(void *arg)
{
	struct part *pt = arg;
	for (size_t i = 0; i < pt->n; i += pt->stride) {
		unsigned nfds = 0;
		procdir_scan_sockets(pt->o->procfd, pt->pids[i]->pid, on_match, pt, &nfds);
		pt->scanned++;
		pt->fds += nfds;
	}
	return NULL;
}

/* How many threads share n processes: one per CPU, up to MAX_THREADS, each with at least
 * MIN_PIDS_PER_THREAD of them. */
static size_t threads_for(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t threads = cpus > 1 ? (size_t)cpus : 1;
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > n / MIN_PIDS_PER_THREAD)
		threads = n / MIN_PIDS_PER_THREAD ? n / MIN_PIDS_PER_THREAD : 1;
	return threads;
}

/* Runs fn on each of parts[0..n) (size bytes each): the first on this thread, the others on
 * threads of their own, or here when a thread cannot start. Returns when all are done. */
static void run_parts(void *(*fn)(void *), void *parts, size_t size, size_t n)
{
	pthread_t tid[MAX_THREADS];
	bool started[MAX_THREADS] = {false};
	for (size_t t = 1; t < n; t++)
		started[t] = pthread_create(&tid[t], NULL, fn, (char *)parts + t * size) == 0;
	fn(parts);
	for (size_t t = 1; t < n; t++) {
		if (started[t])
			pthread_join(tid[t], NULL);
		else
			fn((char *)parts + t * size);
	}
}

int owners_full_pass(struct owners *o, struct owner_pid **order, size_t n)
{
	size_t threads = threads_for(n);

	/* interleaved, so that every thread gets new and old, small and large processes alike */
	struct part parts[MAX_THREADS] = {0};
	for (size_t t = 0; t < threads; t++)
		parts[t] = (struct part){
		    .o = o, .pids = order + t, .n = n > t ? n - t : 0, .stride = threads};
	run_parts(read_part, parts, sizeof *parts, threads);

	bool oom = false;
	for (size_t t = 0; t < threads; t++) {
		for (size_t i = 0; i < parts[t].nm; i++)
			owners_add_holder(o, parts[t].m[i].pid, parts[t].m[i].fd,
			                  parts[t].m[i].inode);
		o->stats.pids_scanned += parts[t].scanned;
		o->stats.fds_read += parts[t].fds;
		oom |= parts[t].oom;
		free(parts[t].m);
	}
	for (size_t i = 0; i < n; i++)
		order[i]->scanned = o->tick;
	if (oom)
		o->oom = true;
	return 0;
}

struct check_ref {
	pid_t pid;
	size_t i; /* into the checks */
};

struct check_part {
	const struct owners *o;
	struct owner_check *c;
	const struct check_ref
	    *order; /* c[order[from..to).i], by pid: a process's checks in a row */
	size_t from, to;
};

/* Each check: the fd still links to the socket, and the process still has its start ticks
 * (its stat read once for all its checks). */
static void *check_part_run(void *arg)
{
	struct check_part *pt = arg;
	struct procdir_stat st;
	pid_t stat_of = 0;
	bool stat_ok = false;
	for (size_t i = pt->from; i < pt->to; i++) {
		struct owner_check *c = &pt->c[pt->order[i].i];
		c->holds = procdir_fd_is(pt->o->procfd, c->pid, c->fd, c->inode) == 1;
		if (c->holds && stat_of != c->pid) {
			stat_ok = procdir_stat(pt->o->procfd, c->pid, &st) == 0;
			stat_of = c->pid;
		}
		c->holds = c->holds && stat_ok && st.start_ticks == c->start_ticks;
		c->ppid = c->holds ? st.ppid : 0;
	}
	return NULL;
}

static int cmp_check_ref(const void *a, const void *b)
{
	const struct check_ref *x = a, *y = b;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

void owners_check_all(const struct owners *o, struct owner_check *c, size_t n)
{
	struct check_ref one, *order = n > 1 ? malloc(n * sizeof *order) : &one;
	size_t threads = order ? threads_for(n) : 1;
	if (!order) { /* out of memory: one at a time, each with its own stat */
		for (size_t i = 0; i < n; i++) {
			one = (struct check_ref){c[i].pid, i};
			check_part_run(&(struct check_part){o, c, &one, 0, 1});
		}
		return;
	}
	for (size_t i = 0; i < n; i++)
		order[i] = (struct check_ref){c[i].pid, i};
	qsort(order, n, sizeof *order, cmp_check_ref);
	struct check_part parts[MAX_THREADS];
	size_t from = 0;
	for (size_t t = 0; t < threads; t++) {
		size_t to = t + 1 == threads ? n : (n * (t + 1)) / threads;
		if (to < from)
			to = from;
		while (to < n && to > from && order[to].pid == order[to - 1].pid)
			to++; /* a process's checks on one thread */
		parts[t] = (struct check_part){o, c, order, from, to};
		from = to;
	}
	run_parts(check_part_run, parts, sizeof *parts, threads);
	if (order != &one)
		free(order);
}
