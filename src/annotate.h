/* annotate.h - labels and hints for the listeners of a snapshot, the one step the dashboard,
 * `list`, `who` and `--json` share. Pure: the config comes in already parsed.
 *
 * A listener's hints depend on the other listeners on its protocol and port (the split stack),
 * so the annotator labels every listener once and orders them by protocol and port; the hints of
 * one listener are then computed when asked for, so a sink that writes one listener at a time
 * holds one annotation at a time. */
#ifndef DEVPORTS_ANNOTATE_H
#define DEVPORTS_ANNOTATE_H

#include "hints.h"
#include "labels.h"
#include "listener.h"

struct annotation {
	struct label label;
	struct hint_list hints;
};

struct config;

struct annotator {
	const struct listener_set *set; /* borrowed: must outlive the annotator, unchanged */
	const struct config *cfg;       /* borrowed; may be NULL */
	struct label *labels;           /* labels[i] for set->v[i] */
	size_t *order;                  /* indices into set, by (protocol, port) */
	size_t *at;                     /* at[i]: where i stands in order */
};

/* Labels every listener of set. 0 or -ENOMEM (the annotator is then empty, free() safe). */
int annotator_init(struct annotator *a, const struct listener_set *set, const struct config *cfg);
/* The label and hints of set->v[i]. */
void annotator_get(const struct annotator *a, size_t i, struct annotation *out);
void annotator_free(struct annotator *a);

/* One annotation per listener of set, in the same order, into *out (malloc'd: free() it; NULL
 * when set is empty). cfg may be NULL. Returns 0 or -ENOMEM (*out is then NULL). */
int annotate_set(const struct listener_set *set, const struct config *cfg,
                 struct annotation **out);

#endif
