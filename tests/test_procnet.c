/* test_procnet.c - the /proc/net table parser on recorded tables (tests/fixtures/proc), and the
 * Linux backend's /proc fallback reading a whole recorded proc root. */
#include "platform.h"
#include "procnet.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIXTURES TESTS_DIR "/fixtures/proc"

static char *read_fixture(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s/net/%s", FIXTURES, name);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "fixture %s", path);
	char *buf = malloc(1 << 16);
	*len = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

static struct listener_set parse(const char *name, enum listener_proto proto, int expect)
{
	size_t len;
	char *text = read_fixture(name, &len);
	struct listener_set s = {0};
	int n = procnet_parse(text, len, proto, &s);
	free(text);
	cr_assert_eq(n, expect, "%s: %d listeners, expected %d", name, n, expect);
	cr_assert_eq(s.n, (size_t)expect);
	return s;
}

struct want {
	const char *addr;
	uint16_t port;
	uint32_t uid;
	uint64_t inode;
};

static void check(const struct listener_set *s, enum listener_proto proto, const struct want *w,
                  size_t n)
{
	cr_assert_eq(s->n, n);
	for (size_t i = 0; i < n; i++) {
		const struct listener *l = &s->v[i];
		uint8_t addr[16] = {0};
		int family = strchr(w[i].addr, ':') ? FAMILY_V6 : FAMILY_V4;
		cr_assert_eq(inet_pton(family == FAMILY_V4 ? AF_INET : AF_INET6, w[i].addr, addr),
		             1);
		cr_expect_eq(l->proto, proto, "row %zu proto", i);
		cr_expect_eq(l->family, family, "row %zu (%s) family %d", i, w[i].addr, l->family);
		cr_expect_arr_eq(l->addr, addr, 16, "row %zu: address is not %s", i, w[i].addr);
		cr_expect_eq(l->port, w[i].port, "row %zu port %u, expected %u", i, l->port,
		             w[i].port);
		cr_expect_eq(l->uid, w[i].uid, "row %zu uid", i);
		cr_expect_eq(l->inode, w[i].inode, "row %zu inode", i);
		cr_expect_not(l->v6only);
		cr_expect_not(l->owner_hidden);
		cr_expect_null(l->proc, "row %zu: a socket, no owner", i);
		cr_expect_eq(l->nholders, 0);
	}
}

Test(procnet, tcp_listen_rows_only)
{
	struct listener_set s = parse("tcp", PROTO_TCP, 5);
	static const struct want w[] = {
	    {"127.0.0.1", 3000, 1000, 41233}, {"0.0.0.0", 22, 0, 1597},
	    {"127.0.0.1", 5432, 105, 2210},   {"10.0.2.15", 8000, 1000, 40110},
	    {"0.0.0.0", 8080, 33, 5101},
	};
	check(&s, PROTO_TCP, w, 5); /* ESTABLISHED and TIME_WAIT rows skipped */
	listener_set_free(&s);
}

Test(procnet, tcp6_addresses_word_order)
{
	struct listener_set s = parse("tcp6", PROTO_TCP, 5);
	static const struct want w[] = {
	    {"::1", 3000, 1000, 41234},
	    {"::", 5000, 501, 612},
	    {"::ffff:127.0.0.1", 6000, 1000, 6100},
	    {"2001:db8::1", 9090, 0, 9091},
	    {"::", 8080, 33, 5102},
	};
	check(&s, PROTO_TCP, w, 5);
	cr_expect(listener_is_loopback(&s.v[2]), "v4-mapped 127.0.0.1 is loopback");
	listener_set_free(&s);
}

Test(procnet, udp_bound_unconnected_only)
{
	struct listener_set s = parse("udp", PROTO_UDP, 2);
	static const struct want w[] = {{"0.0.0.0", 5353, 108, 3301},
	                                {"127.0.0.53", 53, 101, 2901}};
	check(&s, PROTO_UDP, w, 2); /* connected and unbound (port 0) rows skipped */
	listener_set_free(&s);
}

Test(procnet, udp6_bound_unconnected_only)
{
	struct listener_set s = parse("udp6", PROTO_UDP, 2);
	static const struct want w[] = {{"::", 5353, 108, 3302}, {"::", 37069, 0, 12330}};
	check(&s, PROTO_UDP, w, 2);
	listener_set_free(&s);
}

Test(procnet, table_of_the_wrong_protocol_gives_nothing)
{
	/* TCP LISTEN is 0A, UDP bound is 07: reading the udp table as TCP finds no listener */
	struct listener_set s = parse("udp", PROTO_TCP, 0);
	listener_set_free(&s);
}

Test(procnet, malformed_input_is_skipped)
{
	static const char *const inputs[] = {
	    "",
	    "\n\n\n",
	    "  sl  local_address rem_address   st\n",
	    "   0: 0100007F:0BB8 00000000:0000 0A\n",                         /* too few fields */
	    "   0: 0100007G:0BB8 00000000:0000 0A 0:0 0:0 0 1000 0 41233\n",  /* bad hex */
	    "   0: 0100007F:0BB 00000000:0000 0A 0:0 0:0 0 1000 0 41233\n",   /* short port */
	    "   0: 0100007F0:0BB8 00000000:0000 0A 0:0 0:0 0 1000 0 41233\n", /* 9 digits */
	    "   0: 0100007F:0BB8 00000000000000000000000000000000:0000 0A 0:0 0:0 0 1000 0 4\n",
	    "   x: 0100007F:0BB8 00000000:0000 0A 0:0 0:0 0 1000 0 41233\n",
	    "   0: 0100007F:0BB8 00000000:0000 0A 0:0 0:0 0 -1 0 41233\n",
	    "   0: 0100007F:0BB8 00000000:0000 0A 0:0 0:0 0 99999999999 0 41233\n",
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		struct listener_set s = {0};
		cr_expect_eq(procnet_parse(inputs[i], strlen(inputs[i]), PROTO_TCP, &s), 0,
		             "input %zu", i);
		listener_set_free(&s);
	}
	/* a row without a final newline still counts */
	static const char last[] = "   0: 0100007F:0BB8 00000000:0000 0A 0:0 0:0 0 1000 0 41233";
	struct listener_set s = {0};
	cr_expect_eq(procnet_parse(last, sizeof last - 1, PROTO_TCP, &s), 1);
	listener_set_free(&s);
}

Test(procnet, every_prefix_is_safe)
{
	size_t len;
	char *text = read_fixture("tcp6", &len);
	for (size_t cut = 0; cut <= len; cut++) {
		char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
		memcpy(copy, text, cut);
		struct listener_set s = {0};
		int n = procnet_parse(copy, cut, PROTO_TCP, &s);
		cr_assert(n >= 0 && n <= 5, "cut %zu: %d", cut, n);
		listener_set_free(&s);
		free(copy);
	}
	free(text);
}

static const struct listener *find(const struct listener_set *s, enum listener_proto proto,
                                   int family, uint16_t port)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].proto == proto && s->v[i].family == family && s->v[i].port == port)
			return &s->v[i];
	return NULL;
}

