/* test_linux_procinfo.c - the process cache's full reads: many processes at once are read whole
 * over threads (/proc/PID/stat read by procdir and the owner of /proc/PID, not libproc2), and
 * must say what a single read through libproc2 says, for processes that are not dumpable too;
 * procdir's reader of stat on a recorded tree. */
#include "procdir.h"
#include "procinfo.h"
#include "usernames.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { CHILDREN = 200 }; /* past the size at which reads go to threads, on two CPUs or more */
enum { NOBODY = 65534 };

/* Children 5 to 9 (as root) run as nobody, effective uid only, and are not dumpable: their
 * /proc/PID files are root's, their directory says nobody, as status does. */
static bool runs_as_nobody(size_t i)
{
	return geteuid() == 0 && i >= 5 && i < 10;
}

static pid_t children[CHILDREN];
static size_t nchildren;

static void stop_children(void)
{
	for (size_t i = 0; i < nchildren; i++) {
		kill(children[i], SIGKILL);
		waitpid(children[i], NULL, 0);
	}
	nchildren = 0;
}

/* Names a child takes: plain ones, and the ones a parser of stat gets wrong (a ')', spaces, a
 * newline, a backslash, an empty name). */
static void child_name(size_t i, char *name, size_t len)
{
	static const char *const odd[] = {"a) (b", "x) S 1 2 3", "two\nlines", "back\\slash", ""};
	if (i < sizeof odd / sizeof odd[0])
		snprintf(name, len, "%s", odd[i]);
	else
		snprintf(name, len, "dp-proc-%zu", i);
}

/* CHILDREN processes that rename themselves and wait, their pids ascending in pids. */
static void start_children(pid_t *pids)
{
	int ready[2];
	cr_assert_eq(pipe(ready), 0);
	for (size_t i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();
		cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
		if (pid == 0) {
			char name[16];
			child_name(i, name, sizeof name);
			prctl(PR_SET_NAME, name);
			if (runs_as_nobody(i) &&
			    (prctl(PR_SET_DUMPABLE, 0) != 0 || setresuid(0, NOBODY, 0) != 0))
				_exit(1);
			if (write(ready[1], "r", 1) != 1)
				_exit(1);
			for (;;)
				pause();
		}
		children[nchildren++] = pid;
	}
	close(ready[1]);
	char c;
	for (size_t i = 0; i < CHILDREN; i++)
		cr_assert_eq(read(ready[0], &c, 1), 1, "child %zu ready", i);
	close(ready[0]);
	memcpy(pids, children, sizeof children);
	cr_assert_eq(procdir_sort_pids(pids, CHILDREN), CHILDREN);
}

Test(linux_procinfo, bulk_read_says_what_a_single_read_says, .fini = stop_children)
{
	static pid_t pids[CHILDREN];
	start_children(pids);
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(procfd, 0);
	struct usernames *names = NULL;
	struct procinfo *pi = NULL;
	cr_assert_eq(usernames_new(&names), 0);
	cr_assert_eq(procinfo_new(&pi, procfd, names, false), 0);
	cr_assert_eq(procinfo_update(pi, pids, CHILDREN), 0);
	cr_expect_eq(procinfo_reads(pi), CHILDREN);
	struct arena strings = {0};
	for (size_t i = 0; i < CHILDREN; i++) {
		const struct procinfo_data *d = procinfo_find(pi, pids[i]);
		cr_assert_not_null(d, "pid %d read", (int)pids[i]);
		struct proc_info bulk, one;
		procinfo_view(d, &bulk);
		cr_assert_eq(procinfo_read(pi, pids[i], &strings, &one), 0);
		cr_expect_eq(bulk.id.pid, pids[i]);
		cr_expect_eq(bulk.id.start_ticks, one.id.start_ticks, "pid %d", (int)pids[i]);
		cr_expect_eq(bulk.start_time, one.start_time);
		cr_expect_eq(bulk.ppid, getpid());
		cr_expect_eq(bulk.uid, one.uid, "pid %d", (int)pids[i]);
		cr_expect_eq(bulk.threads, one.threads);
		cr_expect_eq(bulk.rss_kib, one.rss_kib, "pid %d (an idle child)", (int)pids[i]);
		cr_expect_gt(bulk.rss_kib, 0);
		cr_expect_str_eq(bulk.comm, one.comm, "pid %d", (int)pids[i]);
		cr_expect_str_eq(bulk.user, one.user);
		cr_expect_str_eq(bulk.cmdline, one.cmdline);
		cr_expect_str_eq(bulk.cwd, one.cwd);
		cr_expect_str_eq(bulk.exe, one.exe);
		cr_expect_str_eq(bulk.unit, one.unit);
	}
	/* the names as they were given (the plain ones, and those with a ')' and spaces) */
	for (size_t i = 0; i < CHILDREN; i++) {
		char name[16];
		child_name(i, name, sizeof name);
		if (strpbrk(name, "\n\\") || !*name)
			continue; /* sanitized, or empty: compared with libproc2's above */
		struct proc_info v;
		procinfo_view(procinfo_find(pi, children[i]), &v);
		cr_expect_str_eq(v.comm, name, "child %zu", i);
		cr_expect_eq(v.uid, runs_as_nobody(i) ? NOBODY : geteuid(), "child %zu", i);
	}
	arena_free(&strings);
	procinfo_free(&pi);
	usernames_free(&names);
	close(procfd);
}

static void put(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert_geq(fd, 0, "%s", path);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

Test(linux_procinfo, stat_of_a_recorded_tree)
{
	char dir[] = "/tmp/dp-procinfo-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	int root = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(root, 0);
	cr_assert_eq(mkdirat(root, "42", 0700), 0);
	put(root, "42/stat",
	    "42 (a) (b c) S 7 42 41 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 3 0 98765 123456 789 "
	    "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
	struct procdir_stat st;
	cr_assert_eq(procdir_stat(root, 42, &st), 0);
	cr_expect_eq(st.comm_len, strlen("a) (b c"));
	cr_expect_arr_eq(st.comm, "a) (b c", st.comm_len);
	cr_expect_eq(st.ppid, 7);
	cr_expect_eq(st.sid, 41);
	cr_expect_eq(st.threads, 3);
	cr_expect_eq(st.start_ticks, 98765);
	cr_expect_eq(st.rss_pages, 789);
	cr_expect_eq(procdir_stat(root, 43, &st), -ENOENT);
	unlinkat(root, "42/stat", 0);
	unlinkat(root, "42", AT_REMOVEDIR);
	close(root);
	rmdir(dir);
}
