/* views.h - each view draws one part of the screen into a frame, from a read-only app. */
#ifndef DEVPORTS_VIEWS_H
#define DEVPORTS_VIEWS_H

#include "app.h"
#include "frame.h"
#include "layout.h"

/* The list: column titles at y, then rows from y + 1 to y + h - 1, starting at a->scroll. */
void view_list_draw(const struct app *a, struct frame *f, const struct layout *lay, int y, int h);
/* The event log pane: a rule at y, then the newest events that fit in h - 1 lines. */
void view_events_draw(const struct app *a, struct frame *f, int y, int h);
/* The help screen, generated from the key table. */
void view_help_draw(const struct app *a, struct frame *f);
/* The top bar (row 0). */
void statusbar_draw_title(const struct app *a, struct frame *f);
/* The status line (row h-2, or rows h-3 and h-2, see statusbar_lines) and the key bar (h-1). */
void statusbar_draw_bottom(const struct app *a, struct frame *f);
/* How many lines the status text takes at width w: 2 for a hint or an error too long for one
 * (the list gives up a line while it shows), else 1. */
int statusbar_lines(const struct app *a, int w);

/* The kill box over the list (MODE_KILL): the captured target, its state, what the keys do. */
void view_kill_draw(const struct app *a, struct frame *f);
/* The inspect view (MODE_DETAIL) below the title bar, above the status line. */
void view_detail_draw(const struct app *a, struct frame *f, int y, int h);

/* Uptime in a few columns: "<1m", "12m", "5h", "3d". */
void view_format_uptime(int64_t seconds, char *buf, size_t len);
/* A longer one: "40 s", "12m", "2h 13m", "3d 4h". */
void view_format_duration(int64_t seconds, char *buf, size_t len);

/* Writes text on up to max_lines lines of w columns from (y, x), breaking after a space when one
 * is near, else anywhere; the last line ends in "…" when text goes on. f NULL only counts. Returns
 * the lines used (0 for ""). */
int view_wrap(struct frame *f, int y, int x, int w, int max_lines, enum style st, const char *text);

#endif
