/* test_linux_reach.c - the reachability model (reach.h) against the Linux kernel itself: real
 * listeners in child processes (tests/support/spawn.h) on one port picked by the kernel, every
 * combination the rules distinguish (an exact address and a wildcard, IPv4 and IPv6, v6-only on
 * and off, ::ffff:a.b.c.d, SO_REUSEPORT pairs, a LAN address), read back through the Linux
 * backend; then for every destination the model lists, a real connect() and the listener child
 * that accepted it, on which of its sockets. The model must name that socket; so must the
 * expectation written beside each combination. And the reproduction: a ControlCenter on
 * 0.0.0.0 and [::], a server on 127.0.0.1, the hint, `devports who`, and ::1 reaching the socket
 * devports names.
 *
 * Every socket sets SO_REUSEPORT: on Linux, 127.0.0.1:P, 0.0.0.0:P and a [::]:P that serves IPv4
 * can only be bound together when each of them sets it (and one user holds them); SO_REUSEADDR
 * does not let a second socket listen on a port another one listens on. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "annotate.h"
#include "platform.h"
#include "proc_helpers.h"
#include "reach.h"
#include "sanitize.h"
#include "spawn.h"

static void setup(void)
{
	sanitize_init_locale();
}

TestSuite(linux_reach, .init = setup, .fini = spawn_stop_all);

enum { KIDS_MAX = 3, WANTS_MAX = 4, TRIES = 8 };

/* A listener child: one socket, or two on the same port (addr2). */
struct kid {
	const char *addr, *addr2;
	int v6only; /* -1: the system's default */
};

/* What a connection to dest must reach: kid's socket on sock; kid -1: refused. alt >= 0: either
 * kid or alt (an SO_REUSEPORT pair: the kernel spreads connections between them). */
struct want {
	const char *dest;
	int kid, alt;
	const char *sock;
};

struct combo {
	const char *name;
	struct kid kids[KIDS_MAX];
	struct want want[WANTS_MAX];
};

/* An address as a destination. */
static bool parse_dest(const char *text, struct reach_dest *d)
{
	*d = (struct reach_dest){.family = FAMILY_V4};
	if (inet_pton(AF_INET, text, d->addr) == 1)
		return true;
	d->family = FAMILY_V6;
	return inet_pton(AF_INET6, text, d->addr) == 1;
}

/* Whether row l is the socket a child reported ("0.0.0.0", "::ffff:127.0.0.1"). */
static bool row_is(const struct listener *l, const char *sock)
{
	uint8_t a[16] = {0};
	int family = inet_pton(AF_INET, sock, a) == 1 ? FAMILY_V4 : FAMILY_V6;
	if (family == FAMILY_V6 && inet_pton(AF_INET6, sock, a) != 1)
		return false;
	return l->family == family && memcmp(l->addr, a, 16) == 0;
}

/* connect() to d:port: 0 when it was accepted into a queue, or -errno (ECONNREFUSED). The
 * connected socket is left in *fd (closed by the caller). */
static int connect_to(const struct reach_dest *d, uint16_t port, int *fd)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	if (d->family == FAMILY_V4) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		memcpy(&in->sin_addr, d->addr, 4);
		len = sizeof *in;
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		memcpy(&in6->sin6_addr, d->addr, 16);
		len = sizeof *in6;
	}
	*fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(*fd, 0, "socket: %s", strerror(errno));
	return connect(*fd, (struct sockaddr *)&ss, len) == 0 ? 0 : -errno;
}

/* Which child accepted the connection just made, and on which socket: asks each one in turn
 * until one has it (up to 2 s: the handshake's last step may still be on its way). */
static int find_acceptor(struct spawn *sp, int n, char *sock, size_t len)
{
	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < n; i++) {
			int rc = spawn_accepted(&sp[i], sock, len);
			cr_assert_geq(rc, 0, "child %d does not answer", i);
			if (rc == 1)
				return i;
		}
		ph_sleep_ms(10);
	}
	return -1;
}

/* Starts the combination's children on one port the kernel picks for the first; another
 * process may take the port on another address meanwhile: then all of them start again. */
