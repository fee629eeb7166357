/* test_linux_cgroup_unit.c - the systemd service in the text of /proc/PID/cgroup: cgroup v1 and
 * v2, system and user units, what is never a unit (scopes, slices, the user manager itself),
 * garbage, lines cut by the buffer, hostile bytes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_unit.h"

struct unit_case {
	const char *cgroup;
	int rc;
	const char *unit;
	bool user;
};

static void check(const struct unit_case *c, bool cut)
{
	char unit[64];
	bool user = true;
	cr_assert_eq(cgroup_unit_parse(c->cgroup, strlen(c->cgroup), cut, unit, sizeof unit, &user),
	             c->rc, "%s", c->cgroup);
	cr_assert_str_eq(unit, c->unit, "%s", c->cgroup);
	cr_assert_eq(user, c->user, "%s", c->cgroup);
}

Test(cgroup_unit, v2_v1_user_units_and_what_is_not_a_unit)
{
	static const struct unit_case cases[] = {
	    {"0::/system.slice/nginx.service\n", 0, "nginx.service", false},
	    {"0::/system.slice/system-postgresql.slice/postgresql@15-main.service\n", 0,
	     "postgresql@15-main.service", false},
	    {"0::/user.slice/user-1000.slice/user@1000.service/app.slice/web.service\n", 0,
	     "web.service", true},
	    {"0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-x.scope\n",
	     -ENOENT, "", false},
	    {"0::/user.slice/user-1000.slice/user@1000.service/init.scope\n", -ENOENT, "", false},
	    {"0::/user.slice/user-1000.slice/user@1000.service\n", -ENOENT, "", false},
	    {"0::/user.slice/user-1000.slice/session-3.scope\n", -ENOENT, "", false},
	    {"0::/user.slice/user-1000.slice/user@1000.service/tmux-spawn-1a2b.scope\n", -ENOENT,
	     "", false},
	    {"0::/system.slice/docker-4f2a.scope\n", -ENOENT, "", false},
	    {"0::/system.slice\n", -ENOENT, "", false},
	    {"0::/user.slice/user-1000.slice\n", -ENOENT, "", false},
	    {"0::/init.scope\n", -ENOENT, "", false},
	    {"0::/\n", -ENOENT, "", false},
	    /* a service's own sub-cgroup (a delegated subtree) still runs in the service */
	    {"0::/system.slice/docker.service/payload\n", 0, "docker.service", false},
	    {"0::/system.slice/user-runtime-dir@1000.service\n", 0, "user-runtime-dir@1000.service",
	     false},
	    /* cgroup v1: the systemd hierarchy, whatever its line number; others ignored */
	    {"12:cpu,cpuacct:/system.slice/other.service\n1:name=systemd:/system.slice/"
	     "redis-server.service\n",
	     0, "redis-server.service", false},
	    {"12:cpu:/\n1:name=systemd:/system.slice/redis-server.service\n0::/\n", 0,
	     "redis-server.service", false},
	    {"5:memory:/system.slice/x.service\n", -ENOENT, "", false},
	    /* no newline at the end of a file that fits */
	    {"0::/system.slice/sshd.service", 0, "sshd.service", false},
	    /* garbage */
	    {"", -ENOENT, "", false},
	    {"\n\n\n", -ENOENT, "", false},
	    {"0::", -ENOENT, "", false},
	    {"0::.service\n", -ENOENT, "", false},
	    {"0::/.service\n", -ENOENT, "", false},
	    {"not a cgroup file\n0:/system.slice/a.service\n", -ENOENT, "", false},
	    {"0::////system.slice//b.service//\n", 0, "b.service", false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check(&cases[i], false);
}

Test(cgroup_unit, a_line_cut_by_the_buffer_is_not_read)
{
	/* "x.service-helper.service" cut after "x.service" must not name x.service */
	static const struct unit_case cut = {"12:cpu:/\n0::/system.slice/x.service", -ENOENT, "",
	                                     false};
	check(&cut, true);
	static const struct unit_case whole = {"0::/system.slice/y.service\n0::/system.slice/x.ser",
	                                       0, "y.service", false};
	check(&whole, true);
}

