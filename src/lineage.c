/* lineage.c - what a process's ancestors say about it (lineage.h). */
#include "lineage.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_grow.h"
#include "detect.h"

struct by_pid {
	pid_t pid;
	size_t i; /* index into the snapshot's procs */
};

static int cmp_by_pid(const void *a, const void *b)
{
	pid_t x = ((const struct by_pid *)a)->pid, y = ((const struct by_pid *)b)->pid;
	return (x > y) - (x < y);
}

/* What one process says to its descendants, worked out once a call, when first asked. */
struct said {
	bool known;
	bool shell;                     /* a shell running one command: looked through */
	const struct detect_rule *rule; /* its rule when it passes its label to children */
	const char *launcher;           /* "npm start": in the snapshot's strings; NULL none */
	const char *name;               /* with rule: what it matched ("uvicorn"), or NULL */
};

/* What a process said, kept from one call to the next under its fingerprint. */
struct memo_entry {
	uint64_t key;
	const struct detect_rule *rule;
	char *launcher; /* malloc'd; NULL: none */
	bool shell;
	bool moved; /* taken by this call already (its launcher with it) */
};

struct lineage_memo {
	struct memo_entry *last, *now; /* last: sorted by key; now: this call's, in any order */
	size_t nlast, nnow, caplast, capnow;
};

struct table {
	struct snapshot *s;
	struct proc_info *procs;
	struct by_pid *idx;
	struct said *said; /* by index into procs */
	size_t n;
	struct lineage_memo *memo;
};

int lineage_memo_new(struct lineage_memo **out)
{
	*out = calloc(1, sizeof **out);
	return *out ? 0 : -ENOMEM;
}

static void drop_entries(struct memo_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].launcher);
}

void lineage_memo_free(struct lineage_memo **m)
{
	if (!m || !*m)
		return;
	drop_entries((*m)->last, (*m)->nlast);
	drop_entries((*m)->now, (*m)->nnow);
	free((*m)->last);
	free((*m)->now);
	free(*m);
	*m = NULL;
}

static int cmp_entry(const void *a, const void *b)
{
	uint64_t x = ((const struct memo_entry *)a)->key, y = ((const struct memo_entry *)b)->key;
	return (x > y) - (x < y);
}

/* The entry of key from the last call, moved to this call's (NULL: not known, or no room). */
static struct memo_entry *memo_take(struct lineage_memo *m, uint64_t key)
{
	struct memo_entry probe = {.key = key};
	struct memo_entry *e =
	    m->nlast ? bsearch(&probe, m->last, m->nlast, sizeof *m->last, cmp_entry) : NULL;
	if (!e || e->moved ||
	    !array_grow((void **)&m->now, &m->capnow, m->nnow + 1, sizeof *m->now, 64))
		return NULL;
	m->now[m->nnow] = *e;
	e->launcher = NULL;
	e->moved = true;
	return &m->now[m->nnow++];
}

static void memo_put(struct lineage_memo *m, const struct memo_entry *e)
{
	if (!array_grow((void **)&m->now, &m->capnow, m->nnow + 1, sizeof *m->now, 64)) {
		free(e->launcher); /* not kept: worked out again next time */
		return;
	}
	m->now[m->nnow++] = *e;
}

/* This call's entries become the last call's; the ones no process asked for are dropped. */
static void memo_turn(struct lineage_memo *m)
{
	drop_entries(m->last, m->nlast);
	struct memo_entry *v = m->last;
	size_t cap = m->caplast;
	m->last = m->now;
	m->caplast = m->capnow;
	m->nlast = m->nnow;
	m->now = v;
	m->capnow = cap;
	m->nnow = 0;
	for (size_t i = 0; i < m->nlast; i++)
		m->last[i].moved = false;
	if (m->nlast > 1)
		qsort(m->last, m->nlast, sizeof *m->last, cmp_entry);
}