static uint16_t start_kids(const struct combo *c, struct spawn *sp, int *n)
{
	for (int attempt = 0; attempt < TRIES; attempt++) {
		uint16_t port = 0;
		int rc = 0;
		*n = 0;
		for (int i = 0; i < KIDS_MAX && c->kids[i].addr && rc == 0; i++) {
			struct spawn_opts o = {.addr = c->kids[i].addr,
			                       .addr2 = c->kids[i].addr2,
			                       .v6only = c->kids[i].v6only,
			                       .port = port,
			                       .reuseport = true,
			                       .marker = "reach"};
			rc = spawn_listener(&sp[i], &o);
			if (rc == 0) {
				port = sp[i].port;
				(*n)++;
			}
		}
		if (rc == 0)
			return port;
		for (int i = 0; i < *n; i++)
			spawn_stop(&sp[i]);
		cr_assert_eq(rc, -EADDRINUSE, "%s: child %d: %s", c->name, *n, strerror(-rc));
	}
	cr_assert_fail("%s: no port where every child could listen", c->name);
	return 0;
}

/* The rows on TCP port, as the Linux backend reads them. */
static size_t rows_on(const struct snapshot *s, uint16_t port, const struct listener **rows)
{
	size_t n = 0;
	for (size_t i = 0; i < s->set.n && n < REACH_ROWS_MAX; i++)
		if (s->set.v[i].proto == PROTO_TCP && s->set.v[i].port == port)
			rows[n++] = &s->set.v[i];
	return n;
}

static void collect_port(uint16_t port, struct platform **p, struct snapshot *s)
{
	struct platform_opts o = {.kind = PLATFORM_NATIVE, .only_port = port};
	cr_assert_eq(platform_open(p, &o), 0);
	cr_assert_eq(platform_collect(*p, s), 0);
	cr_assert_eq(s->kernel, REACH_LINUX);
}

/* The whole check of one combination (see the top of the file). */
static void check_combo(const struct combo *c)
{
	struct spawn sp[KIDS_MAX];
	int n;
	uint16_t port = start_kids(c, sp, &n);
	struct platform *p = NULL;
	struct snapshot s = {0};
	collect_port(port, &p, &s);
	const struct listener *rows[REACH_ROWS_MAX];
	size_t nrows = rows_on(&s, port, rows);
	struct reach r;
	reach_compute(rows, nrows, REACH_LINUX, &r);
	struct reach_view v = reach_view_of(&r);
	for (size_t k = 0; k < r.n; k++) {
		char name[REACH_DEST_STR_MAX + 16], sock[64] = "";
		reach_dest_name(&v, k, name, sizeof name);
		int fd, rc = connect_to(&r.dest[k], port, &fd);
		int got = rc == 0 ? find_acceptor(sp, n, sock, sizeof sock) : -1;
		close(fd);
		const struct listener *named = r.hit[k].row >= 0 ? rows[r.hit[k].row] : NULL;
		/* the kernel against the model */
		if (!named) {
			cr_expect_eq(rc, -ECONNREFUSED,
			             "%s: %s: the model says refused, connect: %s", c->name, name,
			             strerror(-rc));
			continue;
		}
		cr_expect_eq(rc, 0, "%s: %s: connect: %s", c->name, name, strerror(-rc));
		cr_assert_geq(got, 0, "%s: %s: connected, but no child accepted", c->name, name);
		cr_expect(listener_held_by(named, sp[got].pid) && row_is(named, sock),
		          "%s: %s reached child %d on %s; the model names another socket", c->name,
		          name, got, sock);
		cr_expect_not(r.hit[k].tie, "%s: %s: no tie on Linux", c->name, name);
	}
	/* the written expectation against the model */
	for (int w = 0; w < WANTS_MAX && c->want[w].dest; w++) {
		const struct want *x = &c->want[w];
		struct reach_dest d;
		cr_assert(parse_dest(x->dest, &d), "%s: bad destination %s", c->name, x->dest);
		size_t k = 0;
		while (k < r.n && memcmp(&r.dest[k], &d, sizeof d) != 0)
			k++;
		cr_assert_lt(k, r.n, "%s: the model does not list %s", c->name, x->dest);
		int row = r.hit[k].row;
		if (x->kid < 0) {
			cr_expect_eq(row, -1, "%s: %s must be refused", c->name, x->dest);
			continue;
		}
		cr_assert_geq(row, 0, "%s: %s must reach child %d", c->name, x->dest, x->kid);
		cr_expect(listener_held_by(rows[row], sp[x->kid].pid) &&
		              (x->alt < 0 || listener_held_by(rows[row], sp[x->alt].pid)) &&
		              row_is(rows[row], x->sock),
		          "%s: %s must reach child %d on %s", c->name, x->dest, x->kid, x->sock);
	}
	snapshot_free(&s);
	platform_close(&p);
	for (int i = 0; i < n; i++)
		spawn_stop(&sp[i]);
}

