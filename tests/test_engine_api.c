/* test_engine_api.c - the container engine's API client against a local server on a unix socket
 * that answers like Docker's Engine API (tests/support/fake_engine.py: the documented shapes of
 * GET /containers/json), since no engine runs in CI: names, images and ports; a malformed answer,
 * one of the wrong shape, one too large, an HTTP error, a socket that accepts and stalls, a
 * missing socket, one nobody listens on, one without permission. Then which container a row
 * forwards into, and the cache's two ways of asking: the dashboard's thread, a one-shot wait. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "containers.h"
#include "engine_api.h"
#include "labels.h"
#include "model.h"
#include "platform.h"
#include "proc_helpers.h"

static char dir[64];
static char sock[128];

static void setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/devports-engine-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(sock, sizeof sock, "%s/engine.sock", dir);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static void teardown(void)
{
	ph_stop_all();
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(engine, .init = setup, .fini = teardown, .timeout = 60);

/* Starts the fake engine in mode on sock; public port `port`. */
static void serve(const char *mode, unsigned port)
{
	if (!ph_have_python())
		cr_skip_test("python3 is not installed");
	char p[16];
	snprintf(p, sizeof p, "%u", port);
	const char *argv[] = {"python3", TESTS_DIR "/support/fake_engine.py", sock, mode, p, NULL};
	uint16_t said;
	cr_assert_gt(ph_start(argv, &said), 0, "the fake engine did not start");
}

static const struct engine_container *by_name(const struct engine_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

Test(engine, a_list_of_containers_with_their_published_ports)
{
	serve("ok", 8080);
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	cr_assert_eq(engine_get_containers(sock, 2000, -1, &l, why, sizeof why), 0, "%s", why);
	cr_assert_eq(l.n, 3);
	for (size_t i = 1; i < l.n; i++)
		cr_assert_lt(strcmp(l.v[i - 1].id, l.v[i].id), 0, "sorted by id");
	const struct engine_container *web = by_name(&l, "web");
	cr_assert_not_null(web, "Names[0] without its slash");
	cr_assert_str_eq(web->image, "nginx:1.25");
	cr_assert_eq(web->nports, 2);
	cr_assert_eq(web->ports[0].public_port, 8080);
	cr_assert_eq(web->ports[0].private_port, 80);
	cr_assert_eq(web->ports[0].proto, PROTO_TCP);
	cr_assert_str_eq(web->ports[0].ip, "0.0.0.0");
	cr_assert_str_eq(web->ports[1].ip, "::");
	cr_assert_not_null(by_name(&l, "db"));
	cr_assert_not_null(by_name(&l, ""), "an unnamed container");
	engine_list_free(&l);
	cr_assert_eq(l.n, 0);
}

Test(engine, hostile_names_are_sanitized)
{
	serve("hostile", 8080);
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	cr_assert_eq(engine_get_containers(sock, 2000, -1, &l, why, sizeof why), 0, "%s", why);
	for (size_t i = 0; i < l.n; i++) {
		cr_assert_null(strchr(l.v[i].name, '\x1b'), "%s", l.v[i].name);
		cr_assert_null(strchr(l.v[i].name, '\x07'), "%s", l.v[i].name);
		cr_assert_null(strstr(l.v[i].image, "\u202e"), "%s", l.v[i].image);
	}
	engine_list_free(&l);
}

/* A bad answer is a reason, never a crash, and leaves the list empty. */
static void expect_refused(const char *mode, int rc, const char *says)
{
	serve(mode, 8080);
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	double t0 = ph_now();
	cr_assert_eq(engine_get_containers(sock, 1000, -1, &l, why, sizeof why), rc, "%s: %s", mode,
	             why);
	cr_assert_lt(ph_now() - t0, 3.0, "%s: bounded", mode);
	cr_assert_eq(l.n, 0);
	cr_assert(strstr(why, says), "%s: %s", mode, why);
}

Test(engine, a_malformed_answer)
{
	expect_refused("malformed", -EBADMSG, "invalid JSON");
}

Test(engine, an_answer_of_the_wrong_shape)
{
	expect_refused("wrongtype", -EBADMSG, "Ports is not an array");
}

Test(engine, an_answer_too_large)
{
	expect_refused("huge", -EMSGSIZE, "larger than 4 MiB");
}

Test(engine, an_http_error)
{
	expect_refused("error", -EPROTO, "HTTP 500");
}

Test(engine, a_socket_that_accepts_and_stalls)
{
	serve("stall", 8080);
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	double t0 = ph_now();
	cr_assert_eq(engine_get_containers(sock, 300, -1, &l, why, sizeof why), -ETIMEDOUT, "%s",
	             why);
	double took = ph_now() - t0;
	cr_assert(took >= 0.25 && took < 1.5, "%.2f s", took);
	cr_assert_str_eq(why, "the engine did not answer in 300 ms");

	/* a stop request ends the wait at once */
	int stop[2];
	cr_assert_eq(pipe(stop), 0);
	cr_assert_eq(write(stop[1], "x", 1), 1);
	t0 = ph_now();
	cr_assert_eq(engine_get_containers(sock, 5000, stop[0], &l, why, sizeof why), -ECANCELED);
	cr_assert_lt(ph_now() - t0, 0.5);
	close(stop[0]);
	close(stop[1]);
}

Test(engine, a_missing_socket)
{
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX], path[160];
	snprintf(path, sizeof path, "%s/docker.sock", dir);
	cr_assert_eq(engine_get_containers(path, 500, -1, &l, why, sizeof why), -ENOENT, "%s", why);
	cr_assert(strstr(why, "no Docker socket at"), "%s", why);
}

