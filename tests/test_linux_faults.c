/* test_linux_faults.c - the Linux backend when things go wrong under it: netlink refused (at open
 * and in the middle of a run, simulated with a seccomp filter in a child process) gives the same
 * listeners through /proc/net; processes exiting while they are read (a fork storm during polls).
 * See test_linux_holders.c for owners that cannot be read or have exited, test_linux_procroot.c
 * for files vanishing from a recorded proc root. */
#include "platform.h"
#include "spawn.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TestSuite(linux_faults, .fini = spawn_stop_all);

enum { MAX_KEPT = 16 };

/* What a child process saw, in memory shared with the test. */
struct seen {
	int setup;      /* 0, or why the child could not set up (-errno of seccomp) */
	int open_rc;    /* platform_open */
	int collect_rc; /* the collect under test */
	int first_rc;   /* a collect before the fault, when there is one */
	char name[32], first_name[32], error[256];
	size_t n;
	struct listener v[MAX_KEPT]; /* the listeners on the test's ports, in key order */
};

static struct seen *shared_seen(void)
{
	void *p = mmap(NULL, sizeof(struct seen), PROT_READ | PROT_WRITE,
	               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	cr_assert_neq(p, MAP_FAILED);
	memset(p, 0, sizeof(struct seen));
	return p;
}

/* Runs fn(arg, out) in a child process (a seccomp filter stays there) and waits for it. */
static void in_child(void (*fn)(void *arg, struct seen *out), void *arg, struct seen *out)
{
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		fn(arg, out);
		_exit(0);
	}
	int status;
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
}

/* From now on in this process, syscall nr with first argument arg0 fails with err. */
static int deny_syscall(long nr, unsigned arg0, int err)
{
	const unsigned arg0_low = offsetof(struct seccomp_data, args[0]) +
	                          (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0);
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 3),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg0_low),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arg0, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0)
		return -errno;
	return 0;
}

static int cmp_listener(const void *a, const void *b)
{
	return listener_key_cmp(a, b);
}

/* The listeners of s on ports[0..np) into out->v, in key order. */
static void keep_ports(const struct listener_set *s, const uint16_t *ports, int np,
                       struct seen *out)
{
	out->n = 0;
	for (size_t i = 0; i < s->n && out->n < MAX_KEPT; i++)
		for (int k = 0; k < np; k++)
			if (s->v[i].port == ports[k]) {
				out->v[out->n++] = s->v[i];
				break;
			}
	qsort(out->v, out->n, sizeof out->v[0], cmp_listener);
}

static void collect_ports(struct platform *p, const uint16_t *ports, int np, struct seen *out)
{
	struct listener_set s = {0};
	out->collect_rc = platform_collect(p, &s);
	keep_ports(&s, ports, np, out);
	listener_set_free(&s);
}

/* ---- netlink refused: the /proc/net fallback gives the same listeners ---- */

static const struct spawn_opts mixed[] = {
    {.addr = "127.0.0.1", .v6only = -1},          {.addr = "::1", .v6only = -1},
    {.addr = "::", .v6only = 0, .prefork = true}, {.udp = true, .addr = "0.0.0.0", .v6only = -1},
    {.udp = true, .addr = "::", .v6only = 0},
};
enum { NMIXED = sizeof mixed / sizeof mixed[0] };

struct ports {
	uint16_t v[NMIXED];
};

static void start_mixed(struct spawn *sp, struct ports *ports)
{
	for (int i = 0; i < NMIXED; i++) {
		int rc = spawn_listener(&sp[i], &mixed[i]);
		cr_assert_eq(rc, 0, "spawn %s: %s", mixed[i].addr, strerror(-rc));
		ports->v[i] = sp[i].port;
	}
}

/* What netlink shows for the ports, in this (unfiltered) process. */
static void netlink_view(const struct ports *ports, struct seen *out)
{
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &o), 0);
	cr_assert_str_eq(platform_name(p), "linux netlink");
	collect_ports(p, ports->v, NMIXED, out);
	cr_assert_eq(out->collect_rc, 0);
	platform_close(&p);
	cr_assert_eq(out->n, NMIXED + 1, "every listener, the pre-fork one twice: %zu", out->n);
}

