/* platform.h - the one contract every backend implements.
 *
 * Exactly one OS backend is compiled (platform/linux, platform/darwin or platform/unsupported,
 * chosen by CMake from CMAKE_SYSTEM_NAME) plus the fake backend (platform/fake), which plays a JSON
 * scenario and is chosen at run time. The core and the UI call these functions only.
 *
 * Rules for every function: return 0 or a negative errno; never print; never exit. A process that
 * vanishes while it is read is skipped, not an error. A socket whose owner cannot be read (EACCES)
 * is kept with no holder and the reason (enum owner_unknown), never dropped.
 */
#ifndef DEVPORTS_PLATFORM_H
#define DEVPORTS_PLATFORM_H

#include "listener.h"
#include "snapshot.h"

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum platform_kind {
	PLATFORM_NATIVE = 0, /* the OS backend */
	PLATFORM_FAKE = 1,   /* a JSON scenario (tests, --demo, screenshots) */
};

struct platform_opts {
	enum platform_kind kind;
	/* Native, Linux: where /proc is ("/proc" when NULL); tests point it at recorded files. */
	const char *proc_root;
	/* Native, Linux: skip netlink and read /proc/net tables (also the automatic fallback). */
	bool force_proc_net;
	/* Fake: the scenario file; NULL plays the built-in demo scenario. */
	const char *scenario_path;
	/* Fake: 0 plays each step at its "at" time; > 0 shows step k from k x this many seconds. */
	double scenario_step_seconds;
	/* Fake: the wall-clock second playback starts at (process start times count from it);
	 * 0 = now. Golden tests fix it so uptimes read the same on every run. */
	int64_t scenario_epoch;
	/* Native: the folder of the owner cache (platform/common/cache_file.h; the CLI passes
	 * cache_dir_resolve()'s), which lets a one-shot run verify what the last run found instead
	 * of reading every process; NULL: no cache, nothing read or written. Linux only for now. */
	const char *cache_dir;
	/* 0, or the one port the snapshots are about (`who PORT`): they hold every socket on it,
	 * and a backend may leave the others out to skip reading their processes (Linux does). */
	uint16_t only_port;
	/* Native: how long a one-shot command's first platform_collect() that finds a container
	 * proxy (docker-proxy, rootlessport, conmon) may wait for the container engine's answer,
	 * asked on the caller's thread (the CLI passes 500 for `--json`, `list`, `who`...); 0:
	 * never wait, ask on a thread of its own and use its last answer (the dashboard). See
	 * platform/common/containers.h. */
	int containers_wait_ms;
	/* Native: how long a one-shot command's first platform_collect() may wait for tmux's list
	 * of panes (the CLI passes 300 for `--json`, `list`, `who`); 0: never wait, collect the
	 * answer over later calls (the dashboard). See platform/common/tmux_query.h. */
	int tmux_wait_ms;
};

struct platform;

/* Opens a backend. On success *out is set and must be closed with platform_close().
 * Errors: -ENOSYS (platform not supported), -ENOENT/-EINVAL (fake: scenario missing/malformed; see
 * platform_error()), -ENOMEM. On error *out may still be set so platform_error() can explain; it
 * must be closed too. */
int platform_open(struct platform **out, const struct platform_opts *opts);

/* A short name for the status bar: "linux netlink", "linux /proc", "demo". Never NULL. */
const char *platform_name(const struct platform *p);

/* A human message for the last error (e.g. "scenario.json:3:14: expected ','"), or "" if none. */
const char *platform_error(const struct platform *p);

/* One snapshot (snapshot.h): every listening TCP socket and every bound, unconnected UDP socket,
 * IPv4 and IPv6, with the processes holding them, merged into rows by (protocol, address, port)
 * and sorted. On a native backend a row held by a container proxy has listener.container set: the
 * container from the engine's API (DOCKER_HOST=unix://PATH, /var/run/docker.sock, Podman's
 * socket), or why it is not known; and a row whose holder runs in a tmux pane has listener.pane
 * set, from tmux's last answer (asked at most every 3 s, never waited for in the dashboard:
 * platform_tmux_status). Replaces out's content (its memory is reused); on error out is left empty.
 * The rows of a snapshot that a model reads (model_apply) stay valid while out is not collected
 * into again. */