Test(cgroup_unit, hostile_bytes_are_sanitized_and_long_names_cut)
{
	static const char esc[] = "0::/system.slice/evil\x1b]0;owned\x07.service\n";
	char unit[64];
	bool user;
	cr_assert_eq(cgroup_unit_parse(esc, strlen(esc), false, unit, sizeof unit, &user), 0);
	cr_assert_null(strchr(unit, '\x1b'), "%s", unit);
	cr_assert_null(strchr(unit, '\x07'), "%s", unit);
	cr_assert(strstr(unit, ".service"), "%s", unit);

	/* a very long line: a unit far longer than the room for it is cut, never overflows */
	size_t n = 100000;
	char *big = malloc(n + 64);
	cr_assert_not_null(big);
	strcpy(big, "0::/system.slice/");
	size_t at = strlen(big);
	memset(big + at, 'a', n);
	strcpy(big + at + n, ".service\n");
	char small[16];
	cr_assert_eq(cgroup_unit_parse(big, strlen(big), false, small, sizeof small, &user), 0);
	cr_assert_lt(strlen(small), sizeof small);
	cr_assert_eq(small[0], 'a');
	/* and a long line of slashes and nothing else */
	memset(big, '/', n);
	memcpy(big, "0::", 3);
	big[n] = '\0';
	cr_assert_eq(cgroup_unit_parse(big, n, false, small, sizeof small, &user), -ENOENT);
	free(big);
	/* no room at all: the answer still comes, nothing is written */
	static const char ok[] = "0::/system.slice/a.service\n";
	cr_assert_eq(cgroup_unit_parse(ok, strlen(ok), false, unit, 0, &user), 0);
}

/* ---- The Linux backend on a proc root whose process runs in a service ---- */

#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cJSON.h"
#include "json_out.h"
#include "labels.h"
#include "platform.h"

static char root[64];
static pid_t child;

static void put(const char *path, const char *text)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	FILE *f = fopen(full, "w");
	cr_assert_not_null(f, "%s", full);
	fputs(text, f);
	fclose(f);
}

static void dir(const char *path)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	cr_assert(mkdir(full, 0755) == 0 || errno == EEXIST, "%s", full);
}

/* pid's real stat, comm and cmdline (libproc2 reads the real /proc for its numbers anyway), the
 * cgroup given, and fd 5 the socket inode. */
