/* test_linux_holders.c - the Linux backend when a listener's owner cannot be read or has gone:
 * fd directories that are EACCES (another user's process, or a non-dumpable one of the same
 * user) keep their rows, hidden, with port and user; a socket handed to another process
 * (SCM_RIGHTS) before its holder exits stays listed at every poll, hidden until its new holder is
 * found, never dropped; a process that names itself "" keeps its row; a real pre-fork server
 * (a parent and two workers sharing one socket) is one row of three holders led by the parent. */
#include "owners.h"
#include "platform.h"
#include "spawn.h"

#include <criterion/criterion.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Polls watched after a fault: more than a full round of owner verification. */
enum { OWNERS_POLLS_CHECKED = OWNERS_VERIFY_POLLS + 8 };

/* The number of TCP rows on port in s; *first is the first of them. */
static int rows_on(const struct snapshot *s, uint16_t port, const struct listener **first)
{
	int n = 0;
	*first = NULL;
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].port == port && s->set.v[i].proto == PROTO_TCP) {
			if (!n)
				*first = &s->set.v[i];
			n++;
		}
	return n;
}

/* The lead holder's pid of l; 0 when its owner is hidden (a stand-in with pid 0). */
static pid_t lead_pid(const struct listener *l)
{
	cr_assert_not_null(l->proc, "port %u: a row always has a lead", l->port);
	if (l->owner_hidden) {
		cr_assert_eq(l->nholders, 0, "port %u: hidden, yet %u holders", l->port,
		             l->nholders);
		cr_assert_eq(l->proc->id.pid, 0, "port %u: the stand-in has pid 0", l->port);
	} else {
		cr_assert_gt(l->nholders, 0, "port %u", l->port);
		cr_assert_eq(l->proc, l->holders[0], "port %u: the lead is holders[0]", l->port);
		cr_assert_eq(l->owner_why, OWNER_KNOWN, "port %u", l->port);
	}
	return l->proc->id.pid;
}

/* The processes a test forked itself: killed and reaped by the suite's fini whatever path the
 * test took (stop_pid() on the normal path). */
static pid_t forked[8];
static int nforked;

static void remember(pid_t pid)
{
	if (pid > 0 && nforked < (int)(sizeof forked / sizeof forked[0]))
		forked[nforked++] = pid;
}

/* Kills and reaps pid, a child of the test, and forgets it. */
static void stop_pid(pid_t pid)
{
	for (int i = 0; i < nforked; i++)
		if (forked[i] == pid)
			forked[i] = 0;
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

static void stop_forked(void)
{
	for (int i = 0; i < nforked; i++)
		stop_pid(forked[i]);
	nforked = 0;
	spawn_stop_all();
}

TestSuite(linux_holders, .fini = stop_forked);

/* ---- fd directories that cannot be read ---- */

/* A TCP listener on 127.0.0.1 as uid, dumpable or not (a process that changed its uid is not,
 * and then its /proc/PID/fd belongs to root even for its own user). Returns its pid; *port. */
static pid_t listener_as(uint32_t uid, bool dumpable, uint16_t *port)
{
	int pfd[2];
	cr_assert_eq(pipe(pfd), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(pfd[0]);
		if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 ||
		    setresuid(uid, uid, uid) < 0)
			_exit(2);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* cleared by the uid change: set it after */
		prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0);
		prctl(PR_SET_NAME, dumpable ? "dp-dumpable" : "dp-undumpable");
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof a;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0 ||
		    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
			_exit(3);
		uint16_t p = ntohs(a.sin_port);
		if (write(pfd[1], &p, sizeof p) != sizeof p)
			_exit(4);
		pause();
		_exit(0);
	}
	remember(pid);
	close(pfd[1]);
	cr_assert_eq(read(pfd[0], port, sizeof *port), (ssize_t)sizeof *port, "listener as %u",
	             uid);
	close(pfd[0]);
	return pid;
}

struct as_nobody {
	uint16_t ports[3];
	int rc;
	struct {
		int found;
		bool hidden;
		uint8_t why;
		uint32_t nholders;
		pid_t pid;
		uint32_t uid;
		char user[PROC_USER_MAX];
		char comm[PROC_COMM_MAX];
	} polls[4][3];
};

