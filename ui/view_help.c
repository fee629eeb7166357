/* view_help.c - the help screen, generated from the key table. */
#include <stdio.h>

#include "keys.h"
#include "views.h"

void view_help_draw(const struct app *a, struct frame *f)
{
	(void)a;
	frame_put(f, 1, 2, f->w - 2, ST_GROUP, "devports keys");
	int y = 3;
	for (size_t i = 0; i < keys_table_len && y < f->h - 2; i++, y++) {
		frame_put(f, y, 2, 6, ST_KEY, keys_table[i].name);
		frame_put(f, y, 9, f->w - 9, ST_NORMAL, keys_table[i].help);
	}
	frame_put(f, f->h - 2, 2, f->w - 2, ST_DIM,
	          "new rows are bold for 5 s, gone ones dim for 5 s; LABEL? = a guess by port");
	frame_put(f, f->h - 1, 2, f->w - 2, ST_DIM, "any key returns to the list");
}
