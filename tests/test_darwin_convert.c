/* test_darwin_convert.c - the macOS backend's conversion of libproc's structs into listeners and
 * process data, with structs built by hand. On Linux the structs come from the test double
 * (tests/darwin_double/darwin_structs.h); on macOS from the SDK, so the same cases also check the
 * conversion against the real layout. */
#include "darwin_convert.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sanitize.h"
#include "snapshot.h"

static const char control_center_exe[] =
    "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/ControlCenter";

enum { UID_DEV = 501 };

/* Each socket a test builds is another socket (soi_so) unless the test says otherwise. */
static uint64_t next_so = 0x1000;

/* A TCP socket in the given state on family (AF_INET / AF_INET6), vflag, local address and port. */
static struct socket_fdinfo tcp_socket(int family, int vflag, const char *addr, uint16_t port,
                                       int state)
{
	struct socket_fdinfo fi;
	memset(&fi, 0, sizeof fi);
	fi.psi.soi_so = next_so++;
	fi.psi.soi_family = family;
	fi.psi.soi_type = SOCK_STREAM;
	fi.psi.soi_protocol = IPPROTO_TCP;
	fi.psi.soi_kind = SOCKINFO_TCP;
	fi.psi.soi_stat.vst_uid = UID_DEV;
	fi.psi.soi_proto.pri_tcp.tcpsi_state = state;
	struct in_sockinfo *in = &fi.psi.soi_proto.pri_tcp.tcpsi_ini;
	in->insi_vflag = (uint8_t)vflag;
	in->insi_lport = (int)htons(port);
	if (vflag == INI_IPV4) /* an IPv4 address, on an IPv4 socket or a v4-mapped IPv6 one */
		cr_assert_eq(inet_pton(AF_INET, addr, &in->insi_laddr.ina_46.i46a_addr4), 1);
	else
		cr_assert_eq(inet_pton(AF_INET6, addr, &in->insi_laddr.ina_6), 1);
	return fi;
}

static struct socket_fdinfo tcp_listen(int family, int vflag, const char *addr, uint16_t port)
{
	return tcp_socket(family, vflag, addr, port, TSI_S_LISTEN);
}

static struct socket_fdinfo udp_socket(const char *addr, uint16_t port, uint16_t fport)
{
	struct socket_fdinfo fi;
	memset(&fi, 0, sizeof fi);
	fi.psi.soi_so = next_so++;
	fi.psi.soi_family = AF_INET;
	fi.psi.soi_type = SOCK_DGRAM;
	fi.psi.soi_protocol = IPPROTO_UDP;
	fi.psi.soi_kind = SOCKINFO_IN;
	fi.psi.soi_stat.vst_uid = UID_DEV;
	struct in_sockinfo *in = &fi.psi.soi_proto.pri_in;
	in->insi_vflag = INI_IPV4;
	in->insi_lport = (int)htons(port);
	in->insi_fport = (int)htons(fport);
	cr_assert_eq(inet_pton(AF_INET, addr, &in->insi_laddr.ina_46.i46a_addr4), 1);
	return fi;
}

static void assert_addr(const struct listener *l, const char *want)
{
	char buf[64];
	listener_addr_str(l, buf, sizeof buf);
	cr_assert_str_eq(buf, want);
}

