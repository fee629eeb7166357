/* view.c - composes the screen: title, list, optional event pane, status line, key bar. */
#include "views.h"

enum { EVENTS_H = 7 };

/* Keeps the selected line inside the h visible lines of the list. */
static void scroll_to_selection(struct app *a, int h)
{
	size_t rows = h > 0 ? (size_t)h : 1, n = a->model.nlines;
	if (a->model.sel_line < a->scroll)
		a->scroll = a->model.sel_line;
	else if (a->model.sel_line >= a->scroll + rows)
		a->scroll = a->model.sel_line - rows + 1;
	if (a->scroll > 0 && a->scroll + rows > n)
		a->scroll = n > rows ? n - rows : 0;
	/* Show the group header above the first row when it is just out of view. */
	if (a->scroll == 1 && a->model.sel_line > 0 && a->model.sel_line < rows)
		a->scroll = 0;
	/* On the last row, show the folded group headers below it too. */
	bool last_row = true;
	for (size_t i = a->model.sel_line + 1; i < n && last_row; i++)
		last_row = a->model.lines[i].kind != LINE_ROW;
	if (last_row && n > rows && a->scroll < n - rows)
		a->scroll = n - rows;
}

void app_draw(struct app *a, struct frame *f)
{
	struct layout lay;
	frame_clear(f);
	layout_compute_all(f->w, f->h, model_any_pane(&a->model), a->health.n > 0, &lay);
	if (lay.too_small) {
		frame_put(f, 0, 0, f->w, ST_ERROR, "terminal too small");
		if (f->h > 1)
			frame_put(f, 1, 0, f->w, ST_DIM, "devports needs 40x8");
		return;
	}
	if (a->mode == MODE_HELP) {
		view_help_draw(a, f);
		return;
	}
	if (a->mode == MODE_DETAIL) {
		statusbar_draw_title(a, f);
		view_detail_draw(a, f, 1, f->h - 2 - statusbar_lines(a, f->w));
		statusbar_draw_bottom(a, f);
		return;
	}
	int events_h = a->show_events && f->h >= 16 ? EVENTS_H : 0;
	int list_h = f->h - 2 - statusbar_lines(a, f->w) - events_h; /* title, status, key bar */
	a->list_y = 2;
	a->list_h = list_h - 1;
	scroll_to_selection(a, a->list_h);
	statusbar_draw_title(a, f);
	view_list_draw(a, f, &lay, 1, list_h);
	if (events_h)
		view_events_draw(a, f, 1 + list_h, events_h);
	if (a->mode == MODE_KILL)
		view_kill_draw(a, f);
	statusbar_draw_bottom(a, f);
}
