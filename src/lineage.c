/* lineage.c - what a process's ancestors say about it (lineage.h). */
#include "lineage.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

struct table {
	struct snapshot *s;
	struct proc_info *procs;
	struct by_pid *idx;
	struct said *said; /* by index into procs */
	size_t n;
};

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
	d->shell = detect_wrapper_shell(q->comm, q->cmdline);
	const struct detect_rule *r = detect_process(q->comm, q->exe, q->cmdline, 0);
	d->rule = r && r->children && r->label ? r : NULL;
	if (d->rule && r->args[0]) { /* the program the rule names: "uvicorn", not "python3" */
		snprintf(text, sizeof text, "%.*s", (int)strcspn(r->args[0], "|*"), r->args[0]);
		d->name = snapshot_str(t->s, text);
	}
	if (detect_launcher(q->cmdline, text, sizeof text))
		d->launcher = snapshot_str(t->s, text); /* NULL when out of memory: no launcher */
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

int lineage_fill(struct snapshot *s)
{
	struct table t = {.s = s, .procs = s->procs, .n = s->nprocs};
	if (t.n == 0)
		return 0;
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
	free(t.idx);
	free(t.said);
	return 0;
}