int platform_collect(struct platform *p, struct snapshot *out);

/* Full data for one process (for inspect and kill), project_root included; its strings go into
 * `strings` (they live until it is reset or freed). -ESRCH when it is gone, -EACCES when hidden.
 */
int platform_process(struct platform *p, pid_t pid, struct arena *strings, struct proc_info *out);

/* Frees everything; *p becomes NULL. NULL-safe. Every platform_proc and http_check opened on p
 * must be closed first. */
void platform_close(struct platform **p);

/* ---- Signalling one process, never a recycled pid ---- */

/* One process, pinned: while the handle is open, signals reach that process or nobody, even if
 * its pid is reused (Linux: a pidfd). */
struct platform_proc;

/* Opens who->pid after checking it is still the process that was recorded: same start ticks.
 * Returns 0 and sets *out, or a negative errno with *out NULL: -ESRCH (it is gone), -ESTALE (the
 * pid now belongs to another process: refuse), -EPERM/-EACCES, -ENOSYS, -ENOMEM, -EMFILE. */
int platform_proc_open(struct platform *p, const struct proc_ident *who,
                       struct platform_proc **out);
/* Sends sig (0 only checks that it runs). 0, -ESRCH (already gone), -EPERM (another user's
 * process), -EINVAL (no such signal). */
int platform_proc_signal(struct platform_proc *h, int sig);
/* Waits up to timeout_ms (0: only looks) for the process to exit. 0 when it has exited,
 * -ETIMEDOUT while it runs. Never longer than timeout_ms. */
int platform_proc_wait(struct platform_proc *h, int timeout_ms);
/* Releases the handle (the process is not touched); *h becomes NULL. NULL-safe. */
void platform_proc_close(struct platform_proc **h);

/* ---- What inspect and kill want to know besides the snapshot ---- */

/* How many established TCP connections listener l has accepted right now, into *count.
 * 0, -EINVAL (l is UDP), -ENOSYS, or the error of the source (netlink). */
int platform_connections(struct platform *p, const struct listener *l, int *count);

/* The service-manager unit pid runs in (systemd: "nginx.service"), for "systemctl stop UNIT";
 * *user is true for a user unit (systemctl --user). 0, -ENOENT (not in a service unit), -ESRCH,
 * -EACCES, -ENOSYS. unit is always NUL-terminated, sanitized, "" on error. */
int platform_service_unit(struct platform *p, pid_t pid, char *unit, size_t len, bool *user);

/* What the container engine last said, for a row held by a container proxy: 0 when it answered
 * (why: "docker answered on /var/run/docker.sock"), or why not, in words into why (always
 * NUL-terminated): -EAGAIN (not asked yet: no container proxy so far, or no answer yet), -ENOENT
 * (no socket), -EACCES (permission denied on the socket), -ECONNREFUSED, -ETIMEDOUT, -EMSGSIZE,
 * -EBADMSG (a malformed answer), -EPROTO (an HTTP error), -EPROTONOSUPPORT (a DOCKER_HOST that
 * is not unix://), -ENOTSUP (no libcurl), -ENOSYS (no engine is asked: the fake backend, an
 * unsupported system). */
int platform_containers_status(struct platform *p, char *why, size_t len);

/* ---- tmux: the pane a listener runs in (panes.h) ---- */

/* What tmux last said: 0 when its server answered (a row in no pane is then in no pane), or why
 * not, in words into why (always NUL-terminated): -EAGAIN (not asked yet, no answer yet),
 * -ENOENT (no tmux server: no socket at $TMUX's, or at $TMUX_TMPDIR or /tmp's tmux-UID/default),
 * -ENOEXEC (tmux could not be run), -ETIMEDOUT, -EIO (tmux failed), -EMSGSIZE, -ENOMEM, -ENOSYS
 * (no tmux is asked: the fake backend). */
