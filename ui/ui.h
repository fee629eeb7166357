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

struct app;
/* Writes the bytes the app queued for the terminal (a->tty_out: y's OSC 52) to fd, whole, and
 * empties the queue. The loop calls it after each refresh, so that they never fall inside curses'
 * output. 0, or a negative errno (the queue is emptied anyway: a copy is not retried). */
int ui_send_pending(struct app *a, int fd);

#endif
