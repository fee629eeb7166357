/* port_probe.h - whether a TCP port can be bound right now, by trying (POSIX sockets; shared by
 * the OS backends). */
#ifndef DEVPORTS_PORT_PROBE_H
#define DEVPORTS_PORT_PROBE_H

#include <stdint.h>

/* Binds (SO_REUSEADDR, as servers do) and closes a TCP socket on 127.0.0.1, ::1, 0.0.0.0 and ::
 * (dual-stack) in turn. 0 when every bind worked (an IPv6 address the machine lacks is skipped),
 * else the first bind's negative errno: -EADDRINUSE, -EACCES (a privileged port)... */
int port_probe_tcp(uint16_t port);

#endif
