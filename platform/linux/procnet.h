/* procnet.h - listening sockets from the /proc/net/{tcp,tcp6,udp,udp6} tables, the fallback when
 * netlink sock_diag is not available.
 *
 * v6only is not in these tables. For an IPv6 wildcard ([::]) listener it is guessed:
 * - true when an IPv4 wildcard (0.0.0.0) listener of the same protocol holds the same port: a
 *   dual-stack [::] socket and a 0.0.0.0 socket cannot both bind one port (short of SO_REUSEPORT
 * or, for UDP, SO_REUSEADDR on both), so this [::] socket must be IPv6-only;
 * - otherwise the system default, /proc/sys/net/ipv6/bindv6only (almost always 0).
 * The guess is wrong only for a [::] socket that set IPV6_V6ONLY itself and has no IPv4 twin, or
 * for sockets that share a port through SO_REUSEPORT/SO_REUSEADDR. (Reading the option from another
 * process's socket would need pidfd_getfd(), which also moves that socket into our cgroup: no.)
 */
#ifndef DEVPORTS_PROCNET_H
#define DEVPORTS_PROCNET_H

#include "listener.h"

#include <stddef.h>

/* Pure: parses the text of one table (header line, then one row per socket) and appends a listener
 * for every TCP row in LISTEN (st 0A) and every UDP row in CLOSE (st 07) with no remote address or
 * port, whose local port is not 0. The family is taken from the width of the address (8 or 32 hex
 * digits). Addresses are read as the kernel prints them: each 32-bit word in host byte order.
 * Only socket fields are set (proto, family, addr, port, inode, uid); v6only is false. Malformed
 * rows are skipped. Returns the number of listeners appended, or -ENOMEM. */
int procnet_parse(const char *text, size_t len, enum listener_proto proto,
                  struct listener_set *out);

/* Reads net/tcp, net/tcp6, net/udp and net/udp6 relative to the directory procfd (a /proc root)
 * and appends their listeners to out, then applies procnet_guess_v6only() to them. A missing IPv6
 * table (IPv6 disabled) is not an error. Returns 0 or a negative errno (-ENOENT when net/tcp is
 * missing). */
int procnet_collect(int procfd, bool bindv6only, struct listener_set *out);

/* Sets v6only on the IPv6 wildcard listeners of s->v[from..n) as described above. */
void procnet_guess_v6only(struct listener_set *s, size_t from, bool bindv6only);

/* Reads net/ipv6/bindv6only below procfd's sys/ directory; false when it cannot be read. */
bool procnet_bindv6only(int procfd);

#endif
