/* statusbar.c - the title bar, the status line and the key bar. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "sanitize.h"
#include "views.h"

void statusbar_draw_title(const struct app *a, struct frame *f)
{
	char left[160], right[64];
	size_t n = model_count_alive(&a->model);
	snprintf(left, sizeof left, " devports  %zu listening · %s · %g s", n, a->backend,
	         a->interval);
	snprintf(right, sizeof right, "? help  q quit ");
	frame_style(f, 0, 0, f->w, ST_TITLE);
	int used = frame_put(f, 0, 0, f->w, ST_TITLE, left);
	if (a->paused && used + 9 < f->w) {
		frame_put(f, 0, used + 2, 6, ST_PAUSED, "PAUSED");
		used += 8;
	}
	int rw = sanitize_width(right);
	if (used + rw + 2 <= f->w)
		frame_put(f, 0, f->w - rw, rw, ST_TITLE, right);
}

/* The status line, most urgent first: the filter being typed, a fresh message, an error, the
 * hidden-owner note, then where the selected row listens. */
static void status_line(const struct app *a, struct frame *f, int y)
{
	char text[512];
	enum style st = ST_STATUS;
	size_t hidden = model_count_hidden(&a->model);
	const struct row *sel = model_selected(&a->model);
	if (a->mode == MODE_FILTER) {
		snprintf(text, sizeof text, " / %s▏  Enter keeps · Esc clears", a->model.filter);
	} else if (a->status[0] && a->now < a->status_until) {
		snprintf(text, sizeof text, " %s", a->status);
	} else if (a->error[0]) {
		snprintf(text, sizeof text, " %s", a->error);
		st = ST_ERROR;
	} else if (hidden) {
		snprintf(text, sizeof text, " %zu owner%s hidden — run with sudo to see all owners",
		         hidden, hidden == 1 ? "" : "s");
	} else if (a->model.filter[0]) {
		snprintf(text, sizeof text, " filter: %s (/ edits, Esc clears)", a->model.filter);
	} else if (sel && !sel->l.owner_hidden) {
		snprintf(text, sizeof text, " %s", sel->l.proc.cmdline);
		st = ST_DIM;
	} else {
		text[0] = '\0';
	}
	frame_put(f, y, 0, f->w, st, text);
}

static void key_bar(struct frame *f, int y)
{
	int x = 1;
	for (size_t i = 0; i < keys_table_len && x < f->w; i++) {
		const struct key_binding *b = &keys_table[i];
		if (!b->bar)
			continue;
		int need = sanitize_width(b->name) + 1 + sanitize_width(b->bar);
		if (x + need > f->w)
			break;
		x += frame_put(f, y, x, f->w - x, ST_KEY, b->name) + 1;
		x += frame_put(f, y, x, f->w - x, ST_DIM, b->bar) + 2;
	}
}

void statusbar_draw_bottom(const struct app *a, struct frame *f)
{
	status_line(a, f, f->h - 2);
	key_bar(f, f->h - 1);
}
