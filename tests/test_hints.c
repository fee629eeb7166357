/* test_hints.c - every hint, from hand-made listeners and from the airplay scenario played by the
 * fake backend. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "config.h"
#include "fake_backend.h"
#include "make_listener.h"
#include "sanitize.h"
#include "snapshot.h"

static struct listener_set set;
static struct annotation *ann;
static struct config cfg;
static enum reach_kernel kernel; /* the rules compute() uses: Linux unless a test says */

static void setup(void)
{
	sanitize_init_locale();
	config_init(&cfg);
	kernel = REACH_LINUX;
}

static void teardown(void)
{
	free(ann);
	ann = NULL;
	listener_set_free(&set);
	config_free(&cfg);
}

TestSuite(hints, .init = setup, .fini = teardown);

static struct listener *add(enum listener_proto proto, const char *addr, unsigned port, int pid,
                            const char *comm, const char *cmdline)
{
	struct listener l = make_listener(proto, addr, port, pid, comm, "dev");
	if (cmdline)
		test_set_cmdline(&l, cmdline);
	return listener_set_push(&set, &l);
}

static void compute(const struct config *c)
{
	free(ann);
	cr_assert_eq(annotate_set(&set, kernel, c, &ann), 0);
}

/* The hint of a kind on listener i, or NULL. */
static const struct hint *find(size_t i, enum hint_kind kind)
{
	for (size_t k = 0; k < ann[i].hints.n; k++)
		if (ann[i].hints.v[k].kind == kind)
			return &ann[i].hints.v[k];
	return NULL;
}

Test(hints, the_kind_table_matches_the_enum)
{
	for (int i = 0; i < HINT_KIND_COUNT; i++) {
		cr_assert_eq(hint_kinds[i].kind, (enum hint_kind)i);
		cr_assert_not_null(hint_kinds[i].name);
	}
	cr_assert(hint_kinds[HINT_AIRPLAY].sticky);
	cr_assert_not(hint_kinds[HINT_LAN].sticky);
}

Test(hints, controlcenter_on_5000_and_7000_is_the_airplay_receiver)
{
	const char *cc = "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter";
	add(PROTO_TCP, "0.0.0.0", 5000, 612, "ControlCenter", cc);
	add(PROTO_TCP, "::", 7000, 612, "ControlCenter", cc);
	add(PROTO_TCP, "127.0.0.1", 5001, 612, "ControlCenter", cc);
	compute(NULL);
	for (size_t i = 0; i < 2; i++) {
		const struct hint *h = find(i, HINT_AIRPLAY);
		cr_assert_not_null(h, "port %u", (unsigned)set.v[i].port);
		cr_assert_str_eq(h->text, "macOS AirPlay Receiver — turn it off in System Settings > "
		                          "General > AirDrop & Handoff, or use another port; killing "
		                          "it does not help, launchd restarts it");
		cr_assert(hints_sticky(&ann[i].hints));
		cr_assert_null(find(i, HINT_LAN), "a system service, not a dev server");
	}
	cr_assert_eq(ann[2].hints.n, 0, "another port of ControlCenter is not AirPlay's");
	cr_assert_not(hints_sticky(&ann[2].hints));
}

Test(hints, a_dev_server_on_the_network)
{
	add(PROTO_TCP, "0.0.0.0", 8000, 1, "python3", "python3 -m http.server 8000");
	add(PROTO_TCP, "::", 5173, 2, "node", "node /home/dev/a/node_modules/.bin/vite");
	add(PROTO_TCP, "192.168.1.20", 3000, 3, "node", "node /x/node_modules/.bin/next dev");
	add(PROTO_TCP, "127.0.0.1", 4321, 4, "node", "node /x/node_modules/.bin/astro dev");
	add(PROTO_TCP, "::1", 4200, 5, "node", "ng serve");
	add(PROTO_TCP, "0.0.0.0", 5432, 6, "postgres", "/usr/lib/postgresql/15/bin/postgres");
	add(PROTO_TCP, "0.0.0.0", 22, 7, "sshd", "sshd: /usr/sbin/sshd -D");
	struct listener *inproject = add(PROTO_TCP, "0.0.0.0", 3100, 8, "node", "node server.js");
	test_set_project(inproject, "/home/dev/shop");
	add(PROTO_TCP, "0.0.0.0", 3200, 9, "node", "node server.js");
	compute(NULL);
	static const bool want[] = {true, true, true, false, false, false, false, true, false};
	for (size_t i = 0; i < set.n; i++) {
		const struct hint *h = find(i, HINT_LAN);
		cr_expect_eq(h != NULL, want[i], "%s on %u", set.v[i].proc->cmdline,
		             (unsigned)set.v[i].port);
		if (h)
			cr_expect_str_eq(h->text, "reachable from your network — bind 127.0.0.1");
	}
}

