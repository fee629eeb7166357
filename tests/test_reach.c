/* test_reach.c - the kernel's choice of a listening socket as reach.c models it: the rules table
 * against its enums, one case a rule for Linux and for macOS, the destinations of a port, and
 * their names. test_linux_reach.c checks the same answers against the real kernel. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "make_listener.h"
#include "reach.h"

/* Every combination of destination family, socket family, match and v6only is ranked by exactly
 * one rule, except an IPv4 socket's exact match for an IPv6 destination, which cannot happen. */
Test(reach, every_case_has_one_rule)
{
	for (int df = 0; df < 2; df++)
		for (int sf = 0; sf < 2; sf++)
			for (int m = 0; m < REACH_MATCH_COUNT; m++)
				for (int v6only = 0; v6only <= 1; v6only++) {
					struct listener s = {.family = sf ? FAMILY_V6 : FAMILY_V4,
					                     .v6only = sf && v6only};
					enum listener_family d = df ? FAMILY_V6 : FAMILY_V4;
					const struct reach_rule *r =
					    reach_rule_find(d, &s, (enum reach_match)m);
					bool impossible = df && !sf && m == REACH_EXACT;
					cr_expect_eq(r == NULL, impossible,
					             "dest v%d sock v%d match %d v6only %d",
					             df ? 6 : 4, sf ? 6 : 4, m, v6only);
				}
	for (size_t i = 0; i < reach_rules_count; i++) {
		const struct reach_rule *r = &reach_rules[i];
		cr_expect(r->what && r->what[0]);
		for (size_t j = 0; j < i; j++) {
			const struct reach_rule *o = &reach_rules[j];
			bool overlap = o->dest_family == r->dest_family &&
			               o->sock_family == r->sock_family && o->match == r->match &&
			               (o->v6only < 0 || r->v6only < 0 || o->v6only == r->v6only);
			cr_expect_not(overlap, "rules %zu and %zu overlap", j, i);
		}
	}
	cr_assert_str_eq(reach_kernel_names[REACH_LINUX], "linux");
	cr_assert_str_eq(reach_kernel_names[REACH_MACOS], "macos");
}

/* A socket for a case: "127.0.0.1", "::" (serves IPv4 too), "::/v6only". */
static struct listener sock(const char *spec, int pid)
{
	char addr[64];
	snprintf(addr, sizeof addr, "%s", spec);
	char *flag = strchr(addr, '/');
	if (flag)
		*flag = '\0';
	struct listener l = make_listener(PROTO_TCP, addr, 4000, pid, "srv", "dev");
	cr_assert(l.family == FAMILY_V4 || l.family == FAMILY_V6, "bad address %s", addr);
	l.v6only = flag != NULL;
	return l;
}

static struct reach_dest dest(const char *addr)
{
	struct reach_dest d = {.family = FAMILY_V4};
	if (inet_pton(AF_INET, addr, d.addr) != 1) {
		d.family = FAMILY_V6;
		cr_assert_eq(inet_pton(AF_INET6, addr, d.addr), 1, "bad destination %s", addr);
	}
	return d;
}

/* One case: the sockets on a port, a destination, and which socket each kernel hands it to (an
 * index into socks, -1: refused) and whether that is a tie. */
struct reach_case {
	const char *name;
	const char *socks[4];
	const char *dest;
	int want[REACH_KERNEL_COUNT];
	bool tie[REACH_KERNEL_COUNT];
};