int platform_tmux_status(struct platform *p, char *why, size_t len);

/* Moves background work on without blocking: reads what a tmux query under way wrote, reaps it,
 * kills it at its time-out, starts the next one when due; reaps the browsers that have ended.
 * platform_collect does it too; a loop that may go long between collects (a long interval, a pause)
 * calls it at every turn, so that a stuck tmux is ended on time whatever the interval. NULL-safe;
 * nothing on the fake backend. */
void platform_tick(struct platform *p);

/* Switches the tmux client devports runs in to pane (a row's listener.pane): its window and the
 * pane are selected, and the client switched to its session, by the pane's id alone; waits at
 * most 1 s. 0 (why: "switched to tmux pane work:2.1"), or why not, in words, checked in this
 * order: -ENOSYS (the fake backend), -ENOTTY (not inside tmux: $TMUX unset), -ENOENT (no tmux
 * server), -ESRCH (pane is NULL: the row's process is in no tmux pane), -ENOEXEC (tmux could not
 * be run), -ETIMEDOUT, -EIO ("tmux: " and its error). */
int platform_tmux_switch(struct platform *p, const struct tmux_pane *pane, char *why, size_t len);

/* ---- The browser ---- */

/* Opens url (row_url.h's, passed as one argument, as it is) in the user's browser: the first of
 * $BROWSER's ':'-separated programs that starts, else xdg-open (open on macOS), run without a
 * shell, in a process group of its own, on /dev/null, never waited for (platform_tick reaps it;
 * one still running at platform_close runs on). 0 (why: "opened http://localhost:8000/ with
 * xdg-open"), or why not in words: -ENOSYS (the fake backend: "a demo opens no browser"),
 * -ENOENT ("no browser: set $BROWSER or install xdg-utils"), -EAGAIN (too many still
 * starting), -EINVAL, another errno of posix_spawnp. See platform/common/url_open.h. */
int platform_open_url(struct platform *p, const char *url, char *why, size_t len);

/* Shows text (a watched port's change) on the tmux clients of the session devports runs in:
 * `tmux -S SOCKET display-message -d 5000 -- TEXT`, run without a shell and never waited for (it
 * is reaped by later platform_tick calls, killed after 1 s). '#' is doubled and control
 * characters become spaces, so that tmux shows the text as it is and runs nothing. 0 (started),
 * -ENOSYS (the fake backend), -ENOTTY (not inside tmux: $TMUX unset), -ENOENT (no tmux server),
 * -EBUSY (4 messages are still under way), -ENOEXEC (tmux could not be run). */
int platform_tmux_message(struct platform *p, const char *text);

/* Whether TCP port could be bound right now on 127.0.0.1, ::1, 0.0.0.0 and :: (real bind()
 * attempts, with SO_REUSEADDR as servers set it; an address family the machine lacks is
 * skipped). 0 free, -EADDRINUSE held, -EACCES (a privileged port), another negative errno. */
int platform_tcp_port_free(struct platform *p, uint16_t port);

/* ---- An HTTP check: "does this port answer HTTP?" (GET / on loopback, never blocking) ---- */

struct http_check; /* one check under way or done */

enum http_outcome {
	HTTP_PENDING = 0, /* still running */
	HTTP_ANSWERED,    /* a status line came back: status, reason, ms */
	HTTP_TIMEOUT,     /* nothing within the time limit */
	HTTP_REFUSED,     /* nobody accepts connections there */
	HTTP_NOT_HTTP,    /* something answered, but not HTTP */
	HTTP_CLOSED,      /* the connection closed (or reset) without an answer */
	HTTP_FAILED,      /* anything else: the text says what */
};

enum { HTTP_REASON_MAX = 64, HTTP_TEXT_MAX = 160, HTTP_URL_MAX = 64 };