#define DUAL 0
#define V6ONLY 1
#define DEFAULT (-1)

static const struct combo combos[] = {
    {"an exact IPv4 address beats 0.0.0.0",
     {{"0.0.0.0", NULL, DEFAULT}, {"127.0.0.1", NULL, DEFAULT}},
     {{"127.0.0.1", 1, -1, "127.0.0.1"}, {"::1", -1, -1, NULL}}},
    {"an IPv4 socket takes 127.0.0.1 from [::] serving IPv4",
     {{"::", NULL, DUAL}, {"127.0.0.1", NULL, DEFAULT}},
     {{"127.0.0.1", 1, -1, "127.0.0.1"}, {"::1", 0, -1, "::"}}},
    {"[::] serving IPv4, alone",
     {{"::", NULL, DUAL}},
     {{"127.0.0.1", 0, -1, "::"}, {"::1", 0, -1, "::"}}},
    {"a v6-only [::], alone",
     {{"::", NULL, V6ONLY}},
     {{"127.0.0.1", -1, -1, NULL}, {"::1", 0, -1, "::"}}},
    {"0.0.0.0 before [::] serving IPv4, [::] bound first",
     {{"::", NULL, DUAL}, {"0.0.0.0", NULL, DEFAULT}},
     {{"127.0.0.1", 1, -1, "0.0.0.0"}, {"::1", 0, -1, "::"}}},
    {"0.0.0.0 before [::] serving IPv4, 0.0.0.0 bound first",
     {{"0.0.0.0", NULL, DEFAULT}, {"::", NULL, DUAL}},
     {{"127.0.0.1", 0, -1, "0.0.0.0"}, {"::1", 1, -1, "::"}}},
    {"0.0.0.0 and a v6-only [::]",
     {{"0.0.0.0", NULL, DEFAULT}, {"::", NULL, V6ONLY}},
     {{"127.0.0.1", 0, -1, "0.0.0.0"}, {"::1", 1, -1, "::"}}},
    {"an exact ::1 beats [::]",
     {{"::", NULL, DUAL}, {"::1", NULL, DEFAULT}},
     {{"::1", 1, -1, "::1"}, {"127.0.0.1", 0, -1, "::"}}},
    {"an IPv4-only server is unreachable on ::1",
     {{"127.0.0.1", NULL, DEFAULT}},
     {{"127.0.0.1", 0, -1, "127.0.0.1"}, {"::1", -1, -1, NULL}}},
    {"127.0.0.1 beats ::ffff:127.0.0.1, the mapped one bound first",
     {{"::ffff:127.0.0.1", NULL, DUAL}, {"127.0.0.1", NULL, DEFAULT}},
     {{"127.0.0.1", 1, -1, "127.0.0.1"}, {"::1", -1, -1, NULL}}},
    {"127.0.0.1 beats ::ffff:127.0.0.1, the IPv4 one bound first",
     {{"127.0.0.1", NULL, DEFAULT}, {"::ffff:127.0.0.1", NULL, DUAL}},
     {{"127.0.0.1", 0, -1, "127.0.0.1"}}},
    {"::ffff:127.0.0.1 beats 0.0.0.0",
     {{"0.0.0.0", NULL, DEFAULT}, {"::ffff:127.0.0.1", NULL, DUAL}},
     {{"127.0.0.1", 1, -1, "::ffff:127.0.0.1"}, {"::1", -1, -1, NULL}}},
    {"::ffff:0.0.0.0 serves IPv4 only",
     {{"::ffff:0.0.0.0", NULL, DUAL}},
     {{"127.0.0.1", 0, -1, "::ffff:0.0.0.0"}, {"::1", -1, -1, NULL}}},
    {"an SO_REUSEPORT pair on 127.0.0.1 is one destination",
     {{"127.0.0.1", NULL, DEFAULT}, {"127.0.0.1", NULL, DEFAULT}, {"0.0.0.0", NULL, DEFAULT}},
     {{"127.0.0.1", 0, 1, "127.0.0.1"}, {"::1", -1, -1, NULL}}},
    {"an SO_REUSEPORT pair on [::] beside 127.0.0.1",
     {{"::", NULL, DUAL}, {"::", NULL, DUAL}, {"127.0.0.1", NULL, DEFAULT}},
     {{"::1", 0, 1, "::"}, {"127.0.0.1", 2, -1, "127.0.0.1"}}},
    {"127.0.0.2, a specific address, beside the wildcards",
     {{"0.0.0.0", NULL, DEFAULT}, {"::", NULL, DUAL}, {"127.0.0.2", NULL, DEFAULT}},
     {{"127.0.0.2", 2, -1, "127.0.0.2"}, {"127.0.0.1", 0, -1, "0.0.0.0"}, {"::1", 1, -1, "::"}}},
    {"one process on 0.0.0.0 and [::], another on 127.0.0.1",
     {{"0.0.0.0", "::", DEFAULT}, {"127.0.0.1", NULL, DEFAULT}},
     {{"::1", 0, -1, "::"}, {"127.0.0.1", 1, -1, "127.0.0.1"}}},
};

