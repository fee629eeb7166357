/* owners.h - which processes hold each listening socket: socket inode -> (pid, fd) holders, kept
 * across polls so that a long-running dashboard does not read every /proc/PID/fd every second.
 *
 * Per update (one poll), in this order:
 * 1. Verify: each known holder is re-checked with one readlink of /proc/PID/fd/FD every
 *    OWNERS_VERIFY_POLLS polls (a socket's only holder every OWNERS_VERIFY_SOLE_POLLS), a slice
 *    of the holders at each poll (by pid and fd). A holder that
 *    closed the socket or exited is dropped; a socket that lost all its holders is searched again.
 *    A socket that closes is gone at once all the same: the list of sockets is the kernel's at
 *    every poll. What waits for its slice is a holder that let go of a socket others keep open.
 * 2. New processes: when the last allocated pid (loadavg) moved, the processes created since the
 *    last listing are listed. A pre-fork worker forked after its socket was found is a new process:
 *    this is how it is found. A process inherits sockets from its parent, so a new process has its
 *    fds read once when its parent (/proc/PID/stat, read once per process) holds a listed socket
 *    or is gone (init, or not listed); the others, a build's compilers, cost that one stat read.
 *    (A new socket is step 3's: it reads the newest processes.) On procfs only the pids above the
 *    last one listed are read (procdir_list_pids_range), tens of microseconds; every RELIST_POLLS
 *    polls (and where the range read is not possible) the whole list is read, which also forgets
 *    processes that exited (about 1 us a process). Threads move the last pid too, so unless a
 *    socket has no known holder this happens at most every LIST_POLLS (3) polls: a pre-fork
 *    worker forked later shows within 3 polls.
 * 3. Discovery, for sockets with no known holder: processes are read newest first (the order in
 *    which they appeared, then by pid counting down from the last one handed out, across a wrap
 *    at pid_max), stopping as soon as each of them has a holder. The first update reads every
 *    process (a one-shot run gets the complete answer), split over up to 4 threads
 *    (owners_pass.c). Later, reading more than the newest SHALLOW_PIDS processes (a new
 *    socket in an old process) happens only for a socket that a shallow search already missed at
 *    an earlier poll and that is still listed (a socket whose holder exited between the dump and
 *    the search, common under churn, is gone by then), at most once every DEEP_INTERVAL seconds,
 *    or 30 times the CPU time the last deep search took if that is longer (at most ~3 % of a core
 *    however often sockets appear in old processes); until then the socket has no holder (shown
 *    as not found yet).
 * 4. Completion: a socket found in one process may be held by others (pre-fork servers: the parent
 *    and its workers). Processes share a listening socket by inheriting it across fork(): every
 *    holder descends from the creator. A socket that appeared since the last poll can only have
 *    been inherited by processes forked after it, and those are new processes, read in step 2.
 *    What remains are the found holders' parents (up to the creator: each parent that holds it
 *    has its own parent read), their children (among the processes listed since the socket
 *    appeared; among all for a socket that lost its holders), and the processes of the previous
 *    listing if it came after the socket (forked in the moment between two reads). Parents come
 *    from one /proc/PID/stat per process, read once in its life; only those related processes
 *    have their fds read, repeating while new holders turn up.
 *    Not found: a socket passed with SCM_RIGHTS to a process that already existed, or inherited
 *    before it was bound and listening, by a process that is neither a child nor the parent of
 *    another holder, or held by an ancestor above a process that closed it. The first (full)
 *    update sees those too.
 * 5. Misses: a socket that no process shows (another user's process without root, or a socket of
 *    the kernel) is retried by a full pass only after a backoff (10 s doubling to 5 min, and never
 *    sooner than 1000 times the CPU time of the last full pass: at most 0.1 % of a core), so
 *    hidden owners never bring back a full scan every poll.
 *
 * A seed (owners_file.h): what an earlier run found, given before the first update so that a
 * one-shot run need not read every process. Nothing in it is trusted:
 * - it is used only when the pids handed out since it was written cannot have gone round pid_max
 *   (fewer than pid_max / 4 processes and threads created since; the system's count of them is
 *   in the seed): then every process created since its sockets were read has a pid in the range
 *   after the seed's last pid (read before them), up to the last pid read after this listing.
 *   Those are new: each has its fds read;
 * - each holder it names (of a socket listed now, by a process that is not new) is kept only when
 *   /proc/PID/fd/FD still links to that socket and the process still has those start ticks;
 * - a socket it says no process showed stays so (a process that is not new cannot have taken it
 *   up but by SCM_RIGHTS, which a full pass also misses in the dashboard's later polls);
 * - every other socket is searched as in step 3, newest processes first, as far as needed (the
 *   rest over threads), then completed (step 4). A socket not in the seed is newer than it (the
 *   seed lists every socket listed when it was written, found or not): it is completed through
 *   its holders' parents (its holders' children are new processes, read already). One the seed
 *   lists as not found yet, or whose holders all failed, is older than the seed: its holders'
 *   children are looked for among every process, as without a seed.
 * So a seed changes what is read, never what is found: except for a socket passed with
 *   SCM_RIGHTS to a process older than the seed, the holders are those a full pass finds.
 *
 * Not thread-safe. Errors from single processes (gone, EACCES) are never errors of the update.
 */
