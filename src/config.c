/* config.c - the settings file: read, checked strictly, understood, or ignored with one message.
 * Format: config.h. */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"
#include "model.h"
#include "port_table.h"
#include "project_map.h"
#include "sanitize.h"
#include "yaml_doc.h"

enum { FILE_SIZE_MAX = 1 << 20 };

struct reader {
	struct config *c;
	const char *label; /* the path, sanitized */
	const char *home;
};

void config_init(struct config *c)
{
	*c = (struct config){.sort = -1, .show_udp = -1, .show_dynamic = -1};
}

static void free_lists(struct config *c)
{
	free(c->labels);
	free(c->expect);
	free(c->hide_ports);
	free(c->hide_processes);
	free(c->watch);
	cJSON_Delete(c->health);
	c->health = NULL;
	c->watch = NULL;
	c->nwatch = 0;
	c->labels = c->expect = NULL;
	c->hide_ports = NULL;
	c->hide_processes = NULL;
	c->nlabels = c->nexpect = c->nhide_ports = c->nhide_processes = 0;
	project_maps_free(&c->projects);
}

void config_free(struct config *c)
{
	if (!c)
		return;
	free_lists(c);
	config_init(c);
}

void config_path(char *buf, size_t len, const char *xdg, const char *home)
{
	if (xdg && xdg[0] == '/')
		snprintf(buf, len, "%s/devports/config.json", xdg);
	else if (home && home[0])
		snprintf(buf, len, "%s/.config/devports/config.json", home);
	else if (len)
		buf[0] = '\0';
}

/* "LABEL: "KEY": message"; the file is then ignored. */
__attribute__((format(printf, 3, 4))) static int fail(const struct reader *r, const char *key,
                                                      const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(r->c->error, sizeof r->c->error, "%s: \"%s\": %s", r->label, key, msg);
	return -EINVAL;
}

__attribute__((format(printf, 2, 3))) static void warn(const struct reader *r, const char *fmt, ...)
{
	struct config *c = r->c;
	char msg[256];
	va_list ap;
	if (c->nwarnings == CONFIG_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(c->warnings[c->nwarnings++], CONFIG_MESSAGE_MAX, "%s: %s", r->label, msg);
}

static void safe(char *dst, size_t cap, const char *src)
{
	sanitize_text(dst, cap, src, strlen(src));
}

static int read_interval(const struct reader *r, const cJSON *v, const char *key)
{
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0.2 && v->valuedouble <= 60))
		return fail(r, key, "expected a number of seconds from 0.2 to 60");
	r->c->interval = v->valuedouble;
	return 0;
}

static int read_sort(const struct reader *r, const cJSON *v, const char *key)
{
	for (int i = 0; cJSON_IsString(v) && i < SORT_COUNT; i++)
		if (strcmp(v->valuestring, model_sort_names[i]) == 0) {
			r->c->sort = i;
			return 0;
		}
	return fail(r, key, "expected \"port\", \"process\", \"pid\" or \"uptime\"");
}

