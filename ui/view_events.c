/* view_events.c - the event log pane: newest at the bottom. */
#include "views.h"

void view_events_draw(const struct app *a, struct frame *f, int y, int h)
{
	const struct model *m = &a->model;
	frame_put(f, y, 0, f->w, ST_DIM, "── events ");
	for (int x = 11; x < f->w; x++)
		frame_put(f, y, x, 1, ST_DIM, "─");
	int lines = h - 1;
	size_t first = m->nevents > (size_t)lines ? m->nevents - (size_t)lines : 0;
	if (m->nevents == 0 && lines > 0)
		frame_put(f, y + 1, 1, f->w - 1, ST_DIM,
		          "no listener has appeared or vanished yet");
	for (size_t i = first; i < m->nevents; i++) {
		char text[160];
		const struct model_event *e = model_event_at(m, i);
		model_event_format(e, text, sizeof text);
		frame_put(f, y + 1 + (int)(i - first), 1, f->w - 1,
		          e->added || e->note[0] ? ST_NORMAL : ST_DIM, text);
	}
}