/* Runs as nobody: what four polls show for each port. */
static void look_as_nobody(void *arg, void *out, size_t len)
{
	struct as_nobody *r = out;
	(void)len;
	memcpy(r->ports, arg, sizeof r->ports);
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	struct snapshot s = {0};
	r->rc = platform_open(&p, &o);
	for (int poll = 0; poll < 4 && r->rc == 0; poll++) {
		if ((r->rc = platform_collect(p, &s)) < 0)
			break;
		for (size_t i = 0; i < s.set.n; i++)
			for (int k = 0; k < 3; k++) {
				const struct listener *l = &s.set.v[i];
				if (l->port != r->ports[k] || l->proto != PROTO_TCP)
					continue;
				r->polls[poll][k].found++;
				r->polls[poll][k].hidden = l->owner_hidden;
				r->polls[poll][k].why = l->owner_why;
				r->polls[poll][k].nholders = l->nholders;
				r->polls[poll][k].pid = l->proc ? l->proc->id.pid : -1;
				r->polls[poll][k].uid = l->uid;
				if (l->proc) {
					snprintf(r->polls[poll][k].user, PROC_USER_MAX, "%s",
					         l->proc->user);
					snprintf(r->polls[poll][k].comm, PROC_COMM_MAX, "%s",
					         l->proc->comm);
				}
			}
	}
	snapshot_free(&s);
	platform_close(&p);
}

Test(linux_holders, unreadable_fd_directories_keep_their_rows)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to start processes as nobody");
	uint16_t ports[3];
	pid_t pids[3] = {listener_as(0, true, &ports[0]), listener_as(65534, true, &ports[1]),
	                 listener_as(65534, false, &ports[2])};
	struct as_nobody *r = calloc(1, sizeof *r);
	cr_assert_not_null(r);
	cr_assert_eq(spawn_run_as(65534, look_as_nobody, ports, r, sizeof *r), 0);
	cr_assert_eq(r->rc, 0);
	static const char *const what[] = {"root's", "nobody's own", "nobody's non-dumpable"};
	for (int poll = 0; poll < 4; poll++)
		for (int k = 0; k < 3; k++) {
			const char *w = what[k];
			cr_assert_eq(r->polls[poll][k].found, 1, "poll %d, %s: kept, once", poll,
			             w);
			uint8_t why = r->polls[poll][k].why;
			cr_expect_eq(r->polls[poll][k].hidden, k != 1, "poll %d, %s", poll, w);
			cr_expect_eq(r->polls[poll][k].nholders, k == 1 ? 1u : 0u, "poll %d, %s",
			             poll, w);
			cr_expect_eq(r->polls[poll][k].pid, k == 1 ? pids[1] : 0, "poll %d, %s",
			             poll, w);
			if (k == 0) /* the first poll searched every process: another user's */
				cr_expect_eq(why, OWNER_NOT_READABLE, "poll %d, %s: %s", poll, w,
				             owner_unknown_keys[why % OWNER_UNKNOWN_COUNT]);
			else if (k == 1)
				cr_expect_eq(why, OWNER_KNOWN, "poll %d, %s", poll, w);
			else /* searched, and root could read it: a matter of sudo */
				cr_expect_eq(why, OWNER_NOT_READABLE, "poll %d, %s: %s", poll, w,
				             owner_unknown_keys[why % OWNER_UNKNOWN_COUNT]);
			cr_expect_eq(r->polls[poll][k].uid, k == 0 ? 0u : 65534u, "poll %d, %s",
			             poll, w);
			cr_expect_str_eq(r->polls[poll][k].user, k == 0 ? "root" : "nobody");
		}
	cr_expect_str_eq(r->polls[3][1].comm, "dp-dumpable");
	free(r);
	for (int k = 0; k < 3; k++)
		stop_pid(pids[k]);
}

/* ---- a holder exits while the socket lives on in a process not known to hold it ---- */

/* Sends fd over the unix socket us (SCM_RIGHTS). */
static bool send_fd(int us, int fd)
{
	char byte = 'f';
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c = {0};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_RIGHTS;
	h->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(h), &fd, sizeof fd);
	return sendmsg(us, &m, 0) == 1;
}

static int recv_fd(int us)
{
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf, .msg_controllen = sizeof c.buf};
	if (recvmsg(us, &m, 0) != 1)
		return -1;
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);
	int fd = -1;
	if (h && h->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(h), sizeof fd);
	return fd;
}

