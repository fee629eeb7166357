/* test_core.c - port ranges, key order, building a snapshot, a listener's own copy. */
#include <criterion/criterion.h>
#include <string.h>

#include "arena.h"
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

Test(listener, key_orders_proto_family_address_port)
{
	struct listener a = make_listener(PROTO_TCP, "127.0.0.1", 9000, 5, "a", "u");
	struct listener b = make_listener(PROTO_TCP, "127.0.0.1", 9001, 6, "a", "u");
	struct listener same = make_listener(PROTO_TCP, "127.0.0.1", 9000, 7, "b", "v");
	cr_assert_eq(listener_key_cmp(&a, &same), 0, "the pid is not part of the key");
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

/* A process for the builder: pid, parent, start ticks, command. */
static struct proc_info proc(pid_t pid, pid_t ppid, uint64_t ticks, const char *comm)
{
	return (struct proc_info){.id = {.pid = pid, .start_ticks = ticks}, .ppid = ppid, .uid = 1000,
	                          .comm = comm, .user = "dev", .cmdline = comm, .cwd = "",
	                          .exe = "", .project_root = ""};
}

static void add_socket(struct snapshot *s, enum listener_proto proto, const char *addr,
                       unsigned port, uint64_t inode, const pid_t *pids, size_t n)
{
	struct listener l = make_listener(proto, addr, port, 0, "", "");
	l.inode = inode;
	l.uid = 1000;
	cr_assert_eq(snapshot_add_socket(s, &l, pids, n, OWNER_NOT_READABLE, "dev"), 0);
}

Test(snapshot, prefork_server_is_one_row_lead_first)
{
	struct snapshot s = {0};
	/* workers added before their parent, and with lower start ticks than a sibling */
	struct proc_info w2 = proc(302, 300, 52, "gunicorn"), w1 = proc(301, 300, 51, "gunicorn");
	struct proc_info master = proc(300, 1, 50, "gunicorn");
	cr_assert_not_null(snapshot_add_process(&s, &w2));
	cr_assert_not_null(snapshot_add_process(&s, &w1));
	cr_assert_not_null(snapshot_add_process(&s, &master));
	pid_t holders[] = {302, 300, 301};
	add_socket(&s, PROTO_TCP, "127.0.0.1", 8003, 77, holders, 3);
	cr_assert_eq(snapshot_finish(&s, 1700000000), 0);
	cr_assert_eq(s.set.n, 1);
	const struct listener *l = &s.set.v[0];
	cr_assert_eq(l->nholders, 3);
	cr_assert_eq(l->proc->id.pid, 300, "the parent leads");
	cr_assert_eq(l->holders[0], l->proc);
	cr_assert_eq(l->holders[1]->id.pid, 301);
	cr_assert_eq(l->holders[2]->id.pid, 302);
	cr_assert_eq(listener_holder_role(l, 0), ROLE_PARENT);
	cr_assert_eq(listener_holder_role(l, 1), ROLE_WORKER);
	cr_assert_eq(listener_holder_role(l, 2), ROLE_WORKER);
	char cell[64];
	listener_process_str(l, cell, sizeof cell);
	cr_assert_str_eq(cell, "gunicorn ×3");
	cr_assert_eq(s.taken_at, 1700000000);
	snapshot_free(&s);
}

Test(snapshot, reuseport_group_merges_and_families_stay_apart)
{
	struct snapshot s = {0};
	/* two unrelated processes on one port (SO_REUSEPORT): the oldest leads */
	struct proc_info a = proc(500, 1, 900, "nginx"), b = proc(400, 1, 950, "nginx");
	cr_assert_not_null(snapshot_add_process(&s, &a));
	cr_assert_not_null(snapshot_add_process(&s, &b));
	pid_t pa[] = {500}, pb[] = {400};
	add_socket(&s, PROTO_TCP, "0.0.0.0", 8080, 91, pb, 1);
	add_socket(&s, PROTO_TCP, "0.0.0.0", 8080, 90, pa, 1);
	add_socket(&s, PROTO_TCP, "127.0.0.1", 3000, 10, pa, 1);
	add_socket(&s, PROTO_TCP, "::1", 3000, 11, pb, 1);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(s.set.n, 3, "127.0.0.1 and ::1 are two rows; the 8080 pair is one");
	const struct listener *group = &s.set.v[0]; /* 0.0.0.0 before 127.0.0.1, IPv4 before IPv6 */
	cr_assert_eq(group->port, 8080);
	cr_assert_eq(group->nsockets, 2);
	cr_assert_eq(group->inode, 90, "the lowest inode");
	cr_assert_eq(group->proc->id.pid, 500, "no ancestor: the oldest leads");
	cr_assert_eq(listener_holder_role(group, 1), ROLE_HOLDER);
	cr_assert_not_null(snapshot_process(&s, 400));
	cr_assert_null(snapshot_process(&s, 401));
	cr_assert_eq(s.set.v[1].port, 3000);
	cr_assert_eq(s.set.v[2].family, FAMILY_V6);
	cr_assert_eq(snapshot_find(&s, &s.set.v[2]), &s.set.v[2]);
	snapshot_free(&s);
}

Test(snapshot, unknown_owners_keep_their_reason)
{
	struct snapshot s = {0};
	pid_t gone[] = {4242}; /* named by the backend, but its process was not added */
	add_socket(&s, PROTO_TCP, "0.0.0.0", 22, 5, NULL, 0);
	add_socket(&s, PROTO_UDP, "0.0.0.0", 5353, 6, gone, 1);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(s.set.n, 2);
	const struct listener *ssh = &s.set.v[0], *mdns = &s.set.v[1];
	cr_assert(ssh->owner_hidden);
	cr_assert_eq(ssh->owner_why, OWNER_NOT_READABLE);
	cr_assert_eq(ssh->nholders, 0);
	cr_assert_not_null(ssh->proc, "a stand-in owner");
	cr_assert_eq(ssh->proc->id.pid, 0);
	cr_assert_str_eq(ssh->proc->user, "dev");
	cr_assert_str_eq(ssh->proc->comm, "");
	cr_assert(mdns->owner_hidden);
	cr_assert_eq(mdns->owner_why, OWNER_NOT_FOUND, "a holder that vanished: not found yet");
	char cell[64];
	listener_process_str(ssh, cell, sizeof cell);
	cr_assert_str_eq(cell, "hidden");
	listener_process_str(mdns, cell, sizeof cell);
	cr_assert_str_eq(cell, "not found yet");
	snapshot_free(&s);
}

Test(snapshot, fingerprint_follows_what_labels_read)
{
	struct proc_info a = proc(10, 1, 5, "node"), b = a;
	cr_assert_eq(proc_fingerprint(&a), proc_fingerprint(&b));
	b.cmdline = "node server.js";
	cr_assert_neq(proc_fingerprint(&a), proc_fingerprint(&b));
	b = a;
	b.rss_kib = 12345; /* memory is shown, but labels do not read it */
	cr_assert_eq(proc_fingerprint(&a), proc_fingerprint(&b));
	b.id.start_ticks = 6; /* another process with the same pid */
	cr_assert_neq(proc_fingerprint(&a), proc_fingerprint(&b));
}

Test(snapshot, reset_reuses_and_a_clone_outlives_it)
{
	struct snapshot s = {0};
	struct proc_info p = proc(77, 1, 5, "vite");
	p.cwd = "/home/dev/web";
	cr_assert_not_null(snapshot_add_process(&s, &p));
	pid_t pids[] = {77};
	add_socket(&s, PROTO_TCP, "::1", 5173, 3, pids, 1);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	struct listener *copy = listener_clone(&s.set.v[0]);
	cr_assert_not_null(copy);
	snapshot_reset(&s);
	cr_assert_eq(s.set.n, 0);
	struct proc_info other = proc(78, 1, 6, "XXXXXXXXXXXXXXXX");
	other.cwd = "/XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
	cr_assert_not_null(snapshot_add_process(&s, &other)); /* writes over the old strings */
	cr_assert_str_eq(copy->proc->comm, "vite");
	cr_assert_str_eq(copy->proc->cwd, "/home/dev/web");
	cr_assert_eq(copy->nholders, 1);
	cr_assert_eq(copy->holders[0], copy->proc);
	cr_assert_eq(copy->port, 5173);
	free(copy);
	snapshot_free(&s);
}

Test(arena, strings_survive_growth_until_reset)
{
	struct arena a = {0};
	char big[40000];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *first = arena_strdup(&a, "first");
	const char *huge = arena_strdup(&a, big);
	const char *after = arena_strndup(&a, "after-cut", 5);
	cr_assert_str_eq(first, "first");
	cr_assert_eq(strlen(huge), sizeof big - 1);
	cr_assert_str_eq(after, "after");
	cr_assert_str_eq(arena_strdup(&a, NULL), "");
	arena_reset(&a);
	cr_assert_str_eq(arena_strdup(&a, "again"), "again");
	arena_free(&a);
}
