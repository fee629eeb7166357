/* view_list.c - the column titles and the grouped rows. */
#include <stdio.h>
#include <string.h>

#include "health.h"
#include "panes.h"
#include "sanitize.h"
#include "views.h"

void view_format_uptime(int64_t s, char *buf, size_t len)
{
	if (s < 0)
		snprintf(buf, len, "?");
	else if (s < 60)
		snprintf(buf, len, "<1m");
	else if (s < 3600)
		snprintf(buf, len, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh", (long long)(s / 3600));
	else
		snprintf(buf, len, "%lldd", (long long)(s / 86400));
}

static void draw_header(const struct model_line *ln, struct frame *f, int y)
{
	char text[128];
	const struct range_def *r = &ranges_table[ln->range];
	size_t folded = ln->total - ln->shown; /* the folded group, or rows the config hides */
	if (ln->collapsed)
		snprintf(text, sizeof text, "▸ %s %u–%u (%zu hidden, a shows)", r->name, r->lo,
		         r->hi, folded);
	else if (folded)
		snprintf(text, sizeof text, "▾ %s %u–%u (%zu, %zu hidden, a shows)", r->name, r->lo,
		         r->hi, ln->total, folded);
	else
		snprintf(text, sizeof text, "▾ %s %u–%u (%zu)", r->name, r->lo, r->hi, ln->total);
	frame_put(f, y, 1, f->w - 1, ST_GROUP, text);
}

/* The style of a HEALTH cell. */
static enum style health_style(enum health_state st)
{
	static const enum style styles[HEALTH_STATE_COUNT] = {
	    [HEALTH_PENDING] = ST_DIM,   [HEALTH_OK] = ST_NORMAL,  [HEALTH_SLOW] = ST_HINT,
	    [HEALTH_FAILING] = ST_ERROR, [HEALTH_DOWN] = ST_ERROR, [HEALTH_ERROR] = ST_ERROR,
	};
	return styles[st];
}

/* The text of one cell and the style it is drawn in (before row-wide styles apply). */
static enum style cell(const struct app *a, const struct row *r, enum col_id id, int w, char *buf,
                       size_t len)
{
	const struct listener *l = &r->l;
	switch (id) {
	case COL_PORT:
		snprintf(buf, len, "%u", (unsigned)l->port);
		return ST_NORMAL;
	case COL_PROTO:
		snprintf(buf, len, "%s", listener_proto_name(l));
		return ST_DIM;
	case COL_PROCESS:
		listener_process_str(l, buf, len);
		return l->owner_hidden ? ST_DIM : ST_NORMAL;
	case COL_LABEL:
		snprintf(buf, len, "%s%s", r->label.text, r->label.source == LABEL_PORT ? "?" : "");
		return r->label.source == LABEL_PORT ? ST_DIM : ST_NORMAL;
	case COL_PROJECT:
		snprintf(buf, len, "%s", r->project);
		return ST_NORMAL;
	case COL_PANE:
		if (l->pane)
			tmux_pane_cell(l->pane, w, buf, len);
		else
			buf[0] = '\0';
		return ST_NORMAL;
	case COL_HEALTH:
		return health_style(l->proto == PROTO_TCP
		                        ? health_board_cell(&a->health, l->port, buf, len)
		                        : (buf[0] = '\0', HEALTH_PENDING));
	case COL_PID:
		if (l->owner_hidden)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%ld", (long)l->proc->id.pid);
		return ST_DIM;
	case COL_USER:
		snprintf(buf, len, "%s", l->proc->user);
		return ST_DIM;
	case COL_ADDRESS:
		listener_addr_str(l, buf, len);
		return ST_NORMAL;
	case COL_UPTIME:
		if (l->proc->start_time > 0 && !l->owner_hidden)
			view_format_uptime((int64_t)(a->wall - l->proc->start_time), buf, len);
		else
			buf[0] = '\0';
		return ST_DIM;
	case COL_ID_COUNT:
		break;
	}
	buf[0] = '\0';
	return ST_NORMAL;
}

static bool on_lan(const struct listener *l)
{
	return listener_is_wildcard(l) || !listener_is_loopback(l);
}

/* A watched port that is down: its port and protocol, then what is known of it. */
static void draw_down_row(const struct app *a, const struct row *r, struct frame *f,
                          const struct layout *lay, int y, bool selected)
{
	char text[PROC_CMDLINE_MAX];
	int x = 1;
	for (int c = 0; c < lay->ncols && c < 2; c++) { /* PORT and PROTO */
		x = lay->cols[c].x;
		enum style st = cell(a, r, lay->cols[c].id, lay->cols[c].w, text, sizeof text);
		if (layout_columns[lay->cols[c].id].right)
			frame_put_right(f, y, x, lay->cols[c].w, st, text);
		else
			frame_put(f, y, x, lay->cols[c].w, st, text);
		x += lay->cols[c].w + LAYOUT_GAP;
	}
	char down[160];
	model_down_text(&a->model, r, down, sizeof down);
	snprintf(text, sizeof text, "— %s", down);
	frame_put(f, y, x, f->w - x, ST_GONE, text);
	frame_put(f, y, 0, 1, ST_GONE, "◉");
	frame_style(f, y, 0, f->w, selected ? ST_SELECTED_GONE : ST_GONE);
}

static void draw_row(const struct app *a, const struct row *r, struct frame *f,
                     const struct layout *lay, int y, bool selected)
{
	if (r->held) {
		draw_down_row(a, r, f, lay, y, selected);
		return;
	}
	for (int c = 0; c < lay->ncols; c++) {
		char text[PROC_CMDLINE_MAX];
		int x = lay->cols[c].x, w = lay->cols[c].w;
		enum col_id id = lay->cols[c].id;
		enum style st = cell(a, r, id, w, text, sizeof text);
		if (id == COL_LABEL && model_row_hints(r)->n && w >= 3) {
			/* The hint marker right after the label, which gives way to keep it. */
			int used = frame_put(f, y, x, w - 2, st, text);
			frame_put(f, y, x + used + 1, 1, ST_HINT, "!");
		} else if (id == COL_PROCESS && r->l.nholders > 1 && sanitize_width(text) > w) {
			/* A shared socket's count keeps its place; the name gets what is left. */
			char count[16];
			snprintf(count, sizeof count, " ×%u", (unsigned)r->l.nholders);
			int cw = sanitize_width(count);
			int used = frame_put(f, y, x, w > cw ? w - cw : 0, st, r->l.proc->comm);
			frame_put(f, y, x + used, w - used, st, count);
		} else if (id == COL_ADDRESS && on_lan(&r->l) && w >= 9) {
			/* The badge keeps its place; the address gets what is left. */
			frame_put(f, y, x, w - 4, st, text);
			frame_put(f, y, x + w - 3, 3, ST_LAN, "LAN");
		} else if (layout_columns[id].right) {
			frame_put_right(f, y, x, w, st, text);
		} else {
			frame_put(f, y, x, w, st, text);
		}
	}
	/* A mark in the margin says it without colour too: + new, - gone. */
	if (model_row_is_gone(r))
		frame_put(f, y, 0, 1, ST_GONE, "-");
	else if (model_row_is_new(r, a->now))
		frame_put(f, y, 0, 1, ST_NEW, "+");
	else if (model_row_watched(&a->model, r))
		frame_put(f, y, 0, 1, ST_NORMAL, "◉");
	if (selected)
		frame_style(f, y, 0, f->w, model_row_is_gone(r) ? ST_SELECTED_GONE : ST_SELECTED);
	else if (model_row_is_gone(r))
		frame_style(f, y, 0, f->w, ST_GONE);
	else if (model_row_is_new(r, a->now))
		frame_style(f, y, 0, f->w, ST_NEW);
}

void view_list_draw(const struct app *a, struct frame *f, const struct layout *lay, int y, int h)
{
	for (int c = 0; c < lay->ncols; c++) {
		const struct column_def *d = &layout_columns[lay->cols[c].id];
		if (d->right)
			frame_put_right(f, y, lay->cols[c].x, lay->cols[c].w, ST_COLUMNS, d->title);
		else
			frame_put(f, y, lay->cols[c].x, lay->cols[c].w, ST_COLUMNS, d->title);
	}
	frame_style(f, y, 0, f->w, ST_COLUMNS);
	const struct model *m = &a->model;
	const struct row *sel = model_selected(m);
	if (m->nlines == 0 && h > 1) {
		const char *why = m->filter[0]  ? "nothing matches the filter (Esc clears it)"
		                  : !m->primed  ? "reading listeners…"
		                  : m->hide_udp ? "no TCP listeners (u shows UDP)"
		                                : "nothing is listening";
		frame_put(f, y + 2, 2, f->w - 2, ST_DIM, why);
		return;
	}
	for (int i = 1; i < h; i++) {
		size_t line = a->scroll + (size_t)(i - 1);
		if (line >= m->nlines)
			break;
		const struct model_line *ln = &m->lines[line];
		if (ln->kind == LINE_HEADER) {
			draw_header(ln, f, y + i);
			continue;
		}
		const struct row *r = &m->rows[ln->row];
		draw_row(a, r, f, lay, y + i, r == sel);
	}
}