Test(linux_holders, socket_handed_over_before_its_holder_exits_stays_listed)
{
	int us[2], ack[2], go[2], rep[2];
	cr_assert_eq(socketpair(AF_UNIX, SOCK_DGRAM, 0, us), 0);
	cr_assert_eq(pipe(ack), 0);
	cr_assert_eq(pipe(go), 0);
	cr_assert_eq(pipe(rep), 0);
	pid_t receiver = fork();
	cr_assert_geq(receiver, 0);
	if (receiver == 0) { /* exists (and is listed) long before it gets the socket */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "dp-receiver");
		int fd = recv_fd(us[1]);
		if (fd < 0 || write(ack[1], "k", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	remember(receiver);
	pid_t sender = fork();
	cr_assert_geq(sender, 0);
	if (sender == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "dp-sender");
		struct sockaddr_in a = {.sin_family = AF_INET,
		                        .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		socklen_t len = sizeof a;
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		char c;
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 1) < 0 ||
		    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
			_exit(1);
		uint16_t port = ntohs(a.sin_port);
		if (write(rep[1], &port, sizeof port) != sizeof port || read(go[0], &c, 1) != 1 ||
		    !send_fd(us[0], fd))
			_exit(1);
		_exit(0); /* the receiver holds the only copy now */
	}
	remember(sender);
	uint16_t port;
	cr_assert_eq(read(rep[0], &port, sizeof port), (ssize_t)sizeof port);

	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &o), 0);
	struct snapshot s = {0};
	cr_assert_eq(platform_collect(p, &s), 0);
	const struct listener *l;
	cr_assert_eq(rows_on(&s, port, &l), 1);
	cr_assert_eq(lead_pid(l), sender);
	cr_assert_eq(l->nholders, 1);

	char c;
	cr_assert_eq(write(go[1], "g", 1), 1);
	cr_assert_eq(read(ack[0], &c, 1), 1);
	cr_assert_eq(waitpid(sender, NULL, 0), sender);
	for (int i = 0; i < nforked; i++) /* reaped: never signal that pid again */
		if (forked[i] == sender)
			forked[i] = 0;
	bool sender_gone = false;
	int by_receiver = 0;
	for (int poll = 0; poll < OWNERS_POLLS_CHECKED; poll++) {
		cr_assert_eq(platform_collect(p, &s), 0);
		int n = rows_on(&s, port, &l);
		cr_assert_eq(n, 1, "poll %d: the socket still listens, %d rows", poll, n);
		pid_t pid = lead_pid(l);
		if (l->owner_hidden) /* the holder exited: searched again, not given up on */
			cr_expect_eq(l->owner_why, OWNER_NOT_FOUND, "poll %d: %s", poll,
			             owner_unknown_keys[l->owner_why % OWNER_UNKNOWN_COUNT]);
		else
			cr_assert_eq(l->nholders, 1, "poll %d: one holder at a time", poll);
		if (pid == sender)
			cr_assert_not(sender_gone, "poll %d: the exited sender is back", poll);
		else
			sender_gone = true;
		cr_assert(pid == sender || pid == receiver || l->owner_hidden,
		          "poll %d: held by %d", poll, (int)pid);
		by_receiver += pid == receiver;
		struct timespec t = {0, 20000000L};
		nanosleep(&t, NULL);
	}
	cr_expect_gt(by_receiver, 0, "the receiver is found within %d polls", OWNERS_POLLS_CHECKED);
	snapshot_free(&s);
	platform_close(&p);
	stop_pid(receiver);
}

/* ---- a process with an empty name is not a process that has gone ---- */

TestSuite(linux_names, .fini = spawn_stop_all);

Test(linux_names, empty_name_keeps_its_row)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn sp;
	cr_assert_eq(spawn_listener(&sp, &o), 0);
	struct platform_opts po = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &po), 0);
	struct snapshot s = {0};
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_assert_eq(spawn_rename(&sp, ""), 0); /* prctl(PR_SET_NAME, ""): /proc/PID/comm is "\n" */
	for (int poll = 0; poll < OWNERS_POLLS_CHECKED; poll++) {
		cr_assert_eq(platform_collect(p, &s), 0);
		const struct listener *l;
		cr_assert_eq(rows_on(&s, sp.port, &l), 1, "poll %d", poll);
		cr_assert_not_null(l->proc);
		cr_assert_eq(l->proc->id.pid, sp.pid, "poll %d: held by %d, hidden %d", poll,
		             (int)l->proc->id.pid, l->owner_hidden);
		cr_assert_eq(l->nholders, 1, "poll %d", poll);
	}
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}

/* ---- a real pre-fork server: one row, its parent leading, its workers after ---- */

TestSuite(linux_prefork, .fini = spawn_stop_all);

/* The row of sp's port is one row of three holders: the parent leads, the workers follow by pid,
 * and their roles say so. */
