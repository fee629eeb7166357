/* test_linux_backend.c - the Linux backend against real listeners in child processes
 * (tests/support/spawn.h): addresses, protocols, owners and their command lines, netlink against
 * the /proc fallback, pre-fork servers, the owner cache across polls, and (as root) other users. */
#include "owners.h"
#include "platform.h"
#include "procdir.h"
#include "sanitize.h"
#include "spawn.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

TestSuite(linux_backend, .fini = spawn_stop_all);

static struct platform *open_backend(bool proc)
{
	struct platform_opts o = {.kind = PLATFORM_NATIVE, .force_proc_net = proc};
	struct platform *p = NULL;
	int rc = platform_open(&p, &o);
	cr_assert_eq(rc, 0, "platform_open: %d %s", rc, p ? platform_error(p) : "");
	return p;
}

static void collect(struct platform *p, struct snapshot *s)
{
	int rc = platform_collect(p, s);
	cr_assert_eq(rc, 0, "platform_collect: %d", rc);
}

/* The row of (proto, port) that pid holds (any family and address), or NULL. */
static const struct listener *find(const struct snapshot *s, bool udp, uint16_t port, pid_t pid)
{
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		if (l->proto == (udp ? PROTO_UDP : PROTO_TCP) && l->port == port &&
		    listener_held_by(l, pid))
			return l;
	}
	return NULL;
}

/* The rows of (proto, port), every family and address. */
static size_t count_port(const struct snapshot *s, bool udp, uint16_t port)
{
	size_t n = 0;
	for (size_t i = 0; i < s->set.n; i++)
		n += s->set.v[i].proto == (udp ? PROTO_UDP : PROTO_TCP) && s->set.v[i].port == port;
	return n;
}

/* The one row of (proto, port) (asserts there is exactly one). */
static const struct listener *only_row(const struct snapshot *s, bool udp, uint16_t port)
{
	const struct listener *found = NULL;
	for (size_t i = 0; i < s->set.n; i++) {
		const struct listener *l = &s->set.v[i];
		if (l->proto == (udp ? PROTO_UDP : PROTO_TCP) && l->port == port) {
			cr_assert_null(found, "two rows for %s port %u", udp ? "udp" : "tcp", port);
			found = l;
		}
	}
	cr_assert_not_null(found, "no row for %s port %u", udp ? "udp" : "tcp", port);
	return found;
}

/* Holder pid of l, or NULL. */
static const struct proc_info *holder(const struct listener *l, pid_t pid)
{
	for (size_t i = 0; i < l->nholders; i++)
		if (l->holders[i]->id.pid == pid)
			return l->holders[i];
	return NULL;
}

static void start(struct spawn *sp, const struct spawn_opts *o)
{
	int rc = spawn_listener(sp, o);
	cr_assert_eq(rc, 0, "spawn %s %s: %s", o->udp ? "udp" : "tcp", o->addr, strerror(-rc));
}

/* The listener of sp (held by pid, among others maybe) is in s with the right address, and
 * pid's process is right. */
static const struct listener *expect_listener(const struct snapshot *s, const struct spawn *sp,
                                              const struct spawn_opts *o, pid_t pid,
                                              const char *comm)
{
	const struct listener *l = find(s, o->udp, sp->port, pid);
	cr_assert_not_null(l, "%s %s port %u pid %d not reported", o->udp ? "udp" : "tcp", o->addr,
	                   sp->port, (int)pid);
	uint8_t addr[16] = {0};
	bool v6 = strchr(o->addr, ':') != NULL;
	cr_assert_eq(inet_pton(v6 ? AF_INET6 : AF_INET, o->addr, addr), 1);
	cr_expect_eq(l->family, v6 ? FAMILY_V6 : FAMILY_V4, "%s", o->addr);
	cr_expect_arr_eq(l->addr, addr, 16, "address of %s", o->addr);
	cr_expect_not(l->owner_hidden);
	cr_expect_eq(l->owner_why, OWNER_KNOWN);
	cr_expect_neq(l->inode, 0);
	cr_expect_geq(l->nsockets, 1);
	cr_assert_not_null(l->proc);
	cr_assert_geq(l->nholders, 1);
	cr_expect_eq(l->proc, l->holders[0], "the lead is holders[0]");
	const struct proc_info *h = holder(l, pid);
	cr_assert_not_null(h);
	cr_expect_eq(h, snapshot_process(s, pid), "one process table entry per pid");
	uint32_t uid = o->uid ? o->uid : geteuid();
	cr_expect_eq(l->uid, uid);
	cr_expect_eq(h->uid, uid);
	cr_expect_str_eq(h->comm, comm);
	cr_expect_str_eq(h->cmdline, sp->cmdline);
	cr_expect_eq(h->ppid, pid == sp->pid ? getpid() : sp->pid);
	cr_expect_gt(h->id.start_ticks, 0);
	cr_expect_lt(llabs((long long)(h->start_time - time(NULL))), 120, "start time %lld",
	             (long long)h->start_time);
	cr_expect_gt(h->rss_kib, 0);
	cr_expect_geq(h->threads, 1);
	char cwd[PATH_MAX];
	cr_assert_not_null(getcwd(cwd, sizeof cwd));
	cr_expect_str_eq(h->cwd, cwd);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	cr_assert_gt(n, 0);
	exe[n] = '\0';
	cr_expect_str_eq(h->exe, exe);
	return l;
}

