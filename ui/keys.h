/* keys.h - every key of the dashboard, in one table; the help screen is generated from it. */
#ifndef DEVPORTS_KEYS_H
#define DEVPORTS_KEYS_H

#include "app.h"

enum { KEYS_PER_BINDING = 3 };

struct key_binding {
	enum app_mode mode;         /* where it works: the list, the kill box or inspect */
	int keys[KEYS_PER_BINDING]; /* curses key codes; 0 ends the list */
	const char *name;           /* as shown in help and the key bar: "↑/↓", "/" */
	const char *help;           /* one line for the help screen */
	const char *bar; /* the word in the key bar ("filter"), or NULL: not in the bar */
	enum reaction (*run)(struct app *a);
};

extern const struct key_binding keys_table[];
extern const size_t keys_table_len;

/* The binding for a key in a mode (MODE_LIST, MODE_KILL, MODE_DETAIL), or NULL. */
const struct key_binding *keys_find(enum app_mode mode, int key);

/* Keys while typing a filter: printable text is added, Backspace deletes, Enter keeps the
 * filter, Esc clears it. */
enum reaction keys_filter_input(struct app *a, int key);

#endif