/* ControlCenter's process; its strings point into *text. */
static struct proc_info control_center(struct darwin_proc_text *text)
{
	static struct proc_bsdinfo bsd;
	memset(&bsd, 0, sizeof bsd);
	bsd.pbi_ppid = 1;
	bsd.pbi_uid = UID_DEV;
	strcpy(bsd.pbi_comm, "ControlCenter");
	strcpy(bsd.pbi_name, "ControlCenter");
	bsd.pbi_start_tvsec = 1700000000;
	bsd.pbi_start_tvusec = 250000;
	static const char args[] = "\x01\0\0\0" /* argc = 1, little-endian as on macOS */
	                           "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/"
	                           "ControlCenter\0\0\0\0"
	                           "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/"
	                           "ControlCenter\0"
	                           "HOME=/Users/dev\0";
	int argc = 1;
	char buf[sizeof args];
	memcpy(buf, args, sizeof args);
	memcpy(buf, &argc, sizeof argc); /* whatever this machine's byte order */
	struct darwin_proc_src src = {
	    .pid = 612,
	    .bsd = &bsd,
	    .exe = control_center_exe,
	    .exe_len = strlen(control_center_exe),
	    .args = buf,
	    .args_len = sizeof buf,
	    .user = "dev",
	};
	struct proc_info p;
	cr_assert_eq(darwin_proc_from_info(&src, text, &p), 0);
	return p;
}

Test(darwin_convert, control_center_holds_5000_and_7000_on_ipv4_and_ipv6)
{
	sanitize_init_locale();
	struct socket_fdinfo socks[] = {
	    tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 5000),
	    tcp_listen(AF_INET6, INI_IPV6, "::", 5000),
	    tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 7000),
	    tcp_listen(AF_INET6, INI_IPV6, "::", 7000),
	    /* a connection it made: not a listener */
	    tcp_socket(AF_INET, INI_IPV4, "192.168.1.20", 49731, TSI_S_ESTABLISHED),
	};
	struct darwin_proc_text text;
	struct proc_info owner = control_center(&text);
	cr_assert_eq(owner.id.pid, 612);
	cr_assert_str_eq(owner.comm, "ControlCenter");
	cr_assert_str_eq(owner.user, "dev");
	cr_assert_eq(owner.uid, UID_DEV);
	cr_assert_eq(owner.ppid, 1);
	cr_assert_str_eq(owner.exe, control_center_exe);
	cr_assert_str_eq(owner.cmdline, control_center_exe);
	cr_assert_str_eq(owner.cwd, "");
	cr_assert_str_eq(owner.project_root, "");
	cr_assert_eq(owner.start_time, 1700000000);
	cr_assert_eq(owner.id.start_ticks, 1700000000250000ull);

	struct listener_set set = {0};
	cr_assert_eq(darwin_add_listeners(&set, socks, 5), 4);
	static const struct {
		uint16_t port;
		uint8_t family;
		const char *addr;
	} want[] = {{5000, FAMILY_V4, "0.0.0.0"},
	            {5000, FAMILY_V6, "::"},
	            {7000, FAMILY_V4, "0.0.0.0"},
	            {7000, FAMILY_V6, "::"}};
	for (size_t i = 0; i < 4; i++) {
		const struct listener *l = &set.v[i];
		cr_assert_eq(l->proto, PROTO_TCP);
		cr_assert_eq(l->port, want[i].port);
		cr_assert_eq(l->family, want[i].family);
		assert_addr(l, want[i].addr);
		cr_assert(listener_is_wildcard(l));
		cr_assert_eq(l->v6only, l->family == FAMILY_V6, "[::] with its own IPv4 socket");
		cr_assert_eq(l->uid, UID_DEV);
		cr_assert_eq(l->inode, socks[i].psi.soi_so, "the socket's kernel handle");
		cr_assert_null(l->proc, "the socket half only");
	}

	/* into a snapshot: four rows, each held by ControlCenter */
	struct darwin_held held[4];
	for (size_t i = 0; i < 4; i++)
		held[i] = (struct darwin_held){.sock = set.v[3 - i], .pid = 612};
	struct snapshot snap = {0};
	snapshot_reset(&snap);
	cr_assert_not_null(snapshot_add_process(&snap, &owner));
	cr_assert_eq(darwin_add_sockets(&snap, held, 4), 0);
	cr_assert_eq(snapshot_finish(&snap, 1700000100), 0);
	cr_assert_eq(snap.set.n, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct listener *l = snapshot_find(&snap, &set.v[i]);
		cr_assert_not_null(l, "row %zu", i);
		cr_assert_eq(l->port, want[i].port);
		cr_assert_eq(l->family, want[i].family);
		cr_assert_eq(l->nsockets, 1);
		cr_assert_eq(l->nholders, 1);
		cr_assert_not(l->owner_hidden);
		cr_assert_eq(l->proc->id.pid, 612);
		cr_assert_str_eq(l->proc->comm, "ControlCenter");
		cr_assert_str_eq(l->proc->cmdline, control_center_exe);
		cr_assert_neq(l->proc->comm, text.comm, "the snapshot keeps its own copy");
	}
	snapshot_free(&snap);
	listener_set_free(&set);
}