Test(linux_reach, every_combination_agrees_with_the_kernel, .timeout = 90)
{
	for (size_t i = 0; i < sizeof combos / sizeof combos[0]; i++)
		check_combo(&combos[i]);
}

/* This machine's first address of family that is neither loopback nor link-local, or false. */
static bool lan_address(int family, char *buf, size_t len)
{
	struct ifaddrs *list, *ifa;
	bool found = false;
	if (getifaddrs(&list) < 0)
		return false;
	for (ifa = list; ifa && !found; ifa = ifa->ifa_next) {
		if (!ifa->ifa_addr || ifa->ifa_addr->sa_family != family)
			continue;
		const void *a =
		    family == AF_INET
		        ? (const void *)&((struct sockaddr_in *)ifa->ifa_addr)->sin_addr
		        : (const void *)&((struct sockaddr_in6 *)ifa->ifa_addr)->sin6_addr;
		const uint8_t *b = a;
		bool local = family == AF_INET
		                 ? b[0] == 127
		                 : IN6_IS_ADDR_LOOPBACK((const struct in6_addr *)a) ||
		                       IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)a);
		found = !local && inet_ntop(family, a, buf, (socklen_t)len);
	}
	freeifaddrs(list);
	return found;
}

/* A LAN address of this machine, when it has one: its own socket wins over the wildcards, and
 * localhost still reaches the wildcards. */
Test(linux_reach, a_lan_address_agrees_with_the_kernel, .timeout = 30)
{
	char v4[INET6_ADDRSTRLEN], v6[INET6_ADDRSTRLEN];
	bool has4 = lan_address(AF_INET, v4, sizeof v4),
	     has6 = lan_address(AF_INET6, v6, sizeof v6);
	if (!has4 && !has6)
		cr_skip_test("this machine has no address but loopback and link-local ones");
	if (has4) {
		struct combo c = {"an IPv4 LAN address",
		                  {{"0.0.0.0", NULL, DEFAULT}, {v4, NULL, DEFAULT}},
		                  {{v4, 1, -1, v4}, {"127.0.0.1", 0, -1, "0.0.0.0"}}};
		check_combo(&c);
	}
	if (has6) {
		struct combo c = {
		    "an IPv6 LAN address",
		    {{"::", NULL, DUAL}, {v6, NULL, DEFAULT}},
		    {{v6, 1, -1, v6}, {"::1", 0, -1, "::"}, {"127.0.0.1", 0, -1, "::"}}};
		check_combo(&c);
	}
}