static void expect_same(const struct seen *want, const struct seen *got)
{
	cr_assert_eq(got->n, want->n, "%zu listeners through /proc, %zu through netlink", got->n,
	             want->n);
	for (size_t i = 0; i < want->n; i++) {
		const struct listener *a = &want->v[i], *b = &got->v[i];
		cr_expect_eq(listener_key_cmp(a, b), 0, "row %zu: port %u vs %u", i, a->port,
		             b->port);
		cr_expect_eq(a->inode, b->inode);
		cr_expect_eq(a->uid, b->uid);
		cr_expect_eq(a->v6only, b->v6only, "port %u", a->port);
		cr_expect_eq(a->owner_hidden, b->owner_hidden);
		cr_expect_str_eq(a->proc.comm, b->proc.comm);
		cr_expect_str_eq(a->proc.cmdline, b->proc.cmdline);
	}
}

static void open_without_netlink(void *arg, struct seen *out)
{
	const struct ports *ports = arg;
	out->setup = deny_syscall(SYS_socket, AF_NETLINK, EAFNOSUPPORT);
	if (out->setup < 0)
		return;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	out->open_rc = platform_open(&p, &o);
	if (p) {
		snprintf(out->name, sizeof out->name, "%s", platform_name(p));
		snprintf(out->error, sizeof out->error, "%s", platform_error(p));
	}
	if (out->open_rc == 0)
		collect_ports(p, ports->v, NMIXED, out);
	platform_close(&p);
}

Test(linux_faults, netlink_refused_at_open_reads_proc_net)
{
	struct spawn sp[NMIXED];
	struct ports ports;
	start_mixed(sp, &ports);
	struct seen want = {0}, *got = shared_seen();
	netlink_view(&ports, &want);
	in_child(open_without_netlink, &ports, got);
	if (got->setup < 0)
		cr_skip_test("no seccomp filter here: %s", strerror(-got->setup));
	cr_assert_eq(got->open_rc, 0, "%s", got->error);
	cr_expect_str_eq(got->name, "linux /proc");
	cr_expect(strstr(got->error, "netlink") != NULL, "says why: '%s'", got->error);
	cr_assert_eq(got->collect_rc, 0);
	expect_same(&want, got);
	munmap(got, sizeof *got);
}

/* The fd of this process's sock_diag socket, or -1. */
static int sock_diag_fd(void)
{
	for (int fd = 3; fd < 1024; fd++) {
		int domain = 0, proto = 0;
		socklen_t len = sizeof domain;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 ||
		    domain != AF_NETLINK)
			continue;
		len = sizeof proto;
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
		    proto == NETLINK_SOCK_DIAG)
			return fd;
	}
	return -1;
}

static void netlink_fails_later(void *arg, struct seen *out)
{
	const struct ports *ports = arg;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	out->open_rc = platform_open(&p, &o);
	if (out->open_rc < 0) {
		platform_close(&p);
		return;
	}
	collect_ports(p, ports->v, NMIXED, out);
	out->first_rc = out->collect_rc;
	snprintf(out->first_name, sizeof out->first_name, "%s", platform_name(p));
	int fd = sock_diag_fd();
	out->setup = fd < 0 ? -EBADF : deny_syscall(SYS_sendto, (unsigned)fd, EPERM);
	if (out->setup == 0)
		collect_ports(p, ports->v, NMIXED, out);
	snprintf(out->name, sizeof out->name, "%s", platform_name(p));
	snprintf(out->error, sizeof out->error, "%s", platform_error(p));
	platform_close(&p);
}

Test(linux_faults, netlink_failing_mid_run_reads_proc_net)
{
	struct spawn sp[NMIXED];
	struct ports ports;
	start_mixed(sp, &ports);
	struct seen want = {0}, *got = shared_seen();
	netlink_view(&ports, &want);
	in_child(netlink_fails_later, &ports, got);
	cr_assert_eq(got->open_rc, 0);
	cr_assert_eq(got->first_rc, 0);
	cr_expect_str_eq(got->first_name, "linux netlink");
	if (got->setup == -EBADF)
		cr_assert_fail("no sock_diag socket found in the backend's process");
	if (got->setup < 0)
		cr_skip_test("no seccomp filter here: %s", strerror(-got->setup));
	cr_assert_eq(got->collect_rc, 0, "the poll where netlink fails still answers");
	cr_expect_str_eq(got->name, "linux /proc");
	cr_expect(strstr(got->error, "netlink") != NULL, "says why: '%s'", got->error);
	expect_same(&want, got);
	munmap(got, sizeof *got);
}