Test(darwin_convert, node_on_loopback_3000)
{
	struct socket_fdinfo fi = tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000);
	struct listener l;
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.proto, PROTO_TCP);
	cr_assert_eq(l.family, FAMILY_V4);
	cr_assert_eq(l.port, 3000);
	assert_addr(&l, "127.0.0.1");
	cr_assert(listener_is_loopback(&l));
	static const uint8_t zero[12] = {0};
	cr_assert_arr_eq(l.addr + 4, zero, 12, "IPv4 in the first 4 bytes, the rest zero");
	cr_assert_null(l.proc, "the socket half only");
	cr_assert_eq(l.nholders, 0);
	cr_assert_eq(l.inode, fi.psi.soi_so);
}

Test(darwin_convert, port_is_network_order)
{
	/* 3000 is 0x0BB8; read without ntohs on a little-endian machine it would be 0xB80B. */
	struct socket_fdinfo fi = tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000);
	uint8_t raw[2];
	uint16_t lport = (uint16_t)fi.psi.soi_proto.pri_tcp.tcpsi_ini.insi_lport;
	memcpy(raw, &lport, 2);
	cr_assert_eq(raw[0], 0x0B, "the test stores the port as the kernel does: network order");
	cr_assert_eq(raw[1], 0xB8);
	struct listener l;
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.port, 3000);

	fi = tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 65535);
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.port, 65535, "the int's sign does not leak into the port");
	fi = tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 256);
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.port, 256);
}

Test(darwin_convert, bound_unconnected_udp_only)
{
	struct socket_fdinfo fi = udp_socket("0.0.0.0", 5353, 0);
	struct listener l;
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.proto, PROTO_UDP);
	cr_assert_eq(l.family, FAMILY_V4);
	cr_assert_eq(l.port, 5353);
	assert_addr(&l, "0.0.0.0");
	cr_assert_eq(l.uid, UID_DEV);

	fi = udp_socket("10.0.0.5", 51000, 53);
	cr_assert_not(darwin_listener_from_socket(&fi, &l), "a connected UDP socket is a client");
	fi = udp_socket("0.0.0.0", 0, 0);
	cr_assert_not(darwin_listener_from_socket(&fi, &l),
	              "an unbound UDP socket listens nowhere");
}

Test(darwin_convert, connected_and_other_tcp_states_are_ignored)
{
	static const int states[] = {TSI_S_ESTABLISHED, TSI_S_CLOSED};
	for (size_t i = 0; i < 2; i++) {
		struct socket_fdinfo fi =
		    tcp_socket(AF_INET, INI_IPV4, "127.0.0.1", 3000, states[i]);
		struct listener l;
		cr_assert_not(darwin_listener_from_socket(&fi, &l), "state %d", states[i]);
	}
}