/* The hint of kind on listener i, or "" (for messages). */
static const char *text_of(size_t i, enum hint_kind kind)
{
	const struct hint *h = find(i, kind);
	return h ? h->text : "";
}

/* listener i's reached_by joined by spaces, "-" when it is not known (UDP). */
static const char *reached(size_t i)
{
	static char buf[128];
	size_t o = 0;
	buf[0] = '\0';
	if (!ann[i].reach_known)
		return "-";
	for (size_t k = 0; k < ann[i].nreached; k++) {
		char d[REACH_DEST_STR_MAX];
		reach_dest_str(&ann[i].reached_by[k], d, sizeof d);
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? " " : "", d);
	}
	return buf;
}

Test(hints, two_processes_splitting_localhost)
{
	add(PROTO_TCP, "127.0.0.1", 3000, 5120, "node", "node /x/node_modules/.bin/next dev");
	add(PROTO_TCP, "::1", 3000, 6001, "python3", "python3 -m http.server 3000");
	add(PROTO_TCP, "127.0.0.1", 5432, 812, "postgres", "postgres");
	add(PROTO_TCP, "::1", 5432, 812, "postgres", "postgres");
	add(PROTO_UDP, "::1", 3000, 77, "x", NULL);
	add(PROTO_TCP, "192.168.1.5", 4000, 1, "a", NULL);
	add(PROTO_TCP, "::1", 4000, 2, "b", NULL);
	compute(NULL);
	cr_assert_str_eq(text_of(0, HINT_SHADOWED), "localhost (::1) reaches python3 (pid 6001) on "
	                                            "[::1]:3000, not this server — use 127.0.0.1:3000");
	cr_assert_str_eq(text_of(1, HINT_SHADOWED), "localhost (127.0.0.1) reaches node (pid 5120) on "
	                                            "127.0.0.1:3000, not this server — use [::1]:3000");
	for (size_t i = 2; i < set.n; i++)
		cr_expect_null(find(i, HINT_SHADOWED), "listener %zu (port %u): %s", i,
		               (unsigned)set.v[i].port, text_of(i, HINT_SHADOWED));
	cr_expect_str_eq(reached(0), "127.0.0.1");
	cr_expect_str_eq(reached(1), "::1");
	cr_expect_str_eq(reached(4), "-", "UDP: not known");
	cr_expect_str_eq(reached(5), "192.168.1.5", "its own address only");
	cr_expect_str_eq(reached(6), "::1");
}

/* The reproduction: ControlCenter on 0.0.0.0:5000 and [::]:5000, Flask on
 * 127.0.0.1:5000. localhost as ::1 reaches AirPlay; the python row says so. */
Test(hints, airplay_takes_localhost_from_a_server_on_127_0_0_1)
{
	const char *cc = "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter";
	for (int v6only = 0; v6only <= 1; v6only++) {
		listener_set_free(&set);
		add(PROTO_TCP, "0.0.0.0", 5000, 697, "ControlCenter", cc);
		add(PROTO_TCP, "::", 5000, 697, "ControlCenter", cc)->v6only = v6only;
		add(PROTO_TCP, "127.0.0.1", 5000, 8628, "python3", "python3 -m flask run");
		compute(NULL);
		cr_assert_str_eq(text_of(2, HINT_SHADOWED),
		                 "localhost may reach ControlCenter (AirPlay) on [::]:5000, not this "
		                 "server — use 127.0.0.1:5000, or turn AirPlay off", "v6only %d", v6only);
		for (size_t i = 0; i < 2; i++) {
			cr_expect_not_null(find(i, HINT_AIRPLAY), "the AirPlay hint stays");
			cr_expect_null(find(i, HINT_SHADOWED), "ControlCenter has its own hint: %s",
			               text_of(i, HINT_SHADOWED));
		}
		cr_expect_str_eq(reached(0), "", "127.0.0.1 goes to the python server");
		cr_expect_str_eq(reached(1), "::1");
		cr_expect_str_eq(reached(2), "127.0.0.1");
	}
}

