/* statusbar.c - the title bar, the status line and the key bar. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "panes.h"
#include "sanitize.h"
#include "views.h"

/* "↑3 ↓8": how many list lines are above and below what the list shows. */
static void scroll_marks(const struct app *a, char *buf, size_t len)
{
	size_t n = a->model.nlines, shown = a->list_h > 0 ? (size_t)a->list_h : 0;
	size_t below = n > a->scroll + shown ? n - a->scroll - shown : 0;
	char up[16] = "", down[16] = "";
	if (a->mode == MODE_DETAIL) { /* the list is not on screen */
		buf[0] = '\0';
		return;
	}
	if (a->scroll)
		snprintf(up, sizeof up, "↑%zu ", a->scroll);
	if (below)
		snprintf(down, sizeof down, "↓%zu ", below);
	snprintf(buf, len, "%s%s", up, down);
}

void statusbar_draw_title(const struct app *a, struct frame *f)
{
	char left[160], right[64];
	size_t n = model_count_alive(&a->model);
	snprintf(left, sizeof left, " devports  %zu listening · %s · every %g s", n, a->backend,
	         a->interval);
	scroll_marks(a, right, sizeof right);
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

enum { STATUS_TEXT_MAX = HINTS_MAX * HINT_TEXT_MAX + 32, STATUS_LINES_MAX = 2 };

struct status {
	char text[STATUS_TEXT_MAX];
	enum style st;
	int marker; /* columns at the start drawn as a hint marker */
	bool wrap;  /* worth a second line when it does not fit in one: hints, errors */
};

/* The status line, most urgent first: the filter being typed, a fresh message, an error, the
 * selected row's watch when it is down, its hints, the selected row's tmux pane (which g goes to)
 * and command line, the hidden-owner note, then the selected row's command line. */
static void compose(const struct app *a, struct status *s)
{
	size_t hidden = model_count_hidden(&a->model);
	const struct row *sel = model_selected(&a->model);
	char *text = s->text;
	size_t len = sizeof s->text;
	*s = (struct status){.st = ST_STATUS};
	if (a->mode == MODE_FILTER) {
		snprintf(text, len, " / %s▏  Enter keeps · Esc clears", a->model.filter);
	} else if (a->status[0] && a->now < a->status_until) {
		snprintf(text, len, " %s", a->status);
		s->st = a->status_error ? ST_ERROR : ST_STATUS;
		s->wrap = a->status_error;
	} else if (a->error[0]) {
		snprintf(text, len, " %s", a->error);
		s->st = ST_ERROR;
		s->wrap = true;
	} else if (a->mode == MODE_KILL || a->mode == MODE_DETAIL) {
		/* the box or the view says everything about its listener */
	} else if (sel && sel->declared) {
		char down[160];
		model_down_text(&a->model, sel, down, sizeof down);
		snprintf(text, len, " %u: %s · d hides the declared ports", (unsigned)sel->l.port,
		         down);
		s->st = ST_DIM;
	} else if (sel && sel->held) {
		char down[160], port[16];
		model_down_text(&a->model, sel, down, sizeof down);
		watch_port_name(sel->l.port, sel->l.proto, port, sizeof port);
		snprintf(text, len, " watched %s is %s · w stops watching", port, down);
		s->st = ST_DIM;
	} else if (sel && model_row_hints(sel)->n) {
		char hints[HINTS_MAX * HINT_TEXT_MAX];
		hints_join(model_row_hints(sel), hints, sizeof hints);
		snprintf(text, len, " ! %u %s", (unsigned)sel->l.port, hints);
		s->marker = 2;
		s->wrap = true;
	} else if (sel && sel->l.owner_hidden && sel->l.owner_why != OWNER_NOT_READABLE) {
		/* not a matter of sudo: say what it is */
		snprintf(text, len, " :%u %s", (unsigned)sel->l.port,
		         owner_unknown_text[sel->l.owner_why]);
		s->wrap = true;
	} else if (sel && !sel->l.owner_hidden && sel->l.pane) {
		char target[PANE_TARGET_MAX]; /* g's target first: the key bar has no room for g */
		tmux_pane_target(sel->l.pane, target, sizeof target);
		snprintf(text, len, " g → tmux %s · %s", target, sel->l.proc->cmdline);
		s->st = ST_DIM;
	} else if (hidden) {
		size_t denied = model_count_hidden_by(&a->model, OWNER_NOT_READABLE);
		snprintf(text, len, " %zu owner%s hidden%s", hidden, hidden == 1 ? "" : "s",
		         a->suggest_sudo && denied ? " — run with sudo to see all owners" : "");
	} else if (a->model.filter[0]) {
		snprintf(text, len, " filter: %s (/ edits, Esc clears)", a->model.filter);
	} else if (sel && !sel->l.owner_hidden) {
		snprintf(text, len, " %s", sel->l.proc->cmdline);
		s->st = ST_DIM;
	}
}

int statusbar_lines(const struct app *a, int w)
{
	struct status s;
	compose(a, &s);
	return s.wrap && sanitize_width(s.text) > w ? STATUS_LINES_MAX : 1;
}

/* The longest start of text, cut after a word, that fits in w columns: its length in bytes (0
 * when even the first word does not fit). */
static size_t fitting_words(const char *text, int w)
{
	char prefix[STATUS_TEXT_MAX];
	size_t best = 0;
	for (size_t i = 1; text[i]; i++) {
		if (text[i] != ' ' || text[i - 1] == ' ')
			continue;
		memcpy(prefix, text, i);
		prefix[i] = '\0';
		if (sanitize_width(prefix) > w)
			break;
		best = i;
	}
	return best;
}

/* The status text on `lines` lines from y: cut between words, the rest indented under the text
 * after the marker, the last line ending in "…" if it still does not fit. */
static void status_draw(const struct app *a, struct frame *f, int y, int lines)
{
	struct status s;
	compose(a, &s);
	const char *text = s.text;
	int indent = 0;
	for (int i = 0; i < lines; i++) {
		size_t cut = i + 1 < lines ? fitting_words(text, f->w - indent) : 0;
		if (cut == 0) {
			frame_put(f, y + i, indent, f->w - indent, s.st, text);
			break;
		}
		char part[STATUS_TEXT_MAX];
		memcpy(part, text, cut);
		part[cut] = '\0';
		frame_put(f, y + i, indent, f->w - indent, s.st, part);
		for (text += cut; *text == ' '; text++)
			;
		indent = s.marker ? s.marker + 1 : 1;
	}
	frame_style(f, y, 0, s.marker, ST_HINT);
}

/* The keys of the current mode that have a word for the bar (the filter and the help screen
 * show the list's). */
static void key_bar(const struct app *a, struct frame *f, int y)
{
	int x = 1;
	enum app_mode mode = a->mode == MODE_KILL || a->mode == MODE_DETAIL ? a->mode : MODE_LIST;
	for (size_t i = 0; i < keys_table_len && x < f->w; i++) {
		const struct key_binding *b = &keys_table[i];
		if (!b->bar || b->mode != mode)
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
	int lines = statusbar_lines(a, f->w);
	status_draw(a, f, f->h - 1 - lines, lines);
	key_bar(a, f, f->h - 1);
}