Test(darwin_convert, ipv6_dual_stack_and_v4_mapped)
{
	struct listener l;
	struct socket_fdinfo fi = tcp_listen(AF_INET6, INI_IPV4 | INI_IPV6, "::", 8000);
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.family, FAMILY_V6);
	cr_assert_not(l.v6only, "a [::] bind without IPV6_V6ONLY also serves IPv4");
	assert_addr(&l, "*");

	fi = tcp_listen(AF_INET6, INI_IPV6, "::1", 5173);
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.family, FAMILY_V6);
	cr_assert_not(l.v6only, "only a wildcard is v6only, as on Linux (found by fuzz_darwin)");
	assert_addr(&l, "::1");
	cr_assert(listener_is_loopback(&l));

	/* An IPv6 socket bound to ::ffff:127.0.0.1: the kernel keeps it as IPv4 (vflag INI_IPV4,
	 * the address in the IPv4 slot) on an AF_INET6 socket. */
	fi = tcp_listen(AF_INET6, INI_IPV4, "127.0.0.1", 4000);
	cr_assert(darwin_listener_from_socket(&fi, &l));
	cr_assert_eq(l.family, FAMILY_V6);
	cr_assert_eq(l.port, 4000);
	assert_addr(&l, "::ffff:127.0.0.1");
	cr_assert(listener_is_loopback(&l));
	cr_assert_not(l.v6only);
}

Test(darwin_convert, not_inet_sockets_are_ignored)
{
	struct socket_fdinfo fi;
	memset(&fi, 0, sizeof fi);
	fi.psi.soi_family = AF_UNIX;
	fi.psi.soi_kind = SOCKINFO_UN;
	struct listener l;
	cr_assert_not(darwin_listener_from_socket(&fi, &l));

	fi = tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 80);
	fi.psi.soi_family = AF_UNIX; /* a TCP kind on another family would be nonsense: dropped */
	cr_assert_not(darwin_listener_from_socket(&fi, &l));
}

Test(darwin_convert, one_entry_per_socket_in_a_process)
{
	struct socket_fdinfo socks[] = {
	    tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000),
	    tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000), /* the same socket, dup'ed: below */
	    udp_socket("127.0.0.1", 3000, 0),
	    tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000), /* SO_REUSEPORT: another socket */
	};
	socks[1].psi.soi_so = socks[0].psi.soi_so;
	struct listener_set set = {0};
	cr_assert_eq(darwin_add_listeners(&set, socks, 4), 3);
	cr_assert_eq(set.v[0].proto, PROTO_TCP);
	cr_assert_eq(set.v[0].inode, socks[0].psi.soi_so);
	cr_assert_eq(set.v[1].proto, PROTO_UDP);
	cr_assert_eq(set.v[2].proto, PROTO_TCP);
	cr_assert_eq(set.v[2].inode, socks[3].psi.soi_so);
	cr_assert_eq(darwin_add_listeners(&set, socks, 1), 1, "another call, another process");
	cr_assert_eq(set.n, 4);
	listener_set_free(&set);
}

static struct proc_info process(pid_t pid, pid_t ppid, int64_t start, const char *comm)
{
	return (struct proc_info){.id = {.pid = pid, .start_ticks = (uint64_t)start},
	                          .ppid = ppid,
	                          .uid = UID_DEV,
	                          .start_time = start,
	                          .comm = comm,
	                          .user = "dev",
	                          .cmdline = comm,
	                          .cwd = "",
	                          .exe = "",
	                          .project_root = ""};
}

/* A pre-fork server: gunicorn's master (100) opens :8000 and forks two workers that inherit it
 * (one socket, soi_so 0xA, in three processes); worker 102 also opens its own SO_REUSEPORT socket
 * on the same address (0xB); a stray pid that was never added (exited) holds 0xB too. */