/* A server the AirPlay Receiver leaves nothing of: the advice is only to turn AirPlay off. */
Test(hints, airplay_takes_all_of_localhost)
{
	const char *cc = "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter";
	add(PROTO_TCP, "0.0.0.0", 5000, 697, "ControlCenter", cc);
	add(PROTO_TCP, "::1", 5000, 697, "ControlCenter", cc);
	add(PROTO_TCP, "::", 5000, 42, "node", "node server.js");
	compute(NULL);
	cr_assert_str_eq(text_of(2, HINT_SHADOWED),
	                 "localhost may reach ControlCenter (AirPlay) on [::1]:5000, not this server — "
	                 "turn AirPlay off");
}

/* The same family: an exact address beats the wildcard, whoever bound first. */
Test(hints, a_specific_address_takes_127_0_0_1_from_a_wildcard)
{
	add(PROTO_TCP, "0.0.0.0", 8000, 1, "python3", "python3 -m http.server 8000");
	add(PROTO_TCP, "127.0.0.1", 8000, 2, "node", "node server.js");
	compute(NULL);
	cr_assert_str_eq(text_of(0, HINT_SHADOWED),
	                 "localhost (127.0.0.1) reaches node (pid 2) on 127.0.0.1:8000, not this server "
	                 "— only other addresses of this machine reach it");
	cr_assert_eq(ann[0].hints.v[ann[0].hints.n - 1].kind, HINT_LAN, "still on the network");
	cr_assert_null(find(1, HINT_SHADOWED), "::1 reaches nothing: no other server there");
	cr_expect_str_eq(reached(0), "");
	cr_expect_str_eq(reached(1), "127.0.0.1");
}

/* A [::] that serves IPv4 too loses 127.0.0.1 to an IPv4 socket; a v6-only one never had it. */
Test(hints, a_dual_stack_wildcard_and_an_ipv4_server)
{
	for (int v6only = 0; v6only <= 1; v6only++) {
		listener_set_free(&set);
		add(PROTO_TCP, "::", 3000, 10, "node", "node server.js")->v6only = v6only;
		add(PROTO_TCP, v6only ? "0.0.0.0" : "127.0.0.1", 3000, 20, "python3", "python3 app.py");
		compute(NULL);
		char want[200];
		snprintf(want, sizeof want, "localhost (127.0.0.1) reaches python3 (pid 20) on %s:3000, "
		         "not this server — use [::1]:3000", v6only ? "0.0.0.0" : "127.0.0.1");
		/* listener_set_push keeps the order given: node is 0, python 1 */
		cr_assert_str_eq(text_of(0, HINT_SHADOWED), want, "v6only %d", v6only);
		cr_assert_str_eq(text_of(1, HINT_SHADOWED), "localhost (::1) reaches node (pid 10) on "
		                 "[::]:3000, not this server — use 127.0.0.1:3000", "v6only %d", v6only);
	}
}

Test(hints, one_server_on_both_families_is_not_shadowed)
{
	add(PROTO_TCP, "0.0.0.0", 3000, 10, "node", "node server.js");
	add(PROTO_TCP, "::", 3000, 10, "node", "node server.js")->v6only = true;
	struct listener *hidden = add(PROTO_TCP, "127.0.0.1", 4000, 0, "", NULL);
	hidden->owner_hidden = true;
	hidden = add(PROTO_TCP, "::1", 4000, 0, "", NULL);
	hidden->owner_hidden = true;
	add(PROTO_TCP, "192.168.1.20", 5000, 1, "node", "node a.js");
	add(PROTO_TCP, "0.0.0.0", 5000, 2, "python3", "python3 b.py");
	compute(NULL);
	for (size_t i = 0; i < set.n; i++)
		cr_expect_null(find(i, HINT_SHADOWED), "listener %zu: %s", i,
		               text_of(i, HINT_SHADOWED));
	cr_expect_str_eq(reached(4), "192.168.1.20", "a LAN address reaches its own socket");
	cr_expect_str_eq(reached(5), "127.0.0.1", "not 192.168.1.20: the exact address wins");
}

