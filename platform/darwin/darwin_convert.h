/* darwin_convert.h - pure conversion of what libproc reports (socket fd info, BSD process info,
 * the working directory's vnode path, the KERN_PROCARGS2 buffer) into sockets and proc_info, and
 * the sockets of every process into a snapshot.
 *
 * No call here touches the system, so the conversion is unit-tested on Linux: there the SDK's
 * structs come from a test double (tests/darwin_double/darwin_structs.h, selected by defining
 * DEVPORTS_DARWIN_STRUCTS_DOUBLE); on macOS from <sys/proc_info.h> and <libproc.h>.
 */
#ifndef DEVPORTS_DARWIN_CONVERT_H
#define DEVPORTS_DARWIN_CONVERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef DEVPORTS_DARWIN_STRUCTS_DOUBLE
#include "darwin_structs.h" /* test double: Linux unit tests only */
#else
#include <libproc.h>
#include <sys/proc_info.h>
#endif

#include "arena.h"
#include "listener.h"
#include "snapshot.h"

/* One socket fd of a process -> a socket as listener.h's "one socket" (proto, family, address,
 * port, v6only, uid, and inode: the kernel's handle of the socket, soi_so, the same in every
 * process holding it; everything else zero). True for a listening TCP socket (TSI_S_LISTEN) and a
 * bound, unconnected UDP socket, on IPv4, IPv6 or an IPv4-mapped IPv6 address; false for anything
 * else (a connection, a connected UDP socket, a Unix socket, an unbound socket). */
bool darwin_listener_from_socket(const struct socket_fdinfo *fi, struct listener *out);

/* Whether a socket fd is an established TCP connection accepted on listener l: l's port, and l's
 * address (any address of l's family when l is a wildcard). */
bool darwin_connection_of(const struct socket_fdinfo *fi, const struct listener *l);

/* What libproc said about one process. Any pointer may be NULL: that read failed (another user's
 * process allows only the short BSD info and the executable's path). */
struct darwin_proc_src {
	pid_t pid;
	const struct proc_bsdinfo *bsd;           /* PROC_PIDTBSDINFO: wins over shortbsd */
	const struct proc_bsdshortinfo *shortbsd; /* PROC_PIDT_SHORTBSDINFO */
	const struct proc_taskinfo *task;         /* PROC_PIDTASKINFO: memory, threads */
	const struct proc_vnodepathinfo *vnode;   /* PROC_PIDVNODEPATHINFO: the working directory */
	const char *exe;                          /* proc_pidpath's bytes, exe_len of them */
	size_t exe_len;
	const char *args; /* the KERN_PROCARGS2 buffer, args_len bytes */
	size_t args_len;
	const char *user; /* the uid's name from the user database, raw; NULL: none */
};

/* The text of one process, read into fixed buffers (listener.h's bounds); a proc_info filled by
 * darwin_proc_from_info points into one, so it lives as long as this does. */
struct darwin_proc_text {
	char comm[PROC_COMM_MAX];
	char user[PROC_USER_MAX];
	char cmdline[PROC_CMDLINE_MAX];
	char cwd[PROC_PATH_MAX];
	char exe[PROC_PATH_MAX];
	char project_root[PROC_PATH_MAX]; /* "" here; the caller finds it from cwd, on disk */
};

/* Fills every field of out, its strings pointing into text (sanitized once; a uid without a
 * name is shown as digits), project_root "" (found from the working directory, on disk, by the
 * caller into text->project_root). Returns 0, or -ESRCH when neither bsd nor shortbsd is given
 * (out is zeroed, its strings ""). */
int darwin_proc_from_info(const struct darwin_proc_src *src, struct darwin_proc_text *text,
                          struct proc_info *out);

/* Points p's strings at copies of them in strings (for platform_process). 0, or -ENOMEM (p's
 * strings are then unchanged). */
int darwin_proc_copy_strings(struct proc_info *p, struct arena *strings);

/* The listening sockets among one process's socket fds (darwin_listener_from_socket), appended to
 * out once each: a socket held twice (dup) by the process is one entry (same key and inode).
 * Returns how many were added, or -ENOMEM. */
int darwin_add_listeners(struct listener_set *out, const struct socket_fdinfo *socks, size_t n);

/* A socket one process holds, as collect gathers them over every process. */
struct darwin_held {
	struct listener sock; /* the socket fields only (darwin_listener_from_socket) */
	pid_t pid;
};

/* Adds the n sockets of held to out (snapshot_add_socket), each socket once with every pid
 * holding it: entries with the same key and inode are one socket (a listener inherited across
 * fork by workers). Reorders held. 0 or -ENOMEM. */
int darwin_add_sockets(struct snapshot *out, struct darwin_held *held, size_t n);

/* Who a process is, for pid-reuse checks: its start time in microseconds since the epoch (macOS
 * has no clock ticks since boot; the value only ever has to equal itself). */
uint64_t darwin_start_id(const struct proc_bsdinfo *bsd);

/* The arguments in a KERN_PROCARGS2 buffer (argc as an int, the executable's path, NUL padding,
 * then argc NUL-terminated arguments, then the environment, which is never read), joined by
 * single spaces and sanitized into out (always NUL-terminated; "" when the buffer is malformed). */
void darwin_args_to_cmdline(const char *buf, size_t len, char *out, size_t cap);

#endif
