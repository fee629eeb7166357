/* json_out.c - snapshot -> JSON, written one listener at a time. Text fields are already
 * sanitized; cJSON escapes the rest. */
#include "json_out.h"

#include <errno.h>
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

/* Writes text with a tab after every newline: a listener's object, indented into the array. */
static int put_indented(FILE *out, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");
		if (fwrite(p, 1, n, out) != n)
			return -1;
		p += n;
		if (*p == '\n') {
			p++;
			if (fputs("\n\t", out) == EOF)
				return -1;
		}
	}
	return 0;
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
		char *one = item ? cJSON_Print(item) : NULL;
		cJSON_Delete(item);
		if (!one)
			rc = -ENOMEM;
		else if ((i && fputs(", ", out) == EOF) || put_indented(out, one) < 0)
			rc = -EIO;
		free(one);
	}
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
