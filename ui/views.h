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

/* Uptime in a few columns: "<1m", "12m", "5h", "3d". */
void view_format_uptime(int64_t seconds, char *buf, size_t len);

#endif