static int read_bool(const struct reader *r, const cJSON *v, const char *key, int *out)
{
	if (!cJSON_IsBool(v))
		return fail(r, key, "expected true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

static int read_show_udp(const struct reader *r, const cJSON *v, const char *key)
{
	return read_bool(r, v, key, &r->c->show_udp);
}

static int read_show_dynamic(const struct reader *r, const cJSON *v, const char *key)
{
	return read_bool(r, v, key, &r->c->show_dynamic);
}

/* A number 1-65535 in s[0..n), all digits. */
static bool parse_port(const char *s, size_t n, uint16_t *out)
{
	unsigned long v = 0;
	if (n == 0 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* "3000", "3000/tcp", "3000/udp". */
static bool parse_port_key(const char *s, uint16_t *port, uint8_t *protos)
{
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	*protos = !slash                   ? PP_BOTH
	          : !strcmp(slash, "/tcp") ? PP_TCP
	          : !strcmp(slash, "/udp") ? PP_UDP
	                                   : 0;
	return *protos && parse_port(s, n, port);
}

/* An object of port -> text: "labels" and "expect". `what` says what a value is. */
static int read_port_map(const struct reader *r, const cJSON *v, const char *key,
                         struct config_port_text **out, size_t *nout, const char *what,
                         bool directories)
{
	if (!cJSON_IsObject(v))
		return fail(r, key, "expected an object like {\"3000\": \"%s\"}", what);
	size_t n = (size_t)cJSON_GetArraySize(v);
	struct config_port_text *list = calloc(n ? n : 1, sizeof *list);
	if (!list)
		return -ENOMEM;
	*out = list;
	*nout = 0;
	for (const cJSON *m = v->child; m; m = m->next) {
		struct config_port_text *e = &list[*nout];
		char name[64];
		safe(name, sizeof name, m->string);
		if (!parse_port_key(m->string, &e->port, &e->protos))
			return fail(r, key,
			            "\"%s\" is not a port (write \"3000\", \"3000/tcp\" or "
			            "\"3000/udp\")",
			            name);
		if (!cJSON_IsString(m) || !m->valuestring[0])
			return fail(r, key, "\"%s\": expected %s (a string)", name, what);
		const char *text = m->valuestring;
		char expanded[PROC_PATH_MAX];
		if (directories && text[0] == '~' && text[1] == '/' && r->home && r->home[0]) {
			snprintf(expanded, sizeof expanded, "%s%s", r->home, text + 1);
			text = expanded;
		}
		safe(e->text, directories ? sizeof e->text : CONFIG_LABEL_MAX, text);
		++*nout;
	}
	return 0;
}

static int read_labels(const struct reader *r, const cJSON *v, const char *key)
{
	return read_port_map(r, v, key, &r->c->labels, &r->c->nlabels, "a label", false);
}

static int read_expect(const struct reader *r, const cJSON *v, const char *key)
{
	return read_port_map(r, v, key, &r->c->expect, &r->c->nexpect,
	                     "a project name or directory", true);
}

/* 631 or "49152-65535". */
static bool parse_range(const cJSON *v, struct config_range *out)
{
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!(d >= 1 && d <= 65535) || d != (double)(int)d)
			return false;
		out->lo = out->hi = (uint16_t)d;
		return true;
	}
	if (!cJSON_IsString(v))
		return false;
	const char *s = v->valuestring, *dash = strchr(s, '-');
	if (!dash)
		return parse_port(s, strlen(s), &out->lo) && (out->hi = out->lo, true);
	return parse_port(s, (size_t)(dash - s), &out->lo) &&
	       parse_port(dash + 1, strlen(dash + 1), &out->hi) && out->lo <= out->hi;
}

static int read_hide_ports(const struct reader *r, const cJSON *v, const char *key)
{
	struct config *c = r->c;
	if (!cJSON_IsArray(v))
		return fail(r, key, "expected a list of ports like [631, \"49152-65535\"]");
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	c->hide_ports = calloc(n ? n : 1, sizeof *c->hide_ports);
	if (!c->hide_ports)
		return -ENOMEM;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		if (!parse_range(e, &c->hide_ports[i]))
			return fail(r, key,
			            "item %zu: expected a port (1-65535) or a range like "
			            "\"49152-65535\"",
			            i + 1);
		c->nhide_ports = i + 1;
	}
	return 0;
}

static int read_hide_processes(const struct reader *r, const cJSON *v, const char *key)
{
	struct config *c = r->c;
	if (!cJSON_IsArray(v))
		return fail(r, key, "expected a list of process names like [\"spotify\"]");
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	c->hide_processes = calloc(n ? n : 1, sizeof *c->hide_processes);
	if (!c->hide_processes)
		return -ENOMEM;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		if (!cJSON_IsString(e) || !e->valuestring[0])
			return fail(r, key, "item %zu: expected a process name (a string)", i + 1);
		safe(c->hide_processes[i], PROC_COMM_MAX, e->valuestring);
		c->nhide_processes = i + 1;
	}
	return 0;
}

/* 5432, "5432", "5432/tcp" or "5432/udp": one protocol, TCP unless "/udp". */
static bool parse_watch(const cJSON *v, struct config_watch *out)
{
	uint8_t protos = PP_TCP;
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (!(d >= 1 && d <= 65535) || d != (double)(int)d)
			return false;
		out->port = (uint16_t)d;
	} else if (!cJSON_IsString(v) || !parse_port_key(v->valuestring, &out->port, &protos)) {
		return false;
	}
	out->proto = protos == PP_UDP ? PROTO_UDP : PROTO_TCP;
	return true;
}

