/* listener.h - the value types: a process, and a listener (one protocol, address and port, the
 * sockets on it and the processes holding them). A snapshot (snapshot.h) holds each process once
 * and its listeners point at them.
 *
 * All text fields are already sanitized (sanitize.h) when a backend fills them: views and sinks
 * print them as they are.
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

/* Bounds on text read from the system (a backend cuts longer text with "…"); the strings of a
 * proc_info are as long as they are, these only bound what is read. */
enum { PROC_COMM_MAX = 64, PROC_USER_MAX = 33, PROC_CMDLINE_MAX = 1024, PROC_PATH_MAX = 512 };

/* What we know about one process. Strings are sanitized UTF-8, never NULL ("" when unknown), and
 * belong to whoever filled the struct: a snapshot's arena (snapshot.h), a listener_clone(), or the
 * caller's arena (platform_process). */
struct proc_info {
	struct proc_ident id;
	pid_t ppid;
	uint32_t uid;        /* effective uid */
	int64_t start_time;  /* start as seconds since the epoch; 0 when unknown */
	uint64_t rss_kib;    /* resident set size */
	int threads;         /* 0 when unknown */
	const char *comm;    /* command name */
	const char *user;    /* effective user name, or the uid as digits */
	const char *cmdline; /* arguments joined by spaces; cut with "…" when longer */
	const char *cwd;     /* working directory; "" when unreadable */
	const char *exe;     /* executable path; "" when unreadable */
	/* The project the process works in: the nearest parent of cwd (or cwd itself) that holds
	 * .git, package.json, pyproject.toml, Cargo.toml, go.mod, Gemfile, composer.json,
	 * requirements.txt, Pipfile or .devports.yml/.yaml/.json; "" when there is none. Filled by
	 * the platform layer (platform/common/project_root.h). */
	const char *project_root;
	/* The service unit that runs the process (systemd: "postgresql@15-main.service"; a user
	 * unit too, never a login session's or a terminal's scope); "" when it runs in none or it
	 * cannot be known. Filled by the backend. */
	const char *unit;
	/* What the project's manifest says the process is, when it runs the project's code:
	 * "Express", and where that was read: "package.json: express". "" for none. Filled by the
	 * platform layer (platform/common/manifest.h). */
	const char *manifest;
	const char *manifest_from;
	/* Filled by snapshot_finish from the process table (lineage.h): the label of a parent whose
	 * rule passes it to its workers and reloaded children ("Uvicorn"), that parent's command
	 * name ("uvicorn"), and the package script that started the process ("npm start",
	 * "pnpm dev"). "" for none. */
	const char *parent_label;
	const char *parent_from;
	const char *launcher;
	/* A hash of every field above but rss_kib and threads (what labels and hints read), set by
	 * snapshot_finish: equal fingerprints, same annotation. A backend that keeps its processes
	 * may set it to proc_fingerprint_base() when it adds one (computed when the data changed,
	 * not at every poll); snapshot_finish then adds the fields from project_root on. 0: not
	 * computed. */
	uint64_t fingerprint;
};

/* p's strings, in this order: comm, user, cmdline, cwd, exe (what a backend reads), then
 * project_root, unit, manifest, manifest_from, parent_label, parent_from, launcher (what is
 * worked out about it). */
enum { PROC_READ_STRINGS = 5, PROC_STRINGS = 12 };
void proc_info_strings(struct proc_info *p, const char **out[PROC_STRINGS]);

/* *src into *dst (they may be the same), its strings copied into a (NULL ones become ""). 0 or
 * -ENOMEM (dst's strings then partly point at src's). */
struct arena;
int proc_info_copy(struct proc_info *dst, const struct proc_info *src, struct arena *a);

/* The hash stored in fingerprint (snapshot_finish sets it): the base (the ids and the strings a
 * backend reads; never 0), finished with the strings worked out about the process (project_root
 * on). */
uint64_t proc_fingerprint(const struct proc_info *p);
uint64_t proc_fingerprint_base(const struct proc_info *p);
uint64_t proc_fingerprint_finish(uint64_t base, const struct proc_info *p);

/* Why a listener's owner is not known (listener.owner_why). Each case has its own words. */
enum owner_unknown {
	OWNER_KNOWN = 0,
	OWNER_NOT_READABLE, /* another user's process and devports is not root: "run with sudo" */
	OWNER_NOT_FOUND,    /* not found yet: the search is still going or backing off */
	OWNER_UNREADABLE,   /* not readable even as root (another pid namespace, a restricted /proc)
	                     */
	OWNER_UNKNOWN_COUNT
};
/* "hidden — run with sudo", "not found yet", "not readable": short words for a cell. */
extern const char *const owner_unknown_short[OWNER_UNKNOWN_COUNT];
/* "known", "not_readable", "not_found", "unreadable": for JSON. */
extern const char *const owner_unknown_keys[OWNER_UNKNOWN_COUNT];
/* One sentence for inspect, kill and `who`. */
extern const char *const owner_unknown_text[OWNER_UNKNOWN_COUNT];

