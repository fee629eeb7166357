/* reach.c - the kernel's choice of a listening socket, as a table (see reach.h).
 *
 * Linux (net/ipv4/inet_hashtables.c, net/ipv6/inet6_hashtables.c): a connection to an address
 * first looks for listeners bound to that very address, and only when there is none for the
 * wildcard ones. For an IPv4 address an IPv4 socket scores higher than an IPv6 one on the same
 * address (::ffff:a.b.c.d, or [::] without IPV6_V6ONLY), and SO_REUSEPORT sockets are kept with
 * the IPv4 ones ahead of the IPv6 ones, so the IPv4 socket wins whatever the order of the binds.
 * An IPv6 address is served by IPv6 sockets only: exact first, then [::] (v6-only or not).
 * An SO_REUSEPORT group (sockets on one address and port) shares connections by a hash: it is one
 * row, and one answer, here.
 *
 * macOS (XNU's in_pcblookup_hash and in6_pcblookup_hash, as we read its source; not yet checked
 * against a Mac): the same order (exact before wildcard, the IPv4 wildcard before an IPv6 [::]
 * serving IPv4, IPv6 destinations to IPv6 sockets only), with one difference: among sockets
 * bound to the same address it takes the first in its hash chain, the socket bound last, so an
 * IPv4 socket and an IPv6 socket on ::ffff:a.b.c.d tie (which one wins depends on an order the
 * snapshot does not show). The same goes for an SO_REUSEPORT group: macOS hands every connection
 * to one of its sockets instead of spreading them; still one row, one answer.
 *
 * Where the systems differ more is in which of these sockets can be bound at all (README):
 * Linux lets 127.0.0.1:P, 0.0.0.0:P and a [::]:P serving IPv4 coexist only when every one of
 * them sets SO_REUSEPORT (and they belong to one user); macOS lets a specific address share a
 * port with a wildcard when the later socket sets SO_REUSEADDR (same user, or root), and an IPv6
 * [::] serving IPv4 share it with an IPv4 0.0.0.0 with no option at all. That is how the AirPlay
 * Receiver's *:5000 and a Flask server's 127.0.0.1:5000 come to run side by side.
 */
#include "reach.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

const char *const reach_kernel_names[REACH_KERNEL_COUNT] = {
    [REACH_LINUX] = "linux",
    [REACH_MACOS] = "macos",
};

enum { ANY = -1 };

/* Ranks per kernel: {Linux, macOS}. */
const struct reach_rule reach_rules[] = {
    /* IPv4 destinations: 127.0.0.1, a LAN address */
    {FAMILY_V4, FAMILY_V4, REACH_EXACT, ANY, {1, 1}, "an IPv4 socket on the address itself"},
    /* Linux: below the IPv4 socket; macOS: a tie with it, the socket bound last wins */
    {FAMILY_V4,
     FAMILY_V6,
     REACH_EXACT,
     ANY,
     {2, 1},
     "an IPv6 socket on the same IPv4 address (::ffff:a.b.c.d)"},
    {FAMILY_V4, FAMILY_V4, REACH_WILDCARD, ANY, {3, 3}, "the IPv4 wildcard 0.0.0.0"},
    {FAMILY_V4,
     FAMILY_V6,
     REACH_WILDCARD,
     0,
     {4, 4},
     "an IPv6 wildcard [::] that also serves IPv4 (not v6-only)"},
    {FAMILY_V4, FAMILY_V6, REACH_WILDCARD, 1, {0, 0}, "a v6-only [::] never takes IPv4"},
    /* IPv6 destinations: ::1, a LAN address */
    {FAMILY_V6, FAMILY_V6, REACH_EXACT, ANY, {1, 1}, "an IPv6 socket on the address itself"},
    {FAMILY_V6, FAMILY_V6, REACH_WILDCARD, ANY, {2, 2}, "the IPv6 wildcard [::]"},
    {FAMILY_V6,
     FAMILY_V4,
     REACH_WILDCARD,
     ANY,
     {0, 0},
     "an IPv4 socket never takes IPv6: an IPv4-only server is unreachable on ::1"},
};
const size_t reach_rules_count = sizeof reach_rules / sizeof reach_rules[0];

static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
static const uint8_t zero[16];

const struct reach_rule *reach_rule_find(enum listener_family dest_family,
                                         const struct listener *sock, enum reach_match match)
{
	for (size_t i = 0; i < reach_rules_count; i++) {
		const struct reach_rule *r = &reach_rules[i];
		if (r->dest_family == dest_family && r->sock_family == sock->family &&
		    r->match == match && (r->v6only == ANY || r->v6only == sock->v6only))
			return r;
	}
	return NULL;
}

/* The IPv4 address an IPv6 socket bound to ::ffff:a.b.c.d serves, or NULL. */
static const uint8_t *mapped_v4(const struct listener *s)
{
	return s->family == FAMILY_V6 && memcmp(s->addr, v4mapped, 12) == 0 ? s->addr + 12 : NULL;
}

