/* snapshot.c - a sorted set of listeners. */
#include "snapshot.h"

void snapshot_free(struct snapshot *s)
{
	listener_set_free(&s->set);
}

size_t snapshot_count_hidden(const struct snapshot *s)
{
	size_t n = 0;
	for (size_t i = 0; i < s->set.n; i++)
		n += s->set.v[i].owner_hidden;
	return n;
}
