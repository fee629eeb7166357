/* make_listener.c - builds listeners by hand for unit tests. */
#include "make_listener.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

struct listener make_listener(enum listener_proto proto, const char *addr, unsigned port, int pid,
                              const char *comm, const char *user)
{
	struct listener l = {.proto = (uint8_t)proto, .port = (uint16_t)port};
	if (inet_pton(AF_INET, addr, l.addr) == 1)
		l.family = FAMILY_V4;
	else if (inet_pton(AF_INET6, addr, l.addr) == 1)
		l.family = FAMILY_V6;
	l.proc.id.pid = pid;
	l.proc.id.start_ticks = 1000u + (unsigned)pid;
	snprintf(l.proc.comm, sizeof l.proc.comm, "%s", comm);
	snprintf(l.proc.user, sizeof l.proc.user, "%s", user);
	snprintf(l.proc.cmdline, sizeof l.proc.cmdline, "%s --port %u", comm, port);
	l.inode = 10000u + port;
	return l;
}
