/* json_out.c - snapshot -> JSON, written one listener at a time. Text fields are already
 * sanitized; cJSON escapes the rest. */
#include "json_out.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annotate.h"
#include "health_json.h"
#include "panes.h"
#include "ranges.h"

static void iso_time(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (t <= 0 || !gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, len, "%s", "");
}

static cJSON *label_json(const struct label *lab)
{
	if (lab->source == LABEL_NONE)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "text", lab->text);
	cJSON_AddStringToObject(o, "source", label_source_names[lab->source]);
	cJSON_AddStringToObject(o, "from", lab->from);
	return o;
}

static cJSON *process_json(const struct listener *l, size_t i, const struct annotation *a)
{
	const struct proc_info *p = l->holders[i];
	char started[32];
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	iso_time(p->start_time, started, sizeof started);
	cJSON_AddNumberToObject(o, "pid", p->id.pid);
	cJSON_AddNumberToObject(o, "ppid", p->ppid);
	cJSON_AddStringToObject(o, "name", p->comm);
	cJSON_AddStringToObject(o, "cmdline", p->cmdline);
	cJSON_AddStringToObject(o, "user", p->user);
	cJSON_AddNumberToObject(o, "uid", p->uid);
	if (started[0])
		cJSON_AddStringToObject(o, "started", started);
	else
		cJSON_AddNullToObject(o, "started");
	cJSON_AddNumberToObject(o, "start_ticks", (double)p->id.start_ticks);
	cJSON_AddNumberToObject(o, "rss_kib", (double)p->rss_kib);
	cJSON_AddStringToObject(o, "cwd", p->cwd);
	cJSON_AddStringToObject(o, "exe", p->exe);
	cJSON_AddStringToObject(o, "project_root", p->project_root);
	cJSON_AddStringToObject(o, "unit", p->unit ? p->unit : "");
	cJSON_AddStringToObject(o, "launcher", p->launcher ? p->launcher : "");
	cJSON_AddStringToObject(o, "role", listener_role_names[listener_holder_role(l, i)]);
	struct label none = {0}, own = labels_for_holder(l, i, a ? &a->label : &none);
	cJSON_AddItemToObject(o, "label", label_json(&own));
	return o;
}

static void add_annotation(cJSON *o, const struct annotation *a)
{
	struct label none = {0};
	cJSON_AddItemToObject(o, "label", label_json(a ? &a->label : &none));
	cJSON *hints = cJSON_AddArrayToObject(o, "hints");
	for (size_t i = 0; a && hints && i < a->hints.n; i++) {
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "kind", hint_kinds[a->hints.v[i].kind].name);
		cJSON_AddStringToObject(h, "text", a->hints.v[i].text);
		cJSON_AddItemToArray(hints, h);
	}
	if (!a || !a->reach_known) {
		cJSON_AddNullToObject(o, "reached_by");
		return;
	}
	cJSON *reached = cJSON_AddArrayToObject(o, "reached_by");
	for (size_t i = 0; reached && i < a->nreached; i++) {
		char dest[REACH_DEST_STR_MAX];
		reach_dest_str(&a->reached_by[i], dest, sizeof dest);
		cJSON_AddItemToArray(reached, cJSON_CreateString(dest));
	}
}

/* "container": the container a proxy row forwards into, or null; on a proxy row whose container
 * is not known, "container_unknown" says why. */
static void add_container(cJSON *o, const struct listener *l)
{
	const struct container_info *c = l->container;
	if (!c || !c->name[0]) {
		cJSON_AddNullToObject(o, "container");
		if (c && c->why[0])
			cJSON_AddStringToObject(o, "container_unknown", c->why);
		return;
	}
	cJSON *j = cJSON_AddObjectToObject(o, "container");
	cJSON_AddStringToObject(j, "engine", c->engine);
	cJSON_AddStringToObject(j, "id", c->id);
	cJSON_AddStringToObject(j, "name", c->name);
	cJSON_AddStringToObject(j, "image", c->image);
	if (c->port)
		cJSON_AddNumberToObject(j, "port", c->port);
	else
		cJSON_AddNullToObject(j, "port");
}

