/* listener.h - the value type: one listening socket held by one process.
 *
 * A socket held by several processes (a pre-fork server) is several listeners, one per pid, so that
 * every row of every view is one (protocol, address, port, pid). All text fields are already
 * sanitized (sanitize.h) when a backend fills them: views and sinks print them as they are.
 */
#ifndef DEVPORTS_LISTENER_H
#define DEVPORTS_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum listener_proto { PROTO_TCP = 0, PROTO_UDP = 1 };
enum listener_family { FAMILY_V4 = 4, FAMILY_V6 = 6 };

/* Who a process is, for a kill that must not hit a recycled pid. */
struct proc_ident {
	pid_t pid;
	uint64_t start_ticks; /* kernel start time in clock ticks since boot (stat field 22) */
};

enum { PROC_COMM_MAX = 64, PROC_USER_MAX = 33, PROC_CMDLINE_MAX = 1024, PROC_PATH_MAX = 512 };

/* What we know about the owner of a socket. Strings are sanitized UTF-8, NUL-terminated. */
struct proc_info {
	struct proc_ident id;
	pid_t ppid;
	uint32_t uid;           /* effective uid */
	int64_t start_time;     /* start as seconds since the epoch; 0 when unknown */
	uint64_t rss_kib;       /* resident set size */
	int threads;            /* 0 when unknown */
	char comm[PROC_COMM_MAX];       /* command name */
	char user[PROC_USER_MAX];       /* effective user name, or the uid as digits */
	char cmdline[PROC_CMDLINE_MAX]; /* arguments joined by spaces; cut with "…" when longer */
	char cwd[PROC_PATH_MAX];        /* working directory; "" when unreadable */
	char exe[PROC_PATH_MAX];        /* executable path; "" when unreadable */
	/* The project the process works in: the nearest parent of cwd (or cwd itself) that holds
	 * .git, package.json, pyproject.toml, Cargo.toml, go.mod, Gemfile or composer.json; ""
	 * when there is none. Filled by the platform layer (platform/project_root.h). */
	char project_root[PROC_PATH_MAX];
};

struct listener {
	uint8_t proto;  /* enum listener_proto */
	uint8_t family; /* enum listener_family */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes, the rest zero */
	uint16_t port;    /* host order */
	bool v6only;      /* a [::] listener that does not also serve IPv4 */
	bool owner_hidden; /* the owner could not be read (another user's process): pid is 0 */
	uint64_t inode;   /* socket inode, 0 when unknown */
	uint32_t uid;     /* socket's uid (from the kernel, always known) */
	struct proc_info proc; /* the owner; only id.pid's uid and user are set when owner_hidden */
};

/* Stable key order: proto, family, address, port, pid. */
int listener_key_cmp(const struct listener *a, const struct listener *b);
/* True when everything but the key is the same too. */
bool listener_same(const struct listener *a, const struct listener *b);

/* Whether the address is the wildcard (0.0.0.0 or ::). */
bool listener_is_wildcard(const struct listener *l);
/* Whether the address is loopback (127.0.0.0/8, ::1, ::ffff:127.x). */
bool listener_is_loopback(const struct listener *l);
/* Formats the address alone: "127.0.0.1", "::1", "0.0.0.0", "::", "*" for a dual-stack [::]. */
void listener_addr_str(const struct listener *l, char *buf, size_t len);
const char *listener_proto_name(const struct listener *l); /* "tcp" / "udp" */

/* A growable array of listeners; owns its storage. A zeroed set is empty and valid. */
struct listener_set {
	struct listener *v;
	size_t n, cap;
};

/* Appends a copy of *l; returns a pointer to the stored copy, or NULL when out of memory. */
struct listener *listener_set_push(struct listener_set *s, const struct listener *l);
void listener_set_clear(struct listener_set *s); /* n = 0, keeps storage */
void listener_set_free(struct listener_set *s);  /* frees storage; the set is empty again */
void listener_set_sort(struct listener_set *s);  /* by key */
/* Copies src into dst (dst's old content is replaced). Returns 0 or -ENOMEM. */
int listener_set_copy(struct listener_set *dst, const struct listener_set *src);

#endif