static const struct reach_case cases[] = {
    {"an exact IPv4 address beats 0.0.0.0",
     {"0.0.0.0", "127.0.0.1"},
     "127.0.0.1",
     {1, 1},
     {false, false}},
    {"0.0.0.0 serves 127.0.0.1", {"0.0.0.0"}, "127.0.0.1", {0, 0}, {false, false}},
    {"an IPv4-only server is unreachable on ::1",
     {"0.0.0.0", "127.0.0.1"},
     "::1",
     {-1, -1},
     {false, false}},
    {"[::] serving IPv4 takes 127.0.0.1", {"::"}, "127.0.0.1", {0, 0}, {false, false}},
    {"a v6-only [::] does not take 127.0.0.1",
     {"::/v6only"},
     "127.0.0.1",
     {-1, -1},
     {false, false}},
    {"0.0.0.0 before [::] serving IPv4", {"::", "0.0.0.0"}, "127.0.0.1", {1, 1}, {false, false}},
    {"127.0.0.1 before [::] serving IPv4",
     {"::", "127.0.0.1"},
     "127.0.0.1",
     {1, 1},
     {false, false}},
    {"[::] serves ::1", {"::", "0.0.0.0"}, "::1", {0, 0}, {false, false}},
    {"a v6-only [::] serves ::1", {"::/v6only", "0.0.0.0"}, "::1", {0, 0}, {false, false}},
    {"an exact ::1 beats [::]", {"::", "::1"}, "::1", {1, 1}, {false, false}},
    {"::1 does not serve 127.0.0.1", {"::1"}, "127.0.0.1", {-1, -1}, {false, false}},
    {"::ffff:127.0.0.1 serves 127.0.0.1",
     {"::ffff:127.0.0.1"},
     "127.0.0.1",
     {0, 0},
     {false, false}},
    {"::ffff:127.0.0.1 does not serve ::1",
     {"::ffff:127.0.0.1", "0.0.0.0"},
     "::1",
     {-1, -1},
     {false, false}},
    {"::ffff:127.0.0.1 beats 0.0.0.0",
     {"0.0.0.0", "::ffff:127.0.0.1"},
     "127.0.0.1",
     {1, 1},
     {false, false}},
    /* Linux: the IPv4 socket wins; macOS: the one bound last, unknown here (a tie) */
    {"127.0.0.1 and ::ffff:127.0.0.1",
     {"::ffff:127.0.0.1", "127.0.0.1"},
     "127.0.0.1",
     {1, 1},
     {false, true}},
    {"::ffff:0.0.0.0 serves IPv4", {"::ffff:0.0.0.0"}, "127.0.0.1", {0, 0}, {false, false}},
    {"::ffff:0.0.0.0 is not [::]", {"::ffff:0.0.0.0"}, "::1", {-1, -1}, {false, false}},
    {"a LAN address takes its own socket",
     {"0.0.0.0", "::", "192.168.1.20"},
     "192.168.1.20",
     {2, 2},
     {false, false}},
    {"another address does not take a LAN socket",
     {"192.168.1.20"},
     "127.0.0.1",
     {-1, -1},
     {false, false}},
    {"127.0.0.2 is not 127.0.0.1", {"127.0.0.2", "::"}, "127.0.0.1", {1, 1}, {false, false}},
    {"an IPv6 LAN address takes its own socket",
     {"::/v6only", "fd00::5"},
     "fd00::5",
     {1, 1},
     {false, false}},
    {"an IPv6 LAN socket does not take ::1", {"fd00::5", "::"}, "::1", {1, 1}, {false, false}},
};

Test(reach, every_case_for_linux_and_macos)
{
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		const struct reach_case *rc = &cases[c];
		struct listener v[4];
		const struct listener *rows[4];
		size_t n = 0;
		for (; n < 4 && rc->socks[n]; n++) {
			v[n] = sock(rc->socks[n], 100 + (int)n);
			rows[n] = &v[n];
		}
		struct reach_dest d = dest(rc->dest);
		for (int k = 0; k < REACH_KERNEL_COUNT; k++) {
			struct reach_hit hit = reach_one(rows, n, (enum reach_kernel)k, &d);
			cr_expect_eq(hit.row, rc->want[k], "%s (%s): got %d", rc->name,
			             reach_kernel_names[k], hit.row);
			cr_expect_eq(hit.tie, rc->tie[k], "%s (%s): tie", rc->name,
			             reach_kernel_names[k]);
		}
	}
}

