/* hash.h - FNV-1a, the one hash of the project: process fingerprints, a row's inputs, the
 * process cache's cheap looks, the project-root cache's slots. Not for anything an attacker
 * could choose collisions in to some effect: a collision only costs a missed refresh. */
#ifndef DEVPORTS_HASH_H
#define DEVPORTS_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SEED 14695981039346656037ull /* the FNV-1a offset basis */

/* h extended with the n bytes at data. */
uint64_t hash_bytes(uint64_t h, const void *data, size_t n);
/* h extended with a NUL-terminated string and a separator ("ab","c" is not "a","bc"). */
uint64_t hash_str(uint64_t h, const char *s);
/* h extended with the 8 bytes of v. */
uint64_t hash_u64(uint64_t h, uint64_t v);
/* h with its bits mixed (every input bit reaches every output bit): before taking some of its
 * bits (a slot, a fraction), since FNV-1a moves a change near the end of its input into the
 * high bits only a little. */
uint64_t hash_mix(uint64_t h);

#endif