Test(engine, a_socket_nobody_listens_on)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	close(fd); /* bound, never listening: the file stays, connect() is refused */
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	cr_assert_eq(engine_get_containers(sock, 500, -1, &l, why, sizeof why), -ECONNREFUSED, "%s",
	             why);
	cr_assert(strstr(why, "nothing answers on"), "%s", why);
}

/* engine_get_containers() on path as an unprivileged user (root is let in anywhere): in a
 * child that drops to nobody; its exit code is the errno, and its reason goes through a pipe. */
static int as_nobody(const char *path, char *why, size_t len)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(100);
		struct engine_list l = {0};
		char w[ENGINE_WHY_MAX];
		int rc = engine_get_containers(path, 500, -1, &l, w, sizeof w);
		ssize_t n = write(p[1], w, strlen(w) + 1);
		(void)n;
		_exit(-rc & 0x7f);
	}
	close(p[1]);
	ssize_t n = read(p[0], why, len - 1);
	why[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status));
	cr_assert_neq(WEXITSTATUS(status), 100, "could not become nobody");
	return -WEXITSTATUS(status);
}

Test(engine, a_socket_without_permission)
{
	serve("ok", 8080);
	cr_assert_eq(chmod(dir, 0755), 0); /* others may reach the socket: its own mode decides */
	cr_assert_eq(chmod(sock, 0), 0);
	char why[ENGINE_WHY_MAX], docker[160];
	struct engine_list l = {0};
	int rc = geteuid() == 0 ? as_nobody(sock, why, sizeof why)
	                        : engine_get_containers(sock, 500, -1, &l, why, sizeof why);
	cr_assert_eq(rc, -EACCES, "%s", why);
	cr_assert(strstr(why, "permission denied on"), "%s", why);
	/* a socket called docker.sock: the words say what to do */
	snprintf(docker, sizeof docker, "%s/docker.sock", dir);
	cr_assert_eq(rename(sock, docker), 0);
	rc = geteuid() == 0 ? as_nobody(docker, why, sizeof why)
	                    : engine_get_containers(docker, 500, -1, &l, why, sizeof why);
	cr_assert_eq(rc, -EACCES, "%s", why);
	cr_assert(strstr(why, "add yourself to the docker group or run with sudo"), "%s", why);
}

