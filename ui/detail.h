/* detail.h - what the inspect view shows about one listener, read when the view opens (and on
 * `r`): the process afresh, its ancestry, every socket it listens on, its established
 * connections, and an HTTP check that runs while the view stays responsive. No curses. */
#ifndef DEVPORTS_DETAIL_H
#define DEVPORTS_DETAIL_H

#include "ancestry.h"
#include "arena.h"
#include "kill_plan.h"
#include "model.h"
#include "platform.h"

enum { DETAIL_HTTP_TIMEOUT_MS = 1000 };

struct detail {
	struct row row;         /* the row as it was when the view opened: label, hints, project;
	                           row.l points into owned */
	struct listener *owned; /* the row's copy of its listener (listener_clone) */
	struct hint_list hints; /* the row's hints then (row.hints is NULL) */
	struct arena strings;   /* the strings of proc and chain */
	struct proc_info proc;  /* read afresh; *row.l.proc when that failed */
	int proc_rc;            /* 0, or why the process could not be read (-ESRCH: gone) */
	struct proc_info chain[ANCESTRY_MAX]; /* chain[0] = proc, then its parents */
	size_t nchain;
	char sockets[KILL_PORTS_MAX][KILL_WHERE_MAX]; /* every listening socket of the process */
	size_t nsockets;
	char unit[128];          /* the service unit that runs the process ("" when none) */
	bool unit_user;          /* it is a user unit (systemctl --user) */
	int unit_rc;             /* platform_service_unit()'s: -ENOENT none, -ENOSYS not known */
	int connections;         /* established connections to the listener */
	int connections_rc;      /* 0, or why they could not be counted (-ENOSYS: not here) */
	int tmux_rc;             /* platform_tmux_status()'s when the view opened */
	char tmux_why[128];      /* its words */
	struct http_check *http; /* the check under way or done; NULL when none could start */
	int http_rc;             /* why it could not start (-ENOSYS, -EINVAL UDP, -EADDRNOTAVAIL) */
	bool http_shown;         /* the final result has been reported for drawing */
};

#endif