/* "tmux": the pane whose process tree holds the row, or null (no tmux server, in no pane). */
static void add_tmux(cJSON *o, const struct listener *l)
{
	const struct tmux_pane *p = l->pane;
	char target[PANE_TARGET_MAX], id[16];
	if (!p) {
		cJSON_AddNullToObject(o, "tmux");
		return;
	}
	tmux_pane_target(p, target, sizeof target);
	tmux_pane_id(p, id, sizeof id);
	cJSON *j = cJSON_AddObjectToObject(o, "tmux");
	cJSON_AddStringToObject(j, "session", p->session);
	cJSON_AddNumberToObject(j, "window", p->window);
	cJSON_AddNumberToObject(j, "pane", p->pane);
	cJSON_AddStringToObject(j, "target", target);
	cJSON_AddStringToObject(j, "pane_id", id);
	cJSON_AddStringToObject(j, "window_name", p->window_name);
	cJSON_AddStringToObject(j, "command", p->command);
}

cJSON *json_out_listener(const struct listener *l, const struct annotation *a)
{
	char addr[64];
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	listener_addr_str(l, addr, sizeof addr);
	cJSON_AddNumberToObject(o, "port", l->port);
	cJSON_AddStringToObject(o, "proto", listener_proto_name(l));
	cJSON_AddStringToObject(o, "family", l->family == FAMILY_V4 ? "ipv4" : "ipv6");
	cJSON_AddStringToObject(o, "address", addr);
	cJSON_AddBoolToObject(o, "v6only", l->v6only);
	cJSON_AddBoolToObject(o, "wildcard", listener_is_wildcard(l));
	cJSON_AddBoolToObject(o, "loopback", listener_is_loopback(l));
	cJSON_AddStringToObject(o, "range", ranges_table[ranges_of(l->port)].key);
	cJSON_AddNumberToObject(o, "inode", (double)l->inode);
	cJSON_AddNumberToObject(o, "uid", l->uid);
	cJSON_AddStringToObject(o, "user", l->proc->user);
	cJSON_AddBoolToObject(o, "owner_hidden", l->owner_hidden);
	cJSON_AddStringToObject(o, "owner", owner_unknown_keys[l->owner_why]);
	cJSON_AddNumberToObject(o, "sockets", l->nsockets);
	add_annotation(o, a);
	add_container(o, l);
	add_tmux(o, l);
	cJSON *procs = cJSON_AddArrayToObject(o, "processes");
	for (size_t i = 0; procs && i < l->nholders; i++)
		cJSON_AddItemToArray(procs, process_json(l, i, a));
	return o;
}

/* cJSON prints every number with "%1.15g" and reads it back with sscanf to check it: most of
 * the cost of writing thousands of listeners. An integer below 1e15 prints as its digits either
 * way, so those become raw text before printing (the same document, a tenth of the cost). Returns
 * false when out of memory. */
static bool integers_as_text(cJSON *item)
{
	for (cJSON *c = item; c; c = c->next) {
		if (c->child && !integers_as_text(c->child))
			return false;
		double d = c->valuedouble;
		if (!cJSON_IsNumber(c) || d != (double)(long long)d || d <= -1e15 || d >= 1e15 ||
		    signbit(d))
			continue;
		char digits[24], *end = digits + sizeof digits, *at = end;
		unsigned long long v = (unsigned long long)(d < 0 ? -d : d);
		do
			*--at = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		if (d < 0)
			*--at = '-';
		char *text = malloc((size_t)(end - at) + 1);
		if (!text)
			return false;
		memcpy(text, at, (size_t)(end - at));
		text[end - at] = '\0';
		c->type = cJSON_Raw;
		c->valuestring = text; /* cJSON_Delete frees it */
	}
	return true;
}

