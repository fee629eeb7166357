/* procinfo.h - what devports shows about a process, read through libproc2 (plus cwd and exe from
 * /proc/PID links, the service unit from /proc/PID/cgroup), sanitized once here.
 *
 * For collect, a cache keyed by pid keeps each holder's data. A process is read in full (libproc2,
 * about 30-50 us: it reads status, stat and cmdline) when it is new, when something shown changed,
 * and every FULL_POLLS (256) polls (RSS, threads, a new parent). Exits and changes are found
 * cheaply, each process on its own schedule spread by pid:
 * - with watch_exits (the proc root is the live /proc), its exit is watched with a pidfd in one
 *   epoll set, drained at every update: a holder that exits loses its place at the next poll, for
 *   one epoll_wait whatever the number of processes (up to the fd budget; past it, the checks
 *   below see exits);
 * - its command name (/proc/PID/comm through a kept file, about 0.5 us) every CHECK_POLLS (3)
 *   polls, or every CHECK_SETTLED (16) for a process running for more than 30 s whose exit is
 *   watched: a renamed process (prctl) or one that ran exec shows within 3 polls (16 once
 *   settled); an unwatched one that exited loses its row within 3 polls;
 * - a fingerprint of its command line, working directory and user (a few us; reading another
 *   process's command line is the dearest look) LOOK_MIN (8) polls after a change, the interval
 *   doubling up to LOOK_MAX (256) polls while nothing changes (256 at once for a process running
 *   for more than 30 s).
 * Many processes read in full at once (the first poll: a one-shot run's holders) are read whole
 * over threads, one share each with the caller's: /proc/PID/stat through procdir and the owner
 * of /proc/PID (the effective uid: the kernel's ownership of a process's directory, unlike its
 * files, follows it even when the process is not dumpable), the same numbers libproc2 gives
 * (libproc2 keeps buffers per thread, about 265 KB, lost with each thread that exits), and the
 * command name from stat (the bytes of /proc/PID/comm).
 * procinfo_read() is always fresh.
 */
#ifndef DEVPORTS_PROCINFO_H
#define DEVPORTS_PROCINFO_H

#include "arena.h"
#include "listener.h"
#include "usernames.h"

struct procinfo;

/* procfd (a directory fd of the proc root, for cwd, exe and boot time) and names are borrowed and
 * must outlive the handle. libproc2 itself always reads /proc. Returns 0, -ENOMEM, or the error of
 * procps_pids_new(). */
int procinfo_new(struct procinfo **out, int procfd, struct usernames *names, bool watch_exits);
/* NULL-safe; *pi becomes NULL. */
void procinfo_free(struct procinfo **pi);

/* Fresh, full data for pid. Returns 0 or -ESRCH when it is gone (or not visible). */
int procinfo_read(struct procinfo *pi, pid_t pid, struct arena *strings, struct proc_info *out);

/* One poll: reads or checks each of pids[0..n) (ascending, unique) as described above, and
 * forgets every other pid. Returns 0 or -ENOMEM. */
int procinfo_update(struct procinfo *pi, const pid_t *pids, size_t n);

/* The cached data of pid after the last update, or NULL (not asked for, or it exited); valid
 * until the next update. */
struct procinfo_data;
const struct procinfo_data *procinfo_find(const struct procinfo *pi, pid_t pid);
/* Points *out at d: every number, and each string in d's own text (valid as long as d). */
void procinfo_view(const struct procinfo_data *d, struct proc_info *out);

/* Number of processes read through libproc2 since procinfo_new() (for tests and benchmarks). */
unsigned long procinfo_reads(const struct procinfo *pi);
/* Number of cheap looks (names and fingerprints) between full reads since procinfo_new(). */
unsigned long procinfo_checks(const struct procinfo *pi);

#endif
