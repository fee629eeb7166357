/* fuzz_check.c - invariants shared by the fuzz targets (see fuzz_check.h). */
#include "fuzz_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "sanitize.h"

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n%s:%d: invariant broken: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

void fuzz_init_locale(void)
{
	sanitize_init_locale();
}

/* One UTF-8 character at s (n bytes left): its length, or 0 when it is not a valid, shortest
 * encoding of a scalar value. Written apart from the sanitizer's decoder on purpose. */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;
	if (s[0] < 0x80)
		return *cp = s[0], 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static bool invisible(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x061c || c == 0xfeff;
}

bool fuzz_text_is_clean(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	for (size_t i = 0; i < len;) {
		uint32_t c = 0;
		size_t n = decode(s + i, len - i, &c);
		if (n == 0 || c < 0x20 || (c >= 0x7f && c < 0xa0) || invisible(c) ||
		    wcwidth((wchar_t)c) < 0)
			return false;
		i += n;
	}
	return true;
}

void fuzz_check_text(const char *field, size_t cap, const char *what)
{
	const char *nul = memchr(field, '\0', cap);
	FUZZ_ASSERT(nul, "%s: no NUL within its %zu bytes", what, cap);
	FUZZ_ASSERT(fuzz_text_is_clean(field, (size_t)(nul - field)), "%s: unsafe text \"%s\"",
	            what, field);
}

void fuzz_check_socket(const struct listener *l, bool wildcard_v6only)
{
	static const uint8_t zero[16];
	FUZZ_ASSERT(l->proto == PROTO_TCP || l->proto == PROTO_UDP, "proto %u", l->proto);
	FUZZ_ASSERT(l->family == FAMILY_V4 || l->family == FAMILY_V6, "family %u", l->family);
	if (l->family == FAMILY_V4)
		FUZZ_ASSERT(memcmp(l->addr + 4, zero, 12) == 0, "IPv4 address with bytes after 4");
	if (l->v6only) {
		FUZZ_ASSERT(l->family == FAMILY_V6, "v6only on IPv4 port %u", l->port);
		if (wildcard_v6only)
			FUZZ_ASSERT(listener_is_wildcard(l), "v6only on a non-wildcard, port %u",
			            l->port);
	}
}

/* One string of a process: never NULL, and within the bound a backend reads (sanitized text
 * may be longer than what was read: an invalid byte becomes a 3-byte replacement character). */
static void check_string(const char *s, size_t bound, const char *what)
{
	FUZZ_ASSERT(s != NULL, "%s is NULL", what);
	fuzz_check_text(s, 3 * bound + 1, what);
}

void fuzz_check_proc(const struct proc_info *p)
{
	check_string(p->comm, PROC_COMM_MAX, "comm");
	check_string(p->user, PROC_USER_MAX, "user");
	check_string(p->cmdline, PROC_CMDLINE_MAX, "cmdline");
	check_string(p->cwd, PROC_PATH_MAX, "cwd");
	check_string(p->exe, PROC_PATH_MAX, "exe");
	check_string(p->project_root, PROC_PATH_MAX, "project_root");
}

void fuzz_check_no_owner(const struct listener *l)
{
	FUZZ_ASSERT(!l->proc && !l->holders && l->nholders == 0, "owner set on port %u", l->port);
	FUZZ_ASSERT(!l->owner_hidden && l->owner_why == OWNER_KNOWN,
	            "owner_hidden set on port %u", l->port);
}