Test(linux_backend, tcp_on_every_address)
{
	static const struct spawn_opts opts[] = {
	    {.addr = "127.0.0.1", .v6only = -1, .marker = "tcp-lo4"},
	    {.addr = "0.0.0.0", .v6only = -1, .marker = "tcp-any4"},
	    {.addr = "::1", .v6only = -1, .marker = "tcp-lo6"},
	    {.addr = "::", .v6only = 0, .marker = "tcp-dual"},
	    {.addr = "::", .v6only = 1, .marker = "tcp-v6only"},
	    {.addr = "::ffff:127.0.0.1", .v6only = 0, .marker = "tcp-mapped"},
	};
	enum { N = sizeof opts / sizeof opts[0] };
	struct spawn sp[N];
	for (int i = 0; i < N; i++)
		start(&sp[i], &opts[i]);
	struct platform *p = open_backend(false);
	cr_expect_str_eq(platform_name(p), "linux netlink");
	struct snapshot s = {0};
	collect(p, &s);
	for (int i = 0; i < N; i++) {
		const struct listener *l =
		    expect_listener(&s, &sp[i], &opts[i], sp[i].pid, "dp-listener");
		cr_expect_eq(l->proto, PROTO_TCP);
		cr_expect_eq(count_port(&s, false, sp[i].port), 1, "%s: one row", opts[i].marker);
		cr_expect_eq(l->nholders, 1, "%s: one holder", opts[i].marker);
		cr_expect_eq(l->nsockets, 1, "%s: one socket", opts[i].marker);
		cr_expect_eq(l->proc->id.pid, sp[i].pid, "%s: the lead", opts[i].marker);
		cr_expect_eq(l->v6only, opts[i].v6only == 1, "%s v6only", opts[i].marker);
	}
	char addr[64];
	listener_addr_str(find(&s, false, sp[3].port, sp[3].pid), addr, sizeof addr);
	cr_expect_str_eq(addr, "*", "a dual-stack [::] serves IPv4 too");
	snapshot_free(&s);
	platform_close(&p);
	for (int i = 0; i < N; i++)
		spawn_stop(&sp[i]);
}

Test(linux_backend, udp_on_loopback_and_wildcard)
{
	static const struct spawn_opts opts[] = {
	    {.udp = true, .addr = "127.0.0.1", .v6only = -1, .marker = "udp-lo4"},
	    {.udp = true, .addr = "::", .v6only = 0, .marker = "udp-dual"},
	    {.udp = true, .addr = "::", .v6only = 1, .marker = "udp-v6only"},
	};
	enum { N = sizeof opts / sizeof opts[0] };
	struct spawn sp[N];
	for (int i = 0; i < N; i++)
		start(&sp[i], &opts[i]);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	for (int i = 0; i < N; i++) {
		const struct listener *l =
		    expect_listener(&s, &sp[i], &opts[i], sp[i].pid, "dp-listener");
		cr_expect_eq(l->proto, PROTO_UDP);
		cr_expect_eq(l->nholders, 1, "%s", opts[i].marker);
		cr_expect_eq(l->v6only, opts[i].v6only == 1, "%s v6only", opts[i].marker);
	}
	snapshot_free(&s);
	platform_close(&p);
	for (int i = 0; i < N; i++)
		spawn_stop(&sp[i]);
}

