/* procdir.h - small, fast readers of a /proc tree, all relative to a directory fd of its root (so
 * tests can point them at recorded files). openat/getdents64/readlinkat, no stdio, no allocation
 * except where said.
 *
 * Errors are negative errnos. A process that is gone gives -ENOENT (or -ESRCH); another user's
 * process gives -EACCES where the kernel hides it.
 */
#ifndef DEVPORTS_PROCDIR_H
#define DEVPORTS_PROCDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Reads at most cap - 1 bytes of dirfd/path into buf and NUL-terminates. Returns the length. */
ssize_t procdir_read_file(int dirfd, const char *path, char *buf, size_t cap);

/* Reads all of dirfd/path into *buf (grown with array_grow, *cap updated; the caller frees) and
 * NUL-terminates. Returns the length. */
ssize_t procdir_slurp(int dirfd, const char *path, char **buf, size_t *cap);

/* The numeric entries of the proc root (processes, not threads), ascending, into *pids (grown
 * with realloc, *cap updated; the caller frees). Sets *n. Returns 0.
 * Sets *base (may be NULL) to where procfs puts a pid in the directory's offsets: the entry of
 * pid P sits at offset P + base, which lets procdir_list_pids_range() start at any pid. *base is
 * 0 when the listing does not show that layout (a recorded tree, too few processes). */
int procdir_list_pids(int procfd, pid_t **pids, size_t *n, size_t *cap, long *base);

/* The processes with pids in [from, upto], ascending, into *pids like procdir_list_pids(), read
 * from offset from + base of the proc root (base from procdir_list_pids()): the cost follows the
 * number of pids in the range, not of all processes. Returns 0, -ENOMEM, or -ENOTSUP when the
 * directory does not answer as expected (the caller lists everything instead). */
int procdir_list_pids_range(int procfd, long base, pid_t from, pid_t upto, pid_t **pids, size_t *n,
                            size_t *cap);

/* The fields of /proc/PID/stat the owner search and the process cache need. comm is the command
 * name as raw bytes (the same as /proc/PID/comm without its newline), not NUL-terminated. */
enum { PROCDIR_COMM_MAX = 64 };
struct procdir_stat {
	pid_t ppid;
	pid_t sid;
	int threads;
	uint64_t start_ticks;
	uint64_t rss_pages;
	size_t comm_len;
	char comm[PROCDIR_COMM_MAX];
};
int procdir_stat(int procfd, pid_t pid, struct procdir_stat *st);

/* Whether /proc/PID/fd/FD is the socket inode. One readlinkat. Returns 1 (yes), 0 (it is
 * something else now) or a negative errno (-ENOENT: the fd or the process is gone). */
int procdir_fd_is(int procfd, pid_t pid, int fd, uint64_t inode);

/* Calls fn for every socket among the open files of pid. Returns 0, or a negative errno when the
 * fd directory cannot be opened (-ENOENT: gone, -EACCES: another user's). Sets *nfds (may be NULL)
 * to the number of fds read, for statistics. */
typedef void procdir_sock_fn(void *ctx, pid_t pid, int fd, uint64_t inode);
int procdir_scan_sockets(int procfd, pid_t pid, procdir_sock_fn *fn, void *ctx, unsigned *nfds);

/* Reads /proc/PID/name (for example "comm") like procdir_read_file(). Returns the length. */
ssize_t procdir_read_pid_file(int procfd, pid_t pid, const char *name, char *buf, size_t cap);

/* readlink of /proc/PID/name ("cwd", "exe") into buf, NUL-terminated, cut to cap - 1 bytes.
 * Returns the length. */
ssize_t procdir_readlink(int procfd, pid_t pid, const char *name, char *buf, size_t cap);

/* The most recently allocated pid (last field of loadavg), or -1 when unknown. It changes when a
 * process or a thread is created: when it has not moved, no process appeared. */
long procdir_last_pid(int procfd);

/* Boot time in seconds since the epoch (btime in stat), or 0 when unknown. */
int64_t procdir_boot_time(int procfd);

/* The number after "key " on a line of the proc root's stat ("btime", "processes": the processes
 * and threads created since boot), or -1. */
int64_t procdir_system_stat(int procfd, const char *key);

/* The number a small file holds (for example "sys/kernel/pid_max"), or -1. */
int64_t procdir_read_number(int procfd, const char *path);

/* Sorts pids[0..n) ascending and drops repeats; returns how many are left. */
size_t procdir_sort_pids(pid_t *pids, size_t n);

#endif
