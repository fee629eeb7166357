/* linux_inspect.c - what inspect and kill ask the Linux backend besides the snapshot: how many
 * connections a listener has accepted (a sock_diag dump of ESTABLISHED TCP sockets), whether a
 * port can be bound, the HTTP check. (The systemd unit: cgroup_unit.h.) */
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
#include "sockdiag.h"

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
