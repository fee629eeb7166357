/* owners_complete.c - after a socket is found in one process, find the other processes holding it
 * without reading every process's fds (owners.h, step 4).
 *
 * Holders of one listening socket are related by fork(): the creator and the processes that
 * inherited it. Processes forked after the socket appeared are new and have been read already, so
 * the search reads the found holders' parents, their children, and the processes that appeared
 * in the previous listing; each holder found widens it to its own parent and children, until no
 * more turn up. Going up stops at the first parent that does not hold the socket: a process that
 * inherited it got it from its parent, which still holds it unless it closed it since (a new dev
 * server made its own socket: its shell is read, not the terminal, tmux and init above it). A
 * parent is read once per process (/proc/PID/stat) and kept.
 */
#include "array_grow.h"
#include "owners_impl.h"

#include <errno.h>
#include <stdlib.h>

struct pidvec {
	pid_t *v;
	size_t n, cap;
};

static bool pidvec_has(const struct pidvec *s, pid_t x)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i] == x)
			return true;
	return false;
}

static bool pidvec_add(struct pidvec *s, pid_t x)
{
	if (x <= 0 || pidvec_has(s, x))
		return true;
	if (!array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v, 16))
		return false;
	s->v[s->n++] = x;
	return true;
}

/* Adds pid as a holder and marks its parent as related. */
static bool add_holder(struct owners *o, struct pidvec *holders, pid_t pid)
{
	if (pidvec_has(holders, pid))
		return true;
	if (!pidvec_add(holders, pid))
		return false;
	struct owner_pid *p = owners_find_pid(o, pid);
	pid_t ppid = p ? owners_parent_of(o, p) : 0;
	if (ppid > 0 && (p = owners_find_pid(o, ppid)) != NULL)
		p->related = true;
	return true;
}

/* children_from: the first update whose listing may hold a process that inherited one of the
 * sockets being completed (forked after it appeared); older processes are read only as parents,
 * which spares a stat read of every process when only new sockets are completed, and the fds of
 * a previous listing made before the socket existed. */
static bool candidate(struct owners *o, struct owner_pid *p, const struct pidvec *holders,
                      uint32_t children_from)
{
	if (p->scanned == o->tick)
		return false;
	if (p->related)
		return true;
	if (p->first_seen < children_from)
		return false;
	if (o->prev_listed > 1 && p->first_seen == o->prev_listed)
		return true;
	return pidvec_has(holders, owners_parent_of(o, p));
}

int owners_complete(struct owners *o)
{
	struct pidvec holders = {0};
	bool ok = true;
	o->stats.completions++;
	for (size_t k = 0; k < o->np; k++)
		o->p[k].related = false;
	/* a socket first listed at update T was made after update T - 1 read the sockets, so a
	 * process that inherited it was listed at T - 1 or later */
	uint32_t children_from = UINT32_MAX;
	bool seed_failed = false;
	for (size_t i = 0; i < o->ne && ok; i++) {
		const struct owner_entry *e = &o->e[i];
		if (e->found_now && e->since - 1 < children_from)
			children_from = e->since - 1;
		seed_failed |= e->found_now && e->seed_failed;
		for (uint32_t j = 0; e->found_now && j < e->nh && ok; j++)
			ok = add_holder(o, &holders, e->h[j].pid);
	}

	/* the first update from a seed has read every process created since: the holders'
	 * children among them, and the older ones were forked before the socket was listed;
	 * unless the socket is older than the seed, which named holders that all failed: then
	 * any process may be a child holding it (every process is a candidate, as without a
	 * seed) */
	if (o->seeded && o->tick == 1 && !seed_failed)
		children_from = UINT32_MAX;

	bool changed = ok;
	while (changed && ok) {
		changed = false;
		for (size_t k = 0; k < o->np && ok; k++) {
			struct owner_pid *p = &o->p[k];
			if (!candidate(o, p, &holders, children_from))
				continue;
			o->hit_found = false;
			owners_scan_pid(o, p);
			if (o->hit_found) {
				ok = add_holder(o, &holders, p->pid);
				changed = true;
			}
		}
	}
	free(holders.v);
	return ok ? 0 : -ENOMEM;
}
