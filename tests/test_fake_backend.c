/* test_fake_backend.c - scenarios: loading, defaults, playback, errors, sanitizing. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fake/fake_backend.h"
#include "fake/scenario.h"
#include "sanitize.h"

#define SCENARIOS TESTS_DIR "/fixtures/scenarios/"

static const int64_t open_time = 1800000000; /* a fixed playback start for the pure loader */
static const double boot_ticks = 30 * 86400 * 100.0;

static struct scenario sc;
static char err[SCENARIO_ERROR_MAX];
static struct platform *plat;
static struct snapshot snap;
static const struct listener_set *const set = &snap.set; /* the rows of the last collect */
static struct arena strings;

static void init(void)
{
	sanitize_init_locale();
}

static void fini(void)
{
	scenario_free(&sc);
	platform_close(&plat);
	snapshot_free(&snap);
	arena_free(&strings);
}

TestSuite(fake, .init = init, .fini = fini);

/* Parses JSON text with the pure loader; returns its result. */
static int parse(const char *json)
{
	scenario_free(&sc);
	return scenario_parse(&sc, json, strlen(json), "t.json", open_time, err, sizeof err);
}

static int open_fake(const char *path, double step_seconds)
{
	struct platform_opts o = {
	    .kind = PLATFORM_FAKE, .scenario_path = path, .scenario_step_seconds = step_seconds};
	platform_close(&plat);
	return platform_open(&plat, &o);
}

/* Whether socket l is on proto/address/port. */
static bool is_on(const struct listener *l, const char *proto, const char *addr, unsigned port)
{
	uint8_t a[16] = {0};
	int family = inet_pton(AF_INET, addr, a) == 1 ? FAMILY_V4 : FAMILY_V6;
	if (family == FAMILY_V6)
		cr_assert_eq(inet_pton(AF_INET6, addr, a), 1, "bad address in test: %s", addr);
	return l->port == port && l->family == family && memcmp(l->addr, a, 16) == 0 &&
	       strcmp(listener_proto_name(l), proto) == 0;
}

/* The row of the rows on proto/address/port, or NULL. */
static const struct listener *find(const struct listener_set *s, const char *proto,
                                   const char *addr, unsigned port)
{
	for (size_t i = 0; i < s->n; i++)
		if (is_on(&s->v[i], proto, addr, port))
			return &s->v[i];
	return NULL;
}

static const struct listener *must_find(const struct listener_set *s, const char *proto,
                                        const char *addr, unsigned port)
{
	const struct listener *l = find(s, proto, addr, port);
	cr_assert_not_null(l, "no %s %s port %u", proto, addr, port);
	cr_assert_not_null(l->proc, "no lead holder on %s %s port %u", proto, addr, port);
	return l;
}

/* The first listener of a loaded step on proto/address/port (it must be there). */
static const struct scenario_listener *must_find_sl(const struct scenario_listeners *s,
                                                    const char *proto, const char *addr,
                                                    unsigned port)
{
	for (size_t i = 0; i < s->n; i++)
		if (is_on(&s->v[i].sock, proto, addr, port))
			return &s->v[i];
	cr_assert_fail("no %s %s port %u", proto, addr, port);
	return NULL;
}

static void collect_at(double t)
{
	cr_assert_eq(platform_fake_seek(plat, t), 0);
	cr_assert_eq(platform_collect(plat, &snap), 0);
}

/* ---- loading the fixtures ---- */

Test(fake, airplay_fixture_loads)
{
	cr_assert_eq(open_fake(SCENARIOS "airplay.json", 0), 0, "%s", platform_error(plat));
	cr_assert_str_eq(platform_name(plat), "demo: airplay");
	cr_assert_str_eq(platform_error(plat), "");
	collect_at(0);
	cr_assert_eq(set->n, 7);
	const struct listener *cc = must_find(set, "tcp", "0.0.0.0", 5000);
	cr_assert_str_eq(cc->proc->comm, "ControlCenter");
	cr_assert_str_eq(
	    cc->proc->exe,
	    "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter");
	cr_assert_eq(cc->proc->uid, 501);
	cr_assert_str_eq(cc->proc->user, "dev");
	/* The IPv6 twins inherit everything from the first ControlCenter listener. */
	const struct listener *cc6 = must_find(set, "tcp", "::", 7000);
	cr_assert(cc6->v6only);
	cr_assert_str_eq(cc6->proc->comm, "ControlCenter");
	cr_assert_eq(cc6->proc->id.start_ticks, cc->proc->id.start_ticks);
	cr_assert_eq(cc6->proc->start_time, cc->proc->start_time);
	cr_assert_eq(must_find(set, "tcp", "127.0.0.1", 3000)->proc->id.pid, 5120);
	cr_assert_str_eq(must_find(set, "tcp", "::", 49152)->proc->comm, "rapportd");
}

Test(fake, two_steps_fixture_loads)
{
	cr_assert_eq(open_fake(SCENARIOS "two_steps.json", 0), 0, "%s", platform_error(plat));
	cr_assert_str_eq(platform_name(plat), "demo: two steps");
	collect_at(0);
	cr_assert_eq(set->n, 1);
	collect_at(5);
	cr_assert_eq(set->n, 2);
}

