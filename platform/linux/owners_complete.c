/* owners_complete.c - after a socket is found in one process, find the other processes holding it
 * without reading every process's fds (owners.h, step 4).
 *
 * Holders of one listening socket are related by fork(): the creator and the processes that
 * inherited it. Processes forked after the socket appeared are new and have been read already, so
 * the search reads the found holders' ancestors, their children, and the processes that appeared
 * in the previous listing; each holder found widens it to its own ancestors and children, until no
 * more turn up. A parent is read once per process (/proc/PID/stat) and kept.
 */
#include "owners_impl.h"

#include <errno.h>
#include <stdlib.h>

enum { MAX_ANCESTORS = 64 };

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
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		pid_t *nv = realloc(s->v, ncap * sizeof *nv);
		if (!nv)
			return false;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = x;
	return true;
}

/* The parent of p as first read (0 when gone or unknown). */
static pid_t parent_of(struct owners *o, struct owner_pid *p)
{
	if (!p->ppid_read) {
		struct procdir_stat st;
		p->ppid_read = true;
		o->stats.stats_read++;
		p->ppid = procdir_stat(o->procfd, p->pid, &st) == 0 ? st.ppid : 0;
	}
	return p->ppid;
}

/* Adds pid as a holder and marks its ancestors as related. */
static bool add_holder(struct owners *o, struct pidvec *holders, pid_t pid)
{
	if (pidvec_has(holders, pid))
		return true;
	if (!pidvec_add(holders, pid))
		return false;
	struct owner_pid *p = owners_find_pid(o, pid);
	for (int i = 0; p && i < MAX_ANCESTORS; i++) {
		pid_t ppid = parent_of(o, p);
		if (ppid <= 0 || !(p = owners_find_pid(o, ppid)))
			break;
		p->related = true;
	}
	return true;
}

static bool candidate(struct owners *o, struct owner_pid *p, const struct pidvec *holders)
{
	if (p->scanned == o->tick)
		return false;
	if (p->related || (o->prev_listed > 1 && p->first_seen == o->prev_listed))
		return true;
	return pidvec_has(holders, parent_of(o, p));
}

int owners_complete(struct owners *o)
{
	struct pidvec holders = {0};
	bool ok = true;
	o->stats.completions++;
	for (size_t k = 0; k < o->np; k++)
		o->p[k].related = false;
	for (size_t i = 0; i < o->ne && ok; i++) {
		const struct owner_entry *e = &o->e[i];
		for (uint32_t j = 0; e->found_now && j < e->nh && ok; j++)
			ok = add_holder(o, &holders, e->h[j].pid);
	}

	bool changed = ok;
	while (changed && ok) {
		changed = false;
		for (size_t k = 0; k < o->np && ok; k++) {
			struct owner_pid *p = &o->p[k];
			if (!candidate(o, p, &holders))
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
