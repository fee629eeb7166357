/* snapshot.c - building a snapshot: processes once, sockets merged into rows by key. */
#include "snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_grow.h"
#include "panes.h"

/* A socket before the merge: its key copied here, so that ordering reads only these records. */
struct snapshot_sock {
	uint8_t proto, family;
	uint16_t port;
	uint8_t addr[16];
	uint64_t inode;
	uint32_t sock;           /* index into socks */
	uint32_t pid_off, npids; /* its holders' pids in pids[] */
	uint8_t why;             /* enum owner_unknown when no holder is known */
	const char *user;        /* the stand-in owner's name; NULL: the uid as digits */
};

void snapshot_reset(struct snapshot *s)
{
	listener_set_clear(&s->set);
	listener_set_clear(&s->socks);
	s->nprocs = 0;
	s->npids = 0;
	s->taken_at = 0;
	s->kernel = REACH_LINUX;
	arena_reset(&s->strings);
}

void snapshot_free(struct snapshot *s)
{
	listener_set_free(&s->set);
	listener_set_free(&s->socks);
	free(s->procs);
	free(s->src);
	free(s->pids);
	free(s->holders);
	free(s->standins);
	free(s->containers);
	free(s->panes);
	arena_free(&s->strings);
	*s = (struct snapshot){0};
}

struct container_info *snapshot_containers(struct snapshot *s, size_t n)
{
	if (!array_grow((void **)&s->containers, &s->capcontainers, n ? n : 1,
	                sizeof *s->containers, 4))
		return NULL;
	memset(s->containers, 0, (n ? n : 1) * sizeof *s->containers);
	return s->containers;
}

struct tmux_pane *snapshot_panes(struct snapshot *s, size_t n)
{
	if (!array_grow((void **)&s->panes, &s->cappanes, n ? n : 1, sizeof *s->panes, 4))
		return NULL;
	return s->panes;
}

const char *snapshot_str(struct snapshot *s, const char *text)
{
	return arena_strdup(&s->strings, text);
}

struct proc_info *snapshot_add_process(struct snapshot *s, const struct proc_info *p)
{
	if (!array_grow((void **)&s->procs, &s->capprocs, s->nprocs + 1, sizeof *s->procs, 64))
		return NULL;
	struct proc_info *q = &s->procs[s->nprocs];
	if (proc_info_copy(q, p, &s->strings) < 0)
		return NULL;
	s->nprocs++;
	return q;
}

int snapshot_add_socket(struct snapshot *s, const struct listener *sock, const pid_t *pids,
                        size_t npids, enum owner_unknown why, const char *user)
{
	size_t i = s->socks.n;
	if (!array_grow((void **)&s->src, &s->capsrc, i + 1, sizeof *s->src, 64) ||
	    !array_grow((void **)&s->pids, &s->cappids, s->npids + npids, sizeof *s->pids, 64))
		return -ENOMEM;
	struct listener l = {
	    .proto = sock->proto,
	    .family = sock->family,
	    .port = sock->port,
	    .v6only = sock->v6only,
	    .uid = sock->uid,
	    .inode = sock->inode,
	};
	memcpy(l.addr, sock->addr, sizeof l.addr);
	const char *name = user && user[0] ? snapshot_str(s, user) : NULL;
	if ((user && user[0] && !name) || !listener_set_push(&s->socks, &l))
		return -ENOMEM;
	s->src[i] = (struct snapshot_sock){
	    .proto = l.proto,
	    .family = l.family,
	    .port = l.port,
	    .inode = l.inode,
	    .sock = (uint32_t)i,
	    .pid_off = (uint32_t)s->npids,
	    .npids = (uint32_t)npids,
	    .why = (uint8_t)why,
	    .user = name,
	};
	memcpy(s->src[i].addr, l.addr, sizeof l.addr);
	if (npids)
		memcpy(s->pids + s->npids, pids, npids * sizeof *pids);
	s->npids += npids;
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = ((const struct proc_info *)a)->id.pid, y = ((const struct proc_info *)b)->id.pid;
	return (x > y) - (x < y);
}

const struct proc_info *snapshot_process(const struct snapshot *s, pid_t pid)
{
	struct proc_info key = {.id.pid = pid};
	return s->nprocs ? bsearch(&key, s->procs, s->nprocs, sizeof *s->procs, cmp_pid) : NULL;
}

static int cmp_row(const void *a, const void *b)
{
	return listener_key_cmp(a, b);
}

const struct listener *snapshot_find(const struct snapshot *s, const struct listener *key)
{
	return s->set.n ? bsearch(key, s->set.v, s->set.n, sizeof *s->set.v, cmp_row) : NULL;
}

/* The key order of listener_key_cmp (proto, family, address, port). */
static int cmp_key(const struct snapshot_sock *x, const struct snapshot_sock *y)
{
	int c;
	if ((c = (x->proto > y->proto) - (x->proto < y->proto)) ||
	    (c = (x->family > y->family) - (x->family < y->family)) ||
	    (c = memcmp(x->addr, y->addr, sizeof x->addr)))
		return c;
	return (x->port > y->port) - (x->port < y->port);
}

/* Sockets by key, then by inode. */
static int cmp_src(const void *a, const void *b)
{
	const struct snapshot_sock *x = a, *y = b;
	int c = cmp_key(x, y);
	return c ? c : (x->inode > y->inode) - (x->inode < y->inode);
}

/* Whether holder a should lead before b: an ancestor (its parent holds none of the sockets)
 * before a descendant, then the oldest, then the lowest pid. */
