/* view_help.c - the help screen, generated from the key table: every key of the list, one line
 * each (two short ones share a line when the screen is too short for that), then one line for
 * the keys of the kill box and one for inspect. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "sanitize.h"
#include "views.h"

static const struct {
	enum app_mode mode;
	const char *title;
} other_modes[] = {
    {MODE_KILL, "in the kill box:"},
    {MODE_DETAIL, "in inspect:"},
};
enum { OTHER_MODES = sizeof other_modes / sizeof other_modes[0] };

/* "y stop it · K force · n cancel": the keys of a mode that the key bar names. */
static void mode_keys(enum app_mode mode, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < keys_table_len && o < len; i++) {
		const struct key_binding *b = &keys_table[i];
		if (b->mode == mode && b->bar)
			o += (size_t)snprintf(buf + o, len - o, "%s%s %s", o ? " · " : "", b->name,
			                      b->bar);
	}
}

/* The next binding of the list from i on (keys_table_len when none). */
static size_t next_list_key(size_t i)
{
	while (i < keys_table_len && keys_table[i].mode != MODE_LIST)
		i++;
	return i;
}

/* Whether b's line fits in half of a w-wide screen (two of them may share a line). */
static bool fits_half(const struct key_binding *b, int w)
{
	return 7 + sanitize_width(b->help) <= w / 2 - 3;
}

static void key_line(struct frame *f, int y, int x, int w, const struct key_binding *b)
{
	frame_put(f, y, x, 6, ST_KEY, b->name);
	frame_put(f, y, x + 7, w - 7, ST_NORMAL, b->help);
}

void view_help_draw(const struct app *a, struct frame *f)
{
	(void)a;
	char text[256];
	frame_put(f, 0, 2, f->w - 2, ST_GROUP, "devports keys");
	int y = 1, last = f->h - 1 - OTHER_MODES; /* the mode lines and the footer stay */
	size_t nlist = 0;
	for (size_t i = next_list_key(0); i < keys_table_len; i = next_list_key(i + 1))
		nlist++;
	/* When one line a key does not fit, two neighbours with short help share a line. */
	bool pack = (int)nlist > last - y;
	for (size_t i = next_list_key(0); i < keys_table_len && y < last; y++) {
		size_t j = next_list_key(i + 1);
		if (pack && j < keys_table_len && fits_half(&keys_table[i], f->w) &&
		    fits_half(&keys_table[j], f->w)) {
			key_line(f, y, 2, f->w / 2 - 2, &keys_table[i]);
			key_line(f, y, f->w / 2, f->w - f->w / 2, &keys_table[j]);
			j = next_list_key(j + 1);
		} else {
			key_line(f, y, 2, f->w - 2, &keys_table[i]);
		}
		i = j;
	}
	for (size_t m = 0; m < OTHER_MODES; m++, y++) {
		mode_keys(other_modes[m].mode, text, sizeof text);
		int w = frame_put(f, y, 2, f->w - 2, ST_GROUP, other_modes[m].title);
		frame_put(f, y, 3 + w, f->w - 3 - w, ST_NORMAL, text);
	}
	frame_put(f, f->h - 1, 2, f->w - 2, ST_DIM,
	          "any key returns · bold = new for 5 s, dim = gone · LABEL? = a guess by port");
}