Test(procnet, collect_reads_four_tables_and_guesses_v6only)
{
	int fd = open(FIXTURES, O_RDONLY | O_DIRECTORY);
	cr_assert(fd >= 0);
	cr_expect_not(procnet_bindv6only(fd));
	struct listener_set s = {0};
	cr_assert_eq(procnet_collect(fd, false, &s), 0);
	cr_expect_eq(s.n, 14);
	/* [::]:8080 has an IPv4 twin on 0.0.0.0:8080: it cannot be dual-stack */
	cr_expect(find(&s, PROTO_TCP, FAMILY_V6, 8080)->v6only);
	cr_expect(find(&s, PROTO_UDP, FAMILY_V6, 5353)->v6only);
	/* no twin: the system default (bindv6only = 0) */
	cr_expect_not(find(&s, PROTO_TCP, FAMILY_V6, 5000)->v6only);
	cr_expect_not(find(&s, PROTO_UDP, FAMILY_V6, 37069)->v6only);
	cr_expect_not(find(&s, PROTO_TCP, FAMILY_V6, 3000)->v6only); /* ::1: not a wildcard */
	listener_set_free(&s);
	close(fd);
}

Test(procnet, guess_follows_bindv6only_default)
{
	int fd = open(FIXTURES, O_RDONLY | O_DIRECTORY);
	struct listener_set s = {0};
	cr_assert_eq(procnet_collect(fd, true, &s), 0);
	cr_expect(find(&s, PROTO_TCP, FAMILY_V6, 5000)->v6only);
	cr_expect(find(&s, PROTO_UDP, FAMILY_V6, 37069)->v6only);
	cr_expect_not(find(&s, PROTO_TCP, FAMILY_V6, 3000)->v6only);
	cr_expect_not(find(&s, PROTO_TCP, FAMILY_V6, 6000)->v6only);
	listener_set_free(&s);
	close(fd);
}