Test(fake, scenario_without_a_name_is_named_after_its_file)
{
	char path[] = "/tmp/devports-test-XXXXXX.json";
	int fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0);
	const char *json = "{\"steps\": [{\"listeners\": []}]}";
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	int rc = open_fake(path, 0);
	char expected[64];
	snprintf(expected, sizeof expected, "demo: %.*s", (int)strlen(path) - 5 - 5, path + 5);
	unlink(path);
	cr_assert_eq(rc, 0, "%s", platform_error(plat));
	cr_assert_str_eq(platform_name(plat), expected);
	collect_at(0);
	cr_assert_eq(set->n, 0);
}

/* ---- defaults ---- */

Test(fake, defaults_fill_what_a_listener_leaves_out)
{
	cr_assert_eq(parse("{\"steps\": [{\"listeners\": [{\"port\": 8080, \"pid\": 10, "
	                   "\"cmdline\": \"/usr/bin/python3 app.py --port 8080\"}]}]}"),
	             0, "%s", err);
	cr_assert_str_eq(err, "");
	cr_assert_str_eq(sc.name, "");
	cr_assert_eq(sc.n_steps, 1);
	cr_assert_eq(sc.steps[0].at, 0);
	const struct scenario_listener *l =
	    must_find_sl(&sc.steps[0].listeners, "tcp", "127.0.0.1", 8080);
	cr_assert_eq(l->sock.proto, PROTO_TCP);
	cr_assert_eq(l->sock.family, FAMILY_V4);
	cr_assert_not(l->sock.v6only);
	cr_assert_not(l->sock.owner_hidden);
	cr_assert_eq(l->sock.inode, 0);
	cr_assert_eq(l->sock.uid, 1000);
	cr_assert_eq(l->proc.uid, 1000);
	cr_assert_str_eq(l->proc.user, "dev");
	cr_assert_eq(l->proc.id.pid, 10);
	cr_assert_eq(l->proc.ppid, 1);
	cr_assert_str_eq(l->proc.comm, "python3");
	cr_assert_str_eq(l->proc.cmdline, "/usr/bin/python3 app.py --port 8080");
	cr_assert_str_eq(l->proc.cwd, "");
	cr_assert_str_eq(l->proc.exe, "");
	cr_assert_eq(l->proc.threads, 1);
	cr_assert_eq(l->proc.rss_kib, 0);
	/* No uptime: the process starts with its step. */
	cr_assert_eq(l->proc.start_time, open_time);
	cr_assert_eq(l->proc.id.start_ticks, (uint64_t)boot_ticks);
}

Test(fake, name_defaults_from_exe_and_cmdline_from_name)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": [{\"port\": 1, \"pid\": 2, \"exe\": "
	          "\"/usr/sbin/sshd\"}, {\"port\": 3, \"pid\": 4, \"name\": \"redis\"}]}]}"),
	    0, "%s", err);
	cr_assert_str_eq(sc.steps[0].listeners.v[0].proc.comm, "sshd");
	cr_assert_str_eq(sc.steps[0].listeners.v[0].proc.cmdline, "sshd");
	cr_assert_str_eq(sc.steps[0].listeners.v[1].proc.cmdline, "redis");
}

Test(fake, user_and_uid_default_from_each_other)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": ["
	          "{\"port\": 1, \"pid\": 1, \"name\": \"a\", \"user\": \"root\"},"
	          "{\"port\": 2, \"pid\": 2, \"name\": \"b\", \"uid\": 0},"
	          "{\"port\": 3, \"pid\": 3, \"name\": \"c\", \"uid\": 109},"
	          "{\"port\": 4, \"pid\": 4, \"name\": \"d\", \"user\": \"postgres\"}]}]}"),
	    0, "%s", err);
	const struct scenario_listener *v = sc.steps[0].listeners.v;
	cr_assert_eq(v[0].proc.uid, 0);
	cr_assert_str_eq(v[1].proc.user, "root");
	cr_assert_str_eq(v[2].proc.user, "109");
	cr_assert_eq(v[2].sock.uid, 109);
	cr_assert_eq(v[3].proc.uid, 1000);
}

Test(fake, hidden_owner_has_no_pid_only_a_user)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": ["
	          "{\"port\": 22, \"address\": \"0.0.0.0\", \"owner_hidden\": true},"
	          "{\"port\": 53, \"proto\": \"udp\", \"address\": \"127.0.0.53\", "
	          "\"owner_hidden\": true, \"user\": \"systemd-resolve\", \"uid\": 991}]}]}"),
	    0, "%s", err);
	const struct scenario_listener *ssh = &sc.steps[0].listeners.v[0];
	cr_assert(ssh->sock.owner_hidden);
	cr_assert_eq(ssh->proc.id.pid, 0);
	cr_assert_eq(ssh->sock.uid, 0);
	cr_assert_str_eq(ssh->proc.user, "root");
	cr_assert_str_eq(ssh->proc.comm, "");
	cr_assert_eq(ssh->proc.start_time, 0);
	const struct scenario_listener *dns = &sc.steps[0].listeners.v[1];
	cr_assert_eq(dns->sock.proto, PROTO_UDP);
	cr_assert_eq(dns->sock.uid, 991);
	cr_assert_str_eq(dns->proc.user, "systemd-resolve");
}

