/* linux_inspect.c - what inspect and kill ask the Linux backend besides the snapshot: how many
 * connections a listener has accepted (a sock_diag dump of ESTABLISHED TCP sockets), the systemd
 * unit a process runs in (/proc/PID/cgroup), whether a port can be bound, the HTTP check. */
#include "linux_extra.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "http_check.h"
#include "port_probe.h"
#include "sanitize.h"
#include "sockdiag.h"

enum { CGROUP_MAX = 4096 };

/* Whether a connection's local address is one l accepts on. */
static bool local_matches(const struct listener *l, const struct inet_diag_msg *m)
{
	size_t n = l->family == FAMILY_V4 ? 4 : 16;
	if (ntohs(m->id.idiag_sport) != l->port)
		return false;
	if (listener_is_wildcard(l))
		return true;
	return memcmp(m->id.idiag_src, l->addr, n) == 0;
}

struct conn_ctx {
	const struct listener *l;
	int *count;
};

static int count_msg(const struct inet_diag_msg *m, const unsigned char *attrs, size_t alen,
                     void *ctx)
{
	(void)attrs;
	(void)alen;
	const struct conn_ctx *c = ctx;
	if (m->idiag_state == TCP_ESTABLISHED && local_matches(c->l, m))
		(*c->count)++;
	return 0;
}

int linux_conn_parse(const void *buf, size_t len, const struct listener *l, int *count)
{
	struct conn_ctx c = {l, count};
	return sockdiag_walk(buf, len, count_msg, &c);
}

int linux_connections(void *impl, const struct listener *l, int *count)
{
	(void)impl;
	*count = 0;
	struct sockdiag *d;
	int rc = sockdiag_open(&d);
	if (rc < 0)
		return rc;
	struct conn_ctx c = {l, count};
	rc = sockdiag_dump(d, l->family == FAMILY_V4 ? AF_INET : AF_INET6, IPPROTO_TCP,
	                   1u << TCP_ESTABLISHED, count_msg, &c);
	sockdiag_close(&d);
	return rc;
}

/* The path of one cgroup line: v2 "0::PATH", or v1's systemd hierarchy "N:name=systemd:PATH". */
static const char *cgroup_path(const char *line, size_t len, size_t *plen)
{
	static const char *const prefixes[] = {"0::", ":name=systemd:"};
	for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
		size_t n = strlen(prefixes[i]);
		const char *at = i == 0
		                     ? (len >= n && memcmp(line, prefixes[i], n) == 0 ? line : NULL)
		                     : memmem(line, len, prefixes[i], n);
		if (at) {
			*plen = len - (size_t)(at + n - line);
			return at + n;
		}
	}
	return NULL;
}

int linux_unit_parse(const char *cgroup, char *unit, size_t len, bool *user)
{
	static const char suffix[] = ".service";
	const size_t slen = sizeof suffix - 1;
	unit[0] = '\0';
	*user = false;
	for (const char *line = cgroup; *line;) {
		size_t ll = strcspn(line, "\n"), plen = 0;
		const char *path = cgroup_path(line, ll, &plen);
		const char *best = NULL;
		size_t best_len = 0;
		bool under_user = false, best_user = false;
		for (size_t i = 0; path && i < plen;) {
			while (i < plen && path[i] == '/')
				i++;
			size_t e = i;
			while (e < plen && path[e] != '/')
				e++;
			const char *el = path + i;
			size_t n = e - i;
			bool service = n > slen && memcmp(el + n - slen, suffix, slen) == 0;
			bool manager = service && n > 5 && memcmp(el, "user@", 5) == 0;
			if (manager)
				under_user = true;
			else if (service) {
				best = el;
				best_len = n;
				best_user = under_user;
			}
			i = e;
		}
		if (best) {
			sanitize_text(unit, len, best, best_len);
			*user = best_user;
			return 0;
		}
		line += ll;
		if (*line == '\n')
			line++;
	}
	return -ENOENT;
}

int linux_service_unit(void *impl, pid_t pid, char *unit, size_t len, bool *user)
{
	(void)impl;
	char path[64], text[CGROUP_MAX];
	snprintf(path, sizeof path, "/proc/%ld/cgroup", (long)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return linux_unit_parse(text, unit, len, user);
}

int linux_tcp_port_free(void *impl, uint16_t port)
{
	(void)impl;
	return port_probe_tcp(port);
}

int linux_http_check(void *impl, const struct listener *l, int timeout_ms, struct http_check **out)
{
	(void)impl;
	struct listener target;
	int rc = http_check_target(l, &target);
	return rc < 0 ? rc : http_check_start(out, &target, timeout_ms);
}
