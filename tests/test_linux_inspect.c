/* test_linux_inspect.c - what the Linux backend tells inspect and kill besides the snapshot: the
 * systemd unit of a real process, established connections (a recorded dump and real ones), free
 * ports by real binds, process handles. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "linux_extra.h"
#include "make_listener.h"
#include "proc_helpers.h"

static struct platform *p;
static pid_t child; /* a test's child process, in a group of its own; 0 once reaped */

static void init(void)
{
	struct platform_opts o = {.kind = PLATFORM_NATIVE};
	cr_assert_eq(platform_open(&p, &o), 0);
}

static void fini(void)
{
	platform_close(&p);
	ph_stop(child); /* whatever path the test took: its whole group */
	child = 0;
}

TestSuite(linux_inspect, .init = init, .fini = fini);

/* One SOCK_DIAG_BY_FAMILY message for an IPv4 TCP socket, then NLMSG_DONE. */
static size_t dump_msg(unsigned char *buf, uint8_t state, const char *src, uint16_t sport,
                       bool done)
{
	struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct inet_diag_msg)),
	                     .nlmsg_type = SOCK_DIAG_BY_FAMILY};
	struct inet_diag_msg m = {.idiag_family = AF_INET, .idiag_state = state};
	m.id.idiag_sport = htons(sport);
	inet_pton(AF_INET, src, m.id.idiag_src);
	memcpy(buf, &h, sizeof h);
	memcpy(buf + NLMSG_HDRLEN, &m, sizeof m);
	size_t n = NLMSG_ALIGN(h.nlmsg_len);
	if (done) {
		struct nlmsghdr d = {.nlmsg_len = NLMSG_LENGTH(sizeof(int)),
		                     .nlmsg_type = NLMSG_DONE};
		memcpy(buf + n, &d, sizeof d);
		memset(buf + n + NLMSG_HDRLEN, 0, sizeof(int));
		n += NLMSG_ALIGN(d.nlmsg_len);
	}
	return n;
}

Test(linux_inspect, connections_are_counted_on_the_listeners_port_and_address)
{
	unsigned char buf[512];
	int count = 0;
	struct listener lo = make_listener(PROTO_TCP, "127.0.0.1", 3000, 1, "node", "dev");
	struct listener any = make_listener(PROTO_TCP, "0.0.0.0", 3000, 1, "node", "dev");
	size_t n = dump_msg(buf, TCP_ESTABLISHED, "127.0.0.1", 3000, false);
	cr_assert_eq(linux_conn_parse(buf, n, &lo, &count), 0, "more follows");
	cr_assert_eq(count, 1);
	n = dump_msg(buf, TCP_ESTABLISHED, "10.0.0.5", 3000, true);
	cr_assert_eq(linux_conn_parse(buf, n, &lo, &count), 1, "done");
	cr_assert_eq(count, 1, "another address is another listener's");
	cr_assert_eq(linux_conn_parse(buf, n, &any, &count), 1);
	cr_assert_eq(count, 2, "a wildcard takes every address");
	n = dump_msg(buf, TCP_ESTABLISHED, "127.0.0.1", 3001, true);
	cr_assert_eq(linux_conn_parse(buf, n, &any, &count), 1);
	cr_assert_eq(count, 2, "another port");
	cr_assert_eq(linux_conn_parse(buf, 7, &any, &count), 0, "too short for a header: nothing");
	buf[0] = 0xff; /* a length past the end */
	cr_assert_eq(linux_conn_parse(buf, n, &any, &count), -EBADMSG);
}

static int listen_on(uint16_t *port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof sa;
	cr_assert(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof sa) == 0 && listen(s, 8) == 0);
	getsockname(s, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return s;
}

static int connect_to(uint16_t port)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
	                         .sin_port = htons(port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	cr_assert(c >= 0 && connect(c, (struct sockaddr *)&sa, sizeof sa) == 0);
	return c;
}

Test(linux_inspect, real_connections_and_a_real_free_port)
{
	uint16_t port;
	int s = listen_on(&port);
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", port, getpid(), "t", "root");
	int count = -1;
	cr_assert_eq(platform_connections(p, &l, &count), 0);
	cr_assert_eq(count, 0);
	int c1 = connect_to(port), c2 = connect_to(port);
	int a1 = accept(s, NULL, NULL); /* one accepted, one still in the queue: both established */
	cr_assert_eq(platform_connections(p, &l, &count), 0);
	cr_assert_eq(count, 2);
	struct listener udp = make_listener(PROTO_UDP, "127.0.0.1", port, getpid(), "t", "root");
	cr_assert_eq(platform_connections(p, &udp, &count), -EINVAL);

	cr_assert_eq(platform_tcp_port_free(p, port), -EADDRINUSE, "held on 127.0.0.1");
	close(a1);
	close(c1);
	close(c2);
	close(s);
	uint16_t free_port = ph_free_port(1);
	cr_assert_eq(platform_tcp_port_free(p, free_port), 0);
	cr_assert_eq(platform_tcp_port_free(p, 0), -EINVAL);
}

Test(linux_inspect, a_handle_waits_for_the_exit_and_knows_a_gone_process)
{
	pid_t parent = getpid();
	child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* never outlives the test, one that fails too */
		if (getppid() == parent)
			pause();
		_exit(0);
	}
	setpgid(child, child);
	/* The recorded start ticks come from the snapshot; read them as the backend does. */
	struct arena strings = {0};
	struct proc_info info;
	cr_assert_eq(platform_process(p, child, &strings, &info), 0);
	arena_free(&strings); /* the numbers stay in info; the strings are not read below */
	struct platform_proc *h = NULL;
	cr_assert_eq(platform_proc_open(p, &info.id, &h), 0);
	cr_assert_eq(platform_proc_wait(h, 0), -ETIMEDOUT);
	cr_assert_eq(platform_proc_signal(h, 0), 0, "signal 0: it runs");
	double t0 = ph_now();
	cr_assert_eq(platform_proc_wait(h, 100), -ETIMEDOUT);
	cr_assert_geq(ph_now() - t0, 0.09, "waited for the time given");
	cr_assert_eq(platform_proc_signal(h, SIGTERM), 0);
	cr_assert_eq(platform_proc_wait(h, 2000), 0, "exited");
	ph_stop(child); /* reap */
	pid_t gone = child;
	child = 0;
	cr_assert_eq(platform_proc_signal(h, SIGTERM), -ESRCH, "already gone");
	platform_proc_close(&h);
	cr_assert_null(h);
	platform_proc_close(&h); /* NULL-safe */
	cr_assert_eq(platform_proc_open(p, &info.id, &h), -ESRCH);
	char unit[64];
	bool user;
	int rc = platform_service_unit(p, getpid(), unit, sizeof unit, &user);
	cr_assert(rc == 0 || rc == -ENOENT, "%d", rc);
	cr_assert_eq(platform_service_unit(p, gone, unit, sizeof unit, &user), -ESRCH);
}