/* The rows on the given ports, in the snapshot's (key) order. */
static size_t only_ports(const struct snapshot *s, const uint16_t *ports, int n,
                         const struct listener **out, size_t max)
{
	size_t m = 0;
	for (size_t i = 0; i < s->set.n; i++)
		for (int k = 0; k < n; k++)
			if (s->set.v[i].port == ports[k]) {
				cr_assert_lt(m, max);
				out[m++] = &s->set.v[i];
				break;
			}
	for (size_t i = 1; i < m; i++)
		cr_assert_lt(listener_key_cmp(out[i - 1], out[i]), 0, "rows sorted, one per key");
	return m;
}

Test(linux_backend, netlink_and_proc_agree)
{
	static const struct spawn_opts opts[] = {
	    {.addr = "127.0.0.1", .v6only = -1},
	    {.addr = "::1", .v6only = -1},
	    {.addr = "::", .v6only = 0, .prefork = true},
	    {.addr = "::ffff:127.0.0.1", .v6only = 0},
	    {.udp = true, .addr = "0.0.0.0", .v6only = -1},
	    {.udp = true, .addr = "::", .v6only = 0},
	    {.addr = "::", .v6only = 1}, /* with an IPv4 twin on its port, started below */
	};
	enum { N = sizeof opts / sizeof opts[0] };
	struct spawn sp[N + 1];
	uint16_t ports[N + 1];
	for (int i = 0; i < N; i++) {
		start(&sp[i], &opts[i]);
		ports[i] = sp[i].port;
	}
	struct spawn_opts twin = {.addr = "0.0.0.0", .port = sp[N - 1].port, .v6only = -1};
	start(&sp[N], &twin);
	ports[N] = sp[N].port;

	struct platform *nl = open_backend(false), *pr = open_backend(true);
	cr_expect_str_eq(platform_name(nl), "linux netlink");
	cr_expect_str_eq(platform_name(pr), "linux /proc");
	struct snapshot a = {0}, b = {0};
	collect(nl, &a);
	collect(pr, &b);
	const struct listener *x[2 * N], *y[2 * N];
	size_t nx = only_ports(&a, ports, N + 1, x, 2 * N),
	       ny = only_ports(&b, ports, N + 1, y, 2 * N);
	cr_assert_eq(nx, N + 1, "every listener once, the pre-fork one too (%zu)", nx);
	cr_assert_eq(ny, nx);
	bool saw_prefork = false;
	for (size_t i = 0; i < nx; i++) {
		const struct listener *l = x[i], *m = y[i];
		cr_expect_eq(listener_key_cmp(l, m), 0, "row %zu: port %u vs %u", i, l->port,
		             m->port);
		cr_expect_eq(l->inode, m->inode);
		cr_expect_eq(l->uid, m->uid);
		cr_expect_eq(l->owner_hidden, m->owner_hidden);
		cr_expect_eq(l->owner_why, m->owner_why);
		cr_expect_eq(l->nsockets, m->nsockets, "port %u", l->port);
		cr_assert_eq(l->nholders, m->nholders, "port %u", l->port);
		for (size_t k = 0; k < l->nholders; k++)
			cr_expect_eq(l->holders[k]->id.pid, m->holders[k]->id.pid,
			             "port %u holder %zu", l->port, k);
		cr_expect_str_eq(l->proc->comm, m->proc->comm);
		cr_expect_str_eq(l->proc->cmdline, m->proc->cmdline);
		/* v6only: the /proc guess is right for these (dual-stack, or a twin on the port) */
		cr_expect_eq(l->v6only, m->v6only, "port %u v6only %d vs %d", l->port, l->v6only,
		             m->v6only);
		if (l->port == sp[2].port) {
			saw_prefork = true;
			cr_expect_eq(l->nholders, 2, "the pre-fork row has both holders");
			cr_expect_eq(l->proc->id.pid, sp[2].pid, "led by the parent");
		}
	}
	cr_expect(saw_prefork);
	snapshot_free(&a);
	snapshot_free(&b);
	platform_close(&nl);
	platform_close(&pr);
	for (int i = 0; i <= N; i++)
		spawn_stop(&sp[i]);
}

