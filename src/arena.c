/* arena.c - chunks of at least ARENA_CHUNK bytes, strings packed one after another. */
#include "arena.h"

#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 16384 };

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	char data[];
};

const char *arena_strndup(struct arena *a, const char *text, size_t n)
{
	if (!a->head || a->head->size - a->used < n + 1) {
		size_t size = n + 1 > ARENA_CHUNK ? n + 1 : ARENA_CHUNK;
		struct arena_chunk *c = malloc(sizeof *c + size);
		if (!c)
			return NULL;
		c->next = a->head;
		c->size = size;
		a->head = c;
		a->used = 0;
	}
	char *out = a->head->data + a->used;
	if (n)
		memcpy(out, text, n);
	out[n] = '\0';
	a->used += n + 1;
	return out;
}

const char *arena_strdup(struct arena *a, const char *text)
{
	return arena_strndup(a, text ? text : "", text ? strlen(text) : 0);
}

void arena_reset(struct arena *a)
{
	struct arena_chunk *keep = a->head;
	for (struct arena_chunk *c = a->head; c; c = c->next)
		if (c->size > keep->size)
			keep = c;
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		if (c != keep)
			free(c);
	}
	if (keep)
		keep->next = NULL;
	a->head = keep;
	a->used = 0;
}

void arena_free(struct arena *a)
{
	for (struct arena_chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	*a = (struct arena){0};
}