Test(fake, addresses)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": ["
	          "{\"port\": 1, \"address\": \"*\", \"owner_hidden\": true},"
	          "{\"port\": 2, \"address\": \"[::1]\", \"owner_hidden\": true},"
	          "{\"port\": 3, \"address\": \"::\", \"v6only\": true, \"owner_hidden\": true},"
	          "{\"port\": 4, \"address\": \"0.0.0.0\", \"owner_hidden\": true}]}]}"),
	    0, "%s", err);
	const struct scenario_listener *v = sc.steps[0].listeners.v;
	char buf[64];
	const char *want[] = {"*", "::1", "::", "0.0.0.0"};
	for (int i = 0; i < 4; i++) {
		listener_addr_str(&v[i].sock, buf, sizeof buf);
		cr_assert_str_eq(buf, want[i]);
	}
	cr_assert_eq(v[1].sock.family, FAMILY_V6);
	cr_assert(listener_is_loopback(&v[1].sock));
}

/* ---- times ---- */

Test(fake, uptime_is_the_age_when_the_step_begins)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"at\": 0, \"listeners\": []}, {\"at\": 4, \"listeners\": ["
	          "{\"port\": 1, \"pid\": 7, \"name\": \"a\", \"uptime\": 10}]}]}"),
	    0, "%s", err);
	const struct scenario_listener *l = &sc.steps[1].listeners.v[0];
	cr_assert_eq(l->proc.start_time, open_time + 4 - 10);
	cr_assert_eq(l->proc.id.start_ticks, (uint64_t)(boot_ticks + (4 - 10) * 100));
}

Test(fake, started_is_a_utc_date)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": [{\"port\": 1, \"pid\": 7, \"name\": \"a\", "
	          "\"started\": \"2026-11-22T10:00:00Z\", \"start_ticks\": 4242}]}]}"),
	    0, "%s", err);
	cr_assert_eq(sc.steps[0].listeners.v[0].proc.start_time, 1795341600);
	cr_assert_eq(sc.steps[0].listeners.v[0].proc.id.start_ticks, 4242);
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": [{\"port\": 1, \"pid\": 7, \"name\": \"a\", "
	          "\"started\": \"2026-02-30T10:00:00Z\"}]}]}"),
	    -EINVAL);
	cr_assert_str_eq(err, "t.json: steps[0].listeners[0].started: expected a UTC date and time "
	                      "like \"2026-11-22T10:00:00Z\"");
}

Test(fake, later_steps_inherit_the_process_of_the_same_pid)
{
	cr_assert_eq(
	    parse("{\"steps\": [{\"listeners\": [{\"port\": 3000, \"pid\": 9, \"ppid\": 8, "
	          "\"name\": \"node\", \"cwd\": \"/home/dev/web\", \"uid\": 1001, "
	          "\"uptime\": 60, \"rss_kib\": 5, \"threads\": 3}]},"
	          "{\"at\": 2, \"listeners\": [{\"port\": 3000, \"pid\": 9}, "
	          "{\"port\": 3001, \"pid\": 9, \"address\": \"::1\"}]}]}"),
	    0, "%s", err);
	const struct scenario_listener *a = &sc.steps[0].listeners.v[0];
	for (size_t i = 0; i < 2; i++) {
		const struct scenario_listener *b = &sc.steps[1].listeners.v[i];
		cr_assert_str_eq(b->proc.cwd, "/home/dev/web");
		cr_assert_str_eq(b->proc.user, "1001");
		cr_assert_eq(b->sock.uid, 1001);
		cr_assert_eq(b->proc.ppid, 8);
		cr_assert_eq(b->proc.threads, 3);
		cr_assert_eq(b->proc.rss_kib, 5);
		cr_assert_eq(b->proc.start_time, a->proc.start_time);
		cr_assert_eq(b->proc.id.start_ticks, a->proc.id.start_ticks);
	}
	const struct scenario_listener *b = &sc.steps[1].listeners.v[0];
	cr_assert(listener_same_key(&a->sock, &b->sock));
	cr_assert_eq(a->proc.id.pid, b->proc.id.pid);
	cr_assert_str_eq(a->proc.comm, b->proc.comm);
	cr_assert_str_eq(a->proc.project_root, b->proc.project_root);
}

/* ---- playback ---- */

Test(fake, seeking_picks_the_latest_step_at_or_before)
{
	cr_assert_eq(open_fake(SCENARIOS "two_steps.json", 0), 0, "%s", platform_error(plat));
	collect_at(4.99);
	cr_assert_eq(set->n, 1);
	collect_at(5);
	cr_assert_eq(set->n, 2);
	const struct listener *vite = must_find(set, "tcp", "::1", 5173);
	cr_assert_eq(vite->proc->id.pid, 4200);
	collect_at(1e6); /* the last step stays */
	cr_assert_eq(set->n, 2);
	collect_at(0); /* and seeking back works */
	cr_assert_eq(set->n, 1);
	cr_assert_eq(platform_fake_seek(plat, -1), -EINVAL);
	cr_assert_eq(platform_fake_seek(NULL, 1), -EINVAL);
}