Test(linux_backend, prefork_is_one_row_with_every_holder)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .prefork = true};
	struct spawn sp;
	start(&sp, &o);
	cr_assert_eq(sp.nworkers, 1);
	for (int proc = 0; proc < 2; proc++) {
		struct platform *p = open_backend(proc);
		struct snapshot s = {0};
		collect(p, &s);
		const struct listener *l = only_row(&s, false, sp.port);
		cr_expect_eq(l->nholders, 2, "parent and worker: %u", l->nholders);
		cr_expect_eq(l->nsockets, 1, "one socket");
		const struct listener *parent = expect_listener(&s, &sp, &o, sp.pid, "dp-listener");
		const struct listener *worker =
		    expect_listener(&s, &sp, &o, sp.workers[0], "dp-worker");
		cr_expect_eq(parent, worker, "one row");
		cr_expect_eq(l->proc->id.pid, sp.pid, "the parent leads");
		cr_expect_eq(l->holders[1]->id.pid, sp.workers[0]);
		cr_expect_eq(listener_holder_role(l, 0), ROLE_PARENT);
		cr_expect_eq(listener_holder_role(l, 1), ROLE_WORKER);
		snapshot_free(&s);
		platform_close(&p);
	}
	spawn_stop(&sp);
}

Test(linux_backend, worker_forked_after_discovery_is_found)
{
	struct spawn_opts o = {.addr = "::1", .v6only = -1};
	struct spawn sp;
	start(&sp, &o);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	cr_expect_eq(only_row(&s, false, sp.port)->nholders, 1);
	pid_t w1 = spawn_fork_worker(&sp), w2 = spawn_fork_worker(&sp);
	cr_assert_gt(w1, 0);
	cr_assert_gt(w2, 0);
	int polls = 1;
	for (collect(p, &s); only_row(&s, false, sp.port)->nholders < 3 && polls < 5; polls++)
		collect(p, &s);
	const struct listener *l = only_row(&s, false, sp.port);
	cr_expect_eq(l->nholders, 3, "parent and two new workers in one row");
	cr_expect_leq(polls, 3, "found after %d polls", polls);
	cr_expect_eq(l->proc->id.pid, sp.pid, "the parent still leads");
	expect_listener(&s, &sp, &o, w1, "dp-worker");
	expect_listener(&s, &sp, &o, w2, "dp-worker");
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}

Test(linux_backend, socket_opened_by_a_known_process)
{
	/* the processes exist (and were listed) before their socket does */
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .deferred = true};
	struct spawn_opts po = {.addr = "0.0.0.0", .v6only = -1, .deferred = true};
	struct spawn sp, pre;
	start(&sp, &o);
	start(&pre, &po);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	cr_assert_eq(spawn_go(&sp), 0);
	collect(p, &s);
	expect_listener(&s, &sp, &o, sp.pid, "dp-listener");

	/* a known process opens a socket, then forks a worker: the worker is new, its parent is
	 * found through it */
	pid_t w = spawn_fork_worker(&pre);
	cr_assert_gt(w, 0);
	collect(p, &s);
	cr_assert_eq(spawn_go(&pre), 0);
	pid_t w2 = spawn_fork_worker(&pre);
	cr_assert_gt(w2, 0);
	collect(p, &s);
	const struct listener *l = only_row(&s, false, pre.port);
	cr_expect_eq(l->nholders, 2, "the listener and its new worker");
	cr_expect_eq(l->proc->id.pid, pre.pid, "the listener leads");
	expect_listener(&s, &pre, &po, pre.pid, "dp-listener");
	expect_listener(&s, &pre, &po, w2, "dp-worker");
	cr_expect_not(listener_held_by(l, w), "forked before the socket existed");
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
	spawn_stop(&pre);
}

Test(linux_backend, closed_listener_is_gone)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn a, b;
	start(&a, &o);
	start(&b, &o);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	cr_assert_not_null(find(&s, false, a.port, a.pid));
	cr_assert_not_null(find(&s, false, b.port, b.pid));
	uint16_t port = a.port;
	pid_t pid = a.pid;
	spawn_stop(&a);
	collect(p, &s);
	cr_expect_eq(count_port(&s, false, port), 0, "closed between two polls");
	cr_expect_null(snapshot_process(&s, pid), "its process is not in the table");
	cr_expect_not_null(find(&s, false, b.port, b.pid), "the other one stays");
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&b);
}

