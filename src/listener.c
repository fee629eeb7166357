/* listener.c - key order, equality and formatting of one listener; the listener set. */
#include "listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_num(long long a, long long b)
{
	return (a > b) - (a < b);
}

int listener_key_cmp(const struct listener *a, const struct listener *b)
{
	int c;
	if ((c = cmp_num(a->proto, b->proto)))
		return c;
	if ((c = cmp_num(a->family, b->family)))
		return c;
	if ((c = memcmp(a->addr, b->addr, sizeof a->addr)))
		return c;
	if ((c = cmp_num(a->port, b->port)))
		return c;
	return cmp_num(a->proc.id.pid, b->proc.id.pid);
}

bool listener_same(const struct listener *a, const struct listener *b)
{
	const struct proc_info *p = &a->proc, *q = &b->proc;
	return listener_key_cmp(a, b) == 0 && a->v6only == b->v6only &&
	       a->owner_hidden == b->owner_hidden && a->inode == b->inode && a->uid == b->uid &&
	       p->id.start_ticks == q->id.start_ticks && p->ppid == q->ppid && p->uid == q->uid &&
	       strcmp(p->comm, q->comm) == 0 && strcmp(p->user, q->user) == 0 &&
	       strcmp(p->cmdline, q->cmdline) == 0 && strcmp(p->cwd, q->cwd) == 0;
}

static const uint8_t v4mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool listener_is_wildcard(const struct listener *l)
{
	static const uint8_t zero[16];
	return memcmp(l->addr, zero, l->family == FAMILY_V4 ? 4 : 16) == 0;
}

bool listener_is_loopback(const struct listener *l)
{
	static const uint8_t v6lo[16] = {[15] = 1};
	if (l->family == FAMILY_V4)
		return l->addr[0] == 127;
	if (memcmp(l->addr, v6lo, 16) == 0)
		return true;
	return memcmp(l->addr, v4mapped_prefix, 12) == 0 && l->addr[12] == 127;
}

void listener_addr_str(const struct listener *l, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];
	if (l->family == FAMILY_V6 && listener_is_wildcard(l) && !l->v6only) {
		snprintf(buf, len, "*");
		return;
	}
	if (!inet_ntop(l->family == FAMILY_V4 ? AF_INET : AF_INET6, l->addr, tmp, sizeof tmp))
		snprintf(tmp, sizeof tmp, "?");
	snprintf(buf, len, "%s", tmp);
}

const char *listener_proto_name(const struct listener *l)
{
	return l->proto == PROTO_UDP ? "udp" : "tcp";
}

struct listener *listener_set_push(struct listener_set *s, const struct listener *l)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		struct listener *v = realloc(s->v, cap * sizeof *v);
		if (!v)
			return NULL;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n] = *l;
	return &s->v[s->n++];
}

void listener_set_clear(struct listener_set *s)
{
	s->n = 0;
}

void listener_set_free(struct listener_set *s)
{
	free(s->v);
	*s = (struct listener_set){0};
}

static int key_cmp_void(const void *a, const void *b)
{
	return listener_key_cmp(a, b);
}

void listener_set_sort(struct listener_set *s)
{
	if (s->n > 1)
		qsort(s->v, s->n, sizeof *s->v, key_cmp_void);
}

int listener_set_copy(struct listener_set *dst, const struct listener_set *src)
{
	listener_set_clear(dst);
	for (size_t i = 0; i < src->n; i++)
		if (!listener_set_push(dst, &src->v[i]))
			return -ENOMEM;
	return 0;
}
