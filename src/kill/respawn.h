/* respawn.h - pure: after a kill, did something bring the server back, and who? A table of
 * supervisors (systemd, launchd, pm2, nodemon, docker, supervisord, runit, s6, forever,
 * cargo-watch, air, watchexec, entr...) is matched against the new holder's ancestry, and the
 * match says what to stop instead: "restarted by pm2 (pid 4100) — pm2 stop <name> (pm2 list)". */
#ifndef DEVPORTS_RESPAWN_H
#define DEVPORTS_RESPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kill_plan.h"
#include "listener.h"

enum { RESPAWN_DEPTH = 4 }; /* how far above the new holder a supervisor is looked for */

struct respawn_supervisor {
	const char *name;     /* as said: "pm2" */
	const char *match[4]; /* command names that are this supervisor (lower case; NULL ends) */
	bool parent_only;     /* counts only as the new holder's direct parent (init systems:
	                         every process descends from them) */
	const char *advice;   /* what to stop instead; "" when the table cannot say */
};
extern const struct respawn_supervisor respawn_supervisors[];
extern const size_t respawn_supervisors_len;

/* A listener of snap that holds the plan's port and protocol (any address) in a process that was
 * not among the plan's holders: the server came back. NULL when there is none. */
const struct listener *respawn_find(const struct kill_plan *plan, const struct listener_set *snap);

/* Whether a listener of snap still holds the plan's port and protocol in one of the original
 * holders other than the target (workers that outlived their parent). NULL when none. */
const struct listener *respawn_leftover(const struct kill_plan *plan,
                                        const struct listener_set *snap);

/* Explains a respawn on port. chain[0] is the new holder, chain[1] its parent and so on (n >= 1,
 * as far as could be read). unit is the new holder's service unit ("" unknown; user_unit: a user
 * unit).
 * Writes one line: "restarted by systemd (pid 1) — systemctl stop nginx.service",
 * "restarted by bash (pid 4100) — stop it first". */
void respawn_explain(uint16_t port, const struct proc_info *chain, size_t n, const char *unit,
                     bool user_unit, char *buf, size_t len);

/* The supervisor a process is, or NULL (matched on its command name's first word and on the file
 * names of its first two arguments, case-insensitively). */
const struct respawn_supervisor *respawn_match(const struct proc_info *p);

#endif