Test(fake, step_seconds_space_the_steps_evenly)
{
	cr_assert_eq(open_fake(SCENARIOS "two_steps.json", 2), 0, "%s", platform_error(plat));
	collect_at(1.9);
	cr_assert_eq(set->n, 1);
	collect_at(2);
	cr_assert_eq(set->n, 2);
	collect_at(50);
	cr_assert_eq(set->n, 2);
}

Test(fake, playback_without_seek_starts_at_the_first_step)
{
	cr_assert_eq(open_fake(SCENARIOS "two_steps.json", 0), 0, "%s", platform_error(plat));
	cr_assert_eq(platform_collect(plat, &snap), 0);
	cr_assert_eq(set->n, 1);
	struct proc_info pi;
	cr_assert_eq(platform_process(plat, 4100, &strings, &pi), 0);
	int64_t age = (int64_t)time(NULL) - pi.start_time;
	cr_assert(age >= 60 && age <= 62, "age %lld", (long long)age);
}

Test(fake, process_is_looked_up_in_the_current_step)
{
	struct proc_info pi;
	cr_assert_eq(open_fake(NULL, 0), 0, "%s", platform_error(plat));
	cr_assert_eq(platform_fake_seek(plat, 0), 0);
	cr_assert_eq(platform_process(plat, 40110, &strings, &pi), 0);
	cr_assert_str_eq(pi.cmdline, "python3 -m http.server 8000");
	cr_assert_str_eq(pi.cwd, "/home/dev/shop-web/out");
	/* astro starts at 6 s */
	cr_assert_eq(platform_process(plat, 42010, &strings, &pi), -ESRCH);
	cr_assert_eq(platform_process(plat, 0, &strings, &pi), -ESRCH);
	cr_assert_eq(platform_fake_seek(plat, 12), 0);
	cr_assert_eq(platform_process(plat, 40110, &strings, &pi), -ESRCH);
	cr_assert_eq(platform_process(plat, 42010, &strings, &pi), 0);
	cr_assert_str_eq(pi.comm, "node");
}

/* ---- sockets, holders and processes ---- */

/* Opens the fake backend on JSON text written to a temporary file. */
static int open_json(const char *json)
{
	char path[] = "/tmp/devports-test-XXXXXX.json";
	int fd = mkstemps(path, 5);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	int rc = open_fake(path, 0);
	unlink(path);
	return rc;
}

Test(fake, prefork_parent_and_workers_share_one_row)
{
	cr_assert_eq(open_json("{\"steps\": [{\"listeners\": ["
	                       "{\"port\": 8003, \"pid\": 101, \"ppid\": 100, "
	                       "\"cmdline\": \"gunicorn: worker [app]\"},"
	                       "{\"port\": 8003, \"pid\": 100, \"ppid\": 1, "
	                       "\"cmdline\": \"gunicorn: master [app]\", \"uptime\": 60},"
	                       "{\"port\": 8003, \"pid\": 102, \"ppid\": 100, "
	                       "\"cmdline\": \"gunicorn: worker [app]\"},"
	                       "{\"port\": 8004, \"pid\": 101}]}]}"),
	             0, "%s", platform_error(plat));
	collect_at(0);
	cr_assert_eq(set->n, 2);
	const struct listener *l = must_find(set, "tcp", "127.0.0.1", 8003);
	cr_assert_eq(l->nsockets, 1, "one socket held by three processes");
	cr_assert_eq(l->nholders, 3);
	cr_assert_not(l->owner_hidden);
	cr_assert_eq(l->owner_why, OWNER_KNOWN);
	cr_assert_eq(l->proc->id.pid, 100, "the parent leads");
	cr_assert_eq(l->holders[0], l->proc);
	cr_assert_eq(l->holders[1]->id.pid, 101);
	cr_assert_eq(l->holders[2]->id.pid, 102);
	cr_assert_str_eq(l->proc->cmdline, "gunicorn: master [app]");
	cr_assert_str_eq(l->holders[1]->comm, "gunicorn:");
	cr_assert_eq(listener_holder_role(l, 0), ROLE_PARENT);
	cr_assert_eq(listener_holder_role(l, 1), ROLE_WORKER);
	/* Each process once in the table, though 101 holds two sockets. */
	cr_assert_eq(snap.nprocs, 3);
	cr_assert_not_null(snapshot_process(&snap, 101));
	const struct listener *other = must_find(set, "tcp", "127.0.0.1", 8004);
	cr_assert_eq(other->nholders, 1);
	cr_assert_eq(other->proc, snapshot_process(&snap, 101));

	/* A worker killed: the others still hold the socket. The last one gone: no socket. */
	struct platform_proc *h = NULL;
	const struct proc_ident w = l->holders[2]->id;
	cr_assert_eq(platform_proc_open(plat, &w, &h), 0);
	cr_assert_eq(platform_proc_signal(h, SIGKILL), 0);
	platform_proc_close(&h);
	collect_at(0);
	l = must_find(set, "tcp", "127.0.0.1", 8003);
	cr_assert_eq(l->nholders, 2);
	cr_assert_eq(l->proc->id.pid, 100);
	cr_assert_eq(l->holders[1]->id.pid, 101);
	cr_assert_eq(snap.nprocs, 2);
}

