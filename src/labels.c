/* labels.c - label a listener from the strongest evidence there is (labels.h). */
#include "labels.h"

#include <stdio.h>

#include "config.h"
#include "port_table.h"
#include "project_map.h"

const char *const label_source_names[LABEL_SOURCE_COUNT] = {
    [LABEL_NONE] = "none",       [LABEL_PORT] = "port",         [LABEL_PROCESS] = "process",
    [LABEL_CONFIG] = "config",   [LABEL_MANIFEST] = "manifest", [LABEL_PARENT] = "parent",
    [LABEL_RUNTIME] = "runtime", [LABEL_SERVICE] = "service",   [LABEL_CONTAINER] = "container",
    [LABEL_PROJECT] = "project",
};

static bool given(const char *s)
{
	return s && s[0];
}

static void set(struct label *out, enum label_source source, const char *text, const char *from)
{
	snprintf(out->text, sizeof out->text, "%s", text);
	snprintf(out->from, sizeof out->from, "%s", from);
	out->source = source;
}

/* The evidence of the process and what was worked out about it, strongest first (labels.h);
 * false when none names it. */
/* The service_type of the project the listener runs as (project_map.h). */
static bool from_project_map(struct label *out, const struct listener *l, const struct config *cfg)
{
	const struct project_decl *d = project_maps_owner(config_maps(cfg), l);
	if (!d || !d->service_type[0])
		return false;
	char text[LABEL_TEXT_MAX], from[LABEL_FROM_MAX], source[PROC_PATH_MAX];
	enum detect_role role;
	project_service_label(d->service_type, text, sizeof text, &role);
	project_decl_source(d, source, sizeof source);
	snprintf(from, sizeof from, "%s: %s, service_type %s", source, d->name, d->service_type);
	set(out, LABEL_PROJECT, text, from);
	if (out->role == ROLE_NONE || out->role == ROLE_RUNTIME)
		out->role = role;
	return true;
}

static bool from_process(struct label *out, const struct listener *l, const struct detect_rule *r,
                         const struct config *cfg)
{
	const struct proc_info *p = l->proc;
	const struct container_info *c = l->container;
	char from[LABEL_FROM_MAX], text[LABEL_TEXT_MAX];
	if (r && r->label && r->role != ROLE_RUNTIME) {
		detect_evidence(r, p->comm, from, sizeof from);
		set(out, LABEL_PROCESS, r->label, from);
		if (!(c && given(c->name)))
			return true;
	}
	if (c && given(c->name)) {
		snprintf(from, sizeof from, "%s: container %s%s%s",
		         given(c->engine) ? c->engine : "container", c->name,
		         given(c->image) ? ", image " : "", given(c->image) ? c->image : "");
		set(out, LABEL_CONTAINER, c->name, from);
		return true;
	}
	if (from_project_map(out, l, cfg))
		return true;
	if (given(p->manifest)) {
		set(out, LABEL_MANIFEST, p->manifest,
		    given(p->manifest_from) ? p->manifest_from : "");
		out->role = ROLE_DEV;
		return true;
	}
	if (given(p->parent_label)) {
		snprintf(from, sizeof from, "parent: %s",
		         given(p->parent_from) ? p->parent_from : "?");
		set(out, LABEL_PARENT, p->parent_label, from);
		return true;
	}
	if (given(p->unit)) {
		snprintf(from, sizeof from, "service unit: %s", p->unit);
		set(out, LABEL_SERVICE, p->unit, from);
		if (out->role == ROLE_NONE)
			out->role = ROLE_SERVICE;
		return true;
	}
	if (r && r->label && r->role == ROLE_RUNTIME) {
		detect_runtime_label(r, p->cmdline, text, sizeof text);
		snprintf(from, sizeof from, "runtime: %s", p->comm);
		set(out, LABEL_RUNTIME, text, from);
		return true;
	}
	return false;
}

struct label labels_for(const struct listener *l, const struct config *cfg)
{
	struct label out = {0};
	enum listener_proto proto = (enum listener_proto)l->proto;
	const struct detect_rule *r = NULL;
	if (!l->owner_hidden)
		r = detect_process(l->proc->comm, l->proc->exe, l->proc->cmdline, l->port);
	if (r)
		out.role = r->role;
	const char *mine = config_label(cfg, l->port, proto);
	const struct port_entry *e;
	if (mine) {
		set(&out, LABEL_CONFIG, mine, "config file");
		return out;
	}
	if (!l->owner_hidden && from_process(&out, l, r, cfg))
		return out;
	if ((e = port_table_find(l->port, proto)))
		set(&out, LABEL_PORT, e->label, "port table: a guess");
	return out;
}

struct label labels_for_holder(const struct listener *l, size_t i, const struct label *row)
{
	if (i >= l->nholders || l->holders[i] == l->proc || row->source == LABEL_CONFIG)
		return *row;
	struct listener one = *l;
	one.proc = l->holders[i];
	return labels_for(&one, NULL);
}