Test(linux_backend, rename_shows_within_a_few_polls)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn sp;
	start(&sp, &o);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	const struct listener *l = find(&s, false, sp.port, sp.pid);
	cr_assert_not_null(l);
	cr_expect_str_eq(l->proc->comm, "dp-listener");
	cr_assert_eq(spawn_rename(&sp, "dp-renamed"), 0);
	int polls = 0;
	for (; polls < 5; polls++) {
		collect(p, &s);
		l = find(&s, false, sp.port, sp.pid);
		cr_assert_not_null(l);
		cr_assert_eq(l->proc->id.pid, sp.pid);
		if (strcmp(l->proc->comm, "dp-renamed") == 0)
			break;
	}
	cr_expect_leq(polls + 1, 3, "new name after %d polls", polls + 1);
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}

Test(linux_backend, hostile_command_name_is_sanitized_once)
{
	sanitize_init_locale();
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn sp;
	start(&sp, &o);
	static const char raw[] = "dp\x1b[31m\xc3\xa9\x07"; /* ESC, UTF-8 e-acute, BEL */
	cr_assert_eq(spawn_rename(&sp, raw), 0);
	char want[PROC_COMM_MAX];
	sanitize_text(want, sizeof want, raw, sizeof raw - 1);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	const struct listener *l = find(&s, false, sp.port, sp.pid);
	cr_assert_not_null(l);
	const char *comm = l->proc->comm;
	cr_expect_str_eq(comm, want, "raw bytes sanitized once, not mangled first");
	cr_expect(strstr(comm, "\xc3\xa9") != NULL, "valid UTF-8 kept: %s", comm);
	cr_expect(strchr(comm, '\x1b') == NULL);
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}

Test(linux_backend, process_gives_fresh_data)
{
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn sp;
	start(&sp, &o);
	struct platform *p = open_backend(false);
	struct arena strings = {0};
	struct proc_info info;
	cr_assert_eq(platform_process(p, sp.pid, &strings, &info), 0);
	cr_expect_eq(info.id.pid, sp.pid);
	cr_expect_str_eq(info.comm, "dp-listener");
	cr_expect_str_eq(info.cmdline, sp.cmdline);
	cr_expect_eq(info.ppid, getpid());
	cr_expect_not_null(info.user);
	cr_expect_not_null(info.project_root);
	cr_assert_eq(spawn_rename(&sp, "dp-fresh"), 0);
	cr_assert_eq(platform_process(p, sp.pid, &strings, &info), 0);
	cr_expect_str_eq(info.comm, "dp-fresh", "no cache in platform_process()");
	spawn_stop(&sp);
	cr_expect_eq(platform_process(p, INT_MAX, &strings, &info), -ESRCH);
	cr_expect_eq(platform_process(p, 0, &strings, &info), -ESRCH);
	arena_free(&strings);
	platform_close(&p);
}

Test(linux_backend, one_row_per_key_with_reuseport)
{
	/* two sockets on one port in one process: one row of two sockets, one holder */
	int fds[2];
	uint64_t inodes[2];
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	for (int i = 0; i < 2; i++) {
		int on = 1;
		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		cr_assert_eq(setsockopt(fds[i], SOL_SOCKET, SO_REUSEPORT, &on, sizeof on), 0);
		cr_assert_eq(bind(fds[i], (struct sockaddr *)&a, sizeof a), 0, "%s",
		             strerror(errno));
		cr_assert_eq(listen(fds[i], 1), 0);
		socklen_t len = sizeof a;
		getsockname(fds[i], (struct sockaddr *)&a, &len);
		struct stat st;
		cr_assert_eq(fstat(fds[i], &st), 0);
		inodes[i] = st.st_ino;
	}
	for (int proc = 0; proc < 2; proc++) {
		struct platform *p = open_backend(proc);
		struct snapshot s = {0};
		collect(p, &s);
		const struct listener *l = only_row(&s, false, ntohs(a.sin_port));
		cr_expect_eq(l->nsockets, 2, "proc %d: both sockets merged", proc);
		cr_expect_eq(l->nholders, 1, "proc %d: one process", proc);
		cr_expect_eq(l->proc->id.pid, getpid());
		cr_expect_eq(l->inode, inodes[0] < inodes[1] ? inodes[0] : inodes[1],
		             "the lowest inode");
		snapshot_free(&s);
		platform_close(&p);
	}
	close(fds[0]);
	close(fds[1]);
}

