/* theme.c - one table of colours with a monochrome fallback; NO_COLOR is respected. */
#include "theme.h"

#include <curses.h>
#include <stdbool.h>
#include <stdlib.h>

static const struct {
	short fg, bg; /* -1: the terminal's default */
	int attr;     /* added in colour and in monochrome */
	int mono;     /* used instead of the colour in monochrome */
} theme_table[ST_COUNT] = {
    [ST_NORMAL] = {-1, -1, A_NORMAL, A_NORMAL},
    [ST_TITLE] = {COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE},
    [ST_COLUMNS] = {COLOR_CYAN, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [ST_GROUP] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [ST_SELECTED] = {-1, -1, A_REVERSE, A_REVERSE},
    [ST_SELECTED_GONE] = {-1, -1, A_REVERSE | A_DIM, A_REVERSE | A_DIM},
    [ST_NEW] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [ST_GONE] = {-1, -1, A_DIM, A_DIM},
    [ST_DIM] = {-1, -1, A_DIM, A_DIM},
    [ST_LAN] = {COLOR_MAGENTA, -1, A_BOLD, A_BOLD},
    [ST_HINT] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [ST_STATUS] = {-1, -1, A_NORMAL, A_NORMAL},
    [ST_KEY] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [ST_ERROR] = {COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE},
    [ST_PAUSED] = {COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_REVERSE | A_BOLD},
};

static bool use_colour;

void theme_init(void)
{
	const char *no_color = getenv("NO_COLOR");
	use_colour = has_colors() && !(no_color && no_color[0]);
	if (!use_colour)
		return;
	start_color();
	use_default_colors();
	for (int i = 1; i < ST_COUNT; i++)
		init_pair((short)i, theme_table[i].fg, theme_table[i].bg);
}

int theme_attr(enum style st)
{
	if (st >= ST_COUNT)
		st = ST_NORMAL;
	if (!use_colour)
		return theme_table[st].mono;
	return theme_table[st].attr | (st ? (int)COLOR_PAIR(st) : 0);
}
