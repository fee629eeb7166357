/* hash.c - FNV-1a over bytes, strings and numbers (see hash.h). */
#include "hash.h"

#define FNV_PRIME 1099511628211ull

uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

uint64_t hash_str(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * FNV_PRIME;
	return (h ^ 0xff) * FNV_PRIME;
}

uint64_t hash_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 33);
}

uint64_t hash_u64(uint64_t h, uint64_t v)
{
	for (int k = 0; k < 8; k++, v >>= 8)
		h = (h ^ (v & 0xff)) * FNV_PRIME;
	return h;
}
