/* health_spec.c - healthcheck.yml and the config's "health" section into checks (health_spec.h).
 * Each key of a check is one row of check_keys[]: which types take it and how it is read. */
#include "health_spec.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hash.h"
#include "sanitize.h"

/* What one document's reading goes through. */
struct reading {
	struct health_specs *s;
	const char *label; /* sanitized */
	bool allow_remote;
	bool full;           /* HEALTH_CHECKS_MAX reached: said once, the rest skipped */
	size_t files_checks; /* checks read from this document */
};

/* What one check's keys fill in, before it is checked as a whole. */
struct draft {
	struct health_spec spec;
	char url[HEALTH_URL_MAX];
	char path[HEALTH_URL_MAX];
	bool has_port, has_url, has_host, has_path;
	const char *where; /* "services.api.checks[1]" */
	bool bad;
};

/* "LABEL: message" onto the board, as an error or a warning. */
__attribute__((format(printf, 3, 0))) static void say(const struct reading *r, bool is_error,
                                                      const char *fmt, va_list ap)
{
	char msg[HEALTH_MESSAGE_MAX], line[HEALTH_MESSAGE_MAX];
	vsnprintf(msg, sizeof msg, fmt, ap);
	snprintf(line, sizeof line, "%s: %s", r->label, msg);
	if (is_error)
		health_board_error(r->s->msgs, line);
	else
		health_board_warning(r->s->msgs, line);
}

__attribute__((format(printf, 2, 3))) static void error(const struct reading *r, const char *fmt,
                                                        ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(r, true, fmt, ap);
	va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void warning(const struct reading *r, const char *fmt,
                                                          ...)
{
	va_list ap;
	va_start(ap, fmt);
	say(r, false, fmt, ap);
	va_end(ap);
}

/* A key or name for a message: sanitized and short. */
static void shown(char *dst, size_t cap, const char *s)
{
	sanitize_text(dst, cap < 41 ? cap : 41, s ? s : "", s ? strlen(s) : 0);
}

/* Sections and check types named by the guide that need clients devports does not have. */
static const char *const unsupported_sections[] = {"alerts",   "alert",         "webhook",
                                                   "webhooks", "notifications", NULL};
static const char *const unsupported_types[] = {"query", "ping", "command", "script", NULL};

static bool listed(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

enum { T_HTTP = 1 << HEALTH_HTTP, T_TCP = 1 << HEALTH_TCP, T_TIME = 1 << HEALTH_RESPONSE_TIME };

static bool bad(const struct reading *r, struct draft *d, const char *key, const char *expected)
{
	error(r, "%s.%s: expected %s; the check is skipped", d->where, key, expected);
	d->bad = true;
	return false;
}

static bool read_text(const struct reading *r, struct draft *d, const cJSON *v, const char *key,
                      char *dst, size_t cap)
{
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return bad(r, d, key, "a string");
	if (strlen(v->valuestring) >= cap)
		return bad(r, d, key, "a shorter string");
	snprintf(dst, cap, "%s", v->valuestring);
	return true;
}

static bool k_type(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	(void)r, (void)d, (void)v, (void)key; /* read first, by read_check */
	return true;
}

static bool k_method(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	if (cJSON_IsString(v) && !strcasecmp(v->valuestring, "GET"))
		d->spec.head = false;
	else if (cJSON_IsString(v) && !strcasecmp(v->valuestring, "HEAD"))
		d->spec.head = true;
	else
		return bad(r, d, key, "GET or HEAD");
	return true;
}

static bool k_url(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	d->has_url = true;
	return read_text(r, d, v, key, d->url, sizeof d->url);
}

static bool k_host(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	char *h = d->spec.host;
	d->has_host = true;
	if (!read_text(r, d, v, key, h, sizeof d->spec.host))
		return false;
	size_t n = strlen(h);
	if (n > 2 && h[0] == '[' && h[n - 1] == ']') { /* [::1]: the brackets are the URL's */
		memmove(h, h + 1, n - 2);
		h[n - 2] = '\0';
	}
	if (strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:") !=
	    strlen(h))
		return bad(r, d, key, "a host name or address (letters, digits, '.', '-', ':')");
	return true;
}

static bool k_path(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	d->has_path = true;
	if (!read_text(r, d, v, key, d->path, sizeof d->path))
		return false;
	for (const unsigned char *p = (const unsigned char *)d->path; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f)
			return bad(r, d, key, "a path of plain ASCII without spaces");
	return true;
}

/* Whether v is a whole number from lo to hi (checked before any conversion), into *out. */
static bool whole_in(const cJSON *v, int lo, int hi, int *out)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo && v->valuedouble <= hi) ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return false;
	*out = (int)v->valuedouble;
	return true;
}