static void expect_prefork_row(const struct snapshot *s, const struct spawn *sp, const char *when)
{
	const struct listener *l;
	cr_assert_eq(rows_on(s, sp->port, &l), 1, "%s: one row for the port", when);
	cr_assert_not(l->owner_hidden, "%s", when);
	cr_expect_eq(l->owner_why, OWNER_KNOWN, "%s", when);
	cr_expect_eq(l->nsockets, 1, "%s: one inherited socket", when);
	cr_assert_eq(l->nholders, 3, "%s: %u holders", when, l->nholders);
	cr_assert_eq(l->proc, l->holders[0], "%s", when);
	cr_expect_eq(l->proc->id.pid, sp->pid, "%s: led by %d, not the parent %d", when,
	             (int)l->proc->id.pid, (int)sp->pid);
	pid_t lo = sp->workers[0] < sp->workers[1] ? sp->workers[0] : sp->workers[1];
	pid_t hi = sp->workers[0] < sp->workers[1] ? sp->workers[1] : sp->workers[0];
	cr_expect_eq(l->holders[1]->id.pid, lo, "%s: workers by pid", when);
	cr_expect_eq(l->holders[2]->id.pid, hi, "%s: workers by pid", when);
	cr_expect_str_eq(l->holders[0]->comm, "dp-listener", "%s", when);
	cr_expect_str_eq(l->holders[1]->comm, "dp-worker", "%s", when);
	cr_expect_str_eq(l->holders[2]->comm, "dp-worker", "%s", when);
	static const enum holder_role want[3] = {ROLE_PARENT, ROLE_WORKER, ROLE_WORKER};
	for (size_t i = 0; i < 3; i++) {
		enum holder_role r = listener_holder_role(l, i);
		cr_expect_eq(r, want[i], "%s: holder %zu (pid %d) is a %s", when, i,
		             (int)l->holders[i]->id.pid, listener_role_names[r]);
	}
	for (size_t i = 0; i < 3; i++)
		cr_expect_eq(snapshot_process(s, l->holders[i]->id.pid), l->holders[i],
		             "%s: each holder once in the process table", when);
}

Test(linux_prefork, a_prefork_server_is_one_row_led_by_its_parent)
{
	/* binds 127.0.0.1:0 and listens, forks a worker; then a second worker: all three sleep
	 * holding the one socket they share */
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .prefork = true};
	struct spawn sp;
	int rc = spawn_listener(&sp, &o);
	cr_assert_eq(rc, 0, "spawn: %s", strerror(-rc));
	cr_assert_eq(sp.nworkers, 1);
	cr_assert_gt(spawn_fork_worker(&sp), 0);
	cr_assert_eq(sp.nworkers, 2);
	for (int proc = 0; proc < 2; proc++) {
		struct platform_opts po = {.kind = PLATFORM_NATIVE, .force_proc_net = proc};
		struct platform *p = NULL;
		cr_assert_eq(platform_open(&p, &po), 0);
		struct snapshot s = {0};
		/* a first poll reads every process: the whole answer at once */
		cr_assert_eq(platform_collect(p, &s), 0);
		expect_prefork_row(&s, &sp, proc ? "/proc, first poll" : "netlink, first poll");
		char cell[64];
		const struct listener *l;
		rows_on(&s, sp.port, &l);
		listener_process_str(l, cell, sizeof cell);
		cr_expect_str_eq(cell, "dp-listener ×3");
		/* and it stays so while the owner cache verifies its holders */
		for (int poll = 1; poll < OWNERS_POLLS_CHECKED; poll++) {
			cr_assert_eq(platform_collect(p, &s), 0);
			char when[32];
			snprintf(when, sizeof when, "%s, poll %d", proc ? "/proc" : "netlink",
			         poll);
			expect_prefork_row(&s, &sp, when);
		}
		snapshot_free(&s);
		platform_close(&p);
	}
	spawn_stop(&sp);
}

/* A worker of a pre-fork server exits while its parent keeps the socket: the next poll has it
 * no more (its exit is watched), not a poll some seconds later. */
Test(linux_prefork, a_worker_that_exits_leaves_the_row_at_the_next_poll)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .prefork = true};
	struct spawn sp;
	int rc = spawn_listener(&sp, &o);
	cr_assert_eq(rc, 0, "spawn: %s", strerror(-rc));
	cr_assert_gt(spawn_fork_worker(&sp), 0);
	struct platform_opts po = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	cr_assert_eq(platform_open(&p, &po), 0);
	struct snapshot s = {0};
	const struct listener *l = NULL;
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_assert_eq(rows_on(&s, sp.port, &l), 1);
	cr_assert_eq(l->nholders, 3);
	for (int poll = 0; poll < 5; poll++) /* settled in the caches */
		cr_assert_eq(platform_collect(p, &s), 0);
	pid_t gone = sp.workers[1];
	cr_assert_eq(kill(gone, SIGKILL), 0);
	/* its parent does not reap it: a zombie, whose /proc/PID/comm still reads */
	for (int i = 0; i < 200; i++) {
		char path[64], st[256] = "";
		snprintf(path, sizeof path, "/proc/%d/stat", (int)gone);
		FILE *f = fopen(path, "r");
		if (f) {
			if (!fgets(st, sizeof st, f))
				st[0] = '\0';
			fclose(f);
		}
		if (!f || strstr(st, ") Z "))
			break;
		usleep(10000);
	}
	cr_assert_eq(platform_collect(p, &s), 0);
	cr_assert_eq(rows_on(&s, sp.port, &l), 1);
	cr_expect_eq(l->nholders, 2, "the exited worker is gone at the next poll");
	cr_expect_not(listener_held_by(l, gone));
	cr_expect_eq(l->proc->id.pid, sp.pid, "the parent still leads");
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}
