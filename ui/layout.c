/* layout.c - columns by priority: add them while their preferred widths fit, then share what is
 * left among the columns that can grow. No terminal needed: tests call it with any width. */
#include "layout.h"

#include <stddef.h>

const struct column_def layout_columns[COL_ID_COUNT] = {
    [COL_PORT] = {COL_PORT, "PORT", 5, 5, 5, true},
    [COL_PROTO] = {COL_PROTO, "PROTO", 3, 5, 5, false},
    [COL_PROCESS] = {COL_PROCESS, "PROCESS", 7, 10, 16, false},
    [COL_LABEL] = {COL_LABEL, "LABEL", 7, 14, 24, false}, /* room for " !" */
    [COL_PROJECT] = {COL_PROJECT, "PROJECT", 7, 10, 16, false},
    /* "work:2.1", the session's name cut first; only with tmux panes (before the pid: in
     * tmux, which pane runs a server says more than its pid) */
    [COL_PANE] = {COL_PANE, "PANE", 4, 8, 16, false},
    /* "ok 12ms", "500", "slow 840ms", "down"; only with health checks (health.h) */
    [COL_HEALTH] = {COL_HEALTH, "HEALTH", 6, 10, 12, false},
    [COL_PID] = {COL_PID, "PID", 7, 7, 7, true},
    [COL_USER] = {COL_USER, "USER", 4, 6, 15, false},
    [COL_ADDRESS] = {COL_ADDRESS, "ADDRESS", 9, 15, 26, false},
    [COL_UPTIME] = {COL_UPTIME, "UP", 4, 4, 5, true},
};

/* Port, protocol, process and label are never dropped (they fit at 40 columns). */
enum { ALWAYS_SHOWN = 4 };

void layout_compute(int width, int height, bool panes, struct layout *out)
{
	layout_compute_all(width, height, panes, false, out);
}

void layout_compute_all(int width, int height, bool panes, bool health, struct layout *out)
{
	int w[COL_ID_COUNT] = {0};
	int n = 0, used = LAYOUT_MARGIN;
	*out = (struct layout){.too_small = width < LAYOUT_MIN_W || height < LAYOUT_MIN_H};
	if (out->too_small)
		return;
	int ids[COL_ID_COUNT];
	for (int i = 0; i < COL_ID_COUNT; i++) {
		const struct column_def *c = &layout_columns[i];
		if ((c->id == COL_PANE && !panes) || (c->id == COL_HEALTH && !health))
			continue;
		int gap = n ? LAYOUT_GAP : 0, cw = c->pref;
		if (used + gap + cw > width) {
			/* Keep the essential ones at their minimum; drop the rest. */
			if (i >= ALWAYS_SHOWN)
				break;
			cw = c->min;
		}
		ids[n] = i;
		w[n++] = cw;
		used += gap + cw;
	}
	/* Share what is left: each column in turn up to its maximum, first those whose text is most
	 * often cut (labels, names, users, addresses), then the rest. */
	static const enum col_id growth[] = {COL_LABEL,   COL_PROCESS, COL_USER,
	                                     COL_ADDRESS, COL_PROJECT, COL_PANE,
	                                     COL_HEALTH,  COL_PROTO,   COL_UPTIME};
	for (size_t g = 0; g < sizeof growth / sizeof growth[0] && used < width; g++) {
		for (int i = 0; i < n; i++) {
			if (ids[i] != (int)growth[g])
				continue;
			while (w[i] < layout_columns[ids[i]].max && used < width) {
				w[i]++;
				used++;
			}
		}
	}
	int x = LAYOUT_MARGIN;
	for (int i = 0; i < n; i++) {
		out->cols[i].id = layout_columns[ids[i]].id;
		out->cols[i].x = x;
		out->cols[i].w = w[i];
		x += w[i] + LAYOUT_GAP;
	}
	out->ncols = n;
}

int layout_find(const struct layout *l, enum col_id id)
{
	for (int i = 0; i < l->ncols; i++)
		if (l->cols[i].id == id)
			return i;
	return -1;
}
