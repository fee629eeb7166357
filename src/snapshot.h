/* snapshot.h - one poll of this machine, as a backend builds it: the listening sockets and the
 * processes that hold them, each process once. Immutable once finished; the platform fills it
 * (platform_collect) and the core reads it.
 *
 * Building (a backend, or a test): snapshot_reset(), then snapshot_add_process() for each holder
 * and snapshot_add_socket() for each socket with its holders' pids, in any order, then
 * snapshot_finish(). Finishing merges the sockets into rows, one per (protocol, family, address,
 * port), sorted by that key, each with every process holding one of its sockets, the lead first.
 */
#ifndef DEVPORTS_SNAPSHOT_H
#define DEVPORTS_SNAPSHOT_H

#include <time.h>

#include "arena.h"
#include "listener.h"
#include "reach.h"

struct snapshot_sock; /* a socket before the merge: its index into socks and its pids */

struct snapshot {
	struct listener_set set; /* the rows, sorted by key, after snapshot_finish */
	struct proc_info *procs; /* the process table, by pid ascending after snapshot_finish */
	size_t nprocs, capprocs;
	time_t taken_at; /* wall clock, seconds */
	/* enum reach_kernel: whose rules decide which socket a connection reaches (reach.h). The
	 * backend sets it after the reset, which makes it REACH_LINUX. */
	uint8_t kernel;

	/* The builder's and the rows' storage; read through the fields above. */
	struct arena strings;
	struct listener_set socks;
	struct snapshot_sock *src;
	size_t capsrc;
	pid_t *pids;
	size_t npids, cappids;
	const struct proc_info **holders;
	size_t capholders;
	struct proc_info *standins; /* the stand-in owners of hidden rows */
	size_t capstandins;
	struct container_info *containers; /* what the rows' container pointers point at */
	size_t capcontainers;
	struct tmux_pane *panes; /* what the rows' pane pointers point at */
	size_t cappanes;
};

/* Empties s for a new poll, keeping its memory. A zeroed snapshot is empty and valid. */
void snapshot_reset(struct snapshot *s);
void snapshot_free(struct snapshot *s);

/* A copy of text (NULL: "") that lives as long as the snapshot's content. NULL when out of memory.
 */
const char *snapshot_str(struct snapshot *s, const char *text);

/* Room for n container_info (zeroed) that rows may point at (listener.container), valid as long
 * as the snapshot's content; a second call before the next reset moves the first's. NULL when
 * out of memory. */
struct container_info *snapshot_containers(struct snapshot *s, size_t n);
/* Room for n tmux_pane (panes.h) that rows may point at (listener.pane), valid as long as the
 * snapshot's content; a second call before the next reset moves the first's. NULL when out of
 * memory. */
struct tmux_pane *snapshot_panes(struct snapshot *s, size_t n);
/* Adds a process; its strings are copied (NULL ones become ""). A pid added again replaces the
 * first. Returns the stored entry (valid until the next add or the finish), or NULL: -ENOMEM. */
struct proc_info *snapshot_add_process(struct snapshot *s, const struct proc_info *p);

/* Adds one socket: sock's socket fields (proto, family, addr, port, v6only, uid, inode), held by
 * pids[0..npids) (any order; pids with no process added are skipped at the finish). When no
 * holder is known, why says why (enum owner_unknown) and user names sock->uid for the stand-in
 * owner ("" or NULL: the uid as digits). 0 or -ENOMEM. */
int snapshot_add_socket(struct snapshot *s, const struct listener *sock, const pid_t *pids,
                        size_t npids, enum owner_unknown why, const char *user);

/* Sorts and merges (above), computes each process's fingerprint, sets taken_at. 0 or -ENOMEM
 * (s is then empty). */
int snapshot_finish(struct snapshot *s, time_t taken_at);

/* The process of pid in a finished snapshot, or NULL. */
const struct proc_info *snapshot_process(const struct snapshot *s, pid_t pid);

/* The row with l's key (proto, family, address, port), or NULL. */
const struct listener *snapshot_find(const struct snapshot *s, const struct listener *key);

/* How many rows have an owner that could not be read. */
size_t snapshot_count_hidden(const struct snapshot *s);

#endif