Test(darwin_convert, a_socket_held_by_several_processes_is_one_socket)
{
	struct socket_fdinfo shared = tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 8000);
	struct socket_fdinfo own = tcp_listen(AF_INET, INI_IPV4, "0.0.0.0", 8000);
	struct socket_fdinfo other = udp_socket("0.0.0.0", 8000, 0);
	shared.psi.soi_so = 0xA;
	own.psi.soi_so = 0xB;
	struct listener ls, lo, lu;
	cr_assert(darwin_listener_from_socket(&shared, &ls));
	cr_assert(darwin_listener_from_socket(&own, &lo));
	cr_assert(darwin_listener_from_socket(&other, &lu));
	struct darwin_held held[] = {
	    {.sock = ls, .pid = 102}, {.sock = lo, .pid = 102}, {.sock = ls, .pid = 101},
	    {.sock = lu, .pid = 101}, {.sock = ls, .pid = 100}, {.sock = lo, .pid = 9999},
	    {.sock = ls, .pid = 100}, /* added twice: still one holder */
	};
	struct proc_info procs[] = {
	    process(101, 100, 1700000010, "gunicorn"),
	    process(100, 1, 1700000000, "gunicorn"),
	    process(102, 100, 1700000010, "gunicorn"),
	};
	struct snapshot snap = {0};
	snapshot_reset(&snap);
	for (size_t i = 0; i < 3; i++)
		cr_assert_not_null(snapshot_add_process(&snap, &procs[i]));
	cr_assert_eq(darwin_add_sockets(&snap, held, sizeof held / sizeof held[0]), 0);
	cr_assert_eq(darwin_add_sockets(&snap, held, 0), 0, "nothing to add");
	cr_assert_eq(snapshot_finish(&snap, 1700000100), 0);
	cr_assert_eq(snap.set.n, 2, "tcp :8000 and udp :8000");

	const struct listener *tcp = &snap.set.v[0];
	cr_assert_eq(tcp->proto, PROTO_TCP);
	cr_assert_eq(tcp->port, 8000);
	cr_assert_eq(tcp->nsockets, 2, "the inherited socket once, and worker 102's own");
	cr_assert_eq(tcp->inode, 0xA, "the lowest");
	cr_assert_eq(tcp->nholders, 3, "the exited pid is skipped");
	cr_assert_eq(tcp->proc->id.pid, 100, "the master leads");
	cr_assert_eq(tcp->holders[1]->id.pid, 101);
	cr_assert_eq(tcp->holders[2]->id.pid, 102);
	cr_assert_eq(listener_holder_role(tcp, 0), ROLE_PARENT);
	cr_assert_eq(listener_holder_role(tcp, 1), ROLE_WORKER);

	const struct listener *udp = &snap.set.v[1];
	cr_assert_eq(udp->proto, PROTO_UDP);
	cr_assert_eq(udp->nsockets, 1);
	cr_assert_eq(udp->nholders, 1);
	cr_assert_eq(udp->proc->id.pid, 101);
	snapshot_free(&snap);
}

/* No byte of s is a control character. */
static void assert_printable(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		cr_assert(*p >= 0x20 && *p != 0x7f, "control byte 0x%02x in \"%s\"", *p, s);
}

Test(darwin_convert, hostile_names_are_sanitized)
{
	sanitize_init_locale();
	struct proc_bsdinfo bsd;
	memset(&bsd, 0, sizeof bsd);
	bsd.pbi_uid = UID_DEV;
	memcpy(bsd.pbi_name, "\x1b]0;owned\x07\x9b", 12); /* OSC title, BEL, a C1 CSI */
	strcpy(bsd.pbi_comm, "evil");
	char args[] = "\0\0\0\0/tmp/x\0node\0\x1b[2J\0";
	int argc = 2;
	memcpy(args, &argc, sizeof argc);
	static const char exe[] = "/tmp/a\nb";
	struct darwin_proc_src src = {.pid = 7,
	                              .bsd = &bsd,
	                              .exe = exe,
	                              .exe_len = sizeof exe - 1,
	                              .args = args,
	                              .args_len = sizeof args,
	                              .user = "d\x1b[31mev"};
	struct darwin_proc_text text;
	struct proc_info p;
	cr_assert_eq(darwin_proc_from_info(&src, &text, &p), 0);
	cr_assert_str_eq(p.comm, "\\e]0;owned\\x07\\x9B");
	cr_assert_str_eq(p.cmdline, "node \\e[2J");
	cr_assert_str_eq(p.exe, "/tmp/a\\nb");
	cr_assert_str_eq(p.user, "d\\e[31mev");
	assert_printable(p.comm);
	assert_printable(p.cmdline);
	assert_printable(p.exe);
	assert_printable(p.user);
}

