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

static void setup(void)
{
	sanitize_init_locale();
	config_init(&cfg);
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
	cr_assert_eq(annotate_set(&set, c, &ann), 0);
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
	const struct hint *v4 = find(0, HINT_SPLIT_STACK), *v6 = find(1, HINT_SPLIT_STACK);
	cr_assert_not_null(v4);
	cr_assert_not_null(v6);
	cr_assert_str_eq(v4->text, "IPv6 [::1]:3000 is python3 (pid 6001) — localhost may reach either");
	cr_assert_str_eq(v6->text, "IPv4 127.0.0.1:3000 is node (pid 5120) — localhost may reach either");
	for (size_t i = 2; i < set.n; i++)
		cr_expect_null(find(i, HINT_SPLIT_STACK), "listener %zu (port %u)", i,
		               (unsigned)set.v[i].port);
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
	cr_assert_null(find(0, HINT_SPLIT_STACK), "one proxy per family, one container");
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
	cr_assert_eq(ann[0].hints.v[1].kind, HINT_SPLIT_STACK);
	cr_assert_eq(ann[0].hints.v[2].kind, HINT_LAN);
	char joined[HINTS_MAX * HINT_TEXT_MAX];
	hints_join(&ann[0].hints, joined, sizeof joined);
	cr_assert(strstr(joined, "expected api (config), not node (pid 1) · IPv6 [::1]:3000 is"),
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
	cr_assert_eq(annotate_set(&s.set, NULL, &ann), 0);
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
