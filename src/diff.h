/* diff.h - a pure merge-join of two snapshots sorted by key (listener_key_cmp). */
#ifndef DEVPORTS_DIFF_H
#define DEVPORTS_DIFF_H

#include "listener.h"

enum diff_kind { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED };

struct diff_entry {
	enum diff_kind kind;
	const struct listener *before; /* NULL for DIFF_ADDED; points into the old snapshot */
	const struct listener *after;  /* NULL for DIFF_REMOVED; points into the new snapshot */
};

struct diff {
	struct diff_entry *v;
	size_t n, cap;
};

/* Compares old and new (both sorted by key) and replaces out's content with what changed, in key
 * order. Entries point into old and new: keep both alive while reading them. 0 or -ENOMEM. */
int diff_snapshots(const struct listener_set *before, const struct listener_set *after,
                   struct diff *out);
void diff_free(struct diff *d);

#endif
