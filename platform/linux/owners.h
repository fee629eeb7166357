/* owners.h - which processes hold each listening socket: socket inode -> (pid, fd) holders, kept
 * across polls so that a long-running dashboard does not read every /proc/PID/fd every second.
 *
 * Per update (one poll), in this order:
 * 1. Verify: every known holder is re-checked with one readlink of /proc/PID/fd/FD. A holder that
 *    closed the socket or exited is dropped; a socket that lost all its holders is searched again.
 * 2. New processes: when the last allocated pid (loadavg) moved, the process list is read again
 *    (one getdents64 of /proc) and every process not seen before has its fds read once. A pre-fork
 *    worker forked after its socket was found is a new process: this is how it is found. Threads
 *    move the last pid too, so unless a socket has no known holder the list is read at most every
 *    LIST_POLLS (3) polls: a later worker shows within 3 polls.
 * 3. Discovery, for sockets with no known holder: processes are read newest first (the order in
 *    which they appeared, then descending pid), stopping as soon as each of them has a holder. The
 *    first update reads every process (a one-shot run gets the complete answer), split over up to
 *    4 threads (owners_pass.c). Later, reading
 *    more than the newest SHALLOW_PIDS processes (a new socket in an old process) happens at most
 *    once every DEEP_INTERVAL seconds; until then the socket has no holder (shown as hidden).
 * 4. Completion: a socket found in one process may be held by others (pre-fork servers: the parent
 *    and its workers). Processes share a listening socket by inheriting it across fork(): every
 *    holder descends from the creator. A socket that appeared since the last poll can only have
 *    been inherited by processes forked after it, and those are new processes, read in step 2.
 *    What remains are the found holders' ancestors (the creator), their children, and processes
 *    that appeared in the previous listing (forked in the moment between two reads). Parents come
 *    from one /proc/PID/stat per process, read once in its life; only those related processes
 *    have their fds read, repeating while new holders turn up.
 *    Not found: a socket passed with SCM_RIGHTS to a process that already existed, or inherited
 *    before it was bound and listening, by a process that is neither a child nor an ancestor of
 *    another holder. The first (full) update sees those too.
 * 5. Misses: a socket that no process shows (another user's process without root, or a socket of
 *    the kernel) is retried by a full pass only after a backoff (10 s doubling to 5 min), so hidden
 *    owners never bring back a full scan every poll. New processes are still checked for it.
 *
 * Not thread-safe. Errors from single processes (gone, EACCES) are never errors of the update.
 */
#ifndef DEVPORTS_OWNERS_H
#define DEVPORTS_OWNERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct owners;

struct owner_holder {
	pid_t pid;
	int fd;
};

/* Counters since owners_new(), for tests and benchmarks. */
struct owners_stats {
	unsigned long updates;
	unsigned long full_passes;  /* discoveries that read every process */
	unsigned long discoveries;  /* searches for sockets without a known holder */
	unsigned long completions;  /* searches for the other holders of newly found sockets */
	unsigned long listings;     /* reads of the process list */
	unsigned long pids_scanned; /* fd directories read */
	unsigned long fds_read;     /* readlinks while reading fd directories */
	unsigned long verified;     /* readlinks re-verifying known holders */
	unsigned long stats_read;   /* /proc/PID/stat reads (parents, for completion) */
};

/* procfd: a directory fd of the proc root, borrowed (must outlive the cache).
 * Returns 0 or -ENOMEM. */
int owners_new(struct owners **out, int procfd);
/* NULL-safe; *o becomes NULL. */
void owners_free(struct owners **o);

/* One poll: inodes[0..n) are the sockets listening now (any order, duplicates and 0 allowed).
 * Sockets no longer listed are forgotten. Returns 0 or -ENOMEM. */
int owners_update(struct owners *o, const uint64_t *inodes, size_t n);

/* The holders of inode found by the last update; sets *out (valid until the next update) and
 * returns their number (0 when unknown or hidden). */
size_t owners_holders(const struct owners *o, uint64_t inode, const struct owner_holder **out);

const struct owners_stats *owners_stats(const struct owners *o);

#endif
