/* kill_plan.h - pure: which process a kill of one listener signals, what it holds, and whether
 * devports may signal it at all. No OS calls: everything comes from a snapshot.
 *
 * The target is the lead holder of the socket (listener.h: the ancestor among its holders, a
 * pre-fork server's master, not its workers), never a wrapper above them: `npm run dev` -> `sh -c`
 * -> node signals node, the process the kernel says holds the socket.
 */
#ifndef DEVPORTS_KILL_PLAN_H
#define DEVPORTS_KILL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "listener.h"

enum { KILL_HOLDERS_MAX = 16, KILL_PORTS_MAX = 32, KILL_TEXT_MAX = 320, KILL_WHERE_MAX = 64 };

/* Processes a kill must never signal besides pid 1 and kernel threads: devports itself and the
 * shell it runs in. The caller fills it (getpid(), getppid()); 0 means unknown. */
struct kill_guard {
	pid_t self;
	pid_t parent;
};

enum kill_refusal {
	KILL_ALLOWED = 0,
	KILL_REFUSE_HIDDEN, /* the owner cannot be read: another user's process */
	KILL_REFUSE_INIT,   /* pid 1 */
	KILL_REFUSE_KERNEL, /* a kernel thread (pid 2 or a child of it) */
	KILL_REFUSE_SELF,   /* devports itself */
	KILL_REFUSE_PARENT, /* the shell devports runs in */
	KILL_REFUSAL_COUNT
};

struct kill_plan {
	struct listener sel;     /* the listener asked for, as the snapshot had it; its (proto,
	                            family, address, port) is "the socket". Points into owned. */
	struct proc_info target; /* who gets the signal: sel's lead holder. Points into owned. */
	struct listener *owned;  /* sel's own copy (listener_clone): kill_plan_free() */
	pid_t holders[KILL_HOLDERS_MAX]; /* every pid holding the socket, ascending (target too) */
	size_t nholders;
	char ports[KILL_PORTS_MAX]
	          [KILL_WHERE_MAX]; /* every socket target holds: "tcp 127.0.0.1:3000" */
	size_t nports;
	uint64_t inodes[KILL_PORTS_MAX]; /* the holders' sockets on sel's port and protocol (known
	                                    inodes only): a row of one of them is no restart */
	size_t ninodes;
	enum kill_refusal refusal;
	char refusal_text[KILL_TEXT_MAX]; /* "" when allowed */
};

/* Plans a kill of sel, a row of snap (sel need not be an element of snap: the row of snap with
 * its key is used, else sel itself). Never fails: a plan that must not run has refusal set and
 * refusal_text saying why, e.g. "owned by root — run devports with sudo to stop it". g may be
 * NULL. The plan owns a copy of the row: kill_plan_free() it. */
void kill_plan_make(const struct listener_set *snap, const struct listener *sel,
                    const struct kill_guard *g, struct kill_plan *out);
/* Frees the plan's copy; NULL-safe on a zeroed plan. */
void kill_plan_free(struct kill_plan *plan);

/* Whether the plan still holds in a newer snapshot: 1 when the target still holds the socket; 0
 * when nobody holds it any more; -1 when other processes hold it and the target does not (it
 * moved: *other is one of them, may be NULL); -2 when the target's pid holds it but with other
 * start ticks (the pid was reused). */
int kill_plan_check(const struct kill_plan *plan, const struct listener_set *snap,
                    const struct listener **other);

/* Whether inode is one of the plan's sockets (inodes). */
bool kill_plan_has_inode(const struct kill_plan *plan, uint64_t inode);

/* Whether pid is one of the plan's holders. */
bool kill_plan_holds(const struct kill_plan *plan, pid_t pid);

/* ":3000 node (pid 977)". */
void kill_plan_name(const struct kill_plan *plan, char *buf, size_t len);

/* "tcp 127.0.0.1:3000", "udp [::1]:5353", "tcp *:8080". */
void kill_plan_where(const struct listener *l, char *buf, size_t len);

/* What the message says when the owner is another user's: "owned by USER — run devports with sudo
 * to stop it". Also used for EPERM. */
void kill_plan_sudo_text(const char *user, char *buf, size_t len);

#endif