Test(darwin_convert, names_that_fill_their_array)
{
	struct proc_bsdinfo bsd;
	memset(&bsd, 0, sizeof bsd);
	memset(bsd.pbi_comm, 'a', sizeof bsd.pbi_comm); /* no NUL: the whole array is the name */
	struct darwin_proc_src src = {.pid = 8, .bsd = &bsd};
	struct darwin_proc_text text;
	struct proc_info p;
	cr_assert_eq(darwin_proc_from_info(&src, &text, &p), 0);
	cr_assert_eq(strlen(p.comm), sizeof bsd.pbi_comm, "empty pbi_name: pbi_comm is used");
	cr_assert_str_eq(p.user, "0", "no user name: the uid as digits");
	cr_assert_str_eq(p.cmdline, "");
	cr_assert_str_eq(p.cwd, "");
}

Test(darwin_convert, working_directory_memory_and_threads)
{
	struct proc_bsdinfo bsd;
	memset(&bsd, 0, sizeof bsd);
	strcpy(bsd.pbi_comm, "python3");
	static struct proc_vnodepathinfo vp;
	strcpy(vp.pvi_cdir.vip_path, "/Users/dev/src/api");
	struct proc_taskinfo ti;
	memset(&ti, 0, sizeof ti);
	ti.pti_resident_size = 50u * 1024 * 1024;
	ti.pti_threadnum = 3;
	struct darwin_proc_src src = {.pid = 9, .bsd = &bsd, .vnode = &vp, .task = &ti};
	struct darwin_proc_text text;
	struct proc_info p;
	cr_assert_eq(darwin_proc_from_info(&src, &text, &p), 0);
	cr_assert_str_eq(p.cwd, "/Users/dev/src/api");
	cr_assert_eq(p.rss_kib, 50u * 1024);
	cr_assert_eq(p.threads, 3);
}

Test(darwin_convert, another_users_process_from_the_short_info)
{
	struct proc_bsdshortinfo s;
	memset(&s, 0, sizeof s);
	s.pbsi_ppid = 0;
	s.pbsi_uid = 0;
	strcpy(s.pbsi_comm, "launchd");
	static const char exe[] = "/sbin/launchd";
	struct darwin_proc_src src = {
	    .pid = 1, .shortbsd = &s, .exe = exe, .exe_len = sizeof exe - 1, .user = "root"};
	struct darwin_proc_text text;
	struct proc_info p;
	cr_assert_eq(darwin_proc_from_info(&src, &text, &p), 0);
	cr_assert_str_eq(p.comm, "launchd");
	cr_assert_str_eq(p.exe, "/sbin/launchd");
	cr_assert_str_eq(p.user, "root");
	cr_assert_eq(p.id.start_ticks, 0, "no start time without the full BSD info");

	struct darwin_proc_src none = {.pid = 2};
	cr_assert_eq(darwin_proc_from_info(&none, &text, &p), -ESRCH);
	cr_assert_eq(p.id.pid, 0);
	const char *strings[] = {p.comm, p.user, p.cmdline, p.cwd, p.exe, p.project_root};
	for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
		cr_assert_str_eq(strings[i], "", "string %zu: never NULL", i);
}

Test(darwin_convert, process_strings_copied_into_an_arena)
{
	struct darwin_proc_text text;
	struct proc_info p = control_center(&text);
	strcpy(text.project_root, "/Users/dev/src");
	struct arena strings = {0};
	cr_assert_eq(darwin_proc_copy_strings(&p, &strings), 0);
	memset(&text, 'x', sizeof text); /* the next read reuses the buffers */
	cr_assert_str_eq(p.comm, "ControlCenter");
	cr_assert_str_eq(p.user, "dev");
	cr_assert_str_eq(p.cmdline, control_center_exe);
	cr_assert_str_eq(p.exe, control_center_exe);
	cr_assert_str_eq(p.cwd, "");
	cr_assert_str_eq(p.project_root, "/Users/dev/src");
	arena_free(&strings);
}

