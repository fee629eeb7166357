/* annotate.h - labels, hints and reachability for the listeners of a snapshot, the one step the
 * dashboard, `list`, `who` and `--json` share. Pure: the config comes in already parsed.
 *
 * A listener's hints depend on the other listeners on its protocol and port (what localhost
 * reaches there), so the annotator labels every listener once, orders them by protocol and port
 * and works out each TCP port's reachability once (reach.h); the hints of one listener are then
 * computed when asked for, so a sink that writes one listener at a time holds one annotation at
 * a time. */
#ifndef DEVPORTS_ANNOTATE_H
#define DEVPORTS_ANNOTATE_H

#include "hints.h"
#include "labels.h"
#include "listener.h"
#include "reach.h"

/* The destinations that can reach a row: ::1, 127.0.0.1 and its own address (a specific address
 * beats every wildcard, so no row is reached by another row's address). */
enum { ANNOTATION_REACHED_MAX = 3 };

struct annotation {
	struct label label;
	struct hint_list hints;
	bool reach_known; /* a TCP listener: reached_by says which destinations reach it */
	uint8_t nreached;
	struct reach_dest reached_by[ANNOTATION_REACHED_MAX]; /* in reach.h's order, ::1 first */
};

struct config;

struct annotator {
	const struct listener_set *set; /* borrowed: must outlive the annotator, unchanged */
	const struct config *cfg;       /* borrowed; may be NULL */
	enum reach_kernel kernel;
	struct label *labels; /* labels[i] for set->v[i] */
	size_t *order;        /* indices into set, by (protocol, port) */
	size_t *at;           /* at[i]: where i stands in order */
	/* Each port's reachability, computed once: the destinations and hits of set->v[i]'s port
	 * are dests[reach_at[i]..] and hits[reach_at[i]..], reach_n[i] of them (0: not TCP). */
	size_t *reach_at;
	uint8_t *reach_n;
	struct reach_dest *dests;
	struct reach_hit *hits;
};

/* Labels every listener of set and works out each TCP port's reachability under kernel's rules
 * (the snapshot's kernel). 0 or -ENOMEM (the annotator is then empty, free() safe). */
int annotator_init(struct annotator *a, const struct listener_set *set, enum reach_kernel kernel,
                   const struct config *cfg);
/* The label, hints and reachability of set->v[i]. */
void annotator_get(const struct annotator *a, size_t i, struct annotation *out);
/* The listeners on set->v[i]'s protocol and port (itself included), at most max (REACH_ROWS_MAX
 * is enough), into rows[]; *self is where set->v[i] is among them. Returns how many. */
size_t annotator_port_rows(const struct annotator *a, size_t i, const struct listener **rows,
                           size_t max, size_t *self);
/* set->v[i]'s port's reachability over annotator_port_rows()'s rows (hit[].row indexes them);
 * n is 0 when the port has no TCP listener. */
struct reach_view annotator_reach(const struct annotator *a, size_t i);
void annotator_free(struct annotator *a);

/* One annotation per listener of set, in the same order, into *out (malloc'd: free() it; NULL
 * when set is empty). cfg may be NULL. Returns 0 or -ENOMEM (*out is then NULL). */
int annotate_set(const struct listener_set *set, enum reach_kernel kernel, const struct config *cfg,
                 struct annotation **out);

#endif