/* How sock's address matches d; false when it does not at all. */
static bool match_of(const struct reach_dest *d, const struct listener *s, enum reach_match *m)
{
	const uint8_t *a;
	size_t len = d->family == FAMILY_V4 ? 4 : 16;
	if (d->family == FAMILY_V4) {
		a = s->family == FAMILY_V4 ? s->addr : mapped_v4(s);
		if (!a && memcmp(s->addr, zero, 16) == 0)
			a = zero; /* [::]: the rules say whether it serves IPv4 */
	} else {
		a = s->family == FAMILY_V6 && !mapped_v4(s) ? s->addr : NULL;
		if (s->family == FAMILY_V4 && memcmp(s->addr, zero, 4) == 0)
			a = zero; /* 0.0.0.0: a rule says it never serves IPv6 */
	}
	if (!a)
		return false;
	if (memcmp(a, zero, len) == 0)
		*m = REACH_WILDCARD;
	else if (memcmp(a, d->addr, len) == 0)
		*m = REACH_EXACT;
	else
		return false;
	return true;
}

struct reach_hit reach_one(const struct listener *const *rows, size_t n, enum reach_kernel kernel,
                           const struct reach_dest *d)
{
	struct reach_hit hit = {.row = -1};
	unsigned best = 0;
	if (n > REACH_ROWS_MAX)
		n = REACH_ROWS_MAX;
	for (size_t i = 0; i < n; i++) {
		const struct listener *s = rows[i];
		enum reach_match m;
		if (s->proto != PROTO_TCP || !match_of(d, s, &m))
			continue;
		const struct reach_rule *r = reach_rule_find((enum listener_family)d->family, s, m);
		unsigned rank = r ? r->rank[kernel] : 0;
		if (rank == 0)
			continue;
		bool first = hit.row < 0 || rank < best;
		if (!first && rank == best)
			hit.tie = true; /* the first by key is named */
		if (!first && (rank > best || listener_key_cmp(s, rows[hit.row]) >= 0))
			continue;
		if (first)
			hit.tie = false;
		best = rank;
		hit.row = (int16_t)i;
		hit.rule = (uint8_t)(r - reach_rules);
	}
	return hit;
}

/* The destination a row's own address names, if it is a specific one. */
static bool own_dest(const struct listener *s, struct reach_dest *d)
{
	const uint8_t *v4 = s->family == FAMILY_V4 ? s->addr : mapped_v4(s);
	*d = (struct reach_dest){.family = v4 ? FAMILY_V4 : FAMILY_V6};
	memcpy(d->addr, v4 ? v4 : s->addr, v4 ? 4 : 16);
	return memcmp(d->addr, zero, 16) != 0;
}

static void add_dest(struct reach *r, const struct reach_dest *d)
{
	for (size_t k = 0; k < r->n; k++)
		if (memcmp(&r->dest[k], d, sizeof *d) == 0)
			return;
	if (r->n < REACH_DESTS_MAX)
		r->dest[r->n++] = *d;
}

void reach_compute(const struct listener *const *rows, size_t n, enum reach_kernel kernel,
                   struct reach *out)
{
	static const struct reach_dest local6 = {.family = FAMILY_V6, .addr = {[15] = 1}};
	static const struct reach_dest local4 = {.family = FAMILY_V4, .addr = {127, 0, 0, 1}};
	bool tcp = false;
	out->n = 0;
	if (n > REACH_ROWS_MAX)
		n = REACH_ROWS_MAX;
	for (size_t i = 0; i < n; i++)
		tcp |= rows[i]->proto == PROTO_TCP;
	if (!tcp)
		return;
	add_dest(out, &local6);
	add_dest(out, &local4);
	for (size_t i = 0; i < n; i++) {
		struct reach_dest d;
		if (rows[i]->proto == PROTO_TCP && own_dest(rows[i], &d))
			add_dest(out, &d);
	}
	for (size_t k = 0; k < out->n; k++)
		out->hit[k] = reach_one(rows, n, kernel, &out->dest[k]);
}

struct reach_view reach_view_of(const struct reach *r)
{
	return (struct reach_view){.n = r->n, .dest = r->dest, .hit = r->hit};
}

size_t reach_next_of(const struct reach_view *v, size_t from, size_t row)
{
	for (size_t k = from; k < v->n; k++)
		if (v->hit[k].row >= 0 && (size_t)v->hit[k].row == row)
			return k;
	return v->n;
}

void reach_dest_str(const struct reach_dest *d, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	if (!inet_ntop(d->family == FAMILY_V4 ? AF_INET : AF_INET6, d->addr, tmp, sizeof tmp))
		snprintf(tmp, sizeof tmp, "?");
	snprintf(buf, len, "%s", tmp);
}

void reach_dest_port_str(const struct reach_dest *d, unsigned port, char *buf, size_t len)
{
	char a[REACH_DEST_STR_MAX];
	reach_dest_str(d, a, sizeof a);
	snprintf(buf, len, d->family == FAMILY_V6 ? "[%s]:%u" : "%s:%u", a, port);
}

void reach_dest_name(const struct reach_view *v, size_t k, char *buf, size_t len)
{
	char a[REACH_DEST_STR_MAX];
	reach_dest_str(&v->dest[k], a, sizeof a);
	if (k == REACH_LOCAL6 || k == REACH_LOCAL4)
		snprintf(buf, len, "localhost (%s)", a);
	else
		snprintf(buf, len, "%s", a);
}
