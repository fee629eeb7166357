/* health_values.c - the values of a health check's spec: durations, hosts, URLs (health_spec.h).
 */
#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "health_spec.h"

bool health_parse_duration(const cJSON *v, int unit_ms, double *ms)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble * unit_ms;
		if (!isfinite(d) || d < 0 || d > 86400000.0 * 365)
			return false;
		*ms = d;
		return true;
	}
	if (!cJSON_IsString(v))
		return false;
	const char *s = v->valuestring;
	if (!((s[0] >= '0' && s[0] <= '9') || s[0] == '.'))
		return false;
	char *end;
	double d = strtod(s, &end);
	static const struct {
		const char *suffix;
		double ms;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"", -1}};
	for (size_t i = 0; units[i].ms > 0; i++) {
		if (strcmp(end, units[i].suffix) == 0) {
			d *= units[i].ms;
			if (!isfinite(d) || d < 0 || d > 86400000.0 * 365)
				return false;
			*ms = d;
			return true;
		}
	}
	if (!*end && end != s) { /* a bare number in a string: the key's unit */
		*ms = d * unit_ms;
		return isfinite(*ms) && *ms >= 0 && *ms <= 86400000.0 * 365;
	}
	return false;
}

bool health_host_is_loopback(const char *host)
{
	char bare[HEALTH_HOST_MAX];
	size_t n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof bare)
			return false;
		memcpy(bare, host + 1, n - 2);
		bare[n - 2] = '\0';
		host = bare;
	}
	if (strcasecmp(host, "localhost") == 0)
		return true;
	unsigned char a[16];
	if (inet_pton(AF_INET, host, a) == 1)
		return a[0] == 127;
	static const unsigned char v6_loopback[16] = {[15] = 1};
	return inet_pton(AF_INET6, host, a) == 1 && memcmp(a, v6_loopback, 16) == 0;
}

/* Copies s[0..n) into dst (capacity cap) when it fits. */
static bool copy_part(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

int health_parse_url(const char *url, bool *https, char *host, size_t hostlen, uint16_t *port,
                     char *path, size_t pathlen, char *why, size_t whylen)
{
#define REFUSE(...)                                                                                \
	do {                                                                                       \
		snprintf(why, whylen, __VA_ARGS__);                                                \
		return -EINVAL;                                                                    \
	} while (0)
	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			REFUSE("a URL is plain ASCII without spaces or control characters");
	const char *rest;
	if (strncasecmp(url, "http://", 7) == 0) {
		*https = false;
		rest = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		*https = true;
		rest = url + 8;
	} else {
		REFUSE("expected a URL starting with http:// or https://");
	}
	size_t alen = strcspn(rest, "/?#");
	const char *auth = rest, *tail = rest + alen;
	if (memchr(auth, '@', alen))
		REFUSE("a user name in the URL is not supported");
	const char *colon = NULL;
	size_t hlen;
	if (alen && auth[0] == '[') {
		const char *close = memchr(auth, ']', alen);
		if (!close)
			REFUSE("an IPv6 address without its closing ']'");
		hlen = (size_t)(close - auth) - 1;
		if (!copy_part(host, hostlen, auth + 1, hlen))
			REFUSE("the host is too long");
		colon = close + 1 < auth + alen ? close + 1 : NULL;
		if (colon && *colon != ':')
			REFUSE("unexpected text after the IPv6 address");
	} else {
		colon = memchr(auth, ':', alen);
		hlen = colon ? (size_t)(colon - auth) : alen;
		if (!copy_part(host, hostlen, auth, hlen))
			REFUSE("the host is too long");
	}
	if (!host[0])
		REFUSE("the URL has no host");
	*port = *https ? 443 : 80;
	if (colon) {
		unsigned long v = 0;
		const char *d = colon + 1;
		if (d == auth + alen || auth + alen - d > 5)
			REFUSE("the URL's port is not a number from 1 to 65535");
		for (; d < auth + alen; d++) {
			if (*d < '0' || *d > '9')
				REFUSE("the URL's port is not a number from 1 to 65535");
			v = v * 10 + (unsigned long)(*d - '0');
		}
		if (v < 1 || v > 65535)
			REFUSE("the URL's port is not a number from 1 to 65535");
		*port = (uint16_t)v;
	}
	size_t tlen = strcspn(tail, "#"); /* a fragment is never sent */
	if (tlen == 0 || tail[0] != '/') {
		char tmp[HEALTH_URL_MAX + 2];
		snprintf(tmp, sizeof tmp, "/%.*s", (int)tlen, tail);
		if (!copy_part(path, pathlen, tmp, strlen(tmp)))
			REFUSE("the URL's path is too long");
	} else if (!copy_part(path, pathlen, tail, tlen)) {
		REFUSE("the URL's path is too long");
	}
	why[0] = '\0';
	return 0;
#undef REFUSE
}