static int read_watch(const struct reader *r, const cJSON *v, const char *key)
{
	struct config *c = r->c;
	if (!cJSON_IsArray(v))
		return fail(r, key, "expected a list of ports like [5432, \"8000/udp\"]");
	size_t n = (size_t)cJSON_GetArraySize(v), i = 0;
	if (n > CONFIG_WATCH_MAX)
		return fail(r, key, "%zu ports: at most %d can be watched", n, CONFIG_WATCH_MAX);
	c->watch = calloc(n ? n : 1, sizeof *c->watch);
	if (!c->watch)
		return -ENOMEM;
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		struct config_watch *w = &c->watch[c->nwatch];
		if (!parse_watch(e, w))
			return fail(r, key,
			            "item %zu: expected a port (1-65535), \"5432/tcp\" or "
			            "\"5353/udp\"",
			            i + 1);
		for (size_t k = 0; k < c->nwatch; k++)
			if (c->watch[k].port == w->port && c->watch[k].proto == w->proto)
				return fail(r, key, "item %zu: port %u is listed twice", i + 1,
				            (unsigned)w->port);
		c->nwatch++;
	}
	return 0;
}

/* "projects": the shape of a .devports.yml (project_map.h); a malformed project is left out with a
 * warning, the others count. */
static int read_projects(const struct reader *r, const cJSON *v, const char *key)
{
	struct config *c = r->c;
	if (!cJSON_IsObject(v))
		return fail(r, key,
		            "expected an object of projects like {\"api\": "
		            "{\"preferred_port\": 5000}}");
	project_maps_read_projects(&c->projects, v, r->label, "");
	for (size_t i = 0; i < c->projects.nmessages && c->nwarnings < CONFIG_WARNINGS_MAX; i++)
		snprintf(c->warnings[c->nwarnings++], CONFIG_MESSAGE_MAX, "%s",
		         c->projects.messages[i]);
	c->projects.nmessages = 0;
	return 0;
}

/* Kept as a tree: the health checks read it with healthcheck.yml's reader (health_spec.h). */
static int read_health(const struct reader *r, const cJSON *v, const char *key)
{
	if (!cJSON_IsObject(v))
		return fail(r, key, "expected an object like {\"services\": {...}}");
	return (r->c->health = cJSON_Duplicate(v, true)) ? 0 : -ENOMEM;
}

static const struct config_key {
	const char *name;
	int (*read)(const struct reader *r, const cJSON *v, const char *key);
} config_keys[] = {
    {.name = "interval", .read = read_interval},
    {.name = "sort", .read = read_sort},
    {.name = "show_udp", .read = read_show_udp},
    {.name = "show_dynamic", .read = read_show_dynamic},
    {.name = "labels", .read = read_labels},
    {.name = "expect", .read = read_expect},
    {.name = "hide_ports", .read = read_hide_ports},
    {.name = "hide_processes", .read = read_hide_processes},
    {.name = "watch", .read = read_watch},
    {.name = "projects", .read = read_projects},
    {.name = "health", .read = read_health},
    {.name = "comment", .read = NULL},
};