Test(hints, another_users_server_takes_localhost)
{
	struct listener *l = add(PROTO_TCP, "::", 3000, 0, "", NULL);
	l->owner_hidden = true;
	add(PROTO_TCP, "127.0.0.1", 3000, 7, "node", "node server.js");
	compute(NULL);
	cr_assert_str_eq(text_of(1, HINT_SHADOWED), "localhost (::1) reaches another user's process "
	                                            "on [::]:3000, not this server — use "
	                                            "127.0.0.1:3000");
}

/* An IPv4 socket and an IPv6 one on ::ffff:127.0.0.1: Linux always picks the IPv4 one; macOS the
 * one bound last, which a snapshot does not show ("may reach"). */
Test(hints, ipv4_and_v4_mapped_on_one_address)
{
	for (int k = 0; k < REACH_KERNEL_COUNT; k++) {
		listener_set_free(&set);
		kernel = (enum reach_kernel)k;
		add(PROTO_TCP, "127.0.0.1", 3000, 1, "python3", "python3 app.py");
		add(PROTO_TCP, "::ffff:127.0.0.1", 3000, 2, "node", "node server.js");
		compute(NULL);
		char want[200];
		snprintf(want, sizeof want, "localhost (127.0.0.1) %s python3 (pid 1) on 127.0.0.1:3000, "
		         "not this server — no connection reaches it",
		         k == REACH_MACOS ? "may reach" : "reaches");
		cr_assert_str_eq(text_of(1, HINT_SHADOWED), want, "%s", reach_kernel_names[k]);
		cr_assert_null(find(0, HINT_SHADOWED));
	}
}

Test(hints, docker_proxy_says_where_it_forwards)
{
	add(PROTO_TCP, "0.0.0.0", 8080, 2231, "docker-proxy",
	    "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port 8080 -container-ip "
	    "172.17.0.2 -container-port 80");
	add(PROTO_TCP, "::", 8080, 2238, "docker-proxy",
	    "/usr/bin/docker-proxy -proto tcp -host-ip :: -host-port 8080 -container-ip 172.17.0.2 "
	    "-container-port 80");
	add(PROTO_TCP, "127.0.0.1", 9000, 2240, "docker-proxy",
	    "docker-proxy -container-ip=fd00::2 -container-port=9000");
	add(PROTO_TCP, "127.0.0.1", 9001, 2241, "docker-proxy", "docker-proxy -proto tcp");
	compute(NULL);
	cr_assert_str_eq(find(0, HINT_DOCKER)->text, "forwards to 172.17.0.2:80 (a container)");
	cr_assert_str_eq(find(1, HINT_DOCKER)->text, "forwards to 172.17.0.2:80 (a container)");
	cr_assert_null(find(0, HINT_SHADOWED), "one proxy per family, one container");
	cr_assert_null(find(1, HINT_SHADOWED), "one proxy per family, one container");
	cr_assert_null(find(0, HINT_LAN), "Docker publishes on purpose");
	cr_assert_str_eq(find(2, HINT_DOCKER)->text, "forwards to [fd00::2]:9000 (a container)");
	cr_assert_eq(ann[3].hints.n, 0, "no target in its arguments: no hint");
}

Test(hints, a_port_the_config_expects_for_another_project)
{
	const char *text = "{\"expect\": {\"3000\": \"api-gateway\", \"4000\": \"~/src/blog\","
	                   " \"5000\": \"shop\", \"6000\": \"redis-server\"}}";
	cr_assert_eq(config_parse(&cfg, text, strlen(text), "c.json", "/home/dev"), 0);
	struct listener *l = add(PROTO_TCP, "127.0.0.1", 3000, 10, "node", "node server.js");
	test_set_project(l, "/home/dev/shop-web");
	l = add(PROTO_TCP, "127.0.0.1", 4000, 11, "ruby", "ruby /x/bin/jekyll serve");
	test_set_cwd(l, "/home/dev/src/blog/_site");
	l = add(PROTO_TCP, "127.0.0.1", 5000, 12, "python3", "python3 app.py");
	test_set_project(l, "/home/dev/Shop");
	add(PROTO_TCP, "127.0.0.1", 6000, 13, "redis-server", "redis-server");
	l = add(PROTO_TCP, "0.0.0.0", 3000, 0, "", NULL);
	l->owner_hidden = true;
	compute(&cfg);
	const struct hint *h = find(0, HINT_EXPECTED);
	cr_assert_not_null(h);
	cr_assert_str_eq(h->text, "expected api-gateway (config), not node (pid 10) in shop-web");
	cr_assert_null(find(1, HINT_EXPECTED), "inside the expected directory");
	cr_assert_null(find(2, HINT_EXPECTED), "the project's name, in any case");
	cr_assert_null(find(3, HINT_EXPECTED), "the process's name");
	cr_assert_str_eq(find(4, HINT_EXPECTED)->text,
	                 "expected api-gateway (config), not another user's process");
}