/* Room that one listener's text is printed into, kept across listeners; then indented into
 * ind. */
struct print_room {
	char *buf, *ind;
	size_t cap, indcap;
};

/* item printed with a tab after every newline (a listener's object, indented into the array),
 * in room->ind (its length in *len). Returns false when out of memory. */
static bool print_indented(struct print_room *room, cJSON *item, size_t *len)
{
	if (!integers_as_text(item))
		return false;
	while (!room->buf || !cJSON_PrintPreallocated(item, room->buf, (int)room->cap, 1)) {
		size_t cap = room->cap ? 2 * room->cap : 16384;
		char *b = cap <= INT_MAX ? realloc(room->buf, cap) : NULL;
		if (!b)
			return false;
		room->buf = b;
		room->cap = cap;
	}
	size_t n = strlen(room->buf), lines = 0;
	for (const char *p = room->buf; (p = memchr(p, '\n', n - (size_t)(p - room->buf))); p++)
		lines++;
	if (n + lines + 1 > room->indcap) {
		char *b = realloc(room->ind, n + lines + 1);
		if (!b)
			return false;
		room->ind = b;
		room->indcap = n + lines + 1;
	}
	char *o = room->ind;
	for (const char *p = room->buf, *end = p + n; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		memcpy(o, p, k);
		o += k;
		p += k;
		if (nl)
			*o++ = '\t';
	}
	*len = (size_t)(o - room->ind);
	return true;
}

int json_out_write(FILE *out, const struct snapshot *s, const char *backend,
                   const struct config *cfg)
{
	return json_out_write_health(out, s, backend, cfg, NULL);
}

int json_out_write_health(FILE *out, const struct snapshot *s, const char *backend,
                          const struct config *cfg, const struct health_board *health)
{
	char now[32];
	struct annotator ann;
	if (annotator_init(&ann, &s->set, (enum reach_kernel)s->kernel, cfg) < 0)
		return -ENOMEM;
	cJSON *head = cJSON_CreateObject();
	iso_time(s->taken_at, now, sizeof now);
	cJSON_AddNumberToObject(head, "schema_version", JSON_SCHEMA_VERSION);
	cJSON_AddStringToObject(head, "generated_at", now);
	cJSON_AddStringToObject(head, "backend", backend);
	char *text = head ? cJSON_Print(head) : NULL;
	cJSON_Delete(head);
	int rc = text ? 0 : -ENOMEM;
	size_t len = text ? strlen(text) : 0;
	/* the head's own closing "\n}" gives way to the listeners, written one at a time */
	if (rc == 0 && (len < 2 || fwrite(text, 1, len - 2, out) != len - 2 ||
	                fputs(",\n\t\"listeners\":\t[", out) == EOF))
		rc = -EIO;
	free(text);
	struct print_room room = {0};
	for (size_t i = 0; rc == 0 && i < s->set.n; i++) {
		struct annotation a;
		annotator_get(&ann, i, &a);
		const struct listener *l = &s->set.v[i];
		cJSON *item = json_out_listener(l, &a);
		if (item)
			cJSON_AddItemToObject(item, "health",
			                      l->proto == PROTO_TCP
			                          ? health_json_port(health, l->port)
			                          : cJSON_CreateNull());
		if (!item || !print_indented(&room, item, &len))
			rc = -ENOMEM;
		else if ((i && fputs(", ", out) == EOF) || fwrite(room.ind, 1, len, out) != len)
			rc = -EIO;
		cJSON_Delete(item);
	}
	free(room.buf);
	free(room.ind);
	if (rc == 0 && fputs("]\n}\n", out) == EOF)
		rc = -EIO;
	annotator_free(&ann);
	return rc;
}

char *json_out_snapshot(const struct snapshot *s, const char *backend, const struct config *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	int rc = json_out_write(f, s, backend, cfg);
	if (fclose(f) != 0 || rc < 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
