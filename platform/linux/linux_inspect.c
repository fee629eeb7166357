/* linux_inspect.c - what inspect and kill ask the Linux backend besides the snapshot: how many
 * connections a listener has accepted (a sock_diag dump of ESTABLISHED TCP sockets), the systemd
 * unit a process runs in (/proc/PID/cgroup), whether a port can be bound, the HTTP check. */
#include "linux_extra.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_check.h"
#include "port_probe.h"
#include "sanitize.h"

enum { DUMP_BUF_SIZE = 64 * 1024, CGROUP_MAX = 4096 };

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

int linux_conn_parse(const void *buf, size_t len, const struct listener *l, int *count)
{
	const unsigned char *p = buf;
	size_t off = 0;
	while (off + sizeof(struct nlmsghdr) <= len) {
		struct nlmsghdr h;
		memcpy(&h, p + off, sizeof h);
		if (h.nlmsg_len < sizeof h || h.nlmsg_len > len - off)
			return -EBADMSG;
		const unsigned char *payload = p + off + NLMSG_HDRLEN;
		size_t plen = h.nlmsg_len - NLMSG_HDRLEN;
		if (h.nlmsg_type == NLMSG_DONE)
			return 1;
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;
			if (plen < sizeof e)
				return -EBADMSG;
			memcpy(&e, payload, sizeof e);
			if (e.error < 0)
				return e.error;
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			struct inet_diag_msg m;
			if (plen < sizeof m)
				return -EBADMSG;
			memcpy(&m, payload, sizeof m);
			if (m.idiag_state == TCP_ESTABLISHED && local_matches(l, &m))
				(*count)++;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len - off)
			break;
		off += step;
	}
	return 0;
}

static int dump_established(int fd, int family, const struct listener *l, unsigned char *buf,
                            int *count)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
	    .nlh = {.nlmsg_len = sizeof req,
	            .nlmsg_type = SOCK_DIAG_BY_FAMILY,
	            .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
	            .nlmsg_seq = 1},
	    .r = {.sdiag_family = (uint8_t)family,
	          .sdiag_protocol = IPPROTO_TCP,
	          .idiag_states = 1u << TCP_ESTABLISHED},
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n;
	do
		n = sendto(fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (;;) {
		do
			n = recv(fd, buf, DUMP_BUF_SIZE, MSG_TRUNC);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		if ((size_t)n > DUMP_BUF_SIZE)
			return -EMSGSIZE;
		int rc = linux_conn_parse(buf, (size_t)n, l, count);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

int linux_connections(void *impl, const struct listener *l, int *count)
{
	(void)impl;
	*count = 0;
	unsigned char *buf = malloc(DUMP_BUF_SIZE);
	if (!buf)
		return -ENOMEM;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	int rc = fd < 0 ? -errno
	                : dump_established(fd, l->family == FAMILY_V4 ? AF_INET : AF_INET6, l, buf,
	                                   count);
	if (fd >= 0)
		close(fd);
	free(buf);
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
