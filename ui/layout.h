/* layout.h - pure: terminal width -> which columns the list shows and how wide each is. */
#ifndef DEVPORTS_LAYOUT_H
#define DEVPORTS_LAYOUT_H

#include <stdbool.h>

enum col_id {
	COL_PORT,
	COL_PROTO,
	COL_PROCESS,
	COL_LABEL,
	COL_PROJECT,
	COL_PANE,
	COL_HEALTH,
	COL_PID,
	COL_USER,
	COL_ADDRESS,
	COL_UPTIME,
	COL_ID_COUNT
};

struct column_def {
	enum col_id id;
	const char *title;
	int min, pref, max; /* widths in columns */
	bool right;         /* right-aligned */
};

/* In priority order: a narrow terminal drops columns from the end of this table. */
extern const struct column_def layout_columns[COL_ID_COUNT];

enum { LAYOUT_MIN_W = 40, LAYOUT_MIN_H = 8, LAYOUT_MARGIN = 1, LAYOUT_GAP = 1 };

struct layout {
	bool too_small; /* below LAYOUT_MIN_W x LAYOUT_MIN_H: say so instead of drawing */
	int ncols;
	struct {
		enum col_id id;
		int x, w;
	} cols[COL_ID_COUNT]; /* left to right */
};

/* panes: some row runs in a tmux pane, so the PANE column is one to show; without it the
 * column is left out whatever the width. */
void layout_compute(int width, int height, bool panes, struct layout *out);

/* The same with the HEALTH column one to show too when health is true (a health check targets
 * some port: health.h); without it the column is left out whatever the width. */
void layout_compute_all(int width, int height, bool panes, bool health, struct layout *out);

/* The column's slot in a layout, or -1 when it is not shown. */
int layout_find(const struct layout *l, enum col_id id);

#endif
