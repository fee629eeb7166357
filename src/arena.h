/* arena.h - strings that live and die together: a snapshot's process data, what inspect reads.
 * Freed as a whole; arena_reset() keeps the memory for the next round. A zeroed arena is empty
 * and valid. */
#ifndef DEVPORTS_ARENA_H
#define DEVPORTS_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head; /* the chunk being filled; earlier ones follow it */
	size_t used;              /* bytes of head in use */
};

/* A copy of the n bytes at text, NUL-terminated, that lives until the next reset or free.
 * NULL only when out of memory. */
const char *arena_strndup(struct arena *a, const char *text, size_t n);
/* The same for a NUL-terminated string; NULL text gives "". */
const char *arena_strdup(struct arena *a, const char *text);
/* Forgets every string (they must no longer be used); keeps the largest chunk for reuse. */
void arena_reset(struct arena *a);
/* Frees everything; the arena is empty again. */
void arena_free(struct arena *a);

#endif
