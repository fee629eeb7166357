/* model.h - what the dashboard shows: rows that remember when they appeared and vanished, grouped
 * by range, filtered and sorted, with a selection kept by listener key. No curses, no OS calls:
 * times are passed in, so every behaviour is testable without a terminal or a clock. */
#ifndef DEVPORTS_MODEL_H
#define DEVPORTS_MODEL_H

#include <stdbool.h>
#include <time.h>

#include "hints.h"
#include "labels.h"
#include "listener.h"
#include "ranges.h"
#include "snapshot.h"
#include "watch.h"

struct config;

enum {
	MODEL_FRESH_SECONDS = 5,
	MODEL_TOMBSTONE_SECONDS = 5,
	MODEL_EVENTS_MAX = 200,
	MODEL_NOTE_MAX = 256
};

enum sort_mode { SORT_PORT = 0, SORT_PROCESS, SORT_PID, SORT_UPTIME, SORT_COUNT };
extern const char *const model_sort_names[SORT_COUNT]; /* "port", "process", "pid", "uptime" */

/* One (protocol, address, port). A live row's listener points into the snapshot last applied; a
 * tombstone's into its own copy (owned). */
struct row {
	struct listener l;
	struct listener
	    *owned; /* a tombstone's copy of its last listener (listener_clone), or NULL */
	struct label label;
	/* hints.h (model_row_hints); a sticky one keeps the row shown whatever the filters. NULL
	 * when there are none, the case of most rows: a list is 1 KB, twice per row while the
	 * model merges */
	struct hint_list *hints;
	uint64_t inputs;   /* a hash of what label and hints were computed from */
	char project[64];  /* the project root's folder name; "" when none */
	double first_seen; /* monotonic seconds; 0 for rows of the first snapshot (not "new") */
	double gone_at;    /* 0 while alive; when it vanished, for a tombstone */
	bool held;     /* a watched port's "down" row: a tombstone kept (one per watched port) while
	                  the port is watched and down; it never expires then */
	bool declared; /* held too: a project's preferred port (project_map.h) while the project
	                  runs nowhere and nothing holds the port (shown while show_declared) */
};

struct model_event {
	time_t when; /* wall clock */
	bool added;
	uint16_t port;
	uint8_t proto;
	pid_t pid;
	bool hidden;
	char comm[PROC_COMM_MAX];
	char note[MODEL_NOTE_MAX]; /* a note (what a kill did) instead of an appearance: "" for
	                              those; the other fields are then unused */
};

enum line_kind { LINE_HEADER, LINE_ROW };

struct model_line {
	enum line_kind kind;
	enum port_range range; /* both kinds */
	size_t row;            /* LINE_ROW: index into rows */
	size_t shown, total;   /* LINE_HEADER: rows listed under it, and rows of the group that pass
	                          the filter and the UDP toggle (total - shown are folded away) */
	bool collapsed;        /* LINE_HEADER: the group is folded (its sticky rows still show) */
};

struct model {
	struct row *rows; /* sorted by key, tombstones included */
	size_t nrows, caprows;
	struct model_line *lines; /* what the list shows, top to bottom */
	size_t nlines, caplines;

	enum sort_mode sort;
	bool show_all;       /* a: show the dynamic group and the rows the config hides */
	bool unfold_dynamic; /* the dynamic group is shown even without show_all (config) */
	bool hide_udp;       /* u */
	bool show_declared;  /* d: a down row for each project of the maps that is not running */
	double declared_now; /* the last merge's time, for declared rows added between merges */
	char filter[64]; /* case-insensitive; matches port, process, label, project, user; a filter
	                    also finds rows that are folded away */
	const struct config *cfg; /* labels, expected owners, hide rules; NULL: none. Not owned: it
	                             must outlive the model. Set it before the first model_apply. */

	bool has_sel;
	struct listener sel; /* the selected listener's key fields */
	size_t sel_line;     /* index into lines, valid when has_sel */

	struct model_event events[MODEL_EVENTS_MAX]; /* a ring, oldest overwritten */
	size_t nevents, event_next;

	struct watch_list watch;              /* watched ports (watch.h): the config's, then w's */
	struct watch_event alerts[WATCH_MAX]; /* what the last model_apply saw them do; the caller
	                                         tells the user, each is in the event log already */
	size_t nalerts;

