/* annotate.c - labels and each TCP port's reachability for a whole snapshot, then hints (which
 * read the labels of the listeners on the same protocol and port, and what localhost reaches
 * there) one listener at a time. */
#include "annotate.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MATES_MAX = REACH_ROWS_MAX }; /* listeners on one protocol and port that are compared */

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

static void port_reach(struct annotator *a);

int annotator_init(struct annotator *a, const struct listener_set *set, enum reach_kernel kernel,
                   const struct config *cfg)
{
	size_t n = set->n;
	*a = (struct annotator){.set = set, .cfg = cfg, .kernel = kernel};
	if (n == 0)
		return 0;
	a->labels = malloc(n * sizeof *a->labels);
	a->order = malloc(n * sizeof *a->order);
	a->at = malloc(n * sizeof *a->at);
	a->reach_at = malloc(n * sizeof *a->reach_at);
	a->reach_n = malloc(n * sizeof *a->reach_n);
	/* at most two localhosts a port and one address a listener */
	a->dests = malloc(3 * n * sizeof *a->dests);
	a->hits = malloc(3 * n * sizeof *a->hits);
	if (!a->labels || !a->order || !a->at || !a->reach_at || !a->reach_n || !a->dests ||
	    !a->hits) {
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
	port_reach(a);
	return 0;
}

static bool same_group(const struct listener *x, const struct listener *y)
{
	return x->proto == y->proto && x->port == y->port;
}

/* The listeners on i's protocol and port (see annotator_port_rows); *past: i is beyond the first
 * max of them, and stands in the last place instead of the one that was there. */
static size_t port_rows(const struct annotator *a, size_t i, const struct listener **rows,
                        size_t max, size_t *self, bool *past)
{
	const struct listener_set *set = a->set;
	const struct listener *l = &set->v[i];
	size_t lo = a->at[i], hi = lo + 1, n = 0;
	while (lo > 0 && same_group(&set->v[a->order[lo - 1]], l))
		lo--;
	while (hi < set->n && same_group(&set->v[a->order[hi]], l))
		hi++;
	*self = 0;
	for (size_t k = lo; k < hi && n < max; k++) {
		if (a->order[k] == i)
			*self = n;
		rows[n++] = &set->v[a->order[k]];
	}
	*past = a->at[i] - lo >= max;
	if (*past) { /* compared with the first ones */
		*self = n - 1;
		rows[*self] = l;
	}
	return n;
}

size_t annotator_port_rows(const struct annotator *a, size_t i, const struct listener **rows,
                           size_t max, size_t *self)
{
	bool past;
	return port_rows(a, i, rows, max, self, &past);
}

/* Each port's reachability, once: over its first MATES_MAX listeners in order. */
static void port_reach(struct annotator *a)
{
	const struct listener_set *set = a->set;
	size_t off = 0;
	for (size_t lo = 0, hi; lo < set->n; lo = hi) {
		const struct listener *rows[MATES_MAX];
		size_t n = 0;
		for (hi = lo;
		     hi < set->n && same_group(&set->v[a->order[hi]], &set->v[a->order[lo]]); hi++)
			if (n < MATES_MAX)
				rows[n++] = &set->v[a->order[hi]];
		struct reach r;
		reach_compute(rows, n, a->kernel, &r);
		memcpy(a->dests + off, r.dest, r.n * sizeof *r.dest);
		memcpy(a->hits + off, r.hit, r.n * sizeof *r.hit);
		for (size_t k = lo; k < hi; k++) {
			a->reach_at[a->order[k]] = off;
			a->reach_n[a->order[k]] = k - lo < MATES_MAX ? (uint8_t)r.n : 0;
		}
		off += r.n;
	}
}

struct reach_view annotator_reach(const struct annotator *a, size_t i)
{
	size_t at = a->reach_at[i];
	return (struct reach_view){.n = a->reach_n[i], .dest = a->dests + at, .hit = a->hits + at};
}

/* A TCP listener on port, by binary search over the order (hint_port.find). */
static const struct listener *find_tcp(const void *ctx, uint16_t port)
{
	const struct annotator *a = ctx;
	size_t lo = 0, hi = a->set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct listener *m = &a->set->v[a->order[mid]];
		if (m->proto == PROTO_TCP && m->port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct listener *l = lo < a->set->n ? &a->set->v[a->order[lo]] : NULL;
	return l && l->proto == PROTO_TCP && l->port == port ? l : NULL;
}

void annotator_get(const struct annotator *a, size_t i, struct annotation *out)
{
	const struct listener *mates[MATES_MAX];
	const struct label *labels[MATES_MAX];
	size_t self;
	bool past;
	size_t n = port_rows(a, i, mates, MATES_MAX, &self, &past);
	for (size_t k = 0; k < n; k++)
		labels[k] = &a->labels[mates[k] - a->set->v];
	struct reach_view reach = past ? (struct reach_view){0} : annotator_reach(a, i);
	struct hint_port port = {mates, labels, n, reach.n ? &reach : NULL, find_tcp, a};
	out->label = a->labels[i];
	hints_for(&port, self, a->cfg, &out->hints);
	out->reach_known = reach.n > 0;
	out->nreached = 0;
	for (size_t k = reach_next_of(&reach, 0, self); k < reach.n;
	     k = reach_next_of(&reach, k + 1, self))
		if (out->nreached < ANNOTATION_REACHED_MAX)
			out->reached_by[out->nreached++] = reach.dest[k];
}

void annotator_free(struct annotator *a)
{
	free(a->labels);
	free(a->order);
	free(a->at);
	free(a->reach_at);
	free(a->reach_n);
	free(a->dests);
	free(a->hits);
	*a = (struct annotator){.set = a->set, .cfg = a->cfg, .kernel = a->kernel};
}

int annotate_set(const struct listener_set *set, enum reach_kernel kernel, const struct config *cfg,
                 struct annotation **out)
{
	*out = NULL;
	if (set->n == 0)
		return 0;
	struct annotator a;
	struct annotation *v = malloc(set->n * sizeof *v);
	if (!v || annotator_init(&a, set, kernel, cfg) < 0) {
		free(v);
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->n; i++)
		annotator_get(&a, i, &v[i]);
	annotator_free(&a);
	*out = v;
	return 0;
}