static struct proc_info *find(const struct table *t, pid_t pid)
{
	struct by_pid key = {.pid = pid};
	if (pid <= 0)
		return NULL;
	const struct by_pid *hit = bsearch(&key, t->idx, t->n, sizeof *t->idx, cmp_by_pid);
	return hit ? &t->procs[hit->i] : NULL;
}

static struct proc_info *parent_of(const struct table *t, const struct proc_info *p)
{
	return p->ppid != p->id.pid ? find(t, p->ppid) : NULL;
}

static const struct said *said_by(const struct table *t, const struct proc_info *q)
{
	struct said *d = &t->said[q - t->procs];
	if (d->known)
		return d;
	char text[PROC_COMM_MAX];
	d->known = true;
	uint64_t key = q->fingerprint ? q->fingerprint : proc_fingerprint_base(q);
	struct memo_entry *e = t->memo ? memo_take(t->memo, key) : NULL;
	if (e) {
		d->shell = e->shell;
		d->rule = e->rule;
		if (e->launcher)
			d->launcher = snapshot_str(t->s, e->launcher);
	} else {
		d->shell = detect_wrapper_shell(q->comm, q->cmdline);
		const struct detect_rule *r = detect_process(q->comm, q->exe, q->cmdline, 0);
		d->rule = r && r->children && r->label ? r : NULL;
		bool launched = detect_launcher(q->cmdline, text, sizeof text);
		if (launched) /* NULL when out of memory: no launcher */
			d->launcher = snapshot_str(t->s, text);
		if (t->memo) {
			struct memo_entry n = {.key = key, .rule = d->rule, .shell = d->shell};
			if (!launched || (n.launcher = strdup(text)))
				memo_put(t->memo, &n);
		}
	}
	if (d->rule &&
	    d->rule->args[0]) { /* the program the rule names: "uvicorn", not "python3" */
		const char *prog = d->rule->args[0];
		snprintf(text, sizeof text, "%.*s", (int)strcspn(prog, "|*"), prog);
		d->name = snapshot_str(t->s, text);
	}
	return d;
}

/* The parent whose rule passes its label down, looking through `sh -c` shells. */
static void parent_label(const struct table *t, struct proc_info *p)
{
	const struct proc_info *q = parent_of(t, p);
	for (int hops = 0; q && hops < 2 && said_by(t, q)->shell; hops++)
		q = parent_of(t, q);
	if (q && said_by(t, q)->rule) {
		p->parent_label = said_by(t, q)->rule->label;
		p->parent_from = said_by(t, q)->name ? said_by(t, q)->name : q->comm;
	}
}

static void launcher(const struct table *t, struct proc_info *p)
{
	const struct proc_info *q = parent_of(t, p);
	for (int depth = 0; q && depth < LINEAGE_LAUNCHER_DEPTH; depth++, q = parent_of(t, q))
		if (said_by(t, q)->launcher) {
			p->launcher = said_by(t, q)->launcher;
			return;
		}
}

int lineage_fill(struct snapshot *s, struct lineage_memo *memo)
{
	struct table t = {.s = s, .procs = s->procs, .n = s->nprocs, .memo = memo};
	if (t.n == 0) {
		if (memo)
			memo_turn(memo);
		return 0;
	}
	t.idx = malloc(t.n * sizeof *t.idx);
	t.said = calloc(t.n, sizeof *t.said);
	if (!t.idx || !t.said) {
		free(t.idx);
		free(t.said);
		return -ENOMEM;
	}
	for (size_t i = 0; i < t.n; i++)
		t.idx[i] = (struct by_pid){s->procs[i].id.pid, i};
	qsort(t.idx, t.n, sizeof *t.idx, cmp_by_pid);
	for (size_t i = 0; i < t.n; i++) {
		struct proc_info *p = &s->procs[i];
		p->parent_label = p->parent_from = p->launcher = "";
		parent_label(&t, p);
		launcher(&t, p);
	}
	if (memo)
		memo_turn(memo);
	free(t.idx);
	free(t.said);
	return 0;
}
