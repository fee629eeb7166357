/* annotate.h - labels and hints for every listener of a snapshot, the one step the dashboard,
 * `list` and `--json` share. Pure: the config comes in already parsed. */
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

/* One annotation per listener of set, in the same order, into *out (malloc'd: free() it; NULL
 * when set is empty). cfg may be NULL. Returns 0 or -ENOMEM (*out is then NULL). */
int annotate_set(const struct listener_set *set, const struct config *cfg,
                 struct annotation **out);

#endif