Test(procnet, collect_without_tables_fails)
{
	int fd = open(FIXTURES "/sys", O_RDONLY | O_DIRECTORY);
	struct listener_set s = {0};
	cr_expect_eq(procnet_collect(fd, false, &s), -ENOENT);
	listener_set_free(&s);
	close(fd);
}

Test(procnet, backend_on_a_recorded_proc_root)
{
	struct platform_opts o = {
	    .kind = PLATFORM_NATIVE, .proc_root = FIXTURES, .force_proc_net = true};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &o), 0, "%s", p ? platform_error(p) : "");
	cr_expect_str_eq(platform_name(p), "linux /proc");
	struct snapshot s = {0};
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_expect_eq(s.set.n, 14);
	cr_expect_eq(s.nprocs, 0, "no process could be read");
	/* no process directories in the recording: every owner is hidden, uid and user kept; the
	 * first poll searched every process there is, so not "not found yet": as root not readable
	 * even as root, otherwise another user's unless it is ours */
	for (size_t i = 0; i < s.set.n; i++) {
		const struct listener *l = &s.set.v[i];
		cr_expect(l->owner_hidden, "port %u", l->port);
		enum owner_unknown want =
		    geteuid() != 0 && l->uid != geteuid() ? OWNER_NOT_READABLE : OWNER_UNREADABLE;
		cr_expect_eq(l->owner_why, want, "port %u: %s", l->port,
		             owner_unknown_keys[l->owner_why % OWNER_UNKNOWN_COUNT]);
		cr_expect_eq(l->nholders, 0);
		cr_assert_not_null(l->proc, "a stand-in owner");
		cr_expect_eq(l->proc->id.pid, 0);
		cr_expect_eq(l->proc->uid, l->uid);
		cr_expect_neq(l->proc->user[0], '\0');
		if (l->uid == 0)
			cr_expect_str_eq(l->proc->user, "root");
	}
	for (size_t i = 1; i < s.set.n; i++)
		cr_expect_lt(listener_key_cmp(&s.set.v[i - 1], &s.set.v[i]), 0,
		             "sorted, one per key");
	const struct listener *l = find(&s.set, PROTO_TCP, FAMILY_V4, 5432);
	cr_assert_not_null(l);
	cr_expect_eq(l->uid, 105);
	/* a second poll gives the same */
	struct snapshot again = {0};
	cr_assert_eq(platform_collect(p, &again), 0);
	cr_expect_eq(again.set.n, s.set.n);
	snapshot_free(&again);
	snapshot_free(&s);
	platform_close(&p);
	cr_expect_null(p);
}

Test(procnet, backend_with_missing_proc_root)
{
	struct platform_opts o = {.proc_root = "/nonexistent/proc"};
	struct platform *p = NULL;
	cr_expect_eq(platform_open(&p, &o), -ENOENT);
	cr_assert_not_null(p, "kept so that platform_error() can explain");
	cr_expect(strstr(platform_error(p), "/nonexistent/proc") != NULL, "%s", platform_error(p));
	platform_close(&p);
}
