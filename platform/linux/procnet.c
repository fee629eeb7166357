/* procnet.c - the /proc/net/{tcp,tcp6,udp,udp6} fallback: a pure table parser, the file reading
 * around it, and the v6only guess (see procnet.h). */
#include "procnet.h"
#include "procdir.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ST_ESTABLISHED = 0x01, ST_CLOSE = 0x07, ST_LISTEN = 0x0A };
enum { MAX_FIELDS = 10 };

struct field {
	const char *s;
	size_t len;
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses exactly len hex digits; false on anything else. */
static bool parse_hex(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = hexval(s[i]);
		if (d < 0)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return true;
}

static bool parse_dec(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		uint64_t next = v * 10 + (uint64_t)(s[i] - '0');
		if (next / 10 != v)
			return false;
		v = next;
	}
	*out = v;
	return true;
}

/* "0100007F:1F90" (IPv4) or 32 hex digits ":PORT" (IPv6). Each 8-digit group is one 32-bit word
 * of the address as the kernel holds it (network order) printed as a host-order number: copying the
 * parsed word's bytes back gives the address bytes. Sets *family to 4 or 6. */
static bool parse_endpoint(struct field f, uint8_t addr[16], uint16_t *port, int *family)
{
	const char *colon = memchr(f.s, ':', f.len);
	if (!colon)
		return false;
	size_t alen = (size_t)(colon - f.s), plen = f.len - alen - 1;
	if (alen != 8 && alen != 32)
		return false;
	memset(addr, 0, 16);
	for (size_t w = 0; w < alen / 8; w++) {
		uint64_t v;
		if (!parse_hex(f.s + 8 * w, 8, &v))
			return false;
		uint32_t word = (uint32_t)v;
		memcpy(addr + 4 * w, &word, 4);
	}
	uint64_t p;
	if (plen != 4 || !parse_hex(colon + 1, plen, &p))
		return false;
	*port = (uint16_t)p;
	*family = alen == 8 ? FAMILY_V4 : FAMILY_V6;
	return true;
}

static size_t split(const char *line, size_t len, struct field *f, size_t max)
{
	size_t n = 0, i = 0;
	while (i < len && n < max) {
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		size_t start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		f[n++] = (struct field){line + start, i - start};
	}
	return n;
}

/* One row; false when it is not a listener (or not a row at all). */
static bool parse_row(const char *line, size_t len, enum listener_proto proto, struct listener *l)
{
	struct field f[MAX_FIELDS];
	if (split(line, len, f, MAX_FIELDS) < MAX_FIELDS)
		return false;
	/* f[0] "12:", f[1] local, f[2] remote, f[3] st, f[7] uid, f[9] inode */
	uint64_t sl, st, uid, inode;
	if (f[0].len < 2 || f[0].s[f[0].len - 1] != ':' || !parse_dec(f[0].s, f[0].len - 1, &sl))
		return false;
	if (!parse_hex(f[3].s, f[3].len, &st) || !parse_dec(f[7].s, f[7].len, &uid) ||
	    !parse_dec(f[9].s, f[9].len, &inode) || uid > UINT32_MAX)
		return false;
	if (st != (proto == PROTO_TCP ? ST_LISTEN : ST_CLOSE))
		return false;

	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	int lfam, rfam;
	if (!parse_endpoint(f[1], local, &lport, &lfam) ||
	    !parse_endpoint(f[2], remote, &rport, &rfam))
		return false;
	static const uint8_t zero[16];
	if (lport == 0 || lfam != rfam)
		return false;
	if (proto == PROTO_UDP && (rport != 0 || memcmp(remote, zero, sizeof zero) != 0))
		return false; /* connected: a client */

	memset(l, 0, sizeof *l);
	l->proto = (uint8_t)proto;
	l->family = (uint8_t)lfam;
	memcpy(l->addr, local, sizeof l->addr);
	l->port = lport;
	l->uid = (uint32_t)uid;
	l->inode = inode;
	return true;
}

int procnet_parse(const char *text, size_t len, enum listener_proto proto, struct listener_set *out)
{
	int count = 0;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		struct listener l;
		if (parse_row(text + i, end - i, proto, &l)) {
			if (!listener_set_push(out, &l))
				return -ENOMEM;
			count++;
		}
		i = end + 1;
	}
	return count;
}

static bool is_v4_wildcard_twin(const struct listener *a, const struct listener *b)
{
	static const uint8_t zero[4];
	return b->family == FAMILY_V4 && b->proto == a->proto && b->port == a->port &&
	       memcmp(b->addr, zero, sizeof zero) == 0;
}

void procnet_guess_v6only(struct listener_set *s, size_t from, bool bindv6only)
{
	for (size_t i = from; i < s->n; i++) {
		struct listener *l = &s->v[i];
		if (l->family != FAMILY_V6 || !listener_is_wildcard(l))
			continue;
		l->v6only = bindv6only;
		for (size_t j = from; j < s->n && !l->v6only; j++)
			l->v6only = is_v4_wildcard_twin(l, &s->v[j]);
	}
}

bool procnet_bindv6only(int procfd)
{
	char buf[16];
	ssize_t n = procdir_read_file(procfd, "sys/net/ipv6/bindv6only", buf, sizeof buf);
	return n > 0 && buf[0] == '1';
}

int procnet_collect(int procfd, bool bindv6only, struct listener_set *out)
{
	static const struct {
		const char *path;
		enum listener_proto proto;
		bool optional;
	} tables[] = {
	    {"net/tcp", PROTO_TCP, false},
	    {"net/tcp6", PROTO_TCP, true},
	    {"net/udp", PROTO_UDP, false},
	    {"net/udp6", PROTO_UDP, true},
	};
	size_t from = out->n;
	char *buf = NULL;
	size_t cap = 0;
	int rc = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0] && rc >= 0; i++) {
		ssize_t n = procdir_slurp(procfd, tables[i].path, &buf, &cap);
		if (n < 0) {
			if (!(tables[i].optional && n == -ENOENT))
				rc = (int)n;
			continue;
		}
		rc = procnet_parse(buf, (size_t)n, tables[i].proto, out);
	}
	free(buf);
	if (rc < 0)
		return rc;
	procnet_guess_v6only(out, from, bindv6only);
	return 0;
}
