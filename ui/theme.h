/* theme.h - styles -> curses colour pairs and attributes, from one table. */
#ifndef DEVPORTS_THEME_H
#define DEVPORTS_THEME_H

#include "frame.h"

/* Sets up colours: the table's colours when the terminal has them and NO_COLOR is not set,
 * attributes alone (bold, dim, reverse) otherwise. Call after initscr(). */
void theme_init(void);
/* The curses attributes for a style (colour pair included). */
int theme_attr(enum style st);

#endif