Test(engine, which_socket)
{
	char path[ENGINE_PATH_MAX], why[ENGINE_WHY_MAX];
	cr_assert_eq(engine_socket_choose("unix:///tmp/x.sock", NULL, path, why, sizeof why), 0);
	cr_assert_str_eq(path, "/tmp/x.sock");
	cr_assert_eq(engine_socket_choose("unix://", NULL, path, why, sizeof why), -ENOENT);
	cr_assert_str_eq(why, "DOCKER_HOST=unix:// names no socket");
	cr_assert_eq(engine_socket_choose("tcp://10.0.0.2:2375", NULL, path, why, sizeof why),
	             -EPROTONOSUPPORT);
	cr_assert(strstr(why, "DOCKER_HOST=tcp://10.0.0.2:2375 is not supported"), "%s", why);
	cr_assert_str_eq(engine_name_of("/run/user/1000/podman/podman.sock"), "podman");
	cr_assert_str_eq(engine_name_of("/var/run/docker.sock"), "docker");
	struct stat st;
	if (stat("/var/run/docker.sock", &st) == 0)
		return; /* Docker runs here: the search ends there */
	/* no Docker: Podman's user socket, under XDG_RUNTIME_DIR */
	char podman[160];
	snprintf(podman, sizeof podman, "%s/podman", dir);
	cr_assert_eq(mkdir(podman, 0700), 0);
	strcat(podman, "/podman.sock");
	FILE *f = fopen(podman, "w");
	cr_assert_not_null(f);
	fclose(f);
	cr_assert_eq(engine_socket_choose(NULL, dir, path, why, sizeof why), 0);
	cr_assert_str_eq(path, podman);
	if (stat("/run/podman/podman.sock", &st) != 0) {
		cr_assert_eq(engine_socket_choose(NULL, "/nonexistent", path, why, sizeof why),
		             -ENOENT);
		cr_assert_str_eq(why, "no Docker socket at /var/run/docker.sock (nor Podman's)");
	}
}

Test(engine, parse_is_strict)
{
	static const struct {
		const char *text;
		int rc;
	} cases[] = {
	    {"[]", 0},
	    {"[{\"Id\": \"a\"}]", 0},
	    {"[{\"Id\": \"a\", \"Names\": null, \"Ports\": null}]", 0},
	    {"{}", -EBADMSG},
	    {"[1]", -EBADMSG},
	    {"[{\"Names\": [\"/x\"]}]", -EBADMSG},
	    {"[{\"Id\": 7}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Names\": \"/x\"}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Names\": [7]}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Image\": 3}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Ports\": [{\"PublicPort\": 70000}]}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Ports\": [{\"PublicPort\": 8.5}]}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Ports\": [{\"PublicPort\": -1}]}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Ports\": [{\"Type\": 6}]}]", -EBADMSG},
	    {"[{\"Id\": \"a\", \"Ports\": [7]}]", -EBADMSG},
	    {"[{\"Id\": \"a\",}]", -EBADMSG},
	    {"", -EBADMSG},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct engine_list l = {0};
		char why[ENGINE_WHY_MAX];
		int rc = engine_parse(cases[i].text, strlen(cases[i].text), &l, why, sizeof why);
		cr_assert_eq(rc, cases[i].rc, "%s: %s", cases[i].text, why);
		cr_assert(rc == 0 || why[0], "%s: a reason", cases[i].text);
		cr_assert(rc == 0 || l.n == 0);
		engine_list_free(&l);
	}
}

/* ---- Rows and their containers ---- */

static const char list_json[] =
    "[{\"Id\": \"bbb\", \"Names\": [\"/web\"], \"Image\": \"nginx:1.25\", \"Ports\": ["
    "{\"IP\": \"0.0.0.0\", \"PrivatePort\": 80, \"PublicPort\": 8080, \"Type\": \"tcp\"},"
    "{\"IP\": \"::\", \"PrivatePort\": 80, \"PublicPort\": 8080, \"Type\": \"tcp\"}]},"
    " {\"Id\": \"aaa\", \"Names\": [\"/dns\"], \"Image\": \"coredns\", \"Ports\": ["
    "{\"IP\": \"127.0.0.1\", \"PrivatePort\": 53, \"PublicPort\": 8080, \"Type\": \"udp\"},"
    "{\"IP\": \"127.0.0.2\", \"PrivatePort\": 8081, \"PublicPort\": 8080, \"Type\": \"tcp\"}]},"
    " {\"Id\": \"ccc\", \"Names\": [\"/sctp\"], \"Ports\": ["
    "{\"PrivatePort\": 9, \"PublicPort\": 9999, \"Type\": \"sctp\"}]}]";

static struct listener row(uint8_t proto, uint8_t family, const char *addr, uint16_t port)
{
	struct listener l = {.proto = proto, .family = family, .port = port};
	cr_assert_eq(inet_pton(family == FAMILY_V4 ? AF_INET : AF_INET6, addr, l.addr), 1);
	return l;
}

