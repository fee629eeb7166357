/* array_grow.c - doubling growth for the backends' scratch arrays. */
#include "array_grow.h"

#include <stdlib.h>

bool array_grow(void **v, size_t *cap, size_t need, size_t size, size_t first)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : (first ? first : 16);
	while (ncap < need)
		ncap *= 2;
	void *nv = realloc(*v, ncap * size);
	if (!nv)
		return false;
	*v = nv;
	*cap = ncap;
	return true;
}
