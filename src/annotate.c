/* annotate.c - labels, then hints (which read the labels), for a whole snapshot. */
#include "annotate.h"

#include <errno.h>
#include <stdlib.h>

int annotate_set(const struct listener_set *set, const struct config *cfg,
                 struct annotation **out)
{
	*out = NULL;
	if (set->n == 0)
		return 0;
	struct annotation *a = calloc(set->n, sizeof *a);
	struct label *labels = malloc(set->n * sizeof *labels);
	struct hint_list *hints = malloc(set->n * sizeof *hints);
	int rc = a && labels && hints ? 0 : -ENOMEM;
	if (rc == 0) {
		for (size_t i = 0; i < set->n; i++)
			labels[i] = labels_for(&set->v[i], cfg);
		rc = hints_compute(set, labels, cfg, hints);
	}
	if (rc == 0)
		for (size_t i = 0; i < set->n; i++)
			a[i] = (struct annotation){.label = labels[i], .hints = hints[i]};
	free(labels);
	free(hints);
	if (rc < 0) {
		free(a);
		return rc;
	}
	*out = a;
	return 0;
}
