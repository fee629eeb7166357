/* darwin_structs.h - TEST DOUBLE. Not Apple's header, and not a copy of it.
 *
 * Linux has no macOS SDK, so the darwin conversion code (platform/darwin/darwin_convert.c) is
 * compiled here against this file instead of <sys/proc_info.h> and <libproc.h> when
 * DEVPORTS_DARWIN_STRUCTS_DOUBLE is defined (tests/CMakeLists.txt does that for
 * test_darwin_convert only). It declares just the structs, fields and constants the conversion
 * reads, under the names the SDK documents, with a layout of our own: the tests fill the fields by
 * name, so only the names and the meaning of each value have to match the SDK, never the offsets.
 * Field meanings, as the conversion relies on them:
 *   - ports (insi_lport, insi_fport) are ints holding a 16-bit port in network byte order;
 *   - insi_vflag says which IP versions the socket serves (INI_IPV4, INI_IPV6 or both);
 *   - an IPv4 address sits in the last 4 of the 16 address bytes (ina_46.i46a_addr4), an IPv6
 *     address fills all 16 (ina_6);
 *   - names (pbi_comm, pbi_name, vip_path) are NUL-terminated unless they fill their array;
 *   - soi_so identifies the socket: a socket inherited across fork has one soi_so in every holder.
 * The real build on macOS never sees this file.
 */
#ifndef DEVPORTS_TEST_DARWIN_STRUCTS_H
#define DEVPORTS_TEST_DARWIN_STRUCTS_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/types.h>

/* insi_vflag bits */
#define INI_IPV4 0x1
#define INI_IPV6 0x2

/* tcpsi_state values the tests use */
#define TSI_S_CLOSED 0
#define TSI_S_LISTEN 1
#define TSI_S_ESTABLISHED 4

/* soi_kind values */
enum { SOCKINFO_GENERIC = 0, SOCKINFO_IN = 1, SOCKINFO_TCP = 2, SOCKINFO_UN = 3 };

struct in4in6_addr {
	uint32_t i46a_pad32[3]; /* the IPv4 address is the last 4 bytes */
	struct in_addr i46a_addr4;
};

union double_in_addr {
	struct in4in6_addr ina_46;
	struct in6_addr ina_6;
};

struct in_sockinfo {
	int insi_fport;     /* foreign port, network order */
	int insi_lport;     /* local port, network order */
	uint8_t insi_vflag; /* INI_IPV4 | INI_IPV6 */
	union double_in_addr insi_faddr;
	union double_in_addr insi_laddr;
};

struct tcp_sockinfo {
	struct in_sockinfo tcpsi_ini;
	int tcpsi_state; /* TSI_S_* */
};

struct vinfo_stat {
	uid_t vst_uid; /* for a socket: the uid that created it */
};

struct socket_info {
	struct vinfo_stat soi_stat;
	uint64_t soi_so;  /* the socket itself: the same in every process holding it */
	int soi_type;     /* SOCK_STREAM, SOCK_DGRAM */
	int soi_protocol; /* IPPROTO_TCP, IPPROTO_UDP */
	int soi_family;   /* AF_INET, AF_INET6 (this system's values) */
	int soi_kind;     /* SOCKINFO_* : which member of soi_proto is valid */
	union {
		struct in_sockinfo pri_in;   /* SOCKINFO_IN */
		struct tcp_sockinfo pri_tcp; /* SOCKINFO_TCP */
	} soi_proto;
};

struct socket_fdinfo {
	struct socket_info psi;
};

struct proc_bsdinfo {
	uint32_t pbi_ppid;
	uid_t pbi_uid;     /* effective uid */
	char pbi_comm[16]; /* short command name */
	char pbi_name[32]; /* longer name; may be empty */
	uint64_t pbi_start_tvsec;
	uint64_t pbi_start_tvusec;
};

struct proc_bsdshortinfo {
	uint32_t pbsi_ppid;
	uid_t pbsi_uid;
	char pbsi_comm[16];
};

struct proc_taskinfo {
	uint64_t pti_resident_size; /* bytes */
	int32_t pti_threadnum;
};

struct vnode_info_path {
	char vip_path[1024];
};

struct proc_vnodepathinfo {
	struct vnode_info_path pvi_cdir; /* the working directory */
};

#endif