/* The container a port forwards into, as the container engine's API describes it: the row is
 * held by docker-proxy, or by Podman's rootlessport or conmon. Strings sanitized, never NULL.
 * When the engine could not say, name is "" and why says why ("no Docker socket at
 * /var/run/docker.sock"); why is "" otherwise. */
struct container_info {
	const char *engine; /* "docker", "podman" */
	const char *id;     /* the container's full id */
	const char *name;   /* "web" */
	const char *image;  /* "nginx:1.25" */
	const char *why;    /* "" when known */
	uint16_t port;      /* the container's port the row forwards to; 0 when not known */
};

struct tmux_pane; /* panes.h */

/* One row of every view: a (protocol, family, address, port), with every socket on it merged (a
 * pre-fork server's inherited socket, an SO_REUSEPORT group) and every process holding any of
 * them. 127.0.0.1 and ::1 are two rows. A backend also uses it for one socket as the kernel lists
 * it, before the snapshot merges (snapshot_add_socket): then only the socket's fields are read. */
struct listener {
	uint8_t proto;    /* enum listener_proto */
	uint8_t family;   /* enum listener_family */
	uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes, the rest zero */
	uint16_t port;    /* host order */
	bool v6only;      /* a [::] listener that does not also serve IPv4 */
	bool
	    owner_hidden; /* no holder could be read: proc is a stand-in with pid 0, uid and user */
	uint8_t owner_why; /* enum owner_unknown: OWNER_KNOWN unless owner_hidden */
	uint32_t uid;      /* socket's uid (from the kernel, always known) */
	uint64_t inode;    /* the lowest socket inode, 0 when unknown */
	uint32_t nsockets; /* sockets merged into the row (1 for most) */
	uint32_t nholders; /* processes holding them: 0 when owner_hidden */
	/* The lead holder, the one a kill signals: the ancestor among the holders, else the oldest.
	 * Never NULL in a row of a snapshot or a clone. */
	const struct proc_info *proc;
	const struct proc_info *const *holders; /* nholders entries, lead first, then by pid */
	/* For a row held by a container proxy (docker-proxy, rootlessport, conmon) on a native
	 * backend: the container it forwards into, or why it is not known (filled by the platform
	 * layer after the merge, platform/common/containers.h); NULL for every other row. */
	const struct container_info *container;
	/* The tmux pane whose process tree holds the row's lead (or another holder), on a native
	 * backend with a tmux server (filled by the platform layer after the merge, panes.h);
	 * NULL for every other row. */
	const struct tmux_pane *pane;
};

/* Stable key order: proto, family, address, port. */
int listener_key_cmp(const struct listener *a, const struct listener *b);
/* Whether a and b are one socket address: the same key. */
static inline bool listener_same_key(const struct listener *a, const struct listener *b)
{
	return listener_key_cmp(a, b) == 0;
}

/* What holder i of l is to the others: the parent of workers that hold the socket too, a worker
 * (its parent holds it), or a holder on its own (a process the socket was passed to). */
enum holder_role { ROLE_HOLDER = 0, ROLE_PARENT, ROLE_WORKER, HOLDER_ROLE_COUNT };
extern const char *const listener_role_names[HOLDER_ROLE_COUNT]; /* "holder", "parent", "worker" */
enum holder_role listener_holder_role(const struct listener *l, size_t i);

/* The PROCESS cell: the lead's command name, "node ×3" when three processes share the socket;
 * for an unknown owner its short reason ("hidden", "not found yet", "not readable"). */
void listener_process_str(const struct listener *l, char *buf, size_t len);

/* The container line of inspect and `who`: "web · nginx:1.25 · port 80/tcp · docker", or
 * "not known — no Docker socket at /var/run/docker.sock". */
enum { LISTENER_CONTAINER_STR_MAX = 512 };
void listener_container_str(const struct container_info *c, const struct listener *l, char *buf,
                            size_t len);

/* Whether pid is one of l's holders. */
bool listener_held_by(const struct listener *l, pid_t pid);

/* A copy of l that owns everything it points to (its holders' data and their strings), in one
 * malloc'd block that starts with the listener: free() it. For what outlives a snapshot (a
 * tombstone, the inspected row, a kill's target). NULL when out of memory. */
struct listener *listener_clone(const struct listener *l);

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

#endif
