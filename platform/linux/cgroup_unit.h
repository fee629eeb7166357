/* cgroup_unit.h - the systemd service a process runs in, from /proc/PID/cgroup. One parser for
 * the snapshot (procinfo.c reads it with every full read of a process), inspect and the kill
 * engine's respawn hint (platform_service_unit). */
#ifndef DEVPORTS_CGROUP_UNIT_H
#define DEVPORTS_CGROUP_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Bytes of /proc/PID/cgroup read at most (cgroup v1 lists a dozen hierarchies). */
enum { CGROUP_TEXT_MAX = 4096 };

/* Pure: the systemd service in text[0..len) of a cgroup file: cgroup v2
 * "0::/system.slice/x.service" or v1's systemd hierarchy "1:name=systemd:/...". The innermost path
 * element that ends in
 * ".service" and is not a user manager (user@UID.service); scopes (login sessions, terminals,
 * tmux-spawn-*.scope) and slices are never units. *user is true when the unit sits under a user
 * manager (systemctl --user). A line without its newline at the end of a full buffer is cut:
 * when cut is true it is skipped. 0, or -ENOENT (a scope, a session, no systemd, garbage); unit
 * (cap > 0) is sanitized (sanitize.h) and NUL-terminated, "" on -ENOENT. */
int cgroup_unit_parse(const char *text, size_t len, bool cut, char *unit, size_t cap, bool *user);

/* Reads PID/cgroup under procfd (a proc root directory) and parses it. 0, -ENOENT (in no
 * service), -ESRCH (gone), -EACCES; unit as above. A plain file read: safe on any thread. */
int cgroup_unit_read(int procfd, pid_t pid, char *unit, size_t cap, bool *user);

#endif