/* ---- the owner cache: what a poll costs ---- */

static uint64_t socket_inode(int fd)
{
	struct stat st;
	cr_assert_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

static int listen_here(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(fd, 1), 0);
	return fd;
}

Test(linux_backend, owners_steady_poll_reads_no_fd_directory)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY);
	int fd = listen_here();
	uint64_t inodes[] = {socket_inode(fd), 1 /* held by nobody: a miss */};
	struct owners *o = NULL;
	cr_assert_eq(owners_new(&o, procfd), 0);
	cr_assert_eq(owners_update(o, inodes, 2), 0);
	const struct owners_stats *st = owners_stats(o);
	cr_expect_eq(st->full_passes, 1, "the first poll reads every process");
	const struct owner_holder *h;
	cr_assert_eq(owners_holders(o, inodes[0], &h), 1);
	cr_expect_eq(h[0].pid, getpid());
	cr_expect_eq(h[0].fd, fd);
	cr_expect_eq(owners_holders(o, 1, &h), 0);

	unsigned long discoveries = st->discoveries, verified = st->verified;
	for (int i = 0; i < OWNERS_VERIFY_SOLE_POLLS; i++)
		cr_assert_eq(owners_update(o, inodes, 2), 0);
	cr_expect_eq(st->full_passes, 1, "no full pass for a socket nobody shows");
	cr_expect_eq(st->discoveries, discoveries, "nothing to discover");
	cr_expect_eq(st->verified, verified + 1, "one readlink for a sole holder every %d polls",
	             OWNERS_VERIFY_SOLE_POLLS);
	cr_assert_eq(owners_holders(o, inodes[0], &h), 1);

	/* a new socket in a process that is already known: found without a full pass */
	int fd2 = listen_here();
	uint64_t more[] = {inodes[0], socket_inode(fd2)};
	cr_assert_eq(owners_update(o, more, 2), 0);
	cr_assert_eq(owners_holders(o, more[1], &h), 1);
	cr_expect_eq(h[0].fd, fd2);
	cr_expect_eq(st->full_passes, 1);

	/* a socket that appears later with no visible holder: a shallow search (its holder may
	 * have exited since the dump), then, still listed at the next poll, one full pass, then
	 * quiet */
	uint64_t with_ghost[] = {inodes[0], more[1], 2};
	unsigned long passes = st->full_passes;
	cr_assert_eq(owners_update(o, with_ghost, 3), 0);
	cr_expect_eq(st->full_passes, passes, "the first search of a new socket is shallow");
	cr_assert_eq(owners_update(o, with_ghost, 3), 0);
	cr_expect_eq(st->full_passes, passes + 1);
	discoveries = st->discoveries;
	for (int i = 0; i < 5; i++)
		cr_assert_eq(owners_update(o, with_ghost, 3), 0);
	cr_expect_eq(st->discoveries, discoveries, "a miss is not searched again at every poll");
	cr_expect_eq(st->full_passes, passes + 1);

	/* closed, though still listed (as if another process kept it open): its holder is dropped
	 * at its next verification */
	close(fd);
	for (int i = 0; i < OWNERS_VERIFY_SOLE_POLLS; i++)
		cr_assert_eq(owners_update(o, with_ghost, 3), 0);
	cr_expect_eq(owners_holders(o, inodes[0], &h), 0);
	owners_free(&o);
	cr_expect_null(o);
	close(fd2);
	close(procfd);
}