Test(fake, hidden_owner_rows_say_why)
{
	cr_assert_eq(open_json("{\"steps\": [{\"listeners\": ["
	                       "{\"port\": 22, \"owner_hidden\": true},"
	                       "{\"port\": 23, \"owner_hidden\": true, \"owner\": \"not_found\"},"
	                       "{\"port\": 24, \"owner_hidden\": true, \"owner\": "
	                       "\"unreadable\", \"user\": \"postgres\", \"uid\": 114}]}]}"),
	             0, "%s", platform_error(plat));
	collect_at(0);
	cr_assert_eq(set->n, 3);
	cr_assert_eq(snap.nprocs, 0);
	static const struct {
		unsigned port;
		enum owner_unknown why;
		const char *user;
		uint32_t uid;
	} want[] = {{22, OWNER_NOT_READABLE, "root", 0},
	            {23, OWNER_NOT_FOUND, "root", 0},
	            {24, OWNER_UNREADABLE, "postgres", 114}};
	for (size_t i = 0; i < 3; i++) {
		const struct listener *l = must_find(set, "tcp", "127.0.0.1", want[i].port);
		cr_assert(l->owner_hidden, "port %u", want[i].port);
		cr_assert_eq(l->owner_why, want[i].why, "port %u", want[i].port);
		cr_assert_eq(l->nholders, 0);
		cr_assert_eq(l->proc->id.pid, 0);
		cr_assert_eq(l->uid, want[i].uid);
		cr_assert_str_eq(l->proc->user, want[i].user);
	}
	cr_assert_eq(parse("{\"steps\": [{\"listeners\": [{\"port\": 1, \"owner_hidden\": true, "
	                   "\"owner\": \"gone\"}]}]}"),
	             -EINVAL);
	cr_assert_str_eq(err, "t.json: steps[0].listeners[0].owner: expected \"not_readable\", "
	                      "\"not_found\" or \"unreadable\"");
	cr_assert_eq(parse("{\"steps\": [{\"listeners\": [{\"port\": 1, \"pid\": 5, \"name\": "
	                   "\"a\", \"owner\": \"not_found\"}]}]}"),
	             -EINVAL);
	cr_assert_str_eq(err, "t.json: steps[0].listeners[0].owner: only a hidden owner has a "
	                      "reason (set owner_hidden to true)");
}

Test(fake, process_strings_go_into_the_callers_arena)
{
	struct proc_info pi;
	cr_assert_eq(open_fake(NULL, 0), 0, "%s", platform_error(plat));
	cr_assert_eq(platform_fake_seek(plat, 0), 0);
	cr_assert_eq(platform_process(plat, 40110, &strings, &pi), 0);
	platform_close(&plat); /* the strings outlive the platform */
	cr_assert_str_eq(pi.cmdline, "python3 -m http.server 8000");
	cr_assert_str_eq(pi.comm, "python3");
}

/* ---- the built-in scenario ---- */

Test(fake, builtin_first_snapshot)
{
	static const struct {
		const char *proto, *addr;
		unsigned port;
		int pid; /* 0: hidden */
		const char *comm;
	} want[] = {
	    {"tcp", "0.0.0.0", 22, 0, ""},
	    {"tcp", "::", 22, 0, ""},
	    {"udp", "127.0.0.53", 53, 0, ""},
	    {"tcp", "127.0.0.53", 53, 0, ""},
	    {"udp", "0.0.0.0", 5353, 612, "avahi-daemon"},
	    {"udp", "::", 5353, 612, "avahi-daemon"},
	    {"tcp", "127.0.0.1", 5432, 812, "postgres"},
	    {"tcp", "::1", 5432, 812, "postgres"},
	    {"tcp", "127.0.0.1", 6379, 845, "redis-server"},
	    {"tcp", "::1", 6379, 845, "redis-server"},
	    {"tcp", "0.0.0.0", 8080, 2231, "docker-proxy"},
	    {"tcp", "::", 8080, 2238, "docker-proxy"},
	    {"tcp", "::", 3000, 41233, "node"},
	    {"tcp", "127.0.0.1", 5173, 41502, "node"},
	    {"tcp", "127.0.0.1", 5001, 40877, "python3"},
	    {"tcp", "127.0.0.1", 8003, 40300, "gunicorn"}, /* and its two workers */
	    {"tcp", "0.0.0.0", 8000, 40110, "python3"},
	    {"tcp", "127.0.0.1", 43771, 3391, "code"},
	    {"udp", "0.0.0.0", 58164, 3120, "chrome"},
	    {"tcp", "0.0.0.0", 57621, 3650, "spotify"},
	    {"udp", "0.0.0.0", 57621, 3650, "spotify"},
	};
	cr_assert_eq(open_fake(NULL, 0), 0, "%s", platform_error(plat));
	cr_assert_str_eq(platform_name(plat), "demo");
	collect_at(0);
	cr_assert_eq(set->n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct listener *l =
		    must_find(set, want[i].proto, want[i].addr, want[i].port);
		cr_assert_eq(l->proc->id.pid, want[i].pid, "port %u", want[i].port);
		cr_assert_eq(l->owner_hidden, want[i].pid == 0, "port %u", want[i].port);
		cr_assert_str_eq(l->proc->comm, want[i].comm, "port %u", want[i].port);
	}
	const struct listener *next = must_find(set, "tcp", "::", 3000);
	char addr[64];
	listener_addr_str(next, addr, sizeof addr);
	cr_assert_str_eq(addr, "*");
	cr_assert_str_eq(next->proc->cmdline, "node /home/dev/shop-web/node_modules/.bin/next dev");
	cr_assert_str_eq(next->proc->cwd, "/home/dev/shop-web");
	cr_assert_eq(next->proc->ppid, 41200);
	cr_assert_str_eq(must_find(set, "tcp", "0.0.0.0", 8080)->proc->user, "root");
	const struct listener *gunicorn = must_find(set, "tcp", "127.0.0.1", 8003);
	cr_assert_eq(gunicorn->nholders, 3, "a pre-fork server: one row, three holders");
	cr_assert_eq(gunicorn->nsockets, 1);
	cr_assert_eq(gunicorn->holders[1]->id.pid, 40301);
	cr_assert_eq(gunicorn->holders[2]->id.pid, 40302);
	cr_assert_str_eq(must_find(set, "tcp", "127.0.0.1", 5432)->proc->user, "postgres");
	cr_assert_str_eq(must_find(set, "udp", "127.0.0.53", 53)->proc->user, "systemd-resolve");
}

