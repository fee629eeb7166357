/* app.h - the dashboard's state and what keys do to it. No curses here: key handlers and views
 * are driven by tests without a terminal; ui.c owns the terminal and the clock. */
#ifndef DEVPORTS_APP_H
#define DEVPORTS_APP_H

#include <stdbool.h>
#include <time.h>

#include "frame.h"
#include "health.h"
#include "kill.h"
#include "model.h"
#include "platform.h"
#include "snapshot.h"

/* MODE_KILL: the kill box over the list; MODE_DETAIL: the inspect view. */
enum app_mode { MODE_LIST, MODE_FILTER, MODE_HELP, MODE_KILL, MODE_DETAIL, MODE_COUNT };

struct detail; /* what the inspect view shows (detail.h) */

enum { APP_NOTICES_MAX = 8 };

/* A watched port's change, for ui.c to ring the bell for and, when osc, to send as a desktop
 * notification (OSC 9 and OSC 777) between two frames. */
struct app_notice {
	char text[WATCH_TEXT_MAX];
	bool osc; /* not told through tmux (outside tmux, or tmux could not be run) */
};

/* What the loop does after a key: nothing, draw again, poll now, or leave. */
enum reaction { REACT_NONE, REACT_REDRAW, REACT_RESCAN, REACT_QUIT };

struct app {
	struct model model;
	struct platform *platform; /* NULL in tests that feed snapshots by hand */
	struct snapshot snap;      /* the latest snapshot */
	double snap_at;            /* monotonic time it was taken */
	struct snapshot next;      /* app_poll's scratch: its storage is kept from poll to poll */
	char backend[64];          /* "linux netlink" */
	double interval;           /* seconds between polls */

	enum app_mode mode;
	bool paused;       /* p: the list freezes, keys still work */
	bool show_events;  /* e: the event log pane */
	bool suggest_sudo; /* hidden owners would show with root: not root, not a demo */

	char status[256]; /* a transient message ("sort: process"), shown until status_until */
	double status_until;
	bool status_error; /* the message is a warning (drawn as an error) */
	char error[256];   /* the last poll error; "" when the last poll worked */

	double now; /* monotonic seconds, set by the loop before keys and draws */
	time_t wall;

	/* The latest kill: in its box (MODE_KILL), under way behind the list, or finished. Its
	 * target was captured when k was pressed: refreshes never change it. */
	struct kill_job kill;
	unsigned kill_seen;        /* kill.news already reported */
	enum app_mode kill_return; /* the mode the box returns to (the list or inspect) */
	struct kill_guard guard;   /* devports and its shell: never signalled */
	struct detail *detail;     /* MODE_DETAIL's content; NULL otherwise */
	bool poll_now;             /* poll at the loop's next turn (a kill just ended) */

	/* Bytes for the terminal itself, not for the screen (y's OSC 52): ui.c writes them between
	 * frames, after a refresh, then empties this (ui_send_pending). */
	char tty_out[256];
	size_t tty_out_len;

	/* Watched ports' changes not yet rung for (ui.c takes them); the oldest go first when more
	 * come at once than fit. */
	struct app_notice notices[APP_NOTICES_MAX];
	size_t nnotices;

