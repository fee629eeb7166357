/* tmux_query.h - asks the user's tmux server for its panes (`tmux -S SOCKET list-panes -a -F
 * PANES_FORMAT`, src/panes.h), and switches a client to one of them.
 *
 * The server: $TMUX's first comma-separated field is its socket (which covers `tmux -L NAME` and
 * `-S PATH`); outside tmux the default one, $TMUX_TMPDIR (else /tmp) + /tmux-UID/default. tmux
 * is asked only when that socket exists, at most every TMUX_REFRESH_SECONDS, run with
 * posix_spawnp (no shell) with its output on a non-blocking pipe:
 * - the dashboard (wait_ms 0) never waits for it: tmux_query_step() (each poll, and each turn
 *   of its loop: platform_tick) starts a query when one is due and collects what it wrote over
 *   the next calls; a query still running after TMUX_TIMEOUT_MS is killed and reaped; the last
 *   answer is kept meanwhile;
 * - a one-shot command (wait_ms > 0) waits once, at its first step, at most wait_ms.
 * Every child is reaped: at its end, at its time-out, or by tmux_query_free(). */
#ifndef DEVPORTS_TMUX_QUERY_H
#define DEVPORTS_TMUX_QUERY_H

#include <stddef.h>
#include <sys/types.h>

#include "panes.h"

enum {
	TMUX_REFRESH_SECONDS = 3,      /* tmux is asked again this often */
	TMUX_TIMEOUT_MS = 1000,        /* a query running longer is killed */
	TMUX_SWITCH_TIMEOUT_MS = 1000, /* the same for a switch */
	TMUX_WHY_MAX = 256,
	TMUX_SOCKET_MAX = 512,
	TMUX_MESSAGES_MAX = 4, /* display-messages under way at once */
};

struct tmux_query;

/* A handle; nothing runs yet. tmux_env and tmpdir are $TMUX and $TMUX_TMPDIR (NULL: unset),
 * copied; uid names the default socket's folder. 0 or -ENOMEM. */
int tmux_query_new(struct tmux_query **out, int wait_ms, const char *tmux_env, const char *tmpdir,
                   uid_t uid);
/* Kills a query under way, reaps it and frees everything; *q becomes NULL. NULL-safe. */
void tmux_query_free(struct tmux_query **q);

/* Moves the query on at monotonic time now (above). Returns the panes of the last answer,
 * valid until the next step: empty when there is no server, before the first answer, or when
 * the last query failed. Never NULL. */
const struct pane_list *tmux_query_step(struct tmux_query *q, double now);

/* The last query's outcome, in words into why (always NUL-terminated): 0 (the server answered),
 * -EAGAIN (no answer yet), -ENOENT (no tmux server: no socket), -ENOEXEC (tmux could not be
 * run), -ETIMEDOUT, -EIO (tmux failed: why has its exit status), -EMSGSIZE (answer over
 * PANES_OUTPUT_MAX), -ENOMEM. */
int tmux_query_status(const struct tmux_query *q, char *why, size_t len);

/* Switches the tmux client that runs devports to pane p: `tmux -S SOCKET select-window -t %N ;
 * select-pane -t %N ; switch-client -t %N` (the pane's id only: no text from tmux's answer is
 * passed on), waiting at most TMUX_SWITCH_TIMEOUT_MS. 0, or why not in words, in this order:
 * -ENOTTY (not inside tmux: $TMUX unset), -ENOENT (no tmux server), -ESRCH (p is NULL: "this
 * row's process is in no tmux pane"), -ENOEXEC (tmux could not be run), -ETIMEDOUT, -EIO
 * ("tmux: " and the first line of its error). */
int tmux_query_switch(struct tmux_query *q, const struct tmux_pane *p, char *why, size_t len);

/* Shows text on the clients of devports's tmux session, without waiting: `tmux -S SOCKET
 * display-message -d 5000 -- TEXT` with '#' doubled (no format, no #(command) is expanded) and
 * control characters as spaces. At most TMUX_MESSAGES_MAX run at once; each is reaped by a
 * later tmux_query_step (or killed after TMUX_TIMEOUT_MS), and by tmux_query_free. 0, -ENOTTY
 * (not inside tmux), -ENOENT (no server), -EBUSY (too many under way), -ENOEXEC. */
int tmux_query_message(struct tmux_query *q, const char *text, double now);

/* Pure: text for display-message: '#' doubled, control characters as spaces, cut (on a whole
 * UTF-8 character) to fit len. */
void tmux_message_escape(const char *text, char *out, size_t len);

/* Pure: the server's socket into out: $TMUX's first field when tmux_env is set and not empty,
 * else TMPDIR/tmux-UID/default with tmpdir ($TMUX_TMPDIR) or /tmp. 0, or -ENAMETOOLONG. */
int tmux_socket_path(const char *tmux_env, const char *tmpdir, uid_t uid, char *out, size_t len);

#endif
