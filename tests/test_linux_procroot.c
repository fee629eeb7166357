/* test_linux_procroot.c - the Linux backend on a proc root built in a temporary directory, whose
 * files are removed or rewritten between polls the way a real /proc changes under a reader: a
 * holder's fd link or its whole process directory vanishing, a process's stat vanishing, tables
 * missing, a table read twice over one row or cut short. Every poll answers, no socket is lost
 * or doubled, and a socket whose holder can no longer be seen is shown hidden. The processes are
 * real (this test and a child) so that libproc2, which always reads /proc, finds them. */
#include "owners.h"
#include "platform.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char root[64];
static pid_t child;

static const char tcp_head[] = "  sl  local_address rem_address   st tx_queue rx_queue tr "
                               "tm->when retrnsmt   uid  timeout inode\n";
static const char tcp6_head[] = "  sl  local_address                         remote_address      "
                                "                  st tx_queue rx_queue tr tm->when retrnsmt   "
                                "uid  timeout inode ref pointer drops\n";

/* One /proc/net row: 127.0.0.1:port, listening (TCP) or unconnected (UDP), uid 0. */
static void row(char *buf, size_t len, int sl, unsigned port, bool udp, unsigned long inode)
{
	snprintf(buf, len,
	         "%4d: 0100007F:%04X 00000000:0000 %s 00000000:00000000 00:00000000 00000000     0"
	         "        0 %lu 1 0000000000000000 100 0 0 10 0\n",
	         sl, port, udp ? "07" : "0A", inode);
}

static void put(const char *path, const char *text)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	FILE *f = fopen(full, "w");
	cr_assert_not_null(f, "%s: %s", full, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	for (char *p = full + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(full, 0755);
			*p = '/';
		}
	mkdir(full, 0755);
}

static void rm(const char *path)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	cr_assert_eq(unlink(full), 0, "%s: %s", full, strerror(errno));
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void rm_tree(const char *path)
{
	char full[256];
	snprintf(full, sizeof full, "%s/%s", root, path);
	nftw(full, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* A process directory for pid: its real stat, comm and cmdline, no fds yet. */
static void add_process(pid_t pid)
{
	static const char *const files[] = {"stat", "comm", "cmdline"};
	char dir[32], path[64], buf[4096];
	snprintf(dir, sizeof dir, "%d/fd", (int)pid);
	mkdirs(dir);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, files[i]);
		int fd = open(path, O_RDONLY);
		cr_assert_geq(fd, 0);
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		cr_assert_geq(n, 0);
		buf[n] = '\0';
		snprintf(path, sizeof path, "%d/%s", (int)pid, files[i]);
		put(path, buf); /* cmdline: up to its first NUL, enough here */
	}
}

static void add_fd(pid_t pid, int fd, unsigned long inode)
{
	char link[256], target[64];
	snprintf(link, sizeof link, "%s/%d/fd/%d", root, (int)pid, fd);
	snprintf(target, sizeof target, "socket:[%lu]", inode);
	cr_assert_eq(symlink(target, link), 0, "%s: %s", link, strerror(errno));
}

/* net/tcp with the TCP sockets of this test (and extra appended as is). */
static void write_tcp(const char *extra)
{
	char text[2048], r[256];
	snprintf(text, sizeof text, "%s", tcp_head);
	row(r, sizeof r, 0, 8080, false, 900001);
	strcat(text, r);
	row(r, sizeof r, 1, 8081, false, 900002);
	strcat(text, r);
	strcat(text, extra);
	put("net/tcp", text);
}

static void write_udp(void)
{
	char text[1024], r[256];
	snprintf(text, sizeof text, "%s", tcp_head);
	row(r, sizeof r, 0, 5353, true, 900003);
	strcat(text, r);
	put("net/udp", text);
}

static void setup(void)
{
	snprintf(root, sizeof root, "/tmp/devports-procroot-XXXXXX");
	cr_assert_not_null(mkdtemp(root));
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pause();
		_exit(0);
	}
	char loadavg[64];
	snprintf(loadavg, sizeof loadavg, "0.00 0.00 0.00 1/100 %d\n", (int)child);
	put("loadavg", loadavg);
	put("stat", "cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1700000000\n");
	mkdirs("sys/net/ipv6");
	put("sys/net/ipv6/bindv6only", "0\n");
	mkdirs("net");
	write_tcp("");
	put("net/tcp6", tcp6_head);
	write_udp();
	put("net/udp6", tcp6_head);
	add_process(getpid());
	add_process(child);
	add_fd(getpid(), 5, 900001);
	add_fd(child, 7, 900002);
	add_fd(child, 8, 900003);
}

