/* frame.h - an off-screen grid of styled cells. Views draw here; ui.c paints a frame to the
 * terminal; tests turn it into text (frame_to_text) and compare with golden files. */
#ifndef DEVPORTS_FRAME_H
#define DEVPORTS_FRAME_H

#include <stdbool.h>
#include <stdint.h>

/* What a cell means; theme.c maps each to colours and attributes. */
enum style {
	ST_NORMAL = 0,
	ST_TITLE,         /* the top bar */
	ST_COLUMNS,       /* column titles */
	ST_GROUP,         /* a range header */
	ST_SELECTED,      /* the cursor's row */
	ST_SELECTED_GONE, /* the cursor on a tombstone */
	ST_NEW,           /* a row that appeared in the last 5 s */
	ST_GONE,          /* a tombstone */
	ST_DIM,           /* secondary text: pids, uptime, guesses */
	ST_LAN,           /* the LAN badge */
	ST_HINT,          /* a hint marker and its text */
	ST_STATUS,        /* the status line */
	ST_KEY,           /* a key in the key bar */
	ST_ERROR,         /* an error message */
	ST_PAUSED,        /* the PAUSED badge */
	ST_COUNT
};

struct cell {
	char ch[5]; /* one UTF-8 character, NUL-terminated; "" for the right half of a wide one */
	uint8_t style; /* enum style */
};

struct frame {
	int w, h;
	struct cell *cells; /* h rows of w cells */
};

/* Allocates a w x h frame of blanks. 0 or -ENOMEM. */
int frame_init(struct frame *f, int w, int h);
void frame_free(struct frame *f);
void frame_clear(struct frame *f);

/* Writes sanitized UTF-8 text at (y, x), in at most maxw columns (cut text ends in "…"); text
 * never spills past the frame's edge. Returns the number of columns written. */
int frame_put(struct frame *f, int y, int x, int maxw, enum style st, const char *text);
/* The same, right-aligned in a field of width w starting at x. */
int frame_put_right(struct frame *f, int y, int x, int w, enum style st, const char *text);
/* Sets the style of w cells from (y, x) without touching their characters. */
void frame_style(struct frame *f, int y, int x, int w, enum style st);

const struct cell *frame_at(const struct frame *f, int y, int x);

/* The frame as text, one line per row with trailing blanks trimmed; malloc'd, free() it. */
char *frame_to_text(const struct frame *f);

#endif
