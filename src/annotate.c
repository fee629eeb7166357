/* annotate.c - labels for a whole snapshot, then hints (which read the labels of the listeners on
 * the same protocol and port) one listener at a time. */
#include "annotate.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

enum { MATES_MAX = 64 }; /* listeners on one protocol and port that a hint compares */

/* Where a listener sits in the order by protocol and port. */
struct slot {
	uint8_t proto;
	uint16_t port;
	size_t i; /* index into the set */
};

static int by_proto_port(const void *x, const void *y)
{
	const struct slot *a = x, *b = y;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

int annotator_init(struct annotator *a, const struct listener_set *set, const struct config *cfg)
{
	size_t n = set->n;
	*a = (struct annotator){.set = set, .cfg = cfg};
	if (n == 0)
		return 0;
	a->labels = malloc(n * sizeof *a->labels);
	a->order = malloc(n * sizeof *a->order);
	a->at = malloc(n * sizeof *a->at);
	if (!a->labels || !a->order || !a->at) {
		annotator_free(a);
		return -ENOMEM;
	}
	struct slot *slots = malloc(n * sizeof *slots);
	if (!slots) {
		annotator_free(a);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		a->labels[i] = labels_for(&set->v[i], cfg);
		slots[i] = (struct slot){set->v[i].proto, set->v[i].port, i};
	}
	qsort(slots, n, sizeof *slots, by_proto_port);
	for (size_t k = 0; k < n; k++) {
		a->order[k] = slots[k].i;
		a->at[slots[k].i] = k;
	}
	free(slots);
	return 0;
}

static bool same_group(const struct listener *x, const struct listener *y)
{
	return x->proto == y->proto && x->port == y->port;
}

void annotator_get(const struct annotator *a, size_t i, struct annotation *out)
{
	const struct listener_set *set = a->set;
	const struct listener *l = &set->v[i];
	size_t lo = a->at[i], hi = lo + 1;
	while (lo > 0 && same_group(&set->v[a->order[lo - 1]], l))
		lo--;
	while (hi < set->n && same_group(&set->v[a->order[hi]], l))
		hi++;
	const struct listener *mates[MATES_MAX];
	const struct label *labels[MATES_MAX];
	size_t n = 0, self = 0;
	for (size_t k = lo; k < hi && n < MATES_MAX; k++) {
		size_t j = a->order[k];
		if (j == i)
			self = n;
		mates[n] = &set->v[j];
		labels[n++] = &a->labels[j];
	}
	if (a->at[i] - lo >= MATES_MAX) { /* past the bound: compared with the first ones */
		self = n - 1;
		mates[self] = l;
		labels[self] = &a->labels[i];
	}
	out->label = a->labels[i];
	hints_for(mates, labels, n, self, a->cfg, &out->hints);
}

void annotator_free(struct annotator *a)
{
	free(a->labels);
	free(a->order);
	free(a->at);
	a->labels = NULL;
	a->order = a->at = NULL;
}

int annotate_set(const struct listener_set *set, const struct config *cfg,
                 struct annotation **out)
{
	*out = NULL;
	if (set->n == 0)
		return 0;
	struct annotator a;
	struct annotation *v = malloc(set->n * sizeof *v);
	if (!v || annotator_init(&a, set, cfg) < 0) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->n; i++)
		annotator_get(&a, i, &v[i]);
	annotator_free(&a);
	*out = v;
	return 0;
}