static bool k_port(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	int port;
	d->has_port = true;
	if (!whole_in(v, 1, 65535, &port))
		return bad(r, d, key, "a port number from 1 to 65535");
	d->spec.port = (uint16_t)port;
	return true;
}

static bool one_status(const cJSON *v, int *out)
{
	return whole_in(v, 100, 599, out);
}

static bool k_status(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	static const char expected[] = "an HTTP status (100-599) or a list of at most 8";
	struct health_spec *s = &d->spec;
	if (cJSON_IsNumber(v)) {
		s->nstatuses = 1;
		return one_status(v, &s->statuses[0]) || bad(r, d, key, expected);
	}
	if (!cJSON_IsArray(v) || !v->child || cJSON_GetArraySize(v) > HEALTH_STATUSES_MAX)
		return bad(r, d, key, expected);
	s->nstatuses = 0;
	for (const cJSON *e = v->child; e; e = e->next)
		if (!one_status(e, &s->statuses[s->nstatuses++]))
			return bad(r, d, key, expected);
	return true;
}

static bool duration(const struct reading *r, struct draft *d, const cJSON *v, const char *key,
                     int unit_ms, double lo, double hi, int *out, const char *expected)
{
	double ms;
	if (!health_parse_duration(v, unit_ms, &ms) || ms < lo || ms > hi)
		return bad(r, d, key, expected);
	*out = (int)(ms + 0.5);
	return true;
}

static bool k_timeout(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	return duration(r, d, v, key, 1000, 100, 60000, &d->spec.timeout_ms,
	                "seconds from 0.1 to 60 (5, \"5s\", \"500ms\")");
}

static bool k_interval(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	return duration(r, d, v, key, 1000, 1000, 86400000, &d->spec.interval_ms,
	                "seconds from 1 to 86400 (30, \"30s\", \"5m\")");
}

static bool k_threshold(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	return duration(r, d, v, key, 1, 1, 60000, &d->spec.threshold_ms,
	                "milliseconds from 1 to 60000 (1000, \"1s\")");
}

static bool k_warning(const struct reading *r, struct draft *d, const cJSON *v, const char *key)
{
	return duration(r, d, v, key, 1, 1, 60000, &d->spec.warning_ms,
	                "milliseconds from 1 to 60000 (300, \"300ms\")");
}

static const struct check_key {
	const char *name;
	unsigned types;
	bool (*read)(const struct reading *r, struct draft *d, const cJSON *v, const char *key);
} check_keys[] = {
    {"type", T_HTTP | T_TCP | T_TIME, k_type},
    {"method", T_HTTP | T_TIME, k_method},
    {"url", T_HTTP | T_TIME, k_url},
    {"host", T_HTTP | T_TCP | T_TIME, k_host},
    {"port", T_HTTP | T_TCP | T_TIME, k_port},
    {"path", T_HTTP | T_TIME, k_path},
    {"expected_status", T_HTTP | T_TIME, k_status},
    {"timeout", T_HTTP | T_TCP | T_TIME, k_timeout},
    {"interval", T_HTTP | T_TCP | T_TIME, k_interval},
    {"threshold", T_TIME, k_threshold},
    {"warning_threshold", T_TIME, k_warning},
    {"name", T_HTTP | T_TCP | T_TIME, NULL}, /* a note for people */
    {"description", T_HTTP | T_TCP | T_TIME, NULL},
};

static const struct check_key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof check_keys / sizeof check_keys[0]; i++)
		if (strcmp(check_keys[i].name, name) == 0)
			return &check_keys[i];
	return NULL;
}