/* ---- processes exiting while they are read ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static volatile sig_atomic_t storm_over;
static void end_storm(int sig)
{
	(void)sig;
	storm_over = 1;
}

/* A process that forks short-lived children until SIGTERM: each maybe opens a listener, maybe
 * forks a grandchild, and exits within a few milliseconds. Returns its pid. */
static pid_t fork_storm(void)
{
	pid_t storm = fork();
	cr_assert_geq(storm, 0);
	if (storm != 0)
		return storm;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, end_storm);
	for (unsigned i = 0; !storm_over; i++) {
		pid_t c = fork();
		if (c == 0) {
			int fd = -1;
			if (i % 3 == 0) {
				struct sockaddr_in a = {.sin_family = AF_INET,
				                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
				fd = socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0);
				if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
				    i % 2 == 0)
					listen(fd, 1);
			}
			if (i % 4 == 0 && fork() == 0)
				_exit(0); /* a grandchild holding the socket for a moment */
			struct timespec t = {0, (long)(i % 5) * 1000000L};
			nanosleep(&t, NULL);
			_exit(0);
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (i % 16 == 15) { /* about 2,000 processes a second at most */
			struct timespec t = {0, 5000000L};
			nanosleep(&t, NULL);
		}
	}
	while (wait(NULL) > 0)
		;
	_exit(0);
}

/* Every row of the storm's processes (children of storm) is whole: it has its process's name
 * and user (other processes on the machine may have an empty name). Returns how many there are. */
static size_t expect_whole_rows(const struct listener_set *s, pid_t storm)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++) {
		const struct listener *l = &s->v[i];
		if (l->owner_hidden || l->proc.ppid != storm)
			continue;
		n++;
		cr_expect_neq(l->proc.comm[0], '\0', "port %u pid %d has no name", l->port,
		              (int)l->proc.id.pid);
		cr_expect_neq(l->proc.user[0], '\0', "port %u pid %d has no user", l->port,
		              (int)l->proc.id.pid);
	}
	return n;
}

static size_t count_holders(const struct listener_set *s, const struct spawn *sp)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->v[i].port == sp->port && s->v[i].proto == PROTO_TCP &&
		     (s->v[i].proc.id.pid == sp->pid || s->v[i].proc.id.pid == sp->workers[0]);
	return n;
}

Test(linux_faults, fork_storm_during_polls, .timeout = 60)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .prefork = true};
	struct spawn sp;
	cr_assert_eq(spawn_listener(&sp, &o), 0);
	struct platform_opts keep_o = {.kind = PLATFORM_NATIVE};
	struct platform *kept = NULL;
	cr_assert_eq(platform_open(&kept, &keep_o), 0);
	struct listener_set s = {0};
	cr_assert_eq(platform_collect(kept, &s), 0);

	/* for 2 s, and at least 4 fresh collects and 20 polls however slow the machine is */
	pid_t storm = fork_storm();
	int fresh = 0, polls = 0;
	size_t storm_rows = 0;
	double end = now_s() + 2.0;
	while (now_s() < end || fresh < 4 || polls < 20) {
		/* a fresh backend reads every process (a first poll), as devports --json does */
		struct platform_opts fo = {.kind = PLATFORM_NATIVE, .force_proc_net = fresh % 2};
		struct platform *p = NULL;
		cr_assert_eq(platform_open(&p, &fo), 0);
		int rc = platform_collect(p, &s);
		cr_assert_eq(rc, 0, "fresh collect %d: %s", fresh, strerror(-rc));
		storm_rows += expect_whole_rows(&s, storm);
		cr_expect_eq(count_holders(&s, &sp), 2,
		             "fresh collect %d: the listener and its worker", fresh);
		platform_close(&p);
		fresh++;
		/* and the long-running one, as the dashboard polls */
		for (int k = 0; k < 5; k++, polls++) {
			rc = platform_collect(kept, &s);
			cr_assert_eq(rc, 0, "poll %d: %s", polls, strerror(-rc));
			storm_rows += expect_whole_rows(&s, storm);
			cr_expect_eq(count_holders(&s, &sp), 2, "poll %d", polls);
		}
	}
	kill(storm, SIGTERM);
	cr_log_info("%d fresh collects, %d polls, %zu rows of the storm's processes", fresh, polls,
	            storm_rows);
	int status;
	cr_assert_eq(waitpid(storm, &status, 0), storm);
	listener_set_free(&s);
	platform_close(&kept);
	spawn_stop(&sp);
}