Test(darwin_convert, procargs2_buffers)
{
	char out[PROC_CMDLINE_MAX];
	char buf[] = "\0\0\0\0/usr/local/bin/node\0\0\0\0\0\0node\0server.js\0--port=3000\0"
	             "PATH=/usr/bin\0SECRET=x\0";
	int argc = 3;
	memcpy(buf, &argc, sizeof argc);
	darwin_args_to_cmdline(buf, sizeof buf, out, sizeof out);
	cr_assert_str_eq(out, "node server.js --port=3000", "the environment is never read");

	argc = 9; /* more than the buffer holds: the whole arguments that are there */
	memcpy(buf, &argc, sizeof argc);
	darwin_args_to_cmdline(buf, 4 + 20 + 6 + 5 + 10, out, sizeof out);
	cr_assert_str_eq(out, "node server.js");

	argc = 2; /* trailing empty arguments (a rewritten title) are dropped */
	char padded[] = "\0\0\0\0/bin/x\0x\0\0";
	memcpy(padded, &argc, sizeof argc);
	darwin_args_to_cmdline(padded, sizeof padded, out, sizeof out);
	cr_assert_str_eq(out, "x");

	darwin_args_to_cmdline("\1\0", 2, out, sizeof out);
	cr_assert_str_eq(out, "", "shorter than argc");
	darwin_args_to_cmdline(NULL, 0, out, sizeof out);
	cr_assert_str_eq(out, "");

	char big[8192];
	memset(big, 'y', sizeof big);
	argc = 1;
	memcpy(big, &argc, sizeof argc);
	memcpy(big + 4, "/y\0y", 4);
	big[sizeof big - 1] = '\0';
	darwin_args_to_cmdline(big, sizeof big, out, sizeof out);
	cr_assert(strlen(out) < sizeof out);
	cr_assert(strstr(out, "…"), "a long command line is cut with an ellipsis");
}

Test(darwin_convert, connections_accepted_on_a_listener)
{
	struct socket_fdinfo lis = tcp_listen(AF_INET6, INI_IPV4 | INI_IPV6, "::", 8000);
	struct listener l;
	cr_assert(darwin_listener_from_socket(&lis, &l));
	/* accepted sockets inherit the listener's family: an IPv4 client arrives v4-mapped */
	struct socket_fdinfo v6 = tcp_socket(AF_INET6, INI_IPV6, "::1", 8000, TSI_S_ESTABLISHED);
	struct socket_fdinfo v4 =
	    tcp_socket(AF_INET6, INI_IPV4, "127.0.0.1", 8000, TSI_S_ESTABLISHED);
	struct socket_fdinfo client =
	    tcp_socket(AF_INET6, INI_IPV6, "::1", 52000, TSI_S_ESTABLISHED); /* the other end */
	cr_assert(darwin_connection_of(&v6, &l));
	cr_assert(darwin_connection_of(&v4, &l));
	cr_assert_not(darwin_connection_of(&client, &l));
	cr_assert_not(darwin_connection_of(&lis, &l), "the listening socket is no connection");

	struct socket_fdinfo lo = tcp_listen(AF_INET, INI_IPV4, "127.0.0.1", 3000);
	cr_assert(darwin_listener_from_socket(&lo, &l));
	struct socket_fdinfo same =
	    tcp_socket(AF_INET, INI_IPV4, "127.0.0.1", 3000, TSI_S_ESTABLISHED);
	struct socket_fdinfo other =
	    tcp_socket(AF_INET, INI_IPV4, "10.0.0.2", 3000, TSI_S_ESTABLISHED);
	cr_assert(darwin_connection_of(&same, &l));
	cr_assert_not(darwin_connection_of(&other, &l), "another address's listener");
}