Test(engine, a_row_and_its_container)
{
	struct engine_list list = {0};
	char why[ENGINE_WHY_MAX];
	cr_assert_eq(engine_parse(list_json, strlen(list_json), &list, why, sizeof why), 0, "%s",
	             why);
	uint16_t port;
	struct listener l = row(PROTO_TCP, FAMILY_V4, "0.0.0.0", 8080);
	const struct engine_container *c = containers_match(&list, &l, 80, &port);
	cr_assert_not_null(c);
	cr_assert_str_eq(c->name, "web");
	cr_assert_eq(port, 80);
	l = row(PROTO_TCP, FAMILY_V6, "::", 8080);
	cr_assert_str_eq(containers_match(&list, &l, 0, &port)->name, "web");
	l = row(PROTO_TCP, FAMILY_V4, "127.0.0.2", 8080); /* its own address wins */
	cr_assert_str_eq(containers_match(&list, &l, 0, &port)->name, "dns");
	cr_assert_eq(port, 8081);
	l = row(PROTO_UDP, FAMILY_V4, "127.0.0.1", 8080);
	cr_assert_str_eq(containers_match(&list, &l, 0, &port)->name, "dns");
	cr_assert_eq(port, 53);
	l = row(PROTO_TCP, FAMILY_V4, "0.0.0.0", 9999);
	cr_assert_null(containers_match(&list, &l, 0, &port), "sctp is no row's");
	l = row(PROTO_TCP, FAMILY_V4, "0.0.0.0", 8081);
	cr_assert_null(containers_match(&list, &l, 0, &port));
	cr_assert_eq(port, 0);
	engine_list_free(&list);

	cr_assert_str_eq(containers_proxy_engine("docker-proxy"), "docker");
	cr_assert_str_eq(containers_proxy_engine("rootlessport"), "podman");
	cr_assert_str_eq(containers_proxy_engine("conmon"), "podman");
	cr_assert_null(containers_proxy_engine("dockerd"));
	cr_assert_null(containers_proxy_engine(NULL));
}

/* A snapshot with a docker-proxy on 0.0.0.0:port and a node on 127.0.0.1:3000. */
static void proxy_snapshot(struct snapshot *s, uint16_t port)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd,
	         "/usr/bin/docker-proxy -proto tcp -host-ip 0.0.0.0 -host-port %u -container-ip "
	         "172.17.0.2 -container-port 80",
	         (unsigned)port);
	struct proc_info proxy = {.id = {.pid = 2231, .start_ticks = 5},
	                          .ppid = 1,
	                          .comm = "docker-proxy",
	                          .cmdline = cmd,
	                          .user = "root"};
	struct proc_info node = {.id = {.pid = 4000, .start_ticks = 9},
	                         .ppid = 1,
	                         .comm = "node",
	                         .cmdline = "node server.js",
	                         .user = "dev"};
	snapshot_reset(s);
	cr_assert_not_null(snapshot_add_process(s, &proxy));
	cr_assert_not_null(snapshot_add_process(s, &node));
	struct listener a = row(PROTO_TCP, FAMILY_V4, "0.0.0.0", port);
	struct listener b = row(PROTO_TCP, FAMILY_V4, "127.0.0.1", 3000);
	a.inode = 1;
	b.inode = 2;
	pid_t pa = 2231, pb = 4000;
	cr_assert_eq(snapshot_add_socket(s, &a, &pa, 1, OWNER_KNOWN, NULL), 0);
	cr_assert_eq(snapshot_add_socket(s, &b, &pb, 1, OWNER_KNOWN, NULL), 0);
	cr_assert_eq(snapshot_finish(s, 1700000000), 0);
}

static const struct listener *port_row(const struct snapshot *s, uint16_t port)
{
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].port == port)
			return &s->set.v[i];
	cr_assert_fail("no row on %u", port);
	return NULL;
}

