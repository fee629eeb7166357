/* linux_extra.h - the Linux backend's process handles (linux_kill.c) and what inspect and kill ask
 * besides the snapshot (linux_inspect.c): established connections, free ports, the HTTP check.
 * These fill the optional entries of the backend's platform_ops (platform.h); they work on the
 * live system whatever proc_root says: a pidfd only exists for real processes. (The systemd unit
 * is read under the proc root: cgroup_unit.h, through linux_backend.c.)
 */
#ifndef DEVPORTS_LINUX_EXTRA_H
#define DEVPORTS_LINUX_EXTRA_H

#include <stdbool.h>
#include <stddef.h>

#include "platform.h"

/* platform_ops entries; impl (the backend) is not used. */
int linux_proc_open(void *impl, const struct proc_ident *who, void **proc);
int linux_proc_signal(void *impl, void *proc, int sig);
int linux_proc_wait(void *impl, void *proc, int timeout_ms);
void linux_proc_close(void *impl, void *proc);
int linux_connections(void *impl, const struct listener *l, int *count);
int linux_tcp_port_free(void *impl, uint16_t port);
int linux_http_check(void *impl, const struct listener *l, int timeout_ms, struct http_check **out);

/* For benchmarks: the CPU time (ms) the last platform_collect() on p spent in its socket dumps
 * (netlink, or the /proc/net tables); -1 when p is not the Linux backend. */
double linux_dumps_ms(struct platform *p);
/* For benchmarks: the owner cache's counters (owners.h), or NULL when p is not the Linux
 * backend. */
struct owners_stats;
const struct owners_stats *linux_owners_stats(struct platform *p);
/* For tests: what became of the owner cache's file (platform_opts.cache_dir): with written
 * false, at open ("used", or why it was not: "missing", "a symlink", "from another boot"...);
 * with written true, at the last write ("written", or why not). NULL when not known (no
 * cache, no collect yet) or when p is not the Linux backend. */
const char *linux_cache_result(struct platform *p, bool written);

/* Pure: walks one received datagram of a TCP sock_diag dump (states ESTABLISHED) with
 * sockdiag_walk and adds to *count every connection accepted on l's port and address (any address
 * of l's family when l is a wildcard). 1 when the dump ended, 0 when more follows, or a negative
 * errno (the reply's error, -EBADMSG). */
int linux_conn_parse(const void *buf, size_t len, const struct listener *l, int *count);

#endif