static void teardown(void)
{
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	nftw(root, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(procroot, .init = setup, .fini = teardown);

static struct platform *open_root(void)
{
	struct platform_opts o = {
	    .kind = PLATFORM_NATIVE, .proc_root = root, .force_proc_net = true};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &o), 0, "%s", p ? platform_error(p) : "");
	return p;
}

/* The one row of port (asserts there is exactly one). */
static const struct listener *only_row(const struct snapshot *s, unsigned port, int poll)
{
	const struct listener *found = NULL;
	int n = 0;
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].port == port) {
			found = &s->set.v[i];
			n++;
		}
	cr_assert_eq(n, 1, "poll %d: %d rows for port %u", poll, n, port);
	cr_assert_not_null(found->proc, "poll %d: port %u has no lead", poll, port);
	return found;
}

/* The pid port is shown held by: its one holder (asserts there is one), 0 when hidden. */
static pid_t held_by(const struct snapshot *s, unsigned port, int poll)
{
	const struct listener *l = only_row(s, port, poll);
	if (l->owner_hidden) {
		cr_assert_eq(l->nholders, 0, "poll %d: port %u", poll, port);
		return 0;
	}
	cr_assert_eq(l->nholders, 1, "poll %d: port %u has %u holders", poll, port, l->nholders);
	cr_assert_eq(l->proc, l->holders[0]);
	return l->proc->id.pid;
}

/* Why a socket of uid 0 that no process in the root shows is hidden, once every process of the
 * root was searched (the first poll, or a search after its holder was lost: the root has two
 * processes, so every search reads all of them): as root, not readable even as root; otherwise
 * another user's socket. */
static enum owner_unknown searched_why(void)
{
	return geteuid() == 0 ? OWNER_UNREADABLE : OWNER_NOT_READABLE;
}

static void poll_ok(struct platform *p, struct snapshot *s, int poll)
{
	int rc = platform_collect(p, s);
	cr_assert_eq(rc, 0, "poll %d: %s", poll, strerror(-rc));
}

/* A row just hidden said why: its holder was dropped at a verification and every process was
 * searched in the same poll (searched_why()), or its process was seen gone (its comm vanished)
 * and the search is still to come (not found yet). One poll later the search has been done:
 * searched_why(), and it stays hidden. */
static void expect_why_then_searched(struct platform *p, struct snapshot *s, unsigned port,
                                     enum owner_unknown first)
{
	cr_expect(first == searched_why() || first == OWNER_NOT_FOUND, "port %u: %s", port,
	          owner_unknown_keys[first % OWNER_UNKNOWN_COUNT]);
	for (int poll = 100; poll < 103; poll++) {
		poll_ok(p, s, poll);
		cr_assert_eq(held_by(s, port, poll), 0, "poll %d: port %u hidden", poll, port);
		enum owner_unknown why = only_row(s, port, poll)->owner_why;
		cr_expect_eq(why, searched_why(), "poll %d: port %u searched: %s", poll, port,
		             owner_unknown_keys[why % OWNER_UNKNOWN_COUNT]);
	}
}

/* Polls until port's row is hidden (at most a full verification round and two more polls);
 * at every poll the row is there once, held by pid or hidden. Returns why it is hidden. */
static enum owner_unknown expect_hidden_soon(struct platform *p, struct snapshot *s, unsigned port,
                                             pid_t pid)
{
	int poll = 0;
	const struct listener *l = NULL;
	for (; poll < OWNERS_VERIFY_SOLE_POLLS + 2; poll++) {
		poll_ok(p, s, poll);
		pid_t by = held_by(s, port, poll);
		l = only_row(s, port, poll);
		if (l->owner_hidden)
			break;
		cr_assert_eq(by, pid, "poll %d: port %u held by %d", poll, port, (int)by);
	}
	cr_assert_lt(poll, OWNERS_VERIFY_SOLE_POLLS + 2, "port %u is still shown held by %d", port,
	             (int)pid);
	cr_assert_eq(l->proc->id.pid, 0, "a stand-in owner");
	cr_assert_eq(l->proc->uid, l->uid, "the stand-in has the socket's uid");
	return (enum owner_unknown)l->owner_why;
}

