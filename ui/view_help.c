/* view_help.c - the help screen, generated from the key table: every key of the list, one line
 * each, then one line for the keys of the kill box and one for inspect. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
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

void view_help_draw(const struct app *a, struct frame *f)
{
	(void)a;
	char text[256];
	frame_put(f, 0, 2, f->w - 2, ST_GROUP, "devports keys");
	int y = 1, last = f->h - 1 - OTHER_MODES; /* the mode lines and the footer stay */
	for (size_t i = 0; i < keys_table_len && y < last; i++) {
		const struct key_binding *b = &keys_table[i];
		if (b->mode != MODE_LIST)
			continue;
		frame_put(f, y, 2, 6, ST_KEY, b->name);
		frame_put(f, y, 9, f->w - 9, ST_NORMAL, b->help);
		y++;
	}
	for (size_t m = 0; m < OTHER_MODES; m++, y++) {
		mode_keys(other_modes[m].mode, text, sizeof text);
		int w = frame_put(f, y, 2, f->w - 2, ST_GROUP, other_modes[m].title);
		frame_put(f, y, 3 + w, f->w - 3 - w, ST_NORMAL, text);
	}
	frame_put(f, f->h - 1, 2, f->w - 2, ST_DIM,
	          "any key returns · bold = new for 5 s, dim = gone · LABEL? = a guess by port");
}
