/* app.h - the dashboard's state and what keys do to it. No curses here: key handlers and views
 * are driven by tests without a terminal; ui.c owns the terminal and the clock. */
#ifndef DEVPORTS_APP_H
#define DEVPORTS_APP_H

#include <stdbool.h>
#include <time.h>

#include "frame.h"
#include "model.h"
#include "platform.h"
#include "snapshot.h"

enum app_mode { MODE_LIST, MODE_FILTER, MODE_HELP };

/* What the loop does after a key: nothing, draw again, poll now, or leave. */
enum reaction { REACT_NONE, REACT_REDRAW, REACT_RESCAN, REACT_QUIT };

struct app {
	struct model model;
	struct platform *platform; /* NULL in tests that feed snapshots by hand */
	struct snapshot snap;      /* the latest snapshot */
	char backend[64];          /* "linux netlink" */
	double interval;           /* seconds between polls */

	enum app_mode mode;
	bool paused;      /* p: the list freezes, keys still work */
	bool show_events; /* e: the event log pane */
	bool suggest_sudo; /* hidden owners would show with root: not root, not a demo */

	char status[256]; /* a transient message ("sort: process"), shown until status_until */
	double status_until;
	bool status_error; /* the message is a warning (drawn as an error) */
	char error[256];  /* the last poll error; "" when the last poll worked */

	double now; /* monotonic seconds, set by the loop before keys and draws */
	time_t wall;

	/* Set by the last draw, for the mouse and PgUp/PgDn. */
	size_t scroll;      /* first model line shown */
	int list_y, list_h; /* where the list is on screen */
};

void app_init(struct app *a, double interval);
void app_free(struct app *a);

/* Polls the platform and merges the result (unless paused). Returns true when the view changed. */
bool app_poll(struct app *a);
/* Merges a snapshot taken elsewhere (tests, the fake backend). Takes ownership of its storage. */
bool app_apply(struct app *a, struct snapshot *s);

/* Shows a transient message in the status line for a few seconds. */
void app_say(struct app *a, const char *msg);
/* The same for a warning, drawn as an error, for `seconds` from a->now. */
void app_warn(struct app *a, const char *msg, double seconds);

struct config;
/* Uses the config (config.h; NULL: none) for labels, hints and hide rules, and for the dashboard's
 * defaults: sort, UDP, the dynamic group, and the interval unless the command line gave one
 * (interval_given). cfg is not copied: it must outlive the app. A config that was ignored
 * (cfg->error) or had warnings says so in the status line for CONFIG_NOTICE_SECONDS from a->now. */
void app_use_config(struct app *a, const struct config *cfg, bool interval_given);
enum { CONFIG_NOTICE_SECONDS = 10 };

/* A key (curses key code, see keys.c). */
enum reaction app_key(struct app *a, int key);
/* A mouse click at screen row y. */
enum reaction app_click(struct app *a, int y);

/* Draws the whole screen for the current mode. Adjusts scroll so the selection is visible. */
void app_draw(struct app *a, struct frame *f);

#endif
