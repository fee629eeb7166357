/* owners_complete.c - after a socket is found in one process, find the other processes holding it
 * without reading every process's fds (owners.h, step 4).
 *
 * Sockets are shared by inheritance: a pre-fork server's parent creates the socket and its workers
 * get it across fork(). So the other holders of a socket found in process P are P's ancestors,
 * the children of any holder, and processes of a holder's session (siblings whose parent exited
 * are usually still in it). One read of /proc/PID/stat per process gives parent and session; only
 * related processes have their fds read, and each new holder widens the search, until no more turn
 * up.
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

/* Parent and session of p, read once per update; false when the process is gone. */
static bool ensure_stat(struct owners *o, struct owner_pid *p)
{
	if (p->stat_read != o->tick) {
		struct procdir_stat st;
		p->stat_read = o->tick;
		o->stats.stats_read++;
		if (procdir_stat(o->procfd, p->pid, &st) == 0) {
			p->ppid = st.ppid;
			p->sid = st.sid;
		} else {
			p->ppid = p->sid = 0;
		}
	}
	return p->ppid != 0 || p->sid != 0 || p->pid == 1;
}

/* Marks the ancestors of holder pid as related. */
static void mark_ancestors(struct owners *o, pid_t pid)
{
	struct owner_pid *p = owners_find_pid(o, pid);
	for (int i = 0; p && i < MAX_ANCESTORS; i++) {
		if (!ensure_stat(o, p) || p->ppid <= 0)
			break;
		p = owners_find_pid(o, p->ppid);
		if (p)
			p->related = true;
	}
}

/* Adds pid as a holder: its session joins the search, its ancestors are related. */
static bool add_holder(struct owners *o, struct pidvec *holders, struct pidvec *sessions, pid_t pid)
{
	if (pidvec_has(holders, pid))
		return true;
	if (!pidvec_add(holders, pid))
		return false;
	struct owner_pid *p = owners_find_pid(o, pid);
	if (p && ensure_stat(o, p) && p->sid > 0 && !pidvec_add(sessions, p->sid))
		return false;
	mark_ancestors(o, pid);
	return true;
}

int owners_complete(struct owners *o)
{
	struct pidvec holders = {0}, sessions = {0};
	bool ok = true;
	o->stats.completions++;
	for (size_t k = 0; k < o->np; k++)
		o->p[k].related = false;
	for (size_t i = 0; i < o->ne && ok; i++) {
		const struct owner_entry *e = &o->e[i];
		if (!e->found_now)
			continue;
		for (uint32_t j = 0; j < e->nh && ok; j++)
			ok = add_holder(o, &holders, &sessions, e->h[j].pid);
	}

	bool changed = ok;
	while (changed && ok) {
		changed = false;
		for (size_t k = 0; k < o->np && ok; k++) {
			struct owner_pid *p = &o->p[k];
			if (p->scanned == o->tick || !ensure_stat(o, p))
				continue;
			if (!p->related && !pidvec_has(&sessions, p->sid) &&
			    !pidvec_has(&holders, p->ppid))
				continue;
			o->hit_found = false;
			owners_scan_pid(o, p);
			if (o->hit_found) {
				ok = add_holder(o, &holders, &sessions, p->pid);
				changed = true;
			}
		}
	}
	free(holders.v);
	free(sessions.v);
	return ok ? 0 : -ENOMEM;
}
