/* ui.h - the live dashboard: the only layer that includes curses. */
#ifndef DEVPORTS_UI_H
#define DEVPORTS_UI_H

#include "cli.h"

/* Runs the dashboard until the user quits; returns the exit code. The terminal is restored on
 * every way out (q, SIGINT, SIGTERM, SIGHUP, a fatal error). */
int ui_main(const struct cli_opts *o);

#endif