Test(fake, builtin_changes_over_time)
{
	cr_assert_eq(open_fake(NULL, 0), 0, "%s", platform_error(plat));
	collect_at(5.9);
	cr_assert_null(find(set, "tcp", "::1", 4321));
	collect_at(6);
	cr_assert_not_null(find(set, "tcp", "::1", 4321));
	cr_assert_not_null(find(set, "tcp", "0.0.0.0", 8000));
	collect_at(12);
	cr_assert_null(find(set, "tcp", "0.0.0.0", 8000));
	cr_assert_eq(must_find(set, "tcp", "127.0.0.1", 5001)->proc->id.pid, 40877);
	collect_at(16);
	cr_assert_eq(must_find(set, "tcp", "127.0.0.1", 5001)->proc->id.pid, 42188);
	collect_at(20);
	cr_assert_null(find(set, "udp", "0.0.0.0", 58164));
	cr_assert_eq(must_find(set, "udp", "0.0.0.0", 60412)->proc->id.pid, 3120);
	cr_assert_str_eq(must_find(set, "udp", "0.0.0.0", 60412)->proc->comm, "chrome");
}

/* ---- errors ---- */

Test(fake, trailing_comma_names_line_and_column)
{
	cr_assert_eq(open_fake(SCENARIOS "malformed.json", 0), -EINVAL);
	cr_assert_not_null(plat, "the handle is kept so that the error can be read");
	cr_assert_str_eq(platform_error(plat),
	                 SCENARIOS "malformed.json:5:50: invalid JSON: trailing comma before ']'");
	cr_assert_eq(platform_collect(plat, &snap), -EINVAL);
}

Test(fake, wrong_type_names_the_field)
{
	cr_assert_eq(open_fake(SCENARIOS "wrong_types.json", 0), -EINVAL);
	cr_assert_str_eq(platform_error(plat),
	                 SCENARIOS "wrong_types.json: steps[1].listeners[0].port:"
	                           " expected a number from 0 to 65535");
}

Test(fake, missing_file)
{
	cr_assert_eq(open_fake(SCENARIOS "no-such-scenario.json", 0), -ENOENT);
	cr_assert_str_eq(platform_error(plat),
	                 SCENARIOS "no-such-scenario.json: No such file or directory");
	cr_assert_eq(open_fake(SCENARIOS, 0), -EISDIR);
	cr_assert_str_eq(platform_error(plat), SCENARIOS ": Is a directory");
}