struct http_result {
	enum http_outcome outcome;
	int status;                   /* HTTP_ANSWERED: 200 */
	char reason[HTTP_REASON_MAX]; /* HTTP_ANSWERED: "OK" (sanitized; may be "") */
	double ms;                    /* HTTP_ANSWERED: from the start to the status line */
	char url[HTTP_URL_MAX];       /* "http://127.0.0.1:3000/" */
	/* One line for people: "200 OK in 12 ms", "no HTTP answer in 1 s", "connection refused",
	 * "checking…" while pending. */
	char text[HTTP_TEXT_MAX];
};

/* Does what can be done without waiting. Returns true once the result is final. */
bool http_check_step(struct http_check *c);

/* Waits at most timeout_ms until the check's socket or extra_fd (-1: none) is ready, then steps.
 * Returns true when extra_fd became readable (the caller has input to read). */
bool http_check_wait(struct http_check *c, int extra_fd, int timeout_ms);

/* The result so far (outcome HTTP_PENDING until it is final). Never NULL. */
const struct http_result *http_check_result(const struct http_check *c);

/* Stops the check if it still runs and frees it; *c becomes NULL. NULL-safe. Never blocks. */
void http_check_free(struct http_check **c);

/* Starts an HTTP check of l: GET / to its loopback address (an IPv4 wildcard is checked on
 * 127.0.0.1, an IPv6 one on ::1), giving up after timeout_ms. 0 and *out set (close it with
 * http_check_free), or -ENOSYS where the platform has no network (the fake backend), -EINVAL
 * for UDP, -EADDRNOTAVAIL when l listens on no loopback or wildcard address, -ENOMEM. */
int platform_http_check(struct platform *p, const struct listener *l, int timeout_ms,
                        struct http_check **out);

/* ---- A project's settings files: .devports.yml / .devports.json, healthcheck.yml ---- */

struct cJSON;

enum project_file_kind {
	PROJECT_FILE_MAP = 0, /* .devports.yml, .devports.yaml, .devports.json: ports of projects */
	PROJECT_FILE_HEALTH,  /* healthcheck.yml, healthcheck.yaml: health checks */
	PROJECT_FILE_KIND_COUNT
};

struct project_file {
	enum project_file_kind kind;
	const char *dir;  /* the folder it lies in */
	const char *path; /* dir, '/', its name */
	const struct cJSON
	    *doc;          /* its tree (YAML and JSON alike); NULL when it could not be read */
	const char *error; /* why not ("PATH:3:1: invalid YAML: ..."), sanitized; "" with a doc */
};

/* Calls each(f, ctx) for every settings file in cwd and cwd's own project root (cwd may be
 * NULL), then in the project folders of s's listeners (their holders' proc_info.project_root; s
 * may be NULL), each folder once, in that order. Files are looked at at most every 2 s and read
 * again only when they changed (platform/common/project_files.h), so a call costs a lookup per
 * folder. f and what it points at are valid during the call only. Returns a hash of the files'
 * paths and stamps: two calls that return the same found the same files with the same content.
 * Works on every backend (the files are real files; a demo's folders usually hold none); p may
 * be NULL. */
uint64_t platform_project_files(struct platform *p, const struct snapshot *s, const char *cwd,
                                void (*each)(const struct project_file *f, void *ctx), void *ctx);

struct project_maps;
/* The project maps in effect (project_map.h) into out, emptied first: base's projects (the config
 * file's own; NULL: none), then those of every map file platform_project_files finds for s and
 * cwd; a file that could not be read or parsed adds its error to out's messages. Returns
 * platform_project_files' hash. */
uint64_t platform_project_maps(struct platform *p, const struct snapshot *s, const char *cwd,
                               const struct project_maps *base, struct project_maps *out);

/* ---- Health checks (health.h): run off the dashboard's turns, never blocking ---- */

struct health_board;
struct health_runner; /* the checks under way: at most HEALTH_IN_FLIGHT at once */

/* Gathers the health checks: the healthcheck.yml files platform_project_files() finds (s, cwd),
 * then the config's "health" section (config_health, the config file's tree; NULL: none), read
 * by health_spec.h into b (health_board_set: a check already there keeps its history). b's
 * messages are replaced: a file that could not be read or parsed is one error naming the file,
 * line and column, and the rest goes on. Only when the files changed since the hash *seen (0 at
 * first; updated) or force: otherwise nothing is read. Returns whether b was set again. */
