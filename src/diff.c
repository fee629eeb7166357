/* diff.c - added / removed / changed between two sorted snapshots. */
#include "diff.h"

#include <errno.h>
#include <stdlib.h>

static int push(struct diff *d, enum diff_kind kind, const struct listener *b,
                const struct listener *a)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct diff_entry *v = realloc(d->v, cap * sizeof *v);
		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = (struct diff_entry){kind, b, a};
	return 0;
}

int diff_snapshots(const struct listener_set *before, const struct listener_set *after,
                   struct diff *out)
{
	size_t i = 0, j = 0;
	int rc = 0;
	out->n = 0;
	while (rc == 0 && (i < before->n || j < after->n)) {
		const struct listener *b = i < before->n ? &before->v[i] : NULL;
		const struct listener *a = j < after->n ? &after->v[j] : NULL;
		int c = !b ? 1 : !a ? -1 : listener_key_cmp(b, a);
		if (c < 0) {
			rc = push(out, DIFF_REMOVED, b, NULL);
			i++;
		} else if (c > 0) {
			rc = push(out, DIFF_ADDED, NULL, a);
			j++;
		} else {
			if (!listener_same(b, a))
				rc = push(out, DIFF_CHANGED, b, a);
			i++;
			j++;
		}
	}
	return rc;
}

void diff_free(struct diff *d)
{
	free(d->v);
	*d = (struct diff){0};
}