Test(fake, syntax_errors_point_at_the_culprit)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {"", "t.json:1:1: invalid JSON: unexpected end of file (expected a value)"},
	    {"{\"steps\": [\n",
	     "t.json:2:1: invalid JSON: unexpected end of file (expected a value)"},
	    {"{\"steps\": [],}", "t.json:1:13: invalid JSON: trailing comma before '}'"},
	    {"{\"steps\" []}", "t.json:1:10: invalid JSON: expected ':' after the key near '['"},
	    {"{steps: []}",
	     "t.json:1:2: invalid JSON: expected a \"key\" in double quotes near 'steps'"},
	    {"{\"a\": True}", "t.json:1:7: invalid JSON: expected a value near 'True'"},
	    {"{\"a\": 1 \"b\": 2}", "t.json:1:9: invalid JSON: expected ',' or '}' near '\"'"},
	    {"[1 2]", "t.json:1:4: invalid JSON: expected ',' or ']' near '2'"},
	    {"{\"é\": \"x", "t.json:1:7: invalid JSON: this string never ends (a '\"' is missing)"},
	    {"{\"a\": \"\\q\"}",
	     "t.json:1:8: invalid JSON: invalid escape in a string (valid: \\\" \\\\ "
	     "\\/ \\b \\f \\n \\r \\t \\uXXXX)"},
	    {"{\"a\": \"x\ny\"}", "t.json:1:9: invalid JSON: control character inside a string "
	                          "(write it as \\n, \\t or \\u00XX)"},
	    {"{\"a\": 01}", "t.json:1:8: invalid JSON: expected ',' or '}' near '1'"},
	    {"{\"a\": \"\\ud800\"}",
	     "t.json:1:8: invalid JSON: half of a UTF-16 surrogate pair in a "
	     "\\u escape"},
	    {"{\"a\": \"\\ud83d\\u0041\"}", "t.json:1:8: invalid JSON: half of a UTF-16 surrogate "
	                                    "pair in a \\u escape"},
	    {"{\"a\": \"x\\udc00\"}",
	     "t.json:1:9: invalid JSON: half of a UTF-16 surrogate pair in a "
	     "\\u escape"},
	    {"{\"a\": \"\\u12G4\"}",
	     "t.json:1:8: invalid JSON: invalid \\u escape (four hex digits "
	     "needed)"},
	    {"{} x", "t.json:1:4: invalid JSON: extra text after the JSON value near 'x'"},
	    {"{}\x1b[31m", "t.json:1:3: invalid JSON: extra text after the JSON value near '\\e'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(parse(cases[i].json), -EINVAL, "case %zu", i);
		cr_assert_str_eq(err, cases[i].msg, "case %zu", i);
	}
	/* A NUL byte would end cJSON's text early: it is an error, not the end. */
	scenario_free(&sc);
	cr_assert_eq(scenario_parse(&sc, "{}\0{", 4, "t.json", open_time, err, sizeof err),
	             -EINVAL);
	cr_assert_str_eq(err,
	                 "t.json:1:3: invalid JSON: extra text after the JSON value near '\\x00'");
}

Test(fake, field_errors_name_the_field)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
	    {"[]", "t.json: expected an object like {\"steps\": [...]}"},
	    {"{}", "t.json: steps: missing (a scenario is a list of steps)"},
	    {"{\"steps\": []}", "t.json: steps: expected at least one step"},
	    {"{\"steps\": {}}", "t.json: steps: expected a list of steps"},
	    {"{\"scenario\": 1, \"steps\": [{\"listeners\": []}]}",
	     "t.json: scenario: expected a name (a string)"},
	    {"{\"kernel\": \"windows\", \"steps\": [{\"listeners\": []}]}",
	     "t.json: kernel: expected \"linux\" or \"macos\""},
	    {"{\"kernel\": 1, \"steps\": [{\"listeners\": []}]}",
	     "t.json: kernel: expected \"linux\" or \"macos\""},
	    {"{\"steps\": [{\"listeners\": []}], \"extra\": 1}",
	     "t.json: \"extra\" is not a known field"},
	    {"{\"steps\": [{}]}",
	     "t.json: steps[0].listeners: missing (a step lists its listeners; [] for none)"},
	    {"{\"steps\": [{\"at\": 3, \"listeners\": []}, {\"at\": 3, \"listeners\": []}]}",
	     "t.json: steps[1].at: expected a time after the previous step's (3 s)"},
	    {"{\"steps\": [{\"at\": -1, \"listeners\": []}]}",
	     "t.json: steps[0].at: expected a number of seconds, 0 or more"},
	    {"{\"steps\": [{\"listeners\": [3000]}]}",
	     "t.json: steps[0].listeners[0]: expected an object like {\"port\": 3000, \"pid\": "
	     "4242, "
	     "\"name\": \"node\"}"},
	    {"{\"steps\": [{\"listeners\": [{\"pid\": 1, \"name\": \"a\"}]}]}",
	     "t.json: steps[0].listeners[0].port: missing (every listener has a port)"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 65536, \"pid\": 1, \"name\": \"a\"}]}]}",
	     "t.json: steps[0].listeners[0].port: expected a number from 0 to 65535"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80.5, \"pid\": 1, \"name\": \"a\"}]}]}",
	     "t.json: steps[0].listeners[0].port: expected a number from 0 to 65535"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"name\": \"a\"}]}]}",
	     "t.json: steps[0].listeners[0].pid: missing (give the owner's pid, or set "
	     "owner_hidden "
	     "to true)"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"pid\": 1}]}]}",
	     "t.json: steps[0].listeners[0].name: missing (give the process name, or its cmdline)"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"pid\": 1, \"name\": 5}]}]}",
	     "t.json: steps[0].listeners[0].name: expected a string"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"proto\": \"sctp\", \"owner_hidden\": "
	     "true}]}]}",
	     "t.json: steps[0].listeners[0].proto: expected \"tcp\" or \"udp\""},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"address\": \"localhost\", "
	     "\"owner_hidden\": true}]}]}",
	     "t.json: steps[0].listeners[0].address: expected an IPv4 or IPv6 address like "
	     "\"127.0.0.1\", \"::1\" or \"*\""},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"v6only\": true, \"owner_hidden\": "
	     "true}]}]}",
	     "t.json: steps[0].listeners[0].v6only: only an IPv6 address other than \"*\" can be "
	     "v6only"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"owner_hidden\": \"yes\"}]}]}",
	     "t.json: steps[0].listeners[0].owner_hidden: expected true or false"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"owner_hidden\": true, \"pid\": 4}]}]}",
	     "t.json: steps[0].listeners[0].pid: a hidden owner shows only its user and uid "
	     "(remove "
	     "this field, or set owner_hidden to false)"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"prot\": \"tcp\", \"owner_hidden\": "
	     "true}]}]}",
	     "t.json: steps[0].listeners[0]: \"prot\" is not a known field"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"port\": 81, \"owner_hidden\": "
	     "true}]}]}",
	     "t.json: steps[0].listeners[0]: \"port\" is given twice"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"pid\": 1, \"name\": \"a\", "
	     "\"uptime\": 1, "
	     "\"started\": \"2026-11-22T10:00:00Z\"}]}]}",
	     "t.json: steps[0].listeners[0].started: give either uptime or started, not both"},
	    {"{\"steps\": [{\"listeners\": [{\"port\": 80, \"pid\": 1, \"name\": \"a\", \"uid\": "
	     "-1}]}]}",
	     "t.json: steps[0].listeners[0].uid: expected a user id from 0 to 4294967294"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(parse(cases[i].json), -EINVAL, "case %zu", i);
		cr_assert_str_eq(err, cases[i].msg, "case %zu", i);
		cr_assert_eq(sc.n_steps, 0, "case %zu: a failed load leaves nothing", i);
	}
}