	bool primed;    /* the first snapshot is in */
	uint8_t kernel; /* enum reach_kernel of the last snapshot: whose rules say what localhost
	                   reaches */

	/* Scratch of model_apply, kept between calls. */
	struct row *spare;
	size_t capspare;
	unsigned char dirty_ports[2][65536 / 8]; /* (proto, port) whose hints are recomputed */
	unsigned long annotated; /* rows labelled since model_init: for tests and benchmarks */
	unsigned long reached;   /* ports whose reachability was worked out (reach.h), likewise */
};

void model_init(struct model *m);
void model_free(struct model *m);

/* Merges a new snapshot at monotonic time now (wall clock `wall`, for events): rows that appear
 * are new, rows that vanish become tombstones (keeping their last label and hints), the rest point
 * at their new data. Labels and hints (with m->cfg) are computed again only for rows whose
 * sockets or holders changed (and, for hints, the other rows on their port). Rebuilds the lines
 * when anything changed and keeps the selection on the same listener.
 * The rows point into s from now on: s must stay as it is until the next model_apply or
 * model_free, and the snapshot given to the previous call must still be intact during this one.
 * Returns 1 when anything shown changed, 0 when nothing did, -ENOMEM (the model is unchanged). */
int model_apply(struct model *m, const struct snapshot *s, double now, time_t wall);

/* Shows or hides the declared rows (show_declared); the number shown into *shown. */
void model_declared_toggle(struct model *m, size_t *shown);
/* Labels and hints of every row again (after a config change). */
void model_reannotate(struct model *m);

/* Drops tombstones older than MODEL_TOMBSTONE_SECONDS. Returns true when anything that is drawn
 * changed (a tombstone went, a row stopped being new), so the caller redraws only then. */
bool model_expire(struct model *m, double now);

/* Recomputes lines after a change of filter, sort or grouping options. */
void model_rebuild(struct model *m);

bool model_row_is_new(const struct row *r, double now);
/* A row's hints, in priority order (for the status line and the inspect view). Never NULL. */
const struct hint_list *model_row_hints(const struct row *r);
bool model_row_is_gone(const struct row *r);

/* Selection by row; headers are skipped. */
void model_move(struct model *m, int delta); /* by rows, clamped */
void model_select_edge(struct model *m, bool last);
void model_select_line(struct model *m, size_t line);    /* nearest row at or after line */
const struct row *model_selected(const struct model *m); /* NULL when there are no rows */

/* w: watches the row's (protocol, port), or stops watching it. Watching a live row starts from
 * its owner (no change is reported for it); a tombstone's port is down from now on, and that
 * row is its "down" row. Unwatching lets a down row expire. Says what it did into msg. Returns
 * true when watched now; false when unwatched, or when WATCH_MAX ports are watched already (msg
 * says which). */
bool model_watch_toggle(struct model *m, const struct row *r, time_t wall, char *msg, size_t len);
/* Whether the row's (protocol, port) is watched. */
bool model_row_watched(const struct model *m, const struct row *r);
/* A down row's text: "down since 12:03 (was postgres, pid 812)", local time; for a declared row
 * "api-gateway (shop/.devports.yml, Flask) is not running". */
void model_down_text(const struct model *m, const struct row *r, char *buf, size_t len);

/* Adds a note to the event log ("stopped :3000 node (pid 977) with SIGTERM in 0.4 s"). */
void model_note(struct model *m, time_t wall, const char *text);

/* Events, 0 = oldest kept. */
const struct model_event *model_event_at(const struct model *m, size_t i);
/* "12:03:05 + :5173 tcp vite (pid 4242)", or "12:03:09 " and the note, in local time. */
void model_event_format(const struct model_event *e, char *buf, size_t len);

/* Counts over alive rows: listeners, and those whose owner is hidden. */
size_t model_count_alive(const struct model *m);
size_t model_count_hidden(const struct model *m);
/* Whether a row runs in a tmux pane (listener.pane): the list then has a PANE column. */
bool model_any_pane(const struct model *m);
/* Alive rows whose owner is unknown for reason why (enum owner_unknown). */
size_t model_count_hidden_by(const struct model *m, enum owner_unknown why);

#endif