Test(engine, the_dashboard_asks_on_a_thread_and_never_waits)
{
	serve("ok", 8080);
	char host[160], why[ENGINE_WHY_MAX];
	snprintf(host, sizeof host, "unix://%s", sock);
	struct containers *c;
	cr_assert_eq(containers_new(&c, 0, host, NULL), 0);
	cr_assert_eq(containers_status(c, why, sizeof why), -EAGAIN);
	struct snapshot s = {0};
	const struct listener *l = NULL;
	double t0 = ph_now();
	for (int i = 0; i < 60; i++) {
		proxy_snapshot(&s, 8080);
		double before = ph_now();
		cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
		cr_assert_lt(ph_now() - before, 0.05, "the tick never waits");
		l = port_row(&s, 8080);
		cr_assert_not_null(l->container);
		cr_assert_null(port_row(&s, 3000)->container, "not a proxy");
		if (l->container->name[0])
			break;
		cr_assert_str_eq(l->container->why, "waiting for the docker engine's answer");
		ph_sleep_ms(50);
	}
	cr_assert_lt(ph_now() - t0, 3.0);
	cr_assert_str_eq(l->container->name, "web");
	cr_assert_str_eq(l->container->image, "nginx:1.25");
	cr_assert_str_eq(l->container->engine, "docker");
	cr_assert_eq(l->container->port, 80);
	cr_assert_str_eq(l->container->why, "");
	cr_assert_eq(strncmp(l->container->id, "4f2a9c1e", 8), 0);
	cr_assert_eq(containers_status(c, why, sizeof why), 0, "%s", why);

	/* a clone (a tombstone, inspect's copy) keeps the container */
	struct listener *copy = listener_clone(l);
	cr_assert_not_null(copy);
	snapshot_free(&s);
	cr_assert_str_eq(copy->container->name, "web");
	cr_assert_str_eq(copy->container->image, "nginx:1.25");
	char line[LISTENER_CONTAINER_STR_MAX];
	listener_container_str(copy->container, copy, line, sizeof line);
	cr_assert_str_eq(line, "web · nginx:1.25 · port 80/tcp · docker");
	free(copy);
	containers_free(&c);
	cr_assert_null(c);
}

Test(engine, a_stalled_engine_never_holds_the_exit)
{
	serve("stall", 8080);
	char host[160];
	snprintf(host, sizeof host, "unix://%s", sock);
	struct containers *c;
	cr_assert_eq(containers_new(&c, 0, host, NULL), 0);
	struct snapshot s = {0};
	proxy_snapshot(&s, 8080);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	ph_sleep_ms(200); /* the request is under way, the engine silent */
	proxy_snapshot(&s, 8080);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert_str_eq(port_row(&s, 8080)->container->name, "");
	double t0 = ph_now();
	containers_free(&c);
	cr_assert_lt(ph_now() - t0, 0.5, "stopped at once");
	snapshot_free(&s);
}

Test(engine, a_one_shot_waits_once_and_briefly)
{
	serve("stall", 8080);
	char host[160], why[ENGINE_WHY_MAX];
	snprintf(host, sizeof host, "unix://%s", sock);
	struct containers *c;
	cr_assert_eq(containers_new(&c, 300, host, NULL), 0);
	struct snapshot s = {0};
	proxy_snapshot(&s, 8080);
	double t0 = ph_now();
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	double took = ph_now() - t0;
	cr_assert(took < 1.0, "%.2f s", took);
	const struct listener *l = port_row(&s, 8080);
	cr_assert_str_eq(l->container->name, "");
	cr_assert_str_eq(l->container->why, "the engine did not answer in 300 ms");
	cr_assert_eq(containers_status(c, why, sizeof why), -ETIMEDOUT);
	/* asked once: the next snapshot does not wait again */
	proxy_snapshot(&s, 8080);
	t0 = ph_now();
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert_lt(ph_now() - t0, 0.05);
	containers_free(&c);
	snapshot_free(&s);
}

Test(engine, reasons_reach_the_rows)
{
	struct snapshot s = {0};
	struct containers *c;
	char why[ENGINE_WHY_MAX];
	/* a tcp:// DOCKER_HOST */
	cr_assert_eq(containers_new(&c, 300, "tcp://10.0.0.2:2375", NULL), 0);
	proxy_snapshot(&s, 8080);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert(strstr(port_row(&s, 8080)->container->why, "is not supported"));
	cr_assert_str_eq(port_row(&s, 8080)->container->engine, "docker");
	cr_assert_eq(containers_status(c, why, sizeof why), -EPROTONOSUPPORT);
	containers_free(&c);
	/* a socket that is not there */
	char host[160];
	snprintf(host, sizeof host, "unix://%s/docker.sock", dir);
	cr_assert_eq(containers_new(&c, 300, host, NULL), 0);
	proxy_snapshot(&s, 8080);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	snprintf(why, sizeof why, "no Docker socket at %s/docker.sock", dir);
	cr_assert_str_eq(port_row(&s, 8080)->container->why, why);
	containers_free(&c);
	/* no proxy: nothing is asked */
	cr_assert_eq(containers_new(&c, 300, host, NULL), 0);
	snapshot_reset(&s);
	cr_assert_eq(snapshot_finish(&s, 1), 0);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert_eq(containers_status(c, why, sizeof why), -EAGAIN);
	containers_free(&c);
	snapshot_free(&s);
}