/* Whose rules say which socket a connection reaches: Linux unless the scenario says macOS; the
 * snapshots carry it. */
Test(fake, the_kernel_is_linux_unless_the_scenario_says)
{
	cr_assert_eq(parse("{\"steps\": [{\"listeners\": []}]}"), 0, "%s", err);
	cr_assert_eq(sc.kernel, REACH_LINUX);
	cr_assert_eq(parse("{\"kernel\": \"macos\", \"steps\": [{\"listeners\": []}]}"), 0,
	             "%s", err);
	cr_assert_eq(sc.kernel, REACH_MACOS);
	cr_assert_eq(open_fake(TESTS_DIR "/fixtures/scenarios/shadowing.json", 0), 0);
	collect_at(0);
	cr_assert_eq(snap.kernel, REACH_MACOS);
	cr_assert_eq(open_fake(TESTS_DIR "/fixtures/scenarios/airplay.json", 0), 0);
	collect_at(0);
	cr_assert_eq(snap.kernel, REACH_LINUX);
}

Test(fake, null_and_comment_are_allowed)
{
	cr_assert_eq(
	    parse("{\"comment\": \"x\", \"scenario\": null, \"steps\": [{\"comment\": [1], "
	          "\"at\": null, \"listeners\": [{\"comment\": {}, \"port\": 80, "
	          "\"proto\": null, \"pid\": 1, \"name\": \"a\"}]}]}"),
	    0, "%s", err);
	cr_assert_eq(sc.steps[0].listeners.v[0].sock.proto, PROTO_TCP);
}

/* ---- sanitizing ---- */

Test(fake, hostile_text_is_shown_not_sent)
{
	cr_assert_eq(parse("{\"scenario\": \"x\\u001b]0;t\\u0007\", \"steps\": [{\"listeners\": "
	                   "[{\"port\": 6666, \"pid\": 6, \"name\": \"\\u001b[31mevil\", "
	                   "\"cmdline\": \"a\\r\\nb\\u202e\"}]}]}"),
	             0, "%s", err);
	const struct proc_info *p = &sc.steps[0].listeners.v[0].proc;
	cr_assert_str_eq(p->comm, "\\e[31mevil");
	cr_assert_str_eq(p->cmdline, "a\\r\\nb\\u202E");
	cr_assert_str_eq(sc.name, "x\\e]0;t\\x07");
}

Test(fake, hostile_fixture_and_hostile_messages)
{
	cr_assert_eq(open_fake(SCENARIOS "hostile.json", 0), 0, "%s", platform_error(plat));
	cr_assert_str_eq(platform_name(plat), "demo: hostile \\e]0;pwned\\x07");
	collect_at(0);
	const struct listener *l = must_find(set, "tcp", "127.0.0.1", 6666);
	cr_assert_str_eq(l->proc->comm, "\\e[31mevil");
	cr_assert_str_eq(l->proc->cmdline, "./evil --title \\e]0;owned\\x07 \\r\\n\\u202Eexe.txt");
	cr_assert_str_eq(l->proc->cwd, "/tmp/\\e[2J");
	cr_assert_str_eq(l->proc->exe, "/tmp/evil\\t");
	/* File names and member names in messages are untrusted too. */
	cr_assert_eq(open_fake("/nonexistent/\x1b[2J.json", 0), -ENOENT);
	cr_assert_str_eq(platform_error(plat),
	                 "/nonexistent/\\e[2J.json: No such file or directory");
	cr_assert_eq(parse("{\"\\u001b[2J\": 1, \"steps\": []}"), -EINVAL);
	cr_assert_str_eq(err, "t.json: \"\\e[2J\" is not a known field");
}