	/* The config the model reads: the user's, with the project maps in effect (project_map.h:
	 * its projects and every .devports.yml of the listeners' projects and the current
	 * directory), built again when one of those files changes (app_projects.c). */
	struct config *cfg_view;
	struct project_maps *maps;
	uint64_t maps_hash;
	double maps_at; /* when the project folders are walked again */
	char cwd[512];
	/* Health checks (health.h): the board the HEALTH column and inspect show, filled by the
	 * runner from app_tick (ui/app_health.c); tests fill it by hand (health_board_set and
	 * health_board_record: the fake backend runs no checks). */
	struct health_board health;
	struct health_runner *health_run; /* NULL until opened, and on the fake backend */
	int health_rc;                    /* platform_health_open's: -ENOSYS on the fake backend */
	uint64_t health_seen;             /* the project files' hash the board was read from */
	uint64_t health_said;             /* a hash of the messages last told */
	/* Each check's last told state (passing or not), by its key, so that a check that starts
	 * failing, or passes again, is told once (app_health.c). */
	struct app_health_told {
		uint64_t key;
		bool passing;
	} health_told[HEALTH_CHECKS_MAX];
	size_t nhealth_told;
	const struct cJSON *health_config; /* the config's "health" section, or NULL */

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
/* Tells text even when the pane is not visible (a watched port went down, a health check started
 * failing): tmux's display-message inside tmux, and a notice for ui.c (the bell, and OSC 9/777
 * outside tmux); the status line says it too. */
void app_notify(struct app *a, const char *text);

struct config;
/* Uses the config (config.h; NULL: none) for labels, hints and hide rules, and for the dashboard's
 * defaults: sort, UDP, the dynamic group, and the interval unless the command line gave one
 * (interval_given). cfg is not copied: it must outlive the app. A config that was ignored
 * (cfg->error) or had warnings says so in the status line for CONFIG_NOTICE_SECONDS from a->now. */
void app_use_config(struct app *a, const struct config *cfg, bool interval_given);
/* Every 2 s, one walk of the project folders (platform_project_files): when a file changed (and
 * at the first call) the project maps again (the model's rows labelled and hinted again, a file's
 * problem told) and the health checks again (app_health_files). app_poll calls it. Whether
 * anything shown changed. */
bool app_projects_refresh(struct app *a);
enum { CONFIG_NOTICE_SECONDS = 10 };

/* A key (curses key code, see keys.c). */
enum reaction app_key(struct app *a, int key);
/* A mouse click at screen row y. */
enum reaction app_click(struct app *a, int y);

/* Draws the whole screen for the current mode. Adjusts scroll so the selection is visible. */
void app_draw(struct app *a, struct frame *f);

/* Work that goes on between keys (app_kill.c, app_detail.c): a kill waiting for its process or
 * watching its port, an HTTP check. Call it on every turn of the loop with a->now set. Returns
 * true when the screen changed. */
bool app_tick(struct app *a);
/* Whether app_tick has work under way: the loop should come back within a tenth of a second. */
bool app_busy(const struct app *a);
/* Waits up to timeout_ms for input on fd or for the HTTP check's socket, when a check runs.
 * Returns false (without waiting) when nothing of the app needs waiting on: the caller waits for
 * input its own way. */
bool app_wait(struct app *a, int fd, int timeout_ms);

/* k / K: opens the kill box for the selected row (in inspect: its listener) with SIGTERM or
 * SIGKILL; a refused kill only says why. */
enum reaction app_kill_open(struct app *a, int sig);
/* In the kill box: y (send; force once it is still running), K (SIGKILL now), n (cancel, or close
 * the box once the signal is out). */
enum reaction app_kill_yes(struct app *a);
enum reaction app_kill_force(struct app *a);
enum reaction app_kill_no(struct app *a);

/* i / Enter: the inspect view of the selected row; r in it reads everything again and repeats
 * the HTTP check; Esc closes it. */
enum reaction app_detail_open(struct app *a);
enum reaction app_detail_refresh(struct app *a);
enum reaction app_detail_close(struct app *a);

/* g: switches the tmux client to the pane that runs the selected row (in inspect: its
 * listener), or says why not in the status line (platform_tmux_switch). */
enum reaction app_tmux_switch(struct app *a);

/* o: opens the selected row's URL (in inspect: its listener's; row_url.h) in the browser
 * (platform_open_url); y: copies it to the clipboard with OSC 52, queued in tty_out for the
 * terminal (a copy still waiting is replaced). The status line says what was done, or why not
 * (a UDP row has no URL). */
enum reaction app_open_url(struct app *a);
enum reaction app_copy_url(struct app *a);

#endif
