/* snapshot.h - one sorted, immutable view of every listener, taken through the platform. */
#ifndef DEVPORTS_SNAPSHOT_H
#define DEVPORTS_SNAPSHOT_H

#include <time.h>

#include "listener.h"
#include "platform.h"

struct snapshot {
	struct listener_set set; /* sorted by key */
	time_t taken_at;         /* wall clock, seconds */
};

/* Collects and sorts. Replaces out's content; on error out is left empty. 0 or negative errno. */
int snapshot_take(struct platform *p, struct snapshot *out);
void snapshot_free(struct snapshot *s);

/* How many listeners have an owner that could not be read. */
size_t snapshot_count_hidden(const struct snapshot *s);

#endif
