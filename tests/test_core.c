/* test_core.c - port ranges, key order and the snapshot diff. */
#include <criterion/criterion.h>
#include <string.h>

#include "diff.h"
#include "make_listener.h"
#include "ranges.h"

Test(ranges, table_covers_every_port_once_and_in_order)
{
	cr_assert_eq(ranges_table[0].lo, 0);
	cr_assert_eq(ranges_table[RANGE_COUNT - 1].hi, 65535);
	for (int i = 0; i < RANGE_COUNT; i++) {
		cr_assert_eq(ranges_table[i].id, (enum port_range)i, "table entry %d is out of place", i);
		if (i > 0)
			cr_assert_eq(ranges_table[i].lo, ranges_table[i - 1].hi + 1);
	}
}

Test(ranges, boundaries)
{
	cr_assert_eq(ranges_of(0), RANGE_WELL_KNOWN);
	cr_assert_eq(ranges_of(1023), RANGE_WELL_KNOWN);
	cr_assert_eq(ranges_of(1024), RANGE_REGISTERED);
	cr_assert_eq(ranges_of(49151), RANGE_REGISTERED);
	cr_assert_eq(ranges_of(49152), RANGE_DYNAMIC);
	cr_assert_eq(ranges_of(65535), RANGE_DYNAMIC);
	cr_assert_str_eq(ranges_table[ranges_of(8000)].name, "Registered");
}

Test(listener, key_orders_proto_family_address_port_pid)
{
	struct listener a = make_listener(PROTO_TCP, "127.0.0.1", 9000, 5, "a", "u");
	struct listener b = make_listener(PROTO_TCP, "127.0.0.1", 9000, 6, "a", "u");
	struct listener c = make_listener(PROTO_TCP, "127.0.0.2", 80, 1, "a", "u");
	struct listener d = make_listener(PROTO_TCP, "::1", 1, 1, "a", "u");
	struct listener e = make_listener(PROTO_UDP, "0.0.0.0", 1, 1, "a", "u");
	cr_assert_lt(listener_key_cmp(&a, &b), 0);
	cr_assert_lt(listener_key_cmp(&b, &c), 0);
	cr_assert_lt(listener_key_cmp(&c, &d), 0);
	cr_assert_lt(listener_key_cmp(&d, &e), 0);
	cr_assert_eq(listener_key_cmp(&a, &a), 0);
}

Test(listener, address_forms)
{
	char buf[64];
	struct listener any6 = make_listener(PROTO_TCP, "::", 3000, 1, "node", "dev");
	listener_addr_str(&any6, buf, sizeof buf);
	cr_assert_str_eq(buf, "*", "a dual-stack [::] serves every address");
	any6.v6only = true;
	listener_addr_str(&any6, buf, sizeof buf);
	cr_assert_str_eq(buf, "::");
	cr_assert(listener_is_wildcard(&any6));
	struct listener mapped = make_listener(PROTO_TCP, "::ffff:127.0.0.1", 1, 1, "x", "u");
	cr_assert(listener_is_loopback(&mapped));
	struct listener lan = make_listener(PROTO_TCP, "192.168.1.5", 1, 1, "x", "u");
	cr_assert_not(listener_is_loopback(&lan));
	cr_assert_not(listener_is_wildcard(&lan));
}

static void fill(struct listener_set *s, const struct listener *v, size_t n)
{
	listener_set_clear(s);
	for (size_t i = 0; i < n; i++)
		cr_assert_not_null(listener_set_push(s, &v[i]));
	listener_set_sort(s);
}

Test(diff, added_removed_changed_in_key_order)
{
	struct listener before[] = {
		make_listener(PROTO_TCP, "127.0.0.1", 3000, 977, "node", "dev"),
		make_listener(PROTO_TCP, "127.0.0.1", 5432, 40, "postgres", "postgres"),
		make_listener(PROTO_UDP, "0.0.0.0", 5353, 50, "avahi", "avahi"),
	};
	struct listener after[] = {
		make_listener(PROTO_UDP, "0.0.0.0", 5353, 50, "avahi", "avahi"),
		make_listener(PROTO_TCP, "127.0.0.1", 5173, 4242, "vite", "dev"),
		make_listener(PROTO_TCP, "127.0.0.1", 5432, 40, "postgres", "postgres"),
	};
	strcpy(after[2].proc.comm, "postmaster"); /* same key, renamed */
	struct listener_set b = {0}, a = {0};
	struct diff d = {0};
	fill(&b, before, 3);
	fill(&a, after, 3);
	cr_assert_eq(diff_snapshots(&b, &a, &d), 0);
	cr_assert_eq(d.n, 3);
	cr_assert_eq(d.v[0].kind, DIFF_REMOVED);
	cr_assert_eq(d.v[0].before->port, 3000);
	cr_assert_null(d.v[0].after);
	cr_assert_eq(d.v[1].kind, DIFF_ADDED);
	cr_assert_eq(d.v[1].after->port, 5173);
	cr_assert_eq(d.v[2].kind, DIFF_CHANGED);
	cr_assert_str_eq(d.v[2].before->proc.comm, "postgres");
	cr_assert_str_eq(d.v[2].after->proc.comm, "postmaster");

	/* Same snapshot twice: nothing. Empty to full: all added. */
	cr_assert_eq(diff_snapshots(&a, &a, &d), 0);
	cr_assert_eq(d.n, 0);
	struct listener_set empty = {0};
	cr_assert_eq(diff_snapshots(&empty, &a, &d), 0);
	cr_assert_eq(d.n, 3);
	for (size_t i = 0; i < d.n; i++)
		cr_assert_eq(d.v[i].kind, DIFF_ADDED);
	cr_assert_eq(diff_snapshots(&a, &empty, &d), 0);
	cr_assert_eq(d.n, 3);
	for (size_t i = 0; i < d.n; i++)
		cr_assert_eq(d.v[i].kind, DIFF_REMOVED);
	diff_free(&d);
	listener_set_free(&a);
	listener_set_free(&b);
}

Test(diff, pid_reuse_on_same_key_is_a_change)
{
	struct listener x = make_listener(PROTO_TCP, "::1", 8080, 300, "java", "dev");
	struct listener y = x;
	y.proc.id.start_ticks += 1;
	struct listener_set b = {0}, a = {0};
	struct diff d = {0};
	fill(&b, &x, 1);
	fill(&a, &y, 1);
	cr_assert_eq(diff_snapshots(&b, &a, &d), 0);
	cr_assert_eq(d.n, 1);
	cr_assert_eq(d.v[0].kind, DIFF_CHANGED);
	diff_free(&d);
	listener_set_free(&a);
	listener_set_free(&b);
}