static const struct config_key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof config_keys / sizeof config_keys[0]; i++)
		if (strcmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

static int read_document(const struct reader *r, const cJSON *doc)
{
	if (!cJSON_IsObject(doc)) {
		snprintf(r->c->error, sizeof r->c->error,
		         "%s: expected an object like {\"labels\": {\"3000\": \"shop-web\"}}",
		         r->label);
		return -EINVAL;
	}
	for (const cJSON *m = doc->child; m; m = m->next) {
		char name[64];
		safe(name, sizeof name, m->string);
		for (const cJSON *twin = doc->child; twin != m; twin = twin->next)
			if (strcmp(twin->string, m->string) == 0)
				return fail(r, name, "is given twice");
		const struct config_key *k = find_key(m->string);
		if (!k) {
			warn(r,
			     "unknown key \"%s\" ignored (known: interval, sort, show_udp, "
			     "show_dynamic, labels, expect, hide_ports, hide_processes, "
			     "watch, projects, health)",
			     name);
			continue;
		}
		if (k->read && !cJSON_IsNull(m)) {
			int rc = k->read(r, m, k->name);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", s[i]) || !s[i])
			return false;
	return true;
}

int config_parse(struct config *c, const char *text, size_t len, const char *label,
                 const char *home)
{
	char safe_label[PROC_PATH_MAX];
	safe(safe_label, sizeof safe_label, label);
	struct reader r = {.c = c, .label = safe_label, .home = home};
	c->error[0] = '\0';
	c->nwarnings = 0;
	c->empty = blank(text, len);
	if (c->empty)
		return 0;
	cJSON *doc = NULL;
	int rc = yaml_doc_is_yaml_name(label)
	             ? yaml_doc_parse(text, len, safe_label, &doc, c->error, sizeof c->error)
	             : json_check_parse(text, len, safe_label, &doc, c->error, sizeof c->error);
	if (rc == 0)
		rc = read_document(&r, doc);
	cJSON_Delete(doc);
	if (rc == -ENOMEM)
		snprintf(c->error, sizeof c->error, "%s: out of memory", safe_label);
	if (rc < 0) { /* the whole file is ignored: back to the defaults */
		free_lists(c);
		c->interval = 0;
		c->sort = c->show_udp = c->show_dynamic = -1;
	}
	return rc;
}

int config_load(struct config *c, const char *path, const char *home)
{
	snprintf(c->path, sizeof c->path, "%s", path);
	c->found = false;
	if (!path[0])
		return 0;
	FILE *f = fopen(path, "r");
	if (!f && errno == ENOENT)
		return 0;
	char safe_path[PROC_PATH_MAX];
	safe(safe_path, sizeof safe_path, path);
	c->found = true;
	if (!f) {
		int e = errno;
		snprintf(c->error, sizeof c->error, "%s: %s", safe_path, strerror(e));
		return -e;
	}
	char *text = malloc(FILE_SIZE_MAX + 1);
	errno = 0;
	size_t len = text ? fread(text, 1, FILE_SIZE_MAX + 1, f) : 0;
	int rc = !text                 ? -ENOMEM
	         : ferror(f)           ? -(errno ? errno : EIO)
	         : len > FILE_SIZE_MAX ? -EFBIG
	                               : 0;
	fclose(f);
	if (rc == 0)
		rc = config_parse(c, text, len, path, home);
	else
		snprintf(c->error, sizeof c->error, "%s: %s", safe_path,
		         rc == -EFBIG ? "larger than 1 MiB, not a config file" : strerror(-rc));
	free(text);
	return rc;
}

static const struct config_port_text *find_port(const struct config_port_text *v, size_t n,
                                                uint16_t port, enum listener_proto proto)
{
	unsigned want = proto == PROTO_UDP ? PP_UDP : PP_TCP;
	for (size_t i = 0; i < n; i++)
		if (v[i].port == port && (v[i].protos & want))
			return &v[i];
	return NULL;
}

const char *config_label(const struct config *c, uint16_t port, enum listener_proto proto)
{
	const struct config_port_text *e = c ? find_port(c->labels, c->nlabels, port, proto) : NULL;
	return e ? e->text : NULL;
}

const char *config_expected(const struct config *c, uint16_t port, enum listener_proto proto)
{
	const struct config_port_text *e = c ? find_port(c->expect, c->nexpect, port, proto) : NULL;
	return e ? e->text : NULL;
}

bool config_hides(const struct config *c, const struct listener *l)
{
	if (!c)
		return false;
	for (size_t i = 0; i < c->nhide_ports; i++)
		if (l->port >= c->hide_ports[i].lo && l->port <= c->hide_ports[i].hi)
			return true;
	if (l->owner_hidden)
		return false;
	const char *slash = strrchr(l->proc->exe, '/');
	const char *exe = slash ? slash + 1 : l->proc->exe;
	for (size_t i = 0; i < c->nhide_processes; i++)
		if (strcmp(l->proc->comm, c->hide_processes[i]) == 0 ||
		    (exe[0] && strcmp(exe, c->hide_processes[i]) == 0))
			return true;
	return false;
}

const struct project_maps *config_maps(const struct config *c)
{
	return !c ? NULL : c->maps ? c->maps : &c->projects;
}
