/* reach.h - which listener a connection from this machine reaches on one TCP port, for each
 * destination that matters: localhost on both families (::1 and 127.0.0.1) and every specific
 * address a listener on the port is bound to (a LAN address, 127.0.0.2...). The kernel hands
 * each connection to one listening socket; this models its choice from a snapshot's rows with a
 * table of rules (reach_rules, reach.c), for Linux and for macOS. Pure: no OS calls.
 *
 * Why these destinations and not every address of the machine's interfaces: an address no
 * listener names is served by the wildcards of its family, the same way for every such address,
 * so the interface list would add names but never change an answer (README, "Which server does
 * localhost reach").
 */
#ifndef DEVPORTS_REACH_H
#define DEVPORTS_REACH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener.h"

/* Whose rules pick the socket: a snapshot says which (struct snapshot.kernel). */
enum reach_kernel { REACH_LINUX = 0, REACH_MACOS, REACH_KERNEL_COUNT };
extern const char *const reach_kernel_names[REACH_KERNEL_COUNT]; /* "linux", "macos" */

/* How a socket's address matches a destination. */
enum reach_match {
	REACH_EXACT = 0, /* the destination itself (an IPv4 one also as ::ffff:a.b.c.d on IPv6) */
	REACH_WILDCARD,  /* 0.0.0.0, [::], or ::ffff:0.0.0.0 for IPv4 destinations */
	REACH_MATCH_COUNT
};

/* One case of the kernel's choice: a socket of sock_family whose address matches a destination of
 * dest_family as `match` says (and, for an IPv6 socket, with that v6only) has rank[kernel]. The
 * destination goes to the socket of the lowest rank; 0 never takes it; two sockets of the same
 * rank are a tie, which the kernel breaks by an order a snapshot does not show. */
struct reach_rule {
	uint8_t dest_family, sock_family; /* enum listener_family */
	uint8_t match;                    /* enum reach_match */
	int8_t v6only;                    /* -1: any; 0 or 1: an IPv6 socket with that flag */
	uint8_t rank[REACH_KERNEL_COUNT];
	const char *what; /* the case in words (tests and messages) */
};
extern const struct reach_rule reach_rules[];
extern const size_t reach_rules_count;

/* The rule that ranks sock for a destination of family dest_family whose address matches as
 * `match` says, or NULL when no rule does (an IPv4 address cannot be an IPv6 destination). */
const struct reach_rule *reach_rule_find(enum listener_family dest_family,
                                         const struct listener *sock, enum reach_match match);

enum {
	REACH_ROWS_MAX = 64, /* rows of one port that are compared; more: ignored */
	REACH_DESTS_MAX = REACH_ROWS_MAX + 2, /* the two localhosts and one address a row */
	REACH_LOCAL6 = 0,                     /* dest[0]: ::1, which clients try first (RFC 6724) */
	REACH_LOCAL4 = 1,                     /* dest[1]: 127.0.0.1 */
	REACH_DEST_STR_MAX = 64
};

struct reach_dest {
	uint8_t family;   /* enum listener_family */
	uint8_t addr[16]; /* as listener.addr: network order, IPv4 in the first 4 bytes */
};

/* What a connection to one destination reaches. */
struct reach_hit {
	int16_t row;  /* index into the rows given; -1: nothing, the connection is refused */
	uint8_t rule; /* index into reach_rules of the winner's case (when row >= 0) */
	bool tie;     /* another row has the same rank: the kernel's own order decides (macOS: the
	                 socket bound last), which a snapshot does not show; row is the first of
	                 them by key */
};

/* One port's answer: dest[0] is ::1, dest[1] 127.0.0.1, then each specific address a TCP row
 * is bound to (an IPv6 row on ::ffff:a.b.c.d names the IPv4 a.b.c.d), in row order, once. */
struct reach {
	size_t n; /* 0 when the port has no TCP row */
	struct reach_dest dest[REACH_DESTS_MAX];
	struct reach_hit hit[REACH_DESTS_MAX];
};

/* The same answer kept elsewhere (the annotator keeps every port's in one array). */
struct reach_view {
	size_t n;
	const struct reach_dest *dest;
	const struct reach_hit *hit;
};

/* rows[0..n): every listener on one port (UDP ones are ignored: no destination reaches them),
 * at most REACH_ROWS_MAX (the rest are ignored). */
void reach_compute(const struct listener *const *rows, size_t n, enum reach_kernel kernel,
                   struct reach *out);

/* What a connection to d reaches among rows[0..n) (TCP rows only). */
struct reach_hit reach_one(const struct listener *const *rows, size_t n, enum reach_kernel kernel,
                           const struct reach_dest *d);

struct reach_view reach_view_of(const struct reach *r);

/* The next destination at or after `from` that reaches row, or v->n when none does. */
size_t reach_next_of(const struct reach_view *v, size_t from, size_t row);

/* "::1", "127.0.0.1", "192.168.1.20". */
void reach_dest_str(const struct reach_dest *d, char *buf, size_t len);
/* "127.0.0.1:5000", "[::1]:5000". */
void reach_dest_port_str(const struct reach_dest *d, unsigned port, char *buf, size_t len);
/* Destination k of v in words: "localhost (::1)", "localhost (127.0.0.1)", "192.168.1.20". */
void reach_dest_name(const struct reach_view *v, size_t k, char *buf, size_t len);

#endif
