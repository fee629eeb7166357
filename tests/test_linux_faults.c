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

static pid_t storm_group; /* the fork storm's process group while it runs, else 0 */

/* Whatever path a test took: the storm and every process it forked, then the listeners. */
static void stop_all(void)
{
	if (storm_group > 0) {
		kill(-storm_group, SIGKILL);
		while (waitpid(storm_group, NULL, 0) < 0 && errno == EINTR)
			;
		storm_group = 0;
	}
	spawn_stop_all();
}

TestSuite(linux_faults, .fini = stop_all);

enum { MAX_KEPT = 16, MAX_HOLDERS = 4 };

/* One row as seen, with copies of what it points to (it goes through shared memory). */
struct row_seen {
	struct listener l; /* proc and holders not to be followed */
	pid_t lead;
	pid_t holders[MAX_HOLDERS];
	char comm[PROC_COMM_MAX], cmdline[PROC_CMDLINE_MAX];
};

/* What a child process saw, in memory shared with the test. */
struct seen {
	int setup;      /* 0, or why the child could not set up (-errno of seccomp) */
	int open_rc;    /* platform_open */
	int collect_rc; /* the collect under test */
	int first_rc;   /* a collect before the fault, when there is one */
	char name[32], first_name[32], error[256];
	size_t n;
	struct row_seen v[MAX_KEPT]; /* the rows on the test's ports, in key order */
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

static void keep_row(const struct listener *l, struct row_seen *r)
{
	memset(r, 0, sizeof *r);
	r->l = *l;
	r->l.proc = NULL;
	r->l.holders = NULL;
	r->lead = l->proc ? l->proc->id.pid : -1;
	for (size_t k = 0; k < l->nholders && k < MAX_HOLDERS; k++)
		r->holders[k] = l->holders[k]->id.pid;
	snprintf(r->comm, sizeof r->comm, "%s", l->proc ? l->proc->comm : "(no lead)");
	snprintf(r->cmdline, sizeof r->cmdline, "%s", l->proc ? l->proc->cmdline : "");
}

/* The rows of s on ports[0..np) into out->v, in key order (the snapshot's). */
static void keep_ports(const struct snapshot *s, const uint16_t *ports, int np, struct seen *out)
{
	out->n = 0;
	for (size_t i = 0; i < s->set.n && out->n < MAX_KEPT; i++)
		for (int k = 0; k < np; k++)
			if (s->set.v[i].port == ports[k]) {
				keep_row(&s->set.v[i], &out->v[out->n++]);
				break;
			}
}

static void collect_ports(struct platform *p, const uint16_t *ports, int np, struct seen *out)
{
	struct snapshot s = {0};
	out->collect_rc = platform_collect(p, &s);
	keep_ports(&s, ports, np, out);
	snapshot_free(&s);
}

/* ---- netlink refused: the /proc/net fallback gives the same listeners ---- */

static const struct spawn_opts mixed[] = {
    {.addr = "127.0.0.1", .v6only = -1},          {.addr = "::1", .v6only = -1},
    {.addr = "::", .v6only = 0, .prefork = true}, {.udp = true, .addr = "0.0.0.0", .v6only = -1},
    {.udp = true, .addr = "::", .v6only = 0},
};
enum { NMIXED = sizeof mixed / sizeof mixed[0], PREFORK = 2 /* mixed[PREFORK] */ };

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
	cr_assert_eq(out->n, NMIXED, "every listener once, the pre-fork one too: %zu", out->n);
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].l.port == ports->v[PREFORK])
			cr_assert_eq(out->v[i].l.nholders, 2,
			             "the pre-fork row: parent and worker");
}

