/* snapshot.c - collect through the platform, then sort by key. */
#include "snapshot.h"

int snapshot_take(struct platform *p, struct snapshot *out)
{
	int rc = platform_collect(p, &out->set);
	if (rc < 0) {
		listener_set_clear(&out->set);
		return rc;
	}
	listener_set_sort(&out->set);
	out->taken_at = time(NULL);
	return 0;
}

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
