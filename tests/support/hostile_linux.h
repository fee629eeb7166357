/* hostile_linux.h - real processes whose command name and arguments try to talk to the terminal,
 * each holding a TCP listener, for tests of what devports prints.
 *
 * The test binary re-executes itself (/proc/self/exe) with the hostile arguments as its whole
 * argv (none at all for an empty argv); a constructor in hostile_linux.c takes over before main()
 * in that process: it sets the hostile command name with PR_SET_NAME, says it is ready and waits,
 * holding the listening socket it inherited, until the test closes its lifeline or dies.
 */
#ifndef DEVPORTS_TEST_HOSTILE_H
#define DEVPORTS_TEST_HOSTILE_H

#include <stdint.h>
#include <sys/types.h>

struct hostile {
	const char *what;        /* what it tries, for messages */
	const char *comm;        /* its command name; the kernel keeps 15 bytes */
	const char *const *argv; /* its arguments, NULL-terminated; NULL: an empty argv */
	pid_t pid;               /* running process, 0 when stopped */
	uint16_t port;           /* its listener on 127.0.0.1 */
	int lifeline;            /* write end of its stdin: closing it ends the process */
};

/* Binds 127.0.0.1:port, then starts h's process holding that listener (the test keeps no copy of
 * the socket) and waits until its name is set. Returns 0 or a negative errno (-EADDRINUSE...). */
int hostile_start(struct hostile *h, uint16_t port);

/* Ends the process and reaps it. Idempotent. */
void hostile_stop(struct hostile *h);

#endif