bool platform_health_load(struct platform *p, const struct snapshot *s, const char *cwd,
                          const struct cJSON *config_health, struct health_board *b, uint64_t *seen,
                          bool force);

/* Opens a runner: 0 and *out set, or -ENOSYS (the fake backend: a demo sends nothing), -ENOMEM.
 * The checks go through libcurl's multi interface (loaded on first use: curl_lib.h), http and
 * response_time as GET or HEAD with no proxy and no redirect, tcp as a bare connection; times are
 * libcurl's own (time to the first byte of the answer, or to the connection), not the loop's. */
int platform_health_open(struct platform *p, struct health_runner **out);
/* Starts b's checks that are due at monotonic now (HEALTH_IN_FLIGHT at most under way; with
 * b->once only those that have no result yet), moves those under way on without waiting, and
 * records the finished ones (health_board_record, `at` = wall). Returns true when a result was
 * recorded. A check that left the board meanwhile is dropped. */
bool health_runner_step(struct health_runner *r, struct health_board *b, double now, time_t wall);
/* Whether checks are under way. */
bool health_runner_busy(const struct health_runner *r);
/* Waits at most timeout_ms for the checks' sockets or extra_fd (-1: none) to be ready (steps
 * nothing). Returns true when extra_fd became readable. */
bool health_runner_wait(struct health_runner *r, int extra_fd, int timeout_ms);
/* Stops what is under way and frees; *r becomes NULL. NULL-safe. */
void health_runner_free(struct health_runner **r);

/* The one clock for intervals: seconds of CLOCK_MONOTONIC (since an arbitrary start). The core
 * library reads no clock; the dashboard, the CLI, the kill engine and the backends read this one
 * and pass the time on. */
double platform_monotonic(void);

/* The owner cache's folder for this user into out (for platform_opts.cache_dir):
 * $DEVPORTS_CACHE_DIR, else /run/devports for root, else $XDG_RUNTIME_DIR/devports,
 * $XDG_CACHE_HOME/devports or ~/.cache/devports. Returns 0 or a negative errno (no home). */
int platform_cache_dir(char *out, size_t len);

/* What a backend provides; platform.c dispatches to one of these. */
struct platform_ops {
	const char *(*name)(void *impl);
	/* Adds every socket and holder to out, which is reset (snapshot_add_socket,
	 * snapshot_add_process); the dispatcher finishes it. */
	int (*collect)(void *impl, struct snapshot *out);
	int (*process)(void *impl, pid_t pid, struct arena *strings, struct proc_info *out);
	const char *(*error)(void *impl);
	void (*close)(void *impl);
	/* Optional (NULL: -ENOSYS). A process handle is the backend's own pointer. */
	int (*proc_open)(void *impl, const struct proc_ident *who, void **proc);
	int (*proc_signal)(void *impl, void *proc, int sig);
	int (*proc_wait)(void *impl, void *proc, int timeout_ms);
	void (*proc_close)(void *impl, void *proc);
	int (*connections)(void *impl, const struct listener *l, int *count);
	int (*service_unit)(void *impl, pid_t pid, char *unit, size_t len, bool *user);
	int (*tcp_port_free)(void *impl, uint16_t port);
	int (*http_check)(void *impl, const struct listener *l, int timeout_ms,
	                  struct http_check **out);
};

/* The backend handle behind p when p runs on `ops`, else NULL: for a backend's own extra
 * functions (e.g. platform_fake_seek). */
void *platform_backend(struct platform *p, const struct platform_ops *ops);

/* Each backend's constructor: fills *impl and *ops. */
int platform_native_open(const struct platform_opts *opts, void **impl,
                         const struct platform_ops **ops);
int platform_fake_open(const struct platform_opts *opts, void **impl,
                       const struct platform_ops **ops);

#endif
