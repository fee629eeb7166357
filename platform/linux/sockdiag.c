/* sockdiag.c - listening sockets from NETLINK_SOCK_DIAG: the requests, and a pure walker over the
 * replies.
 *
 * v6only: the kernel adds the INET_DIAG_SKV6ONLY attribute to every IPv6 socket it reports (the
 * attribute number is above the 8 bits of idiag_ext, so it cannot be, and need not be, requested).
 */
#include "sockdiag.h"

#include "array_grow.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The kernel fills at most 32 KiB per datagram for a reader with a large enough buffer. */
enum { SOCKDIAG_BUF_SIZE = 64 * 1024 };

struct sockdiag {
	int fd;
	uint32_t seq;
	unsigned char *buf;
};

int sockdiag_open(struct sockdiag **out)
{
	*out = NULL;
	struct sockdiag *d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	d->buf = malloc(SOCKDIAG_BUF_SIZE);
	if (!d->buf) {
		free(d);
		return -ENOMEM;
	}
	d->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (d->fd < 0) {
		int rc = -errno;
		free(d->buf);
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}

void sockdiag_close(struct sockdiag **d)
{
	if (!d || !*d)
		return;
	close((*d)->fd);
	free((*d)->buf);
	free(*d);
	*d = NULL;
}

/* Whether one inet_diag_msg is a listener to report. */
static bool msg_wanted(const struct inet_diag_msg *m, enum listener_proto proto)
{
	static const uint32_t zero[4];
	if (proto == PROTO_TCP && m->idiag_state != TCP_LISTEN)
		return false;
	if (proto == PROTO_UDP && (m->idiag_state != TCP_CLOSE || m->id.idiag_dport != 0 ||
	                           memcmp(m->id.idiag_dst, zero, sizeof zero) != 0))
		return false; /* a connected UDP socket is a client, not a listener */
	if (m->id.idiag_sport == 0)
		return false; /* created but never bound */
	return m->idiag_family == AF_INET || m->idiag_family == AF_INET6;
}

/* Fills the socket's fields of l (zero) from a wanted inet_diag_msg and its attributes. */
static void msg_to_listener(const struct inet_diag_msg *m, const unsigned char *attrs,
                            size_t attrs_len, enum listener_proto proto, struct listener *l)
{
	l->proto = (uint8_t)proto;
	l->family = m->idiag_family == AF_INET ? FAMILY_V4 : FAMILY_V6;
	memcpy(l->addr, m->id.idiag_src, l->family == FAMILY_V4 ? 4 : 16);
	l->port = ntohs(m->id.idiag_sport);
	l->inode = m->idiag_inode;
	l->uid = m->idiag_uid;

	/* Attributes: struct rtattr headers, 4-byte aligned, read by copy (bytes may be unaligned).
	 */
	bool v6only = false;
	size_t off = 0;
	while (off + sizeof(struct rtattr) <= attrs_len) {
		struct rtattr rta;
		memcpy(&rta, attrs + off, sizeof rta);
		if (rta.rta_len < sizeof rta || rta.rta_len > attrs_len - off)
			break;
		if (rta.rta_type == INET_DIAG_SKV6ONLY && rta.rta_len >= RTA_LENGTH(1))
			v6only = attrs[off + RTA_LENGTH(0)] != 0;
		off += RTA_ALIGN(rta.rta_len);
	}
	/* Only a wildcard has a choice between serving IPv4 too or not (listener.h). */
	l->v6only = l->family == FAMILY_V6 && v6only && listener_is_wildcard(l);
}

/* Appends a listener with zero socket fields and an empty proc (sockdiag.h) to s; NULL when out
 * of memory. */
static struct listener *push_empty(struct listener_set *s)
{
	if (!array_grow((void **)&s->v, &s->cap, s->n + 1, sizeof *s->v, 32))
		return NULL;
	struct listener *l = &s->v[s->n++];
	memset(l, 0, sizeof *l);
	return l;
}

/* An error a reply carries: the kernel's are -1 to -4095 (MAX_ERRNO); any other value is a
 * malformed reply, not a number to hand to strerror(). */
static int reply_error(int err)
{
	return err >= -4095 ? err : -EBADMSG;
}

int sockdiag_walk(const void *buf, size_t len, sockdiag_msg_fn fn, void *ctx)
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

		if (h.nlmsg_type == NLMSG_DONE) {
			int err = 0;
			if (plen >= sizeof err)
				memcpy(&err, payload, sizeof err);
			return err < 0 ? reply_error(err) : 1;
		}
		if (h.nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr e;
			if (plen < sizeof e)
				return -EBADMSG;
			memcpy(&e, payload, sizeof e);
			if (e.error < 0)
				return reply_error(e.error);
		} else if (h.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
			struct inet_diag_msg m;
			if (plen < sizeof m)
				return -EBADMSG;
			memcpy(&m, payload, sizeof m);
			size_t skip = NLMSG_ALIGN(sizeof m);
			const unsigned char *attrs = payload + (skip < plen ? skip : plen);
			size_t alen = skip < plen ? plen - skip : 0;
			int rc = fn(&m, attrs, alen, ctx);
			if (rc < 0)
				return rc;
		}
		size_t step = NLMSG_ALIGN(h.nlmsg_len);
		if (step > len - off)
			break;
		off += step;
	}
	return 0;
}