Test(engine, a_published_port_no_container_has)
{
	serve("ok", 8080);
	char host[160];
	snprintf(host, sizeof host, "unix://%s", sock);
	struct containers *c;
	cr_assert_eq(containers_new(&c, 2000, host, NULL), 0);
	struct snapshot s = {0};
	proxy_snapshot(&s, 9090);
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert_str_eq(port_row(&s, 9090)->container->why,
	                 "docker lists no container publishing tcp port 9090");
	containers_free(&c);
	snapshot_free(&s);
}

/* The container comes after its row: the model labels the row again then (its inputs include the
 * container), without a change of process. */
Test(engine, the_model_labels_a_row_again_when_its_container_arrives)
{
	serve("ok", 8080);
	char host[160];
	snprintf(host, sizeof host, "unix://%s", sock);
	struct containers *c;
	cr_assert_eq(containers_new(&c, 0, host, NULL), 0);
	struct model m;
	model_init(&m);
	struct snapshot snaps[2];
	memset(snaps, 0, sizeof snaps);
	const struct row *r = NULL;
	for (int i = 0, k = 0; i < 80; i++, k ^= 1) { /* the model reads the last two snapshots */
		proxy_snapshot(&snaps[k], 8080);
		if (i > 0) /* the first tick knows no container, whatever the thread's speed */
			cr_assert_eq(containers_fill(c, &snaps[k], ph_now()), 0);
		cr_assert_geq(model_apply(&m, &snaps[k], i * 0.05, 1700000000 + i), 0);
		r = NULL;
		for (size_t j = 0; j < m.nrows; j++)
			if (m.rows[j].l.port == 8080)
				r = &m.rows[j];
		cr_assert_not_null(r);
		if (strcmp(r->label.text, "web") == 0)
			break;
		cr_assert_str_eq(r->label.text, "Docker proxy", "before the answer");
		ph_sleep_ms(50);
	}
	cr_assert_str_eq(r->label.text, "web", "labelled again once the engine answered");
	cr_assert_eq(r->label.source, LABEL_CONTAINER);
	cr_assert_str_eq(r->label.from, "docker: container web, image nginx:1.25");
	model_free(&m);
	snapshot_free(&snaps[0]);
	snapshot_free(&snaps[1]);
	containers_free(&c);
}

Test(engine, the_platform_says_what_the_engine_said)
{
	struct platform *p = NULL;
	struct platform_opts fake = {.kind = PLATFORM_FAKE};
	char why[ENGINE_WHY_MAX];
	cr_assert_eq(platform_open(&p, &fake), 0);
	cr_assert_eq(platform_containers_status(p, why, sizeof why), -ENOSYS);
	cr_assert_str_eq(why, "a demo has no container engine");
	platform_close(&p);
	struct platform_opts native = {.kind = PLATFORM_NATIVE, .containers_wait_ms = 300};
	cr_assert_eq(platform_open(&p, &native), 0);
	cr_assert_eq(platform_containers_status(p, why, sizeof why), -EAGAIN, "not asked yet");
	cr_assert_str_eq(why, "the engine has not answered yet");
	platform_close(&p);
}

/* Whether libcurl is mapped into this process (Linux: /proc/self/maps); -1 when not known. */
static int curl_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return -1;
	char line[512];
	int found = 0;
	while (!found && fgets(line, sizeof line, f))
		found = strstr(line, "libcurl") != NULL;
	fclose(f);
	return found;
}

Test(engine, without_a_proxy_libcurl_is_not_even_loaded)
{
	if (curl_mapped() != 0)
		cr_skip_test("/proc/self/maps cannot tell (or libcurl is already mapped)");
	struct containers *c;
	cr_assert_eq(containers_new(&c, 0, "unix:///nonexistent.sock", NULL), 0);
	struct snapshot s = {0};
	proxy_snapshot(&s, 8080);
	for (size_t i = 0; i < s.set.n; i++) /* the same rows, held by something else */
		((struct proc_info *)s.set.v[i].proc)->comm = "nginx";
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	cr_assert_eq(curl_mapped(), 0, "no proxy, no libcurl");
	proxy_snapshot(&s, 8080); /* a docker-proxy now: the engine is asked, through libcurl */
	cr_assert_eq(containers_fill(c, &s, ph_now()), 0);
	for (int i = 0; i < 50 && !curl_mapped(); i++)
		ph_sleep_ms(20);
	cr_assert_eq(curl_mapped(), 1, "the check sees libcurl once it is loaded");
	containers_free(&c);
	snapshot_free(&s);
}
