/* cgroup_unit.c - the systemd service of a process from its cgroup file (cgroup_unit.h). */
#include "cgroup_unit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "procdir.h"
#include "sanitize.h"

/* The path of one cgroup line: v2 "0::PATH", or v1's systemd hierarchy "N:name=systemd:PATH";
 * NULL for another hierarchy's line. */
static const char *cgroup_path(const char *line, size_t len, size_t *plen)
{
	static const char v2[] = "0::", v1[] = ":name=systemd:";
	const char *at = NULL;
	size_t n = 0;
	if (len >= sizeof v2 - 1 && memcmp(line, v2, sizeof v2 - 1) == 0) {
		at = line;
		n = sizeof v2 - 1;
	} else if ((at = memmem(line, len, v1, sizeof v1 - 1))) {
		n = sizeof v1 - 1;
	}
	if (!at)
		return NULL;
	*plen = len - (size_t)(at + n - line);
	return at + n;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n > k && memcmp(s + n - k, suffix, k) == 0;
}

/* The innermost service of one cgroup path (see cgroup_unit.h), or NULL. */
static const char *path_unit(const char *path, size_t plen, size_t *ulen, bool *user)
{
	const char *best = NULL;
	bool under_manager = false;
	for (size_t i = 0; i < plen;) {
		while (i < plen && path[i] == '/')
			i++;
		size_t e = i;
		while (e < plen && path[e] != '/')
			e++;
		const char *el = path + i;
		size_t n = e - i;
		if (ends_with(el, n, ".service")) {
			if (n > 5 && memcmp(el, "user@", 5) == 0) {
				under_manager = true;
			} else {
				best = el;
				*ulen = n;
				*user = under_manager;
			}
		}
		i = e;
	}
	return best;
}

int cgroup_unit_parse(const char *text, size_t len, bool cut, char *unit, size_t cap, bool *user)
{
	if (cap)
		unit[0] = '\0';
	*user = false;
	for (size_t at = 0; at < len;) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - line) : len - at;
		at += ll + 1;
		if (!nl && cut)
			break; /* cut short by the buffer: its last element may be a prefix */
		size_t plen = 0, ulen = 0;
		bool in_user = false;
		const char *path = cgroup_path(line, ll, &plen);
		const char *u = path ? path_unit(path, plen, &ulen, &in_user) : NULL;
		if (u) {
			if (cap)
				sanitize_text(unit, cap, u, ulen);
			*user = in_user;
			return 0;
		}
	}
	return -ENOENT;
}

int cgroup_unit_read(int procfd, pid_t pid, char *unit, size_t cap, bool *user)
{
	char text[CGROUP_TEXT_MAX];
	if (cap)
		unit[0] = '\0';
	*user = false;
	ssize_t n = procdir_read_pid_file(procfd, pid, "cgroup", text, sizeof text);
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	return cgroup_unit_parse(text, (size_t)n, (size_t)n == sizeof text - 1, unit, cap, user);
}
