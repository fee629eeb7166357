/* labels.c - label a listener: process detection first, then the port table. */
#include "labels.h"

#include <stdio.h>

#include "port_table.h"

const char *const label_source_names[] = {
	[LABEL_NONE] = "none",
	[LABEL_PORT] = "port",
	[LABEL_PROCESS] = "process",
	[LABEL_CONFIG] = "config",
};

struct label labels_for(const struct listener *l)
{
	struct label out = {0};
	const struct port_entry *e = port_table_find(l->port, (enum listener_proto)l->proto);
	if (e) {
		snprintf(out.text, sizeof out.text, "%s", e->label);
		out.source = LABEL_PORT;
	}
	return out;
}
