/* fuzz_owners_file.c - the owner cache file's decoder (owners_file_decode) on any bytes, for a
 * fixed identity (the one the seeds in corpus/owners_file were written for).
 *
 * Each input is decoded as it is, then again with its checksum made right (FNV-1a, computed here
 * apart from the product's): a mutation almost never keeps the checksum, and without the second
 * decode the checks behind it would see only the seeds.
 *
 * Checks: the result is 0, -EINVAL or -ENOMEM; a refused file gives a reason and an empty seed. A
 * file that decodes is exactly 112 + 16 x (sockets + holders) bytes; its last pid is a pid; its
 * sockets have non-zero inodes, ascending and unique; each socket's holders follow the previous
 * socket's, a socket no process showed has none and every other one some, and their numbers sum
 * to the holders; every holder has a pid > 0 and an fd >= 0; and encoding the seed again gives
 * the same bytes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "owners_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct owners_file_id ID = {
    .boot_id = "0f5c4e2a-1b7d-4c89-9e3f-5a6b7c8d9e0f", .proc_dev = 22, .proc_ino = 1, .euid = 1000};

static void check_seed(const struct owners_seed *s, size_t size)
{
	FUZZ_ASSERT(size == 112 + 16 * (s->ns + s->nh), "%zu bytes for %zu sockets, %zu holders",
	            size, s->ns, s->nh);
	FUZZ_ASSERT(s->last_pid > 0 && s->last_pid <= INT32_MAX, "last pid %ld", s->last_pid);
	size_t held = 0;
	for (size_t i = 0; i < s->ns; i++) {
		const struct owners_seed_socket *ss = &s->s[i];
		FUZZ_ASSERT(ss->inode != 0, "socket %zu: inode 0", i);
		FUZZ_ASSERT(i == 0 || ss->inode > s->s[i - 1].inode,
		            "socket %zu: inode %llu after %llu", i, (unsigned long long)ss->inode,
		            (unsigned long long)s->s[i - 1].inode);
		FUZZ_ASSERT(ss->first == held, "socket %zu: holders from %u, not %zu", i, ss->first,
		            held);
		FUZZ_ASSERT(!(ss->missed && ss->unknown), "socket %zu: missed and not found yet", i);
		FUZZ_ASSERT(ss->missed || ss->unknown ? ss->n == 0 : ss->n > 0,
		            "socket %zu: missed %d, not found yet %d, with %u holders", i, ss->missed,
		            ss->unknown, ss->n);
		held += ss->n;
	}
	FUZZ_ASSERT(held == s->nh, "the sockets have %zu holders of %zu", held, s->nh);
	for (size_t i = 0; i < s->nh; i++)
		FUZZ_ASSERT(s->h[i].pid > 0 && s->h[i].fd >= 0, "holder %zu: pid %d fd %d", i,
		            (int)s->h[i].pid, s->h[i].fd);
}

/* Decodes data[0..size) and checks what comes out. */
static void decode(const uint8_t *data, size_t size)
{
	struct owners_seed s;
	const char *why = NULL;
	int rc = owners_file_decode(data, size, &ID, &s, &why);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "returned %d", rc);
	if (rc < 0) {
		FUZZ_ASSERT(why && why[0], "refused (%d) without a reason", rc);
		FUZZ_ASSERT(!s.s && !s.h && s.ns == 0 && s.nh == 0, "refused, yet a seed");
		return;
	}
	check_seed(&s, size);
	void *again = NULL;
	size_t len = 0;
	rc = owners_file_encode(&ID, &s, &again, &len);
	FUZZ_ASSERT(rc == 0, "a decoded file does not encode: %d", rc);
	FUZZ_ASSERT(len == size && memcmp(again, data, size) == 0,
	            "decode then encode gives other bytes (%zu, not %zu)", len, size);
	free(again);
	owners_seed_clear(&s);
}

enum { CHECKSUM_AT = 104, HEADER_SIZE = 112 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode(data, size);
	if (size < HEADER_SIZE || size > OWNERS_FILE_MAX)
		return 0;
	uint8_t *sealed = malloc(size);
	FUZZ_ASSERT(sealed, "out of memory");
	memcpy(sealed, data, size);
	uint64_t h = 14695981039346656037ull; /* FNV-1a, the checksum's own 8 bytes as zero */
	for (size_t i = 0; i < size; i++) {
		h ^= i >= CHECKSUM_AT && i < CHECKSUM_AT + 8 ? 0 : sealed[i];
		h *= 1099511628211ull;
	}
	memcpy(sealed + CHECKSUM_AT, &h, sizeof h);
	decode(sealed, size);
	free(sealed);
	return 0;
}
