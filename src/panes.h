/* panes.h - which tmux pane a process runs in. tmux's list of panes (`tmux list-panes -a -F
 * PANES_FORMAT`, run by the platform layer: platform/common/tmux_query.h) is parsed here as
 * untrusted text, and a process is mapped to the pane whose process tree holds it: the nearest
 * of its ancestors (itself included) that is a pane's first process, through the snapshot's
 * process table (which holds the holders and their ancestors). Pure: no OS calls. */
#ifndef DEVPORTS_PANES_H
#define DEVPORTS_PANES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "snapshot.h"

/* One line a pane, tab-separated: the numbers first, the names (free text) last. */
#define PANES_FORMAT                                                                               \
	"#{pane_pid}\t#{pane_id}\t#{session_id}\t#{window_index}\t#{pane_index}\t#{session_name}"  \
	"\t#{window_name}\t#{pane_current_command}"

enum {
	PANES_FIELDS = 8,
	PANES_MAX = 4096,           /* panes kept from one answer; the rest are dropped */
	PANES_LINE_MAX = 4096,      /* a longer line is rejected whole */
	PANES_OUTPUT_MAX = 1 << 20, /* bytes of tmux's answer read at most */
	PANES_DEPTH = 64,           /* generations walked up from a process at most */
	PANE_NAME_MAX = 64, /* session, window and command names, sanitized, cut with "…" */
	PANE_TARGET_MAX = PANE_NAME_MAX + 24,
};

/* A pane, as tmux listed it. Names are sanitized UTF-8 (sanitize.h), never longer than
 * PANE_NAME_MAX - 1 bytes; the numbers were checked to be numbers. */
struct tmux_pane {
	pid_t pid;           /* the pane's first process (#{pane_pid}) */
	unsigned id;         /* the pane's id: 5 for %5, the only thing a command targets */
	unsigned session_id; /* 3 for $3 */
	unsigned window;     /* the window's index */
	unsigned pane;       /* the pane's index in its window */
	char session[PANE_NAME_MAX];
	char window_name[PANE_NAME_MAX];
	char command[PANE_NAME_MAX]; /* the pane's current command (#{pane_current_command}) */
};

/* Panes sorted by pid (a pid listed twice keeps its first line). A zeroed list is empty. */
struct pane_list {
	struct tmux_pane *v;
	size_t n, cap;
	size_t rejected; /* lines of the last parse that were not a valid pane */
};

/* Replaces l's content with the panes of text[0..len) (NUL bytes end nothing: the length
 * counts). A line is a pane only with exactly PANES_FIELDS fields, a pane pid > 1, "%N" and
 * "$N" ids and decimal indexes; other lines (and lines over PANES_LINE_MAX bytes, panes over
 * PANES_MAX) are counted in rejected and skipped. 0, or -ENOMEM (l is then empty). */
int panes_parse(struct pane_list *l, const char *text, size_t len);
void panes_clear(struct pane_list *l); /* empty, memory kept */
void panes_free(struct pane_list *l);  /* empty, memory freed */

/* The pane whose first process is pid, or NULL. */
const struct tmux_pane *panes_by_pid(const struct pane_list *l, pid_t pid);

/* The pane that runs pid: pid itself when it is a pane's first process, else its parent, and
 * theirs, as the process table of s says (a parent absent from the table is still checked,
 * the walk stops above it), at most PANES_DEPTH generations, never past pid 1 or round a loop
 * of ppids. NULL when none. */
const struct tmux_pane *panes_of_process(const struct pane_list *l, const struct snapshot *s,
                                         pid_t pid);

/* The pane of a row: its lead's, else the first other holder's that has one. NULL for a
 * hidden owner or none. */
const struct tmux_pane *panes_of_listener(const struct pane_list *l, const struct snapshot *s,
                                          const struct listener *row);

/* Sets listener.pane of every row of the finished snapshot s from l (a copy of the panes goes
 * into s: the rows' pointers live as long as its content). 0 or -ENOMEM. */
int panes_fill(const struct pane_list *l, struct snapshot *s);

/* "work:2.1": session:window.pane, for people (JSON's "target", inspect). */
void tmux_pane_target(const struct tmux_pane *p, char *buf, size_t len);
/* "%5": the pane's id, what a tmux command is given as -t. */
void tmux_pane_id(const struct tmux_pane *p, char *buf, size_t len);
/* The list's cell: "2.1" after the session's name cut to fit w columns ("work:2.1",
 * "wo…:2.1"), or "2.1" alone when nothing of the name fits. */
void tmux_pane_cell(const struct tmux_pane *p, int w, char *buf, size_t len);

#endif
