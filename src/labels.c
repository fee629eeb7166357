/* labels.c - label a listener: the config, then process detection, then the port table. */
#include "labels.h"

#include <stdio.h>

#include "config.h"
#include "port_table.h"

const char *const label_source_names[LABEL_SOURCE_COUNT] = {
    [LABEL_NONE] = "none",
    [LABEL_PORT] = "port",
    [LABEL_PROCESS] = "process",
    [LABEL_CONFIG] = "config",
};

static void set_text(struct label *out, const char *text, enum label_source source)
{
	snprintf(out->text, sizeof out->text, "%s", text);
	out->source = source;
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
	if (mine)
		set_text(&out, mine, LABEL_CONFIG);
	else if (r && r->label)
		set_text(&out, r->label, LABEL_PROCESS);
	else if ((e = port_table_find(l->port, proto)))
		set_text(&out, e->label, LABEL_PORT);
	return out;
}