/* Runs `devports who PORT` (no owner cache) and returns its output (malloc'd). */
static char *who(uint16_t port)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "%s who %u --no-cache", DEVPORTS_BIN, (unsigned)port);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	cr_assert_eq(pclose(f), 0, "%s failed:\n%s", cmd, buf);
	return strdup(buf);
}

static const struct listener *row_of(const struct snapshot *s, uint16_t port, const char *sock)
{
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].proto == PROTO_TCP && s->set.v[i].port == port &&
		    row_is(&s->set.v[i], sock))
			return &s->set.v[i];
	cr_assert_fail("no row on %s port %u", sock, (unsigned)port);
	return NULL;
}

/* The reproduction on a port the kernel picks (5000 is tests/e2e_shadowing.sh's): a
 * process named ControlCenter on 0.0.0.0 and [::], a python3 on 127.0.0.1. The python3 row has
 * the hint, `who` ends with the two localhost lines, and ::1 reaches the socket devports names. */
Test(linux_reach, controlcenter_on_the_wildcards_and_python_on_127_0_0_1, .timeout = 30)
{
	static const struct combo c = {
	    "the reproduction", {{"0.0.0.0", "::", DEFAULT}, {"127.0.0.1", NULL, DEFAULT}}, {{0}}};
	struct spawn sp[KIDS_MAX];
	int n;
	uint16_t port = start_kids(&c, sp, &n);
	cr_assert_eq(spawn_rename(&sp[0], "ControlCenter"), 0);
	cr_assert_eq(spawn_rename(&sp[1], "python3"), 0);
	struct platform *p = NULL;
	struct snapshot s = {0};
	collect_port(port, &p, &s);
	struct annotation *ann = NULL;
	cr_assert_eq(annotate_set(&s.set, (enum reach_kernel)s.kernel, NULL, &ann), 0);
	const struct listener *py = row_of(&s, port, "127.0.0.1"), *any6 = row_of(&s, port, "::");
	const struct annotation *a = &ann[py - s.set.v];
	char want[256];
	snprintf(want, sizeof want,
	         "localhost (::1) reaches ControlCenter (pid %d) on [::]:%u, not this server — use "
	         "127.0.0.1:%u",
	         (int)sp[0].pid, (unsigned)port, (unsigned)port);
	cr_assert_eq(a->hints.n, 1);
	cr_assert_eq(a->hints.v[0].kind, HINT_SHADOWED);
	cr_assert_str_eq(a->hints.v[0].text, want);
	cr_assert_eq(a->nreached, 1);
	cr_assert_eq(ann[any6 - s.set.v].nreached, 1);
	cr_assert_eq(ann[any6 - s.set.v].reached_by[0].family, FAMILY_V6, "::1 reaches [::]");

	char *out = who(port), tail[256];
	snprintf(tail, sizeof tail,
	         "\nlocalhost (::1) → ControlCenter (pid %d)\n"
	         "localhost (127.0.0.1) → python3 (pid %d)\n",
	         (int)sp[0].pid, (int)sp[1].pid);
	size_t len = strlen(out), tl = strlen(tail);
	cr_assert(len > tl && strcmp(out + len - tl, tail) == 0, "who ends otherwise:\n%s", out);
	cr_assert(strstr(out, want), "who lacks the hint:\n%s", out);
	free(out);

	/* ::1 reaches the socket devports names: ControlCenter's [::] */
	struct reach_dest local6 = {.family = FAMILY_V6, .addr = {[15] = 1}};
	char sock[64];
	int fd;
	cr_assert_eq(connect_to(&local6, port, &fd), 0);
	int got = find_acceptor(sp, n, sock, sizeof sock);
	close(fd);
	cr_assert_eq(got, 0, "::1 was accepted by child %d", got);
	cr_assert_str_eq(sock, "::");
	const struct listener *rows[REACH_ROWS_MAX];
	size_t nrows = rows_on(&s, port, rows);
	struct reach r;
	reach_compute(rows, nrows, REACH_LINUX, &r);
	cr_assert_eq(rows[r.hit[REACH_LOCAL6].row], any6, "devports names ControlCenter's [::]");
	free(ann);
	snapshot_free(&s);
	platform_close(&p);
	for (int i = 0; i < n; i++)
		spawn_stop(&sp[i]);
}