Test(procroot, holders_seen_through_the_root)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	cr_expect_eq(s.set.n, 3);
	cr_expect_eq(held_by(&s, 8080, 0), getpid());
	cr_expect_eq(held_by(&s, 8081, 0), child);
	cr_expect_eq(held_by(&s, 5353, 0), child);
	cr_expect_eq(s.nprocs, 2, "each process once in the table");
	cr_expect_not_null(snapshot_process(&s, child));
	cr_expect_eq(only_row(&s, 8081, 0)->proc, only_row(&s, 5353, 0)->proc,
	             "two rows of one process point at one entry");
	snapshot_free(&s);
	platform_close(&p);
}

Test(procroot, fd_link_vanishes)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	char fd[32];
	snprintf(fd, sizeof fd, "%d/fd/7", (int)child);
	rm(fd); /* the child closed it; the socket lives on elsewhere, unseen */
	enum owner_unknown why = expect_hidden_soon(p, &s, 8081, child);
	expect_why_then_searched(p, &s, 8081, why);
	cr_expect_eq(held_by(&s, 5353, 99), child, "its other socket stays");
	cr_expect_eq(held_by(&s, 8080, 99), getpid());
	snapshot_free(&s);
	platform_close(&p);
}

Test(procroot, process_directory_vanishes)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	char dir[32];
	snprintf(dir, sizeof dir, "%d", (int)child);
	rm_tree(dir);
	enum owner_unknown why = expect_hidden_soon(p, &s, 5353, child);
	expect_why_then_searched(p, &s, 5353, why);
	/* each socket's holder is re-checked in turn */
	why = expect_hidden_soon(p, &s, 8081, child);
	expect_why_then_searched(p, &s, 8081, why);
	cr_expect_eq(held_by(&s, 8080, 99), getpid());
	snapshot_free(&s);
	platform_close(&p);
}

Test(procroot, stat_vanishes_before_a_new_socket_is_searched)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	char path[32], r[256];
	snprintf(path, sizeof path, "%d/stat", (int)getpid());
	rm(path);
	add_fd(getpid(), 9, 900004);
	row(r, sizeof r, 2, 8082, false, 900004);
	write_tcp(r);
	for (int poll = 1; poll < 4; poll++) {
		poll_ok(p, &s, poll);
		pid_t by = held_by(&s, 8082, poll);
		cr_expect(by == 0 || by == getpid(), "poll %d: held by %d", poll, (int)by);
	}
	snapshot_free(&s);
	platform_close(&p);
}

Test(procroot, tables_vanish_and_come_back)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	rm("net/tcp6");
	rm("net/udp6");
	poll_ok(p, &s, 1); /* IPv6 off: not an error */
	cr_expect_eq(s.set.n, 3);
	rm("net/udp");
	cr_expect_eq(platform_collect(p, &s), -ENOENT, "no IPv4 UDP table: an error to show");
	cr_expect_eq(s.set.n, 0, "left empty on error");
	write_udp();
	poll_ok(p, &s, 2);
	cr_expect_eq(s.set.n, 3, "back after the error");
	rm("net/tcp");
	cr_expect_eq(platform_collect(p, &s), -ENOENT);
	cr_expect_eq(s.set.n, 0, "left empty on error");
	write_tcp("");
	poll_ok(p, &s, 3);
	cr_expect_eq(s.set.n, 3);
	cr_expect_eq(held_by(&s, 8080, 3), getpid());
	snapshot_free(&s);
	platform_close(&p);
}

Test(procroot, table_read_twice_over_a_row_or_cut_short)
{
	struct platform *p = open_root();
	struct snapshot s = {0};
	poll_ok(p, &s, 0);
	char extra[512], r[256];
	row(r, sizeof r, 2, 8080, false, 900001); /* a row read twice (the table moved) */
	snprintf(extra, sizeof extra, "%s   3: 0100007F:1F9", r); /* and a row cut short */
	write_tcp(extra);
	for (int poll = 1; poll < 3; poll++) {
		poll_ok(p, &s, poll);
		cr_expect_eq(s.set.n, 3, "poll %d", poll);
		cr_expect_eq(held_by(&s, 8080, poll), getpid());
		/* A row read twice is still one socket. */
		cr_expect_eq(only_row(&s, 8080, poll)->nsockets, 1, "poll %d", poll);
	}
	snapshot_free(&s);
	platform_close(&p);
}