/* The target and the URL, once every key is read. */
static bool finish_target(const struct reading *r, struct draft *d)
{
	struct health_spec *s = &d->spec;
	char why[96];
	if (s->type == HEALTH_TCP || !d->has_url) {
		if (!d->has_port) {
			error(r, "%s: needs a port%s; the check is skipped", d->where,
			      s->type == HEALTH_TCP ? "" : " (or a url)");
			return false;
		}
		if (!d->has_host)
			snprintf(s->host, sizeof s->host, "localhost");
	} else {
		bool https;
		if (health_parse_url(d->url, &https, s->host, sizeof s->host, &s->port, d->path,
		                     sizeof d->path, why, sizeof why) < 0) {
			error(r, "%s.url: %s; the check is skipped", d->where, why);
			return false;
		}
		if (d->has_port || d->has_host || d->has_path)
			warning(r, "%s: host, port and path are ignored beside a url", d->where);
		snprintf(s->url, sizeof s->url, "%s", d->url);
	}
	bool v6 = strchr(s->host, ':') != NULL;
	if (s->type == HEALTH_TCP)
		snprintf(s->url, sizeof s->url, v6 ? "tcp://[%s]:%u" : "tcp://%s:%u", s->host,
		         (unsigned)s->port);
	else if (!d->has_url)
		snprintf(s->url, sizeof s->url, v6 ? "http://[%s]:%u%s%s" : "http://%s:%u%s%s",
		         s->host, (unsigned)s->port, d->path[0] == '/' ? "" : "/", d->path);
	if (!health_host_is_loopback(s->host)) {
		char host[48];
		shown(host, sizeof host, s->host);
		if (!r->allow_remote) {
			error(r,
			      "%s: %s is not this machine: refused (allow_remote: true lets checks "
			      "reach other machines)",
			      d->where, host);
			return false;
		}
		unsigned char addr[16];
		if (s->type == HEALTH_TCP && inet_pton(AF_INET, s->host, addr) != 1 &&
		    inet_pton(AF_INET6, s->host, addr) != 1) {
			error(r, "%s.host: a tcp check's remote host must be an address; skipped",
			      d->where);
			return false;
		}
	}
	return true;
}

static void read_check(struct reading *r, const cJSON *c, const char *service, const char *where)
{
	struct draft d = {.where = where};
	struct health_spec *s = &d.spec;
	if (!cJSON_IsObject(c)) {
		error(r, "%s: expected a check (a mapping with a type); skipped", where);
		return;
	}
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(c, "type");
	char tname[48];
	if (!cJSON_IsString(type)) {
		error(r, "%s.type: expected http, tcp or response_time; the check is skipped",
		      where);
		return;
	}
	shown(tname, sizeof tname, type->valuestring);
	if (listed(unsupported_types, type->valuestring) ||
	    cJSON_GetObjectItemCaseSensitive(c, "command")) {
		warning(r,
		        "%s: type %s%s is not supported (devports runs http, tcp and "
		        "response_time checks); skipped",
		        where, tname,
		        cJSON_GetObjectItemCaseSensitive(c, "command") ? " with a command" : "");
		return;
	}
	int t = -1;
	for (int i = 0; i < HEALTH_TYPE_COUNT; i++)
		if (strcmp(type->valuestring, health_type_names[i]) == 0)
			t = i;
	if (t < 0) {
		error(r, "%s.type: unknown type %s (expected http, tcp or response_time); skipped",
		      where, tname);
		return;
	}
	s->type = (enum health_type)t;
	s->timeout_ms = HEALTH_TIMEOUT_DEFAULT_MS;
	s->interval_ms = HEALTH_INTERVAL_DEFAULT_MS;
	for (const cJSON *m = c->child; m && !d.bad; m = m->next) {
		const struct check_key *k = find_key(m->string);
		char key[48];
		shown(key, sizeof key, m->string);
		if (!k || !(k->types & (1u << t)))
			warning(r, "%s: unknown key %s for a %s check, ignored", where, key,
			        health_type_names[t]);
		else if (k->read)
			k->read(r, &d, m, key);
	}
	if (d.bad || !finish_target(r, &d))
		return;
	if (s->type == HEALTH_RESPONSE_TIME && s->threshold_ms && s->warning_ms > s->threshold_ms)
		warning(r, "%s: warning_threshold is above threshold", where);
	sanitize_text(s->service, sizeof s->service, service, strlen(service));
	snprintf(s->source, sizeof s->source, "%s", r->label);
	s->key = hash_u64(hash_str(hash_str(hash_str(HASH_SEED, r->label), service), s->url),
	                  (uint64_t)s->type << 32 | r->files_checks);
	if (r->s->n == HEALTH_CHECKS_MAX) {
		if (!r->full)
			error(r, "%s: more than %d checks in all; the rest are skipped", where,
			      HEALTH_CHECKS_MAX);
		r->full = true;
		return;
	}
	r->s->v[r->s->n++] = *s;
	r->files_checks++;
}