Test(linux_backend, procdir_lists_the_pids_of_a_range)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY);
	pid_t *pids = NULL;
	size_t n = 0, cap = 0;
	long base = 0;
	cr_assert_eq(procdir_list_pids(procfd, &pids, &n, &cap, &base), 0);
	cr_assert_gt(n, 1);
	cr_assert_gt(base, 0, "procfs puts pid P at offset P + base");
	pid_t me = getpid();
	cr_assert_eq(procdir_list_pids_range(procfd, base, me, me, &pids, &n, &cap), 0);
	cr_assert_eq(n, 1);
	cr_expect_eq(pids[0], me);

	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives the test, one that fails too */
		if (getppid() == me)
			pause();
		_exit(0);
	}
	pid_t lo = child < me ? child : me, hi = child < me ? me : child;
	cr_assert_eq(procdir_list_pids_range(procfd, base, lo, hi, &pids, &n, &cap), 0);
	bool saw_me = false, saw_child = false;
	for (size_t i = 0; i < n; i++) {
		cr_expect(pids[i] >= lo && pids[i] <= hi, "pid %d outside [%d, %d]", pids[i], lo,
		          hi);
		cr_expect(i == 0 || pids[i] > pids[i - 1], "ascending");
		saw_me |= pids[i] == me;
		saw_child |= pids[i] == child;
	}
	cr_expect(saw_me && saw_child);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	cr_expect_eq(procdir_list_pids_range(procfd, 0, me, me, &pids, &n, &cap), -ENOTSUP,
	             "no base (not procfs): the caller lists everything");
	free(pids);
	close(procfd);
}

/* ---- other users (root only) ---- */

Test(linux_backend, listener_of_nobody_is_attributed)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to start a process as nobody");
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1, .uid = 65534};
	struct spawn sp;
	start(&sp, &o);
	struct platform *p = open_backend(false);
	struct snapshot s = {0};
	collect(p, &s);
	const struct listener *l = expect_listener(&s, &sp, &o, sp.pid, "dp-listener");
	cr_expect_eq(l->proc->id.pid, sp.pid);
	cr_expect_str_eq(l->proc->user, "nobody");
	cr_expect_eq(l->uid, 65534);
	snapshot_free(&s);
	platform_close(&p);
	spawn_stop(&sp);
}

struct seen {
	int rc, found;
	bool hidden;
	uint8_t why;
	uint32_t nholders;
	pid_t pid;
	uint32_t uid, proc_uid;
	char user[PROC_USER_MAX];
};

/* Runs as nobody: what does the backend show for the port? */
static void look_as_nobody(void *arg, void *out, size_t len)
{
	const struct spawn *sp = arg;
	struct seen *r = out;
	(void)len;
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	struct platform *p = NULL;
	struct snapshot s = {0};
	r->rc = platform_open(&p, &o);
	if (r->rc == 0)
		r->rc = platform_collect(p, &s);
	for (size_t i = 0; i < s.set.n; i++) {
		const struct listener *l = &s.set.v[i];
		if (l->proto != PROTO_TCP || l->port != sp->port)
			continue;
		r->found++;
		r->hidden = l->owner_hidden;
		r->why = l->owner_why;
		r->nholders = l->nholders;
		r->uid = l->uid;
		if (l->proc) {
			r->pid = l->proc->id.pid;
			r->proc_uid = l->proc->uid;
			snprintf(r->user, sizeof r->user, "%s", l->proc->user);
		} else {
			r->pid = -1;
		}
	}
	snapshot_free(&s);
	platform_close(&p);
}

Test(linux_backend, nobody_sees_root_listener_as_hidden)
{
	if (geteuid() != 0)
		cr_skip_test("needs root to become nobody");
	struct spawn_opts o = {.addr = "127.0.0.1", .v6only = -1};
	struct spawn sp;
	start(&sp, &o);
	struct seen r;
	cr_assert_eq(spawn_run_as(65534, look_as_nobody, &sp, &r, sizeof r), 0);
	cr_assert_eq(r.rc, 0);
	cr_assert_eq(r.found, 1, "kept, not dropped");
	cr_expect(r.hidden);
	cr_expect_eq(r.why, OWNER_NOT_READABLE, "another user's, not root: %s",
	             r.why < OWNER_UNKNOWN_COUNT ? owner_unknown_keys[r.why] : "?");
	cr_expect_eq(r.nholders, 0);
	cr_expect_eq(r.pid, 0, "a stand-in owner with pid 0");
	cr_expect_eq(r.uid, 0);
	cr_expect_eq(r.proc_uid, 0);
	cr_expect_str_eq(r.user, "root");
	spawn_stop(&sp);
}
