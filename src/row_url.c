/* row_url.c - a listener's URL, base64 and OSC 52 (row_url.h). */
#include "row_url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The address part of the URL: "localhost", "[::1]", "192.168.1.5", "[fd00::1]". */
static void url_host(const struct listener *l, char *host, size_t len)
{
	static const uint8_t v4lo[4] = {127, 0, 0, 1};
	static const uint8_t mapped_lo[16] = {[10] = 0xff, [11] = 0xff, 127, 0, 0, 1};
	static const uint8_t v6lo[16] = {[15] = 1};
	char addr[INET6_ADDRSTRLEN];
	bool v4 = l->family == FAMILY_V4;
	if (listener_is_wildcard(l) && !(!v4 && l->v6only)) {
		snprintf(host, len, "localhost");
	} else if (v4 ? !memcmp(l->addr, v4lo, 4) : !memcmp(l->addr, mapped_lo, 16)) {
		snprintf(host, len, "localhost");
	} else if (!v4 && (listener_is_wildcard(l) || !memcmp(l->addr, v6lo, 16))) {
		snprintf(host, len, "[::1]");
	} else {
		if (!inet_ntop(v4 ? AF_INET : AF_INET6, l->addr, addr, sizeof addr))
			snprintf(addr, sizeof addr, "?");
		snprintf(host, len, v4 ? "%s" : "[%s]", addr);
	}
}

int row_url(const struct listener *l, char *out, size_t len)
{
	char host[INET6_ADDRSTRLEN + 2];
	if (l->proto != PROTO_TCP) {
		snprintf(out, len, "%s :%u has no URL", listener_proto_name(l), (unsigned)l->port);
		return -EPROTONOSUPPORT;
	}
	url_host(l, host, sizeof host);
	int n = snprintf(out, len, "http://%s:%u/", host, (unsigned)l->port);
	if (n < 0 || (size_t)n >= len) {
		if (len)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int base64_encode(const void *in, size_t n, char *out, size_t len)
{
	static const char digits[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = in;
	size_t need = base64_len(n);
	if (need + 1 > len || need > (size_t)INT32_MAX) {
		if (len)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	char *o = out;
	for (size_t i = 0; i < n; i += 3) {
		size_t left = n - i;
		uint32_t v = (uint32_t)p[i] << 16;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		*o++ = digits[v >> 18 & 63];
		*o++ = digits[v >> 12 & 63];
		*o++ = left > 1 ? digits[v >> 6 & 63] : '=';
		*o++ = left > 2 ? digits[v & 63] : '=';
	}
	*o = '\0';
	return (int)need;
}

int osc52_sequence(const char *text, char *out, size_t len)
{
	static const char head[] = "\033]52;c;", tail[] = "\a";
	size_t h = sizeof head - 1, t = sizeof tail - 1;
	if (len < h + t + 1) {
		if (len)
			out[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(out, head, h);
	int n = base64_encode(text, strlen(text), out + h, len - h - t);
	if (n < 0) {
		out[0] = '\0';
		return n;
	}
	memcpy(out + h + (size_t)n, tail, t + 1);
	return (int)(h + (size_t)n + t);
}