Test(hints, hints_come_in_priority_order_and_join)
{
	const char *text = "{\"expect\": {\"3000\": \"api\"}}";
	cr_assert_eq(config_parse(&cfg, text, strlen(text), "c.json", NULL), 0);
	add(PROTO_TCP, "0.0.0.0", 3000, 1, "node", "node /x/node_modules/.bin/next dev");
	add(PROTO_TCP, "::1", 3000, 2, "node", "node other.js");
	compute(&cfg);
	cr_assert_eq(ann[0].hints.n, 3);
	cr_assert_eq(ann[0].hints.v[0].kind, HINT_EXPECTED);
	cr_assert_eq(ann[0].hints.v[1].kind, HINT_SHADOWED);
	cr_assert_eq(ann[0].hints.v[2].kind, HINT_LAN);
	char joined[HINTS_MAX * HINT_TEXT_MAX];
	hints_join(&ann[0].hints, joined, sizeof joined);
	cr_assert(strstr(joined, "expected api (config), not node (pid 1) · localhost (::1) reaches "
	                         "node (pid 2) on [::1]:3000, not this server — use 127.0.0.1:3000 · "
	                         "reachable from your network"),
	          "%s", joined);
	char small[40];
	hints_join(&ann[0].hints, small, sizeof small);
	cr_assert_lt(strlen(small), sizeof small);
	cr_assert_leq(sanitize_width(small), 39, "cut on a character boundary");
}

Test(hints, docker_target_parsing)
{
	char buf[64];
	cr_assert(hints_docker_target("docker-proxy --container-ip 10.0.0.3 --container-port 5432",
	                              buf, sizeof buf));
	cr_assert_str_eq(buf, "10.0.0.3:5432");
	cr_assert_not(hints_docker_target("docker-proxy -container-ip", buf, sizeof buf));
	cr_assert_not(hints_docker_target("", buf, sizeof buf));
	cr_assert_not(hints_docker_target("x -container-ipx 1 -container-port 2", buf, sizeof buf));
}

/* The acceptance scenario, through the real fake backend: ControlCenter on *:5000 and *:7000. */
Test(hints, airplay_scenario_through_the_fake_backend)
{
	struct platform *p = NULL;
	struct platform_opts o = {.kind = PLATFORM_FAKE,
	                          .scenario_path = TESTS_DIR "/fixtures/scenarios/airplay.json"};
	cr_assert_eq(platform_open(&p, &o), 0, "%s", p ? platform_error(p) : "");
	struct snapshot s = {0};
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_assert_eq(annotate_set(&s.set, (enum reach_kernel)s.kernel, NULL, &ann), 0);
	size_t airplay = 0;
	for (size_t i = 0; i < s.set.n; i++) {
		const struct listener *l = &s.set.v[i];
		bool cc = strcmp(l->proc->comm, "ControlCenter") == 0;
		bool has = false;
		for (size_t k = 0; k < ann[i].hints.n; k++)
			has |= ann[i].hints.v[k].kind == HINT_AIRPLAY;
		cr_expect_eq(has, cc && (l->port == 5000 || l->port == 7000), "port %u (%s)",
		             (unsigned)l->port, l->proc->comm);
		if (cc)
			cr_expect_str_eq(ann[i].label.text, "AirPlay Receiver");
		airplay += has;
	}
	cr_assert_eq(airplay, 4, "5000 and 7000, IPv4 and IPv6");
	snapshot_free(&s);
	platform_close(&p);
}