static void expect_same(const struct seen *want, const struct seen *got)
{
	cr_assert_eq(got->n, want->n, "%zu listeners through /proc, %zu through netlink", got->n,
	             want->n);
	for (size_t i = 0; i < want->n; i++) {
		const struct listener *a = &want->v[i].l, *b = &got->v[i].l;
		cr_expect_eq(listener_key_cmp(a, b), 0, "row %zu: port %u vs %u", i, a->port,
		             b->port);
		cr_expect_eq(a->inode, b->inode);
		cr_expect_eq(a->uid, b->uid);
		cr_expect_eq(a->v6only, b->v6only, "port %u", a->port);
		cr_expect_eq(a->owner_hidden, b->owner_hidden);
		cr_expect_eq(a->owner_why, b->owner_why);
		cr_expect_eq(a->nsockets, b->nsockets, "port %u", a->port);
		cr_expect_eq(a->nholders, b->nholders, "port %u", a->port);
		cr_expect_eq(want->v[i].lead, got->v[i].lead, "port %u: the lead", a->port);
		cr_expect_arr_eq(want->v[i].holders, got->v[i].holders, sizeof want->v[i].holders,
		                 "port %u: the holders", a->port);
		cr_expect_str_eq(want->v[i].comm, got->v[i].comm);
		cr_expect_str_eq(want->v[i].cmdline, got->v[i].cmdline);
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
 * forks a grandchild, and exits within a few milliseconds. It leads a process group of its own
 * (storm_group, killed whole by the suite's fini). Returns its pid. */
static pid_t fork_storm(void)
{
	pid_t storm = fork();
	cr_assert_geq(storm, 0);
	if (storm != 0) {
		setpgid(storm, storm); /* both sides: no race with the first fork of the storm */
		storm_group = storm;
		return storm;
	}
	setpgid(0, 0);
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

/* Every row is consistent (a lead; holders only when known, the lead first; a hidden row says
 * why), and every holder that is one of the storm's processes (children of storm) is whole: it
 * has its process's name and user (other processes on the machine may have an empty name).
 * Returns how many holders of the storm there are. */
static size_t expect_whole_rows(const struct snapshot *s, pid_t storm)
{
	size_t n = 0;
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		cr_assert_not_null(l->proc, "port %u has no lead", l->port);
		if (l->owner_hidden) {
			cr_expect_eq(l->nholders, 0, "port %u hidden with holders", l->port);
			cr_expect(l->owner_why > OWNER_KNOWN && l->owner_why < OWNER_UNKNOWN_COUNT,
			          "port %u hidden, why %u", l->port, l->owner_why);
			continue;
		}
		cr_expect_eq(l->owner_why, OWNER_KNOWN, "port %u", l->port);
		cr_assert_gt(l->nholders, 0, "port %u: known owner, no holder", l->port);
		cr_expect_eq(l->proc, l->holders[0], "port %u: the lead is holders[0]", l->port);
		for (size_t k = 0; k < l->nholders; k++) {
			const struct proc_info *h = l->holders[k];
			if (h->ppid != storm)
				continue;
			n++;
			cr_expect_neq(h->comm[0], '\0', "port %u pid %d has no name", l->port,
			              (int)h->id.pid);
			cr_expect_neq(h->user[0], '\0', "port %u pid %d has no user", l->port,
			              (int)h->id.pid);
		}
	}
	return n;
}

/* The holders of sp's row that are sp's listener or its worker (0 when there is no such row),
 * after checking that the row is one and, when both hold it, led by the listener. */
static size_t count_holders(const struct snapshot *s, const struct spawn *sp)
{
	size_t n = 0, rows = 0;
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		if (l->port != sp->port || l->proto != PROTO_TCP)
			continue;
		rows++;
		n = listener_held_by(l, sp->pid) + listener_held_by(l, sp->workers[0]);
		if (n == 2)
			cr_expect_eq(l->proc->id.pid, sp->pid, "port %u: led by the parent",
			             l->port);
	}
	cr_expect_eq(rows, 1, "port %u: %zu rows", sp->port, rows);
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
	struct snapshot s = {0};
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
	siginfo_t info;
	cr_assert_eq(waitid(P_PID, (id_t)storm, &info, WEXITED | WNOWAIT), 0);
	/* a grandchild still about; the group lives on while storm is a zombie */
	kill(-storm, SIGKILL);
	int status;
	cr_assert_eq(waitpid(storm, &status, 0), storm);
	storm_group = 0;
	snapshot_free(&s);
	platform_close(&kept);
	spawn_stop(&sp);
}
