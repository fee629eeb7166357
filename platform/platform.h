/* platform.h - the one contract every backend implements.
 *
 * Exactly one OS backend is compiled (platform/linux, platform/darwin or platform/unsupported,
 * chosen by CMake from CMAKE_SYSTEM_NAME) plus the fake backend (platform/fake), which plays a JSON
 * scenario and is chosen at run time. The core and the UI call these functions only.
 *
 * Rules for every function: return 0 or a negative errno; never print; never exit. A process that
 * vanishes while it is read is skipped, not an error. An owner that cannot be read (EACCES) is kept
 * with listener.owner_hidden set, never dropped.
 */
#ifndef DEVPORTS_PLATFORM_H
#define DEVPORTS_PLATFORM_H

#include "listener.h"

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

/* One snapshot: every listening TCP socket and every bound, unconnected UDP socket, IPv4 and IPv6,
 * one entry per owning pid. Replaces out's content; order is unspecified (snapshot_take sorts). */
int platform_collect(struct platform *p, struct listener_set *out);

/* Full data for one process (for inspect and kill). -ESRCH when it is gone, -EACCES when hidden. */
int platform_process(struct platform *p, pid_t pid, struct proc_info *out);

/* Frees everything; *p becomes NULL. NULL-safe. */
void platform_close(struct platform **p);

/* What a backend provides; platform.c dispatches to one of these. */
struct platform_ops {
	const char *(*name)(void *impl);
	int (*collect)(void *impl, struct listener_set *out);
	int (*process)(void *impl, pid_t pid, struct proc_info *out);
	const char *(*error)(void *impl);
	void (*close)(void *impl);
};

/* The backend handle behind p when p runs on `ops`, else NULL: for a backend's own extra
 * functions (e.g. platform_fake_seek). */
void *platform_backend(struct platform *p, const struct platform_ops *ops);

/* Each backend's constructor: fills *impl and *ops. */
int platform_native_open(const struct platform_opts *opts, void **impl, const struct platform_ops **ops);
int platform_fake_open(const struct platform_opts *opts, void **impl, const struct platform_ops **ops);

#endif
