/* array_grow.h - room for `need` elements in a malloc'd array, doubling as it grows. */
#ifndef DEVPORTS_ARRAY_GROW_H
#define DEVPORTS_ARRAY_GROW_H

#include <stdbool.h>
#include <stddef.h>

/* Makes *v (capacity *cap elements of `size` bytes) hold at least `need`, starting at `first`
 * elements and doubling. On failure *v and *cap are unchanged and false is returned. */
bool array_grow(void **v, size_t *cap, size_t need, size_t size, size_t first);

#endif