struct parse_ctx {
	enum listener_proto proto;
	struct listener_set *out;
};

static int parse_msg(const struct inet_diag_msg *m, const unsigned char *attrs, size_t alen,
                     void *ctx)
{
	const struct parse_ctx *c = ctx;
	if (!msg_wanted(m, c->proto))
		return 0;
	struct listener *l = push_empty(c->out);
	if (!l)
		return -ENOMEM;
	msg_to_listener(m, attrs, alen, c->proto, l);
	return 0;
}

int sockdiag_parse(const void *buf, size_t len, enum listener_proto proto, struct listener_set *out)
{
	struct parse_ctx c = {proto, out};
	return sockdiag_walk(buf, len, parse_msg, &c);
}

int sockdiag_dump(struct sockdiag *d, int family, int protocol, uint32_t states, sockdiag_msg_fn fn,
                  void *ctx)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
	    .nlh =
	        {
	            .nlmsg_len = sizeof req,
	            .nlmsg_type = SOCK_DIAG_BY_FAMILY,
	            .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
	            .nlmsg_seq = ++d->seq,
	        },
	    .r =
	        {
	            .sdiag_family = (uint8_t)family,
	            .sdiag_protocol = (uint8_t)protocol,
	            .idiag_states = states,
	        },
	};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n;
	do
		n = sendto(d->fd, &req, sizeof req, 0, (struct sockaddr *)&kernel, sizeof kernel);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;

	for (;;) {
		do
			n = recv(d->fd, d->buf, SOCKDIAG_BUF_SIZE, MSG_TRUNC);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		if ((size_t)n > SOCKDIAG_BUF_SIZE)
			return -EMSGSIZE;
		int rc = sockdiag_walk(d->buf, (size_t)n, fn, ctx);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

int sockdiag_collect(struct sockdiag *d, struct listener_set *out)
{
	static const struct {
		int family;
		enum listener_proto proto;
	} dumps[] = {
	    {AF_INET, PROTO_TCP},
	    {AF_INET6, PROTO_TCP},
	    {AF_INET, PROTO_UDP},
	    {AF_INET6, PROTO_UDP},
	};
	for (size_t i = 0; i < sizeof dumps / sizeof dumps[0]; i++) {
		enum listener_proto proto = dumps[i].proto;
		struct parse_ctx c = {proto, out};
		int rc = sockdiag_dump(
		    d, dumps[i].family, proto == PROTO_TCP ? IPPROTO_TCP : IPPROTO_UDP,
		    proto == PROTO_TCP ? 1u << TCP_LISTEN : 1u << TCP_CLOSE, parse_msg, &c);
		if (rc < 0)
			return rc;
	}
	return 0;
}
