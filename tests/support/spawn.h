/* spawn.h - listener processes for integration tests.
 *
 * spawn_listener() re-executes the test binary (/proc/self/exe) with a recognizable command line
 * (see struct spawn.cmdline); a constructor in spawn.c takes over before main() in that process.
 * The listener optionally drops to another uid, opens a TCP or UDP socket on the given address and
 * port (0: the kernel picks one), optionally forks a worker that keeps the socket (pre-fork),
 * reports its port and then obeys commands: fork another worker, rename itself, say whether a
 * connection is waiting on one of its sockets (spawn_accepted). Its command name is "dp-listener"
 * ("dp-worker" for workers). The listener runs in a process group of its own,
 * with its workers. Every process dies with the test process (PR_SET_PDEATHSIG: the listener with
 * the test, the workers with the listener), and spawn_stop_all() in a fixture's fini stops them
 * after a failed assertion.
 */
#ifndef DEVPORTS_TEST_SPAWN_H
#define DEVPORTS_TEST_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct spawn_opts {
	bool udp;           /* false: TCP */
	const char *addr;   /* numeric: "127.0.0.1", "0.0.0.0", "::1", "::", "::ffff:127.0.0.1" */
	uint16_t port;      /* 0: ephemeral */
	int v6only;         /* IPv6 only: -1 leaves the system default, 0 or 1 sets IPV6_V6ONLY */
	bool prefork;       /* fork a worker that keeps the socket */
	bool deferred;      /* start the process but open the socket only at spawn_go() */
	uint32_t uid;       /* drop to this uid (and the same gid) first; 0 stays */
	const char *marker; /* one more word for the command line; NULL: "none" */
	const char *addr2;  /* a second socket of the same kind on this address and the same port
	                       (after the first: port 0 picks one free for the first address); NULL:
	                       none */
	bool reuseport;     /* SO_REUSEPORT on every socket: on Linux, what lets 127.0.0.1:P, 0.0.0.0:P
	                       and a [::]:P serving IPv4 coexist (every one of them sets it, one uid) */
};

enum { SPAWN_MAX_WORKERS = 8 };

struct spawn {
	pid_t pid;                        /* the listener process; 0 when not running */
	pid_t workers[SPAWN_MAX_WORKERS]; /* workers holding its socket */
	int nworkers;
	uint16_t port;      /* 0 until the socket is open */
	char cmdline[256];  /* its arguments joined by spaces, as /proc shows them */
	int cmd_fd, rep_fd; /* command and report pipes */
};

/* Starts a listener and waits (up to 5 s) for its port (deferred: only for the process to be
 * ready). Returns 0 or a negative errno (the listener's own error, e.g. -EADDRINUSE). On error
 * nothing is left running. */
int spawn_listener(struct spawn *s, const struct spawn_opts *o);

/* Deferred listeners: open the socket now (and fork the worker if asked); waits for the port. */
int spawn_go(struct spawn *s);

/* Forks one more worker that keeps the socket; returns its pid or a negative errno. */
pid_t spawn_fork_worker(struct spawn *s);

/* Whether a connection made to the listener is waiting on one of its TCP sockets: if so, the
 * listener accepts and closes it, and its socket's address ("0.0.0.0", "::") goes into addr.
 * Does not wait. Returns 1 (accepted), 0 (nothing waiting) or a negative errno. */
int spawn_accepted(struct spawn *s, char *addr, size_t len);

/* Changes the listener's command name (prctl PR_SET_NAME); returns 0 or a negative errno. */
int spawn_rename(struct spawn *s, const char *name);

/* Ends the listener and its workers (its whole process group) and waits until all are gone (the
 * socket is closed). Idempotent. */
void spawn_stop(struct spawn *s);

/* Stops every listener still running: call it from a test fixture's fini. */
void spawn_stop_all(void);

/* Runs fn(arg, out, len) in a forked child that first switches to uid (gid the same, no
 * supplementary groups); fn fills out, which is copied back through a pipe. Returns 0, -EPERM when
 * the child could not switch, -EIO when it failed. Needs root. */
int spawn_run_as(uint32_t uid, void (*fn)(void *arg, void *out, size_t len), void *arg, void *out,
                 size_t len);

#endif
