/* model_lines.c - rows -> the lines the list shows: groups by range, filter, sort; and the cursor,
 * which follows the selected listener's key through every rebuild. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array_grow.h"
#include "config.h"
#include "model.h"

const char *const model_sort_names[SORT_COUNT] = {
    [SORT_PORT] = "port",
    [SORT_PROCESS] = "process",
    [SORT_PID] = "pid",
    [SORT_UPTIME] = "uptime",
};

static int by_key(const struct row *a, const struct row *b)
{
	if (a->l.port != b->l.port)
		return a->l.port < b->l.port ? -1 : 1;
	return listener_key_cmp(&a->l, &b->l);
}

static int by_port(const void *x, const void *y)
{
	return by_key(*(const struct row *const *)x, *(const struct row *const *)y);
}

static int by_process(const void *x, const void *y)
{
	const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
	int c = strcasecmp(a->l.proc->comm, b->l.proc->comm);
	return c ? c : by_key(a, b);
}

static int by_pid(const void *x, const void *y)
{
	const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
	if (a->l.proc->id.pid != b->l.proc->id.pid)
		return a->l.proc->id.pid < b->l.proc->id.pid ? -1 : 1;
	return by_key(a, b);
}

/* Newest first: the server you just started is at the top. Unknown start times go last. */
static int by_uptime(const void *x, const void *y)
{
	const struct row *a = *(const struct row *const *)x, *b = *(const struct row *const *)y;
	int64_t sa = a->l.proc->start_time, sb = b->l.proc->start_time;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	return by_key(a, b);
}

static int (*const sorters[SORT_COUNT])(const void *, const void *) = {
    [SORT_PORT] = by_port,
    [SORT_PROCESS] = by_process,
    [SORT_PID] = by_pid,
    [SORT_UPTIME] = by_uptime,
};

static bool matches(const struct row *r, const char *filter)
{
	char port[8];
	if (!filter[0])
		return true;
	snprintf(port, sizeof port, "%u", (unsigned)r->l.port);
	const char *fields[] = {port, r->l.owner_hidden ? "hidden" : r->l.proc->comm, r->label.text,
	                        r->project, r->l.proc->user};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (strcasestr(fields[i], filter))
			return true;
	return false;
}

/* Whether the row passes the UDP toggle and the filter. */
static bool visible(const struct model *m, const struct row *r)
{
	if (m->hide_udp && r->l.proto == PROTO_UDP)
		return false;
	return matches(r, m->filter);
}

/* Whether a visible row is folded away by the config's hide rules (a or a filter shows it). */
static bool folded_by_config(const struct model *m, const struct row *r)
{
	return !m->show_all && !m->filter[0] && config_hides(m->cfg, &r->l);
}

static bool push_line(struct model *m, struct model_line line)
{
	if (!array_grow((void **)&m->lines, &m->caplines, m->nlines + 1, sizeof *m->lines, 64))
		return false;
	m->lines[m->nlines++] = line;
	return true;
}

static void restore_selection(struct model *m)
{
	if (m->has_sel) {
		for (size_t i = 0; i < m->nlines; i++)
			if (m->lines[i].kind == LINE_ROW &&
			    listener_key_cmp(&m->rows[m->lines[i].row].l, &m->sel) == 0) {
				m->sel_line = i;
				return;
			}
	}
	/* The selected listener is gone (or there was none): the nearest row where it was. */
	model_select_line(m, m->has_sel ? m->sel_line : 0);
}

void model_rebuild(struct model *m)
{
	const struct row **group = malloc((m->nrows ? m->nrows : 1) * sizeof *group);
	m->nlines = 0;
	if (!group)
		return;
	for (int g = 0; g < RANGE_COUNT; g++) {
		bool collapsed =
		    g == RANGE_DYNAMIC && !m->show_all && !m->unfold_dynamic && !m->filter[0];
		size_t n = 0, total = 0;
		for (size_t i = 0; i < m->nrows; i++) {
			const struct row *r = &m->rows[i];
			if (ranges_of(r->l.port) != (enum port_range)g)
				continue;
			bool sticky =
			    hints_sticky(model_row_hints(r)); /* shown whatever the filters */
			if (!sticky && !visible(m, r))
				continue;
			total++;
			if (sticky || (!collapsed && !folded_by_config(m, r)))
				group[n++] = r;
		}
		if (total == 0)
			continue;
		if (!push_line(m, (struct model_line){.kind = LINE_HEADER,
		                                      .range = (enum port_range)g,
		                                      .shown = n,
		                                      .total = total,
		                                      .collapsed = collapsed}))
			break;
		qsort(group, n, sizeof *group, sorters[m->sort]);
		for (size_t k = 0; k < n; k++)
			push_line(m, (struct model_line){.kind = LINE_ROW,
			                                 .range = (enum port_range)g,
			                                 .row = (size_t)(group[k] - m->rows)});
	}
	free(group);
	restore_selection(m);
}

static void select_at(struct model *m, size_t line)
{
	m->has_sel = true;
	m->sel_line = line;
	m->sel = m->rows[m->lines[line].row].l;
}

void model_select_line(struct model *m, size_t line)
{
	if (m->nlines == 0) {
		m->sel_line = 0;
		return; /* keep has_sel and the key: the listener may come back */
	}
	if (line >= m->nlines)
		line = m->nlines - 1;
	for (size_t i = line; i < m->nlines; i++)
		if (m->lines[i].kind == LINE_ROW)
			return select_at(m, i);
	for (size_t i = line + 1; i-- > 0;)
		if (m->lines[i].kind == LINE_ROW)
			return select_at(m, i);
	m->sel_line = line; /* only collapsed headers */
}

void model_move(struct model *m, int delta)
{
	if (!model_selected(m))
		return model_select_line(m, 0);
	size_t at = m->sel_line;
	int step = delta < 0 ? -1 : 1;
	for (int left = abs(delta); left > 0; left--) {
		size_t i = at;
		do
			i = (size_t)((long)i + step);
		while (i < m->nlines && m->lines[i].kind != LINE_ROW);
		if (i >= m->nlines)
			break; /* clamped at the first or last row */
		at = i;
	}
	select_at(m, at);
}

void model_select_edge(struct model *m, bool last)
{
	model_select_line(m, last ? (m->nlines ? m->nlines - 1 : 0) : 0);
}

const struct row *model_selected(const struct model *m)
{
	if (!m->has_sel || m->sel_line >= m->nlines || m->lines[m->sel_line].kind != LINE_ROW)
		return NULL;
	return &m->rows[m->lines[m->sel_line].row];
}