static void add_process(pid_t pid, const char *cgroup, unsigned long inode)
{
	static const char *const files[] = {"stat", "comm", "cmdline"};
	char path[128], buf[4096];
	snprintf(path, sizeof path, "%d", (int)pid);
	dir(path);
	snprintf(path, sizeof path, "%d/fd", (int)pid);
	dir(path);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, files[i]);
		int fd = open(path, O_RDONLY);
		cr_assert_geq(fd, 0);
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		cr_assert_geq(n, 0);
		buf[n] = '\0';
		snprintf(path, sizeof path, "%d/%s", (int)pid, files[i]);
		put(path, buf);
	}
	snprintf(path, sizeof path, "%d/cgroup", (int)pid);
	put(path, cgroup);
	char link[256], target[64];
	snprintf(link, sizeof link, "%s/%d/fd/5", root, (int)pid);
	snprintf(target, sizeof target, "socket:[%lu]", inode);
	cr_assert_eq(symlink(target, link), 0);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void root_setup(void)
{
	snprintf(root, sizeof root, "/tmp/devports-unit-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	static const char head[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
	                           "tm->when retrnsmt   uid  timeout inode\n";
	char text[1024], loadavg[64];
	snprintf(loadavg, sizeof loadavg, "0.00 0.00 0.00 1/100 %d\n", (int)child);
	put("loadavg", loadavg);
	put("stat", "cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1700000000\n");
	dir("sys");
	dir("sys/net");
	dir("sys/net/ipv6");
	put("sys/net/ipv6/bindv6only", "0\n");
	dir("net");
	/* 127.0.0.1:47913, a port no table knows, listening, uid 1000, inode 910001 */
	snprintf(text, sizeof text,
	         "%s   0: 0100007F:BB29 00000000:0000 0A 00000000:00000000 00:00000000 00000000  "
	         "1000        0 910001 1 0000000000000000 100 0 0 10 0\n",
	         head);
	put("net/tcp", text);
	put("net/tcp6", head);
	put("net/udp", head);
	put("net/udp6", head);
	add_process(child, "12:cpu:/\n0::/system.slice/mything.service\n", 910001);
}

static void root_teardown(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(unit_in_procroot, .init = root_setup, .fini = root_teardown);

Test(unit_in_procroot, the_backend_reads_the_unit_and_labels_fall_back_to_it)
{
	struct platform_opts o = {
	    .kind = PLATFORM_NATIVE, .proc_root = root, .force_proc_net = true};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &o), 0, "%s", p ? platform_error(p) : "");
	struct snapshot s = {0};
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_assert_eq(s.set.n, 1);
	const struct listener *l = &s.set.v[0];
	cr_assert_eq(l->port, 47913);
	cr_assert_not(l->owner_hidden);
	cr_assert_eq(l->proc->id.pid, child);
	cr_assert_str_eq(l->proc->unit, "mything.service");

	/* nothing better is known of this process: the unit is its label */
	struct label lab = labels_for(l, NULL);
	cr_assert_str_eq(lab.text, "mything.service");
	cr_assert_eq(lab.source, LABEL_SERVICE);
	cr_assert_str_eq(lab.from, "service unit: mything.service");

	/* JSON: the process's unit and the label's source */
	char *json = json_out_snapshot(&s, platform_name(p), NULL);
	cr_assert_not_null(json);
	cJSON *doc = cJSON_Parse(json);
	cr_assert_not_null(doc);
	cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "listeners"), 0);
	cJSON *label = cJSON_GetObjectItem(row, "label");
	cr_assert_str_eq(cJSON_GetObjectItem(label, "source")->valuestring, "service");
	cr_assert_str_eq(cJSON_GetObjectItem(label, "text")->valuestring, "mything.service");
	cJSON *proc = cJSON_GetArrayItem(cJSON_GetObjectItem(row, "processes"), 0);
	cr_assert_str_eq(cJSON_GetObjectItem(proc, "unit")->valuestring, "mything.service");
	cJSON_Delete(doc);
	free(json);

	/* inspect's fresh read and the kill engine's question read the same file */
	struct proc_info fresh;
	struct arena strings = {0};
	cr_assert_eq(platform_process(p, child, &strings, &fresh), 0);
	cr_assert_str_eq(fresh.unit, "mything.service");
	arena_free(&strings);
	char unit[64];
	bool user = true;
	cr_assert_eq(platform_service_unit(p, child, unit, sizeof unit, &user), 0);
	cr_assert_str_eq(unit, "mything.service");
	cr_assert_not(user);

	/* a user unit, once the cgroup says so (read again at the next full read: inspect's) */
	char path[64];
	snprintf(path, sizeof path, "%d/cgroup", (int)child);
	put(path, "0::/user.slice/user-1000.slice/user@1000.service/app.slice/web.service\n");
	cr_assert_eq(platform_service_unit(p, child, unit, sizeof unit, &user), 0);
	cr_assert_str_eq(unit, "web.service");
	cr_assert(user);
	put(path, "0::/user.slice/user-1000.slice/session-2.scope\n");
	cr_assert_eq(platform_service_unit(p, child, unit, sizeof unit, &user), -ENOENT);
	cr_assert_str_eq(unit, "");
	cr_assert_eq(platform_service_unit(p, 4194304, unit, sizeof unit, &user), -ESRCH);

	snapshot_free(&s);
	platform_close(&p);
}
