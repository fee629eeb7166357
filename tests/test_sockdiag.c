/* test_sockdiag.c - the netlink sock_diag message walker on hand-built replies, and the live dump
 * against the kernel. */
#include "sockdiag.h"

#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* A reply buffer built message by message. */
struct reply {
	unsigned char buf[4096];
	size_t len;
};

static void add_msg(struct reply *r, int family, int state, const char *src, uint16_t sport,
                    const char *dst, uint16_t dport, uint32_t uid, uint32_t inode, int v6only)
{
	struct nlmsghdr h = {.nlmsg_type = SOCK_DIAG_BY_FAMILY, .nlmsg_flags = NLM_F_MULTI};
	struct inet_diag_msg m = {
	    .idiag_family = (uint8_t)family,
	    .idiag_state = (uint8_t)state,
	    .idiag_uid = uid,
	    .idiag_inode = inode,
	};
	m.id.idiag_sport = htons(sport);
	m.id.idiag_dport = htons(dport);
	inet_pton(family, src, m.id.idiag_src);
	inet_pton(family, dst, m.id.idiag_dst);
	size_t attr = v6only >= 0 ? RTA_SPACE(1) : 0;
	h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof m) + attr);
	unsigned char *p = r->buf + r->len;
	memset(p, 0, NLMSG_ALIGN(h.nlmsg_len));
	memcpy(p, &h, sizeof h);
	memcpy(p + NLMSG_HDRLEN, &m, sizeof m);
	if (v6only >= 0) {
		struct rtattr a = {.rta_len = RTA_LENGTH(1), .rta_type = INET_DIAG_SKV6ONLY};
		unsigned char *ap = p + NLMSG_HDRLEN + NLMSG_ALIGN(sizeof m);
		memcpy(ap, &a, sizeof a);
		ap[RTA_LENGTH(0)] = (unsigned char)v6only;
	}
	r->len += NLMSG_ALIGN(h.nlmsg_len);
}

static void add_done(struct reply *r, int error)
{
	struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(int)), .nlmsg_type = NLMSG_DONE};
	memcpy(r->buf + r->len, &h, sizeof h);
	memcpy(r->buf + r->len + NLMSG_HDRLEN, &error, sizeof error);
	r->len += NLMSG_ALIGN(h.nlmsg_len);
}

static void add_error(struct reply *r, int error)
{
	struct nlmsghdr h = {.nlmsg_len = NLMSG_LENGTH(sizeof(struct nlmsgerr)),
	                     .nlmsg_type = NLMSG_ERROR};
	struct nlmsgerr e = {.error = error};
	memcpy(r->buf + r->len, &h, sizeof h);
	memcpy(r->buf + r->len + NLMSG_HDRLEN, &e, sizeof e);
	r->len += NLMSG_ALIGN(h.nlmsg_len);
}

Test(sockdiag, tcp_listeners_both_families)
{
	struct reply r = {0};
	add_msg(&r, AF_INET, TCP_LISTEN, "127.0.0.1", 3000, "0.0.0.0", 0, 1000, 41233, -1);
	add_msg(&r, AF_INET6, TCP_LISTEN, "::", 5000, "::", 0, 501, 612, 0);
	add_msg(&r, AF_INET6, TCP_LISTEN, "::", 8080, "::", 0, 33, 5102, 1);
	add_msg(&r, AF_INET6, TCP_LISTEN, "::1", 3000, "::", 0, 1000, 41234, 1);
	add_msg(&r, AF_INET, TCP_ESTABLISHED, "127.0.0.1", 3000, "127.0.0.1", 5000, 1000, 7, -1);
	add_done(&r, 0);
	struct listener_set s = {0};
	cr_assert_eq(sockdiag_parse(r.buf, r.len, PROTO_TCP, &s), 1);
	cr_assert_eq(s.n, 4);
	uint8_t lo4[16] = {127, 0, 0, 1}, lo6[16] = {[15] = 1}, any[16] = {0};
	cr_expect_arr_eq(s.v[0].addr, lo4, 16);
	cr_expect_eq(s.v[0].family, FAMILY_V4);
	cr_expect_eq(s.v[0].port, 3000);
	cr_expect_eq(s.v[0].uid, 1000);
	cr_expect_eq(s.v[0].inode, 41233);
	cr_expect_arr_eq(s.v[1].addr, any, 16);
	cr_expect_eq(s.v[1].family, FAMILY_V6);
	cr_expect_eq(s.v[1].port, 5000);
	cr_expect_not(s.v[1].v6only);
	cr_expect(s.v[2].v6only);
	cr_expect_arr_eq(s.v[3].addr, lo6, 16);
	cr_expect_not(s.v[3].v6only, "v6only only describes a wildcard");
	for (size_t i = 0; i < s.n; i++)
		cr_expect_eq(s.v[i].proto, PROTO_TCP);
	listener_set_free(&s);
}

