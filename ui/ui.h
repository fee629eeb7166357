/* ui.h - the live dashboard: the only layer that includes curses. */
#ifndef DEVPORTS_UI_H
#define DEVPORTS_UI_H

#include <stdbool.h>

#include "platform.h"

struct config;

struct ui_opts {
	double interval;             /* seconds between polls; 0 = the config's or the default */
	const struct config *config; /* the user's config as loaded; never NULL */
	bool demo;                   /* p plays a scenario: no sudo advice */
};

/* Runs the dashboard on p (opened by the caller, who closes it afterwards) until the user quits;
 * returns the exit code: 0, 2 on a fatal error, 128 + N after signal N. The terminal is restored
 * on every way out (q, SIGINT, SIGTERM, SIGHUP, a fatal error). */
int ui_main(struct platform *p, const struct ui_opts *o);

#endif
