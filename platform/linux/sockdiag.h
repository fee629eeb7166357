/* sockdiag.h - listening sockets from the kernel's NETLINK_SOCK_DIAG interface.
 *
 * One dump per family (IPv4, IPv6) and protocol: TCP sockets in LISTEN, UDP sockets in CLOSE (bound
 * and unconnected). The message walker is a pure function over received bytes, so it can be fed
 * recorded dumps and fuzzed.
 */
#ifndef DEVPORTS_SOCKDIAG_H
#define DEVPORTS_SOCKDIAG_H

#include "listener.h"

#include <stddef.h>
#include <stdint.h>

struct sockdiag;
struct inet_diag_msg;

/* Called for each SOCK_DIAG_BY_FAMILY message of a reply: m (an aligned copy) and the attributes
 * after it, attrs[0..attrs_len) (rtattr records, possibly unaligned). Returns 0 to go on, or a
 * negative errno that ends the walk and is returned by it. */
typedef int (*sockdiag_msg_fn)(const struct inet_diag_msg *m, const unsigned char *attrs,
                               size_t attrs_len, void *ctx);

/* Opens a sock_diag netlink socket. Returns 0 and sets *out, or a negative errno (for example
 * -EPROTONOSUPPORT or -EACCES where netlink is not available). */
int sockdiag_open(struct sockdiag **out);

/* Appends every listening TCP socket and every bound, unconnected UDP socket, IPv4 and IPv6, to
 * out. Only the socket fields are set (proto, family, addr, port, v6only, inode, uid); proc is
 * empty: numbers 0, strings "" (the bytes after each string's end are not written: a listener is
 * 2.7 KB, mostly room, and a poll lists hundreds). Returns 0 or a negative errno; after an error
 * out may hold part of the sockets and the handle should be closed (its socket may hold the rest of
 * a dump). */
int sockdiag_collect(struct sockdiag *d, struct listener_set *out);

/* One dump: every socket of family (AF_INET, AF_INET6) and protocol (IPPROTO_TCP, IPPROTO_UDP)
 * whose TCP state bit (1u << TCP_LISTEN...) is in states, each handed to fn. Returns 0 when the
 * dump ended, or a negative errno (fn's included); after an error the handle should be closed. */
int sockdiag_dump(struct sockdiag *d, int family, int protocol, uint32_t states, sockdiag_msg_fn fn,
                  void *ctx);

/* Closes the socket and frees the handle; *d becomes NULL. NULL-safe. */
void sockdiag_close(struct sockdiag **d);

/* Pure: walks the netlink messages in buf[0..len), one received datagram of a SOCK_DIAG_BY_FAMILY
 * dump for protocol proto, and appends one listener per listening (TCP) or bound, unconnected
 * (UDP) socket with a non-zero local port. Messages of other types are ignored.
 * Returns 1 when the dump ended (NLMSG_DONE), 0 when more datagrams follow, or a negative errno:
 * the error an NLMSG_ERROR or NLMSG_DONE carried, -EBADMSG for a truncated or malformed message
 * (an error below -4095 included), -ENOMEM. */
int sockdiag_parse(const void *buf, size_t len, enum listener_proto proto,
                   struct listener_set *out);

/* Pure: the walk under sockdiag_parse. Hands every SOCK_DIAG_BY_FAMILY message in buf[0..len) to
 * fn; returns as sockdiag_parse does (fn's error included). */
int sockdiag_walk(const void *buf, size_t len, sockdiag_msg_fn fn, void *ctx);

#endif