Test(sockdiag, udp_skips_connected_and_unbound)
{
	struct reply r = {0};
	add_msg(&r, AF_INET, TCP_CLOSE, "0.0.0.0", 5353, "0.0.0.0", 0, 108, 3301, -1);
	add_msg(&r, AF_INET, TCP_CLOSE, "0.0.0.0", 0, "0.0.0.0", 0, 1000, 4444, -1);
	add_msg(&r, AF_INET, TCP_CLOSE, "127.0.0.1", 40000, "127.0.0.1", 53, 1000, 4445, -1);
	add_msg(&r, AF_INET, TCP_ESTABLISHED, "127.0.0.1", 40001, "127.0.0.1", 53, 1000, 4446, -1);
	struct listener_set s = {0};
	cr_assert_eq(sockdiag_parse(r.buf, r.len, PROTO_UDP, &s), 0, "no DONE yet: more to come");
	cr_assert_eq(s.n, 1);
	cr_expect_eq(s.v[0].port, 5353);
	cr_expect_eq(s.v[0].proto, PROTO_UDP);
	listener_set_free(&s);
}

Test(sockdiag, errors)
{
	struct reply r = {0};
	add_error(&r, -ENOENT);
	struct listener_set s = {0};
	cr_expect_eq(sockdiag_parse(r.buf, r.len, PROTO_TCP, &s), -ENOENT);
	struct reply d = {0};
	add_done(&d, -EINTR);
	cr_expect_eq(sockdiag_parse(d.buf, d.len, PROTO_TCP, &s), -EINTR);
	struct reply ack = {0};
	add_error(&ack, 0);
	cr_expect_eq(sockdiag_parse(ack.buf, ack.len, PROTO_TCP, &s), 0, "an ACK is not an error");
	/* Not an errno (found by fuzz_sockdiag): strerror(-INT_MIN) would overflow. */
	struct reply bogus = {0}, bogus_done = {0};
	add_error(&bogus, INT_MIN);
	cr_expect_eq(sockdiag_parse(bogus.buf, bogus.len, PROTO_TCP, &s), -EBADMSG);
	add_done(&bogus_done, -4096);
	cr_expect_eq(sockdiag_parse(bogus_done.buf, bogus_done.len, PROTO_TCP, &s), -EBADMSG);
	listener_set_free(&s);
}

Test(sockdiag, truncated_and_garbage_input)
{
	struct reply r = {0};
	add_msg(&r, AF_INET6, TCP_LISTEN, "::", 8080, "::", 0, 33, 5102, 1);
	add_done(&r, 0);
	for (size_t cut = 0; cut < r.len; cut++) {
		unsigned char *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
		memcpy(copy, r.buf, cut);
		struct listener_set s = {0};
		int rc = sockdiag_parse(copy, cut, PROTO_TCP, &s);
		cr_expect(rc == 0 || rc == -EBADMSG || rc == 1, "cut %zu: %d", cut, rc);
		listener_set_free(&s);
		free(copy);
	}
	srand(1);
	for (int round = 0; round < 2000; round++) {
		unsigned char junk[256];
		size_t len = (size_t)(rand() % (int)sizeof junk);
		for (size_t i = 0; i < len; i++)
			junk[i] = (unsigned char)rand();
		if (len >= 8 && round % 2) { /* plausible headers reach deeper */
			uint32_t l = (uint32_t)len;
			uint16_t t = SOCK_DIAG_BY_FAMILY;
			memcpy(junk, &l, 4);
			memcpy(junk + 4, &t, 2);
		}
		unsigned char *copy = malloc(len ? len : 1);
		memcpy(copy, junk, len);
		struct listener_set s = {0};
		sockdiag_parse(copy, len, round % 3 ? PROTO_TCP : PROTO_UDP, &s);
		listener_set_free(&s);
		free(copy);
	}
}

Test(sockdiag, live_dump_sees_our_listener)
{
	int fd = socket(AF_INET6, SOCK_STREAM, 0);
	int on = 1;
	setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT};
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	cr_assert_eq(listen(fd, 1), 0);
	socklen_t alen = sizeof a;
	getsockname(fd, (struct sockaddr *)&a, &alen);

	struct sockdiag *d = NULL;
	int rc = sockdiag_open(&d);
	if (rc < 0)
		cr_skip_test("netlink sock_diag not available here (%d)", rc);
	struct listener_set s = {0};
	cr_assert_eq(sockdiag_collect(d, &s), 0);
	bool seen = false;
	for (size_t i = 0; i < s.n; i++) {
		const struct listener *l = &s.v[i];
		if (l->proto == PROTO_TCP && l->family == FAMILY_V6 &&
		    l->port == ntohs(a.sin6_port)) {
			seen = true;
			cr_expect(l->v6only);
			cr_expect_eq(l->uid, geteuid());
			cr_expect_neq(l->inode, 0);
		}
	}
	cr_expect(seen, "port %u not in the dump", ntohs(a.sin6_port));
	listener_set_free(&s);
	sockdiag_close(&d);
	cr_expect_null(d);
	close(fd);
}