static bool leads(const struct proc_info *a, bool a_root, const struct proc_info *b, bool b_root)
{
	if (a_root != b_root)
		return a_root;
	if (a->id.start_ticks != b->id.start_ticks)
		return a->id.start_ticks < b->id.start_ticks;
	return a->id.pid < b->id.pid;
}

static bool holds(const struct proc_info **h, size_t n, pid_t pid)
{
	for (size_t i = 0; i < n; i++)
		if (h[i]->id.pid == pid)
			return true;
	return false;
}

static int cmp_holder_pid(const void *a, const void *b)
{
	pid_t x = (*(const struct proc_info *const *)a)->id.pid;
	pid_t y = (*(const struct proc_info *const *)b)->id.pid;
	return (x > y) - (x < y);
}

/* The holders of one row, h[0..n), reordered: the lead first, then by pid. */
static void order_holders(const struct proc_info **h, size_t n)
{
	if (n < 2)
		return;
	size_t lead = 0;
	bool lead_root = !holds(h, n, h[0]->ppid);
	for (size_t i = 1; i < n; i++) {
		bool root = !holds(h, n, h[i]->ppid);
		if (leads(h[i], root, h[lead], lead_root)) {
			lead = i;
			lead_root = root;
		}
	}
	const struct proc_info *t = h[0];
	h[0] = h[lead];
	h[lead] = t;
	qsort(h + 1, n - 1, sizeof *h, cmp_holder_pid);
}

/* A hidden row's owner: its uid and user, pid 0, no text. */
static int standin(struct snapshot *s, struct proc_info *out, uint32_t uid, const char *user)
{
	char digits[16];
	snprintf(digits, sizeof digits, "%u", (unsigned)uid);
	*out = (struct proc_info){.uid = uid};
	const char **f[PROC_STRINGS];
	proc_info_strings(out, f);
	for (size_t k = 0; k < PROC_STRINGS; k++)
		*f[k] = "";
	out->user = user ? user : snapshot_str(s, digits);
	return out->user ? 0 : -ENOMEM;
}

static int finish(struct snapshot *s)
{
	size_t n = s->socks.n;
	if (s->nprocs > 1)
		qsort(s->procs, s->nprocs, sizeof *s->procs, cmp_pid);
	size_t np = 0;
	for (size_t i = 0; i < s->nprocs; i++)
		if (np == 0 || s->procs[np - 1].id.pid != s->procs[i].id.pid)
			s->procs[np++] = s->procs[i];
	s->nprocs = np;
	for (size_t i = 0; i < np; i++)
		s->procs[i].fingerprint = proc_fingerprint_finish(
		    s->procs[i].fingerprint ? s->procs[i].fingerprint
		                            : proc_fingerprint_base(&s->procs[i]),
		    &s->procs[i]);

	if (!array_grow((void **)&s->holders, &s->capholders, s->npids + 1, sizeof *s->holders,
	                64) ||
	    !array_grow((void **)&s->standins, &s->capstandins, n + 1, sizeof *s->standins, 64) ||
	    !array_grow((void **)&s->set.v, &s->set.cap, n + 1, sizeof *s->set.v, 64))
		return -ENOMEM;
	if (n > 1)
		qsort(s->src, n, sizeof *s->src, cmp_src);

	size_t nh = 0, nstand = 0;
	s->set.n = 0;
	for (size_t i = 0, j; i < n; i = j) {
		const struct listener *first = &s->socks.v[s->src[i].sock];
		for (j = i + 1; j < n && cmp_key(&s->src[j], &s->src[i]) == 0; j++)
			;
		struct listener *row = &s->set.v[s->set.n++];
		*row = *first;     /* the lowest inode's fields */
		row->nsockets = 0; /* distinct sockets: a table read twice lists one socket twice */
		for (size_t k = i; k < j; k++)
			row->nsockets += k == i || s->src[k].inode == 0 ||
			                 s->src[k].inode != s->src[k - 1].inode;
		const struct proc_info **h = s->holders + nh;
		size_t count = 0;
		uint8_t why = OWNER_KNOWN;
		const char *user = NULL;
		for (size_t k = i; k < j; k++) {
			const struct snapshot_sock *src = &s->src[k];
			for (uint32_t q = 0; q < src->npids; q++) {
				const struct proc_info *p =
				    snapshot_process(s, s->pids[src->pid_off + q]);
				if (p && !holds(h, count, p->id.pid))
					h[count++] = p;
			}
			if (why == OWNER_KNOWN)
				why = src->npids ? OWNER_KNOWN : src->why;
			if (!user)
				user = src->user;
		}
		if (count) {
			order_holders(h, count);
			row->nholders = (uint32_t)count;
			row->holders = h;
			row->proc = h[0];
			row->owner_hidden = false;
			row->owner_why = OWNER_KNOWN;
			nh += count;
			continue;
		}
		/* pids were named but none could be read: they exited in the moment, or the backend
		 * could not read them; the owner is not found yet */
		row->owner_hidden = true;
		row->owner_why = why == OWNER_KNOWN ? OWNER_NOT_FOUND : why;
		row->nholders = 0;
		row->holders = NULL;
		struct proc_info *st = &s->standins[nstand++];
		if (standin(s, st, row->uid, user) < 0)
			return -ENOMEM;
		row->proc = st;
	}
	return 0;
}

int snapshot_finish(struct snapshot *s, time_t taken_at)
{
	int rc = finish(s);
	if (rc < 0) {
		snapshot_reset(s);
		return rc;
	}
	s->taken_at = taken_at;
	return 0;
}

size_t snapshot_count_hidden(const struct snapshot *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->set.n; i++)
		n += s->set.v[i].owner_hidden;
	return n;
}