#ifndef DEVPORTS_OWNERS_H
#define DEVPORTS_OWNERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct owners;

/* Each known holder of a shared socket is re-verified once in this many polls (step 1 above);
 * a socket's only holder once in OWNERS_VERIFY_SOLE_POLLS: when it closes the socket the kernel
 * lists it no more, unless it had passed it on (socket activation, SCM_RIGHTS), and its exit is
 * seen at once by the process cache. */
enum { OWNERS_VERIFY_POLLS = 16, OWNERS_VERIFY_SOLE_POLLS = 64 };

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
	unsigned long listings;     /* reads of the whole process list */
	unsigned long ranges;       /* reads of the pids created since the last listing */
	unsigned long pids_scanned; /* fd directories read */
	unsigned long fds_read;     /* readlinks while reading fd directories */
	unsigned long verified;     /* readlinks re-verifying known holders */
	unsigned long stats_read;   /* /proc/PID/stat reads (parents, for completion) */
	unsigned long seed_kept;    /* holders of the seed that verified */
	unsigned long seed_new;     /* processes new since the seed, read in full */
};

/* procfd: a directory fd of the proc root, borrowed (must outlive the cache).
 * Returns 0 or -ENOMEM. */
int owners_new(struct owners **out, int procfd);
/* NULL-safe; *o becomes NULL. */
void owners_free(struct owners **o);

/* One poll: inodes[0..n) are the sockets listening now (any order, duplicates and 0 allowed).
 * Sockets no longer listed are forgotten. Returns 0 or -ENOMEM. */
int owners_update(struct owners *o, const uint64_t *inodes, size_t n);

/* pid is gone (its process could not be read): it stops holding anything now, not at its next
 * verification, and a socket left without a holder is searched again at the next update (someone
 * else still holds it, since the kernel lists it: a pre-fork worker that outlived its parent).
 * Pointers from owners_holders() become invalid. */
void owners_forget_pid(struct owners *o, pid_t pid);

/* The holders of inode found by the last update; sets *out (valid until the next update) and
 * returns their number (0 when unknown or hidden). */
size_t owners_holders(const struct owners *o, uint64_t inode, const struct owner_holder **out);

/* pid's start ticks when the cache read them (with its parent), else 0. */
uint64_t owners_start_ticks(const struct owners *o, pid_t pid);

/* Whether a search of every process found no holder for inode (step 5: it waits for a retry). */
bool owners_missed(const struct owners *o, uint64_t inode);

const struct owners_stats *owners_stats(const struct owners *o);

struct owners_seed;
/* Gives o a seed (owners_file.h) before its first update; o takes its arrays over and *seed is
 * emptied. Ignored after the first update. */
void owners_set_seed(struct owners *o, struct owners_seed *seed);
/* What became of the seed: NULL when none was given, "used", or why it was not (static text). */
const char *owners_seed_result(const struct owners *o);

/* Asks the next update to list the processes, so that owners_export() can describe what it found
 * as a seed; reads now the system's count of processes created and the last pid handed out, which
 * the seed will carry: call it before reading the sockets that update gets. A process forked
 * after that read, which may have inherited a socket the update does not list (made between the
 * read of the sockets and the listing), then has a pid after the seed's last pid: a run that
 * uses the seed reads it in full. */
void owners_want_export(struct owners *o);
/* The last update as a seed for a later run: every socket with holders (each holder's start
 * ticks from start_of(ctx, pid); 0: unknown, that holder is left out) and every socket searched
 * in every process in vain, with the counters noted at the last update that was asked to
 * (owners_want_export; an older one is sound: the processes created since are read as new).
 * *out is allocated (owners_seed_clear). Returns 0, -ENOMEM, or -EAGAIN when no update noted
 * them. */
int owners_export(const struct owners *o, uint64_t (*start_of)(void *ctx, pid_t pid), void *ctx,
                  struct owners_seed *out);

#endif