static void read_service(struct reading *r, const cJSON *svc)
{
	char name[48], where[160];
	shown(name, sizeof name, svc->string);
	snprintf(where, sizeof where, "services.%s", name);
	if (!cJSON_IsObject(svc)) {
		error(r, "%s: expected a mapping with checks; skipped", where);
		return;
	}
	for (const cJSON *m = svc->child; m; m = m->next) {
		char key[48];
		shown(key, sizeof key, m->string);
		if (listed(unsupported_sections, m->string))
			warning(r,
			        "%s.%s: alerts are not supported (devports only shows health); "
			        "ignored",
			        where, key);
		else if (strcmp(m->string, "checks") != 0 && strcmp(m->string, "description"))
			warning(r, "%s: unknown key %s, ignored", where, key);
	}
	const cJSON *checks = cJSON_GetObjectItemCaseSensitive(svc, "checks");
	if (!cJSON_IsArray(checks)) {
		error(r, "%s.checks: expected a list of checks; skipped", where);
		return;
	}
	int i = 0;
	for (const cJSON *c = checks->child; c; c = c->next, i++) {
		char at[200];
		if (i == HEALTH_PER_SERVICE_MAX) {
			error(r, "%s.checks: more than %d checks; the rest are skipped", where,
			      HEALTH_PER_SERVICE_MAX);
			return;
		}
		snprintf(at, sizeof at, "%s.checks[%d]", where, i);
		read_check(r, c, svc->string, at);
	}
}

void health_spec_read(struct health_specs *s, const cJSON *doc, const char *label)
{
	char safe[HEALTH_SOURCE_MAX];
	sanitize_text(safe, sizeof safe, label, strlen(label));
	struct reading r = {.s = s, .label = safe};
	if (!cJSON_IsObject(doc)) {
		error(&r, "expected a mapping with services; ignored");
		return;
	}
	const cJSON *remote = cJSON_GetObjectItemCaseSensitive(doc, "allow_remote");
	if (remote && !cJSON_IsBool(remote))
		error(&r, "allow_remote: expected true or false; taken as false");
	r.allow_remote = cJSON_IsTrue(remote);
	for (const cJSON *m = doc->child; m; m = m->next) {
		char key[48];
		shown(key, sizeof key, m->string);
		if (listed(unsupported_sections, m->string))
			warning(&r,
			        "%s: alerts are not supported (devports only shows health); "
			        "ignored",
			        key);
		else if (strcmp(m->string, "services") && strcmp(m->string, "allow_remote") &&
		         strcmp(m->string, "version") && strcmp(m->string, "comment"))
			warning(&r, "unknown key %s, ignored", key);
	}
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(doc, "services");
	if (!services) {
		warning(&r, "no services: nothing to check");
		return;
	}
	if (!cJSON_IsObject(services)) {
		error(&r, "services: expected a mapping of service names to their checks");
		return;
	}
	int i = 0;
	for (const cJSON *svc = services->child; svc; svc = svc->next, i++) {
		if (i == HEALTH_SERVICES_MAX) {
			error(&r, "services: more than %d; the rest are skipped",
			      HEALTH_SERVICES_MAX);
			return;
		}
		read_service(&r, svc);
	}
}
