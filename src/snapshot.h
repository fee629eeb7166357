/* snapshot.h - one sorted, immutable view of every listener, taken through the platform (platform_snapshot). */
#ifndef DEVPORTS_SNAPSHOT_H
#define DEVPORTS_SNAPSHOT_H

#include <time.h>

#include "listener.h"

struct snapshot {
	struct listener_set set; /* sorted by key */
	time_t taken_at;         /* wall clock, seconds */
};

void snapshot_free(struct snapshot *s);

/* How many listeners have an owner that could not be read. */
size_t snapshot_count_hidden(const struct snapshot *s);

#endif