/* UDP sockets take no part: connections are TCP. */
Test(reach, udp_is_left_out)
{
	struct listener u = make_listener(PROTO_UDP, "127.0.0.1", 4000, 1, "dns", "dev");
	struct listener t = make_listener(PROTO_TCP, "0.0.0.0", 4000, 2, "web", "dev");
	const struct listener *rows[] = {&u, &t};
	struct reach r;
	reach_compute(rows, 1, REACH_LINUX, &r);
	cr_assert_eq(r.n, 0, "no TCP listener, no destination");
	reach_compute(rows, 2, REACH_LINUX, &r);
	cr_assert_eq(r.n, 2);
	cr_assert_eq(r.hit[REACH_LOCAL4].row, 1, "127.0.0.1 goes to the TCP wildcard");
}

/* The destinations of a port: ::1, 127.0.0.1, then each specific address once, in row order;
 * an IPv6 socket on ::ffff:a.b.c.d names the IPv4 address. */
Test(reach, the_destinations_of_a_port)
{
	const char *specs[] = {"0.0.0.0",   "::",  "192.168.1.20", "fd00::5", "::ffff:192.168.1.20",
	                       "127.0.0.2", "::1", "127.0.0.1"};
	enum { N = sizeof specs / sizeof specs[0] };
	struct listener v[N];
	const struct listener *rows[N];
	for (size_t i = 0; i < N; i++) {
		v[i] = sock(specs[i], 10 + (int)i);
		rows[i] = &v[i];
	}
	struct reach r;
	reach_compute(rows, N, REACH_LINUX, &r);
	struct reach_view view = reach_view_of(&r);
	const char *want[] = {"localhost (::1)", "localhost (127.0.0.1)", "192.168.1.20", "fd00::5",
	                      "127.0.0.2"};
	cr_assert_eq(r.n, sizeof want / sizeof want[0]);
	for (size_t k = 0; k < r.n; k++) {
		char name[REACH_DEST_STR_MAX + 16];
		reach_dest_name(&view, k, name, sizeof name);
		cr_expect_str_eq(name, want[k]);
	}
	int hits[] = {6, 7, 2, 3, 5};
	for (size_t k = 0; k < r.n; k++)
		cr_expect_eq(r.hit[k].row, hits[k], "destination %zu", k);
	cr_assert_eq(reach_next_of(&view, 0, 1), r.n, "[::] is reached by nothing here");
	cr_assert_eq(reach_next_of(&view, 0, 7), REACH_LOCAL4);
	char buf[REACH_DEST_STR_MAX + 8];
	reach_dest_port_str(&r.dest[REACH_LOCAL6], 5000, buf, sizeof buf);
	cr_assert_str_eq(buf, "[::1]:5000");
	reach_dest_port_str(&r.dest[REACH_LOCAL4], 5000, buf, sizeof buf);
	cr_assert_str_eq(buf, "127.0.0.1:5000");
}

/* Rows past REACH_ROWS_MAX are not looked at (nor past the array). */
Test(reach, rows_past_the_bound_are_ignored)
{
	static struct listener v[REACH_ROWS_MAX + 1];
	const struct listener *rows[REACH_ROWS_MAX + 1];
	for (size_t i = 0; i < REACH_ROWS_MAX + 1; i++) {
		char a[32];
		snprintf(a, sizeof a, "10.0.%zu.1", i);
		v[i] = sock(a, 200 + (int)i);
		rows[i] = &v[i];
	}
	v[REACH_ROWS_MAX] = sock("127.0.0.1", 999);
	struct reach r;
	reach_compute(rows, REACH_ROWS_MAX + 1, REACH_LINUX, &r);
	cr_assert_eq(r.n, REACH_DESTS_MAX);
	cr_assert_eq(r.hit[REACH_LOCAL4].row, -1, "the 65th row is not seen");
}
