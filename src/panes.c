/* panes.c - tmux's panes parsed from its untrusted answer, and processes mapped to them
 * (panes.h). */
#include "panes.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_grow.h"
#include "sanitize.h"

/* A decimal number of at most 9 digits after the optional prefix, nothing else. */
static bool number(const char *s, size_t len, char prefix, unsigned *out)
{
	if (prefix) {
		if (len == 0 || s[0] != prefix)
			return false;
		s++, len--;
	}
	if (len == 0 || len > 9)
		return false;
	unsigned v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return true;
}

struct field {
	const char *s;
	size_t len;
};

/* One line into *p: false when it is not a valid pane. */
static bool parse_line(const char *line, size_t len, struct tmux_pane *p)
{
	struct field f[PANES_FIELDS];
	size_t n = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != '\t')
			continue;
		if (n == PANES_FIELDS)
			return false; /* too many fields */
		f[n++] = (struct field){line + start, i - start};
		start = i + 1;
	}
	unsigned pid;
	*p = (struct tmux_pane){0};
	if (n != PANES_FIELDS || !number(f[0].s, f[0].len, 0, &pid) || pid <= 1 ||
	    !number(f[1].s, f[1].len, '%', &p->id) ||
	    !number(f[2].s, f[2].len, '$', &p->session_id) ||
	    !number(f[3].s, f[3].len, 0, &p->window) || !number(f[4].s, f[4].len, 0, &p->pane))
		return false;
	p->pid = (pid_t)pid;
	sanitize_text(p->session, sizeof p->session, f[5].s, f[5].len);
	sanitize_text(p->window_name, sizeof p->window_name, f[6].s, f[6].len);
	sanitize_text(p->command, sizeof p->command, f[7].s, f[7].len);
	return true;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = ((const struct tmux_pane *)a)->pid, y = ((const struct tmux_pane *)b)->pid;
	return (x > y) - (x < y);
}

static bool listed(const struct pane_list *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++) /* at most PANES_MAX: a hostile answer costs ms */
		if (l->v[i].pid == pid)
			return true;
	return false;
}

int panes_parse(struct pane_list *l, const char *text, size_t len)
{
	panes_clear(l);
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
		struct tmux_pane p;
		if (n && text[at + n - 1] == '\r')
			n--;
		if (n == 0) {
			/* an empty line: nothing */
		} else if (n > PANES_LINE_MAX || l->n >= PANES_MAX ||
		           !parse_line(text + at, n, &p) || listed(l, p.pid)) {
			l->rejected++; /* a pid listed twice keeps its first line */
		} else {
			if (!array_grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v, 16)) {
				panes_clear(l);
				return -ENOMEM;
			}
			l->v[l->n++] = p;
		}
		at += (nl ? (size_t)(nl - (text + at)) + 1 : len - at);
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, cmp_pid); /* no pid twice: the order is certain */
	return 0;
}

void panes_clear(struct pane_list *l)
{
	l->n = 0;
	l->rejected = 0;
}

void panes_free(struct pane_list *l)
{
	free(l->v);
	*l = (struct pane_list){0};
}

const struct tmux_pane *panes_by_pid(const struct pane_list *l, pid_t pid)
{
	struct tmux_pane key = {.pid = pid};
	if (!l || l->n == 0 || pid <= 1)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof *l->v, cmp_pid);
}

const struct tmux_pane *panes_of_process(const struct pane_list *l, const struct snapshot *s,
                                         pid_t pid)
{
	for (int depth = 0; depth <= PANES_DEPTH && pid > 1; depth++) {
		const struct tmux_pane *p = panes_by_pid(l, pid);
		if (p)
			return p;
		const struct proc_info *q = snapshot_process(s, pid);
		if (!q || q->ppid == pid)
			return NULL;
		pid = q->ppid;
	}
	return NULL;
}

const struct tmux_pane *panes_of_listener(const struct pane_list *l, const struct snapshot *s,
                                          const struct listener *row)
{
	if (!l || l->n == 0 || row->owner_hidden)
		return NULL;
	const struct tmux_pane *p = panes_of_process(l, s, row->proc->id.pid);
	for (size_t i = 1; !p && i < row->nholders; i++)
		p = panes_of_process(l, s, row->holders[i]->id.pid);
	return p;
}

int panes_fill(const struct pane_list *l, struct snapshot *s)
{
	for (size_t i = 0; i < s->set.n; i++)
		s->set.v[i].pane = NULL;
	if (!l || l->n == 0 || s->set.n == 0)
		return 0;
	struct tmux_pane *copy = snapshot_panes(s, l->n);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, l->v, l->n * sizeof *copy);
	for (size_t i = 0; i < s->set.n; i++) {
		const struct tmux_pane *p = panes_of_listener(l, s, &s->set.v[i]);
		s->set.v[i].pane = p ? &copy[p - l->v] : NULL;
	}
	return 0;
}

void tmux_pane_target(const struct tmux_pane *p, char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u.%u", p->session, p->window, p->pane);
}

void tmux_pane_id(const struct tmux_pane *p, char *buf, size_t len)
{
	snprintf(buf, len, "%%%u", p->id);
}

void tmux_pane_cell(const struct tmux_pane *p, int w, char *buf, size_t len)
{
	char where[32], name[PANE_NAME_MAX];
	int ww = snprintf(where, sizeof where, "%u.%u", p->window, p->pane);
	/* the name needs a column of its own, ":" one and "…" at most one more */
	if (w - ww - 1 < 2 || !p->session[0]) {
		snprintf(buf, len, "%s", where);
		return;
	}
	sanitize_clip(name, sizeof name, p->session, w - ww - 1);
	snprintf(buf, len, "%s:%s", name, where);
}
