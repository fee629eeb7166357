/* owners_file.h - what one run learnt of the sockets' holders, for the next run (owners.h, "A
 * seed"): the file's format, and the identity of the system it belongs to.
 *
 * The format (version 1, this machine's byte order, every number fixed-width):
 *   header, 112 bytes: "DPOWNERS", version (u32), header size (u32), the boot id (40 bytes, the
 *     text of /proc/sys/kernel/random/boot_id, NUL-padded), the proc root's device and inode
 *     (u64 each), the euid (u32), the number of sockets and of holders (u32 each), 4 zero bytes,
 *     the last pid allocated before the processes were listed (i64), the processes created
 *     since boot before that (u64, "processes" in /proc/stat), and an FNV-1a checksum of the
 *     whole file with these 8 bytes zero (u64);
 *   sockets, 16 bytes each, by inode ascending: every socket listed then (one that is not in
 *     the file is newer than it), inode (u64), number of holders (u32), flags (u32: 0 = held by
 *     its holders; 1 = searched in every process and found in none; 2 = not found yet; with 1
 *     or 2 it has no holders);
 *   holders, 16 bytes each, the sockets' in their order: pid (i32), fd (i32), start ticks (u64).
 * Nothing else: the size is exactly 112 + 16 x (sockets + holders).
 *
 * Decoding checks every field and refuses the whole file on the first fault, saying which in
 * words; nothing in a file that decodes is trusted either (owners.c verifies each holder).
 */
#ifndef DEVPORTS_OWNERS_FILE_H
#define DEVPORTS_OWNERS_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	OWNERS_FILE_VERSION = 1,
	OWNERS_FILE_MAX = 4 << 20, /* bytes: 260,000 holders */
};

/* The system a file is valid for: same boot, same proc (pid namespace), same user. */
struct owners_file_id {
	char boot_id[40];
	uint64_t proc_dev, proc_ino;
	uint32_t euid;
};

struct owners_seed_socket {
	uint64_t inode;
	bool missed;       /* searched everywhere, held by no process this user could read */
	uint32_t first, n; /* its holders: seed->h[first .. first + n) */
	bool unknown;      /* listed, its holders not found yet (n is 0) */
};

struct owners_seed_holder {
	pid_t pid;
	int fd;
	uint64_t start_ticks;
};

struct owners_seed {
	long last_pid;  /* the last pid allocated before the processes were listed */
	uint64_t forks; /* processes (and threads) created since boot, read before last_pid */
	struct owners_seed_socket *s; /* by inode, ascending, unique */
	size_t ns;
	struct owners_seed_holder *h;
	size_t nh;
};

/* Frees s's arrays; s can be used again (empty). NULL-safe. */
void owners_seed_clear(struct owners_seed *s);

/* The identity of the system behind procfd. Returns 0, or a negative errno when it cannot be
 * known (no boot id): then no file is read or written. */
int owners_file_identity(int procfd, struct owners_file_id *out);

/* s as a file's bytes into *buf (malloc'ed; the caller frees), *len set. Returns 0, -ENOMEM, or
 * -EFBIG when it would exceed OWNERS_FILE_MAX. */
int owners_file_encode(const struct owners_file_id *id, const struct owners_seed *s, void **buf,
                       size_t *len);

/* buf[0..len) into *out (allocated; free with owners_seed_clear) when it is a well-formed file
 * of this version for id. Returns 0, or -EINVAL / -ENOMEM with *why saying what was wrong. */
int owners_file_decode(const void *buf, size_t len, const struct owners_file_id *id,
                       struct owners_seed *out, const char **why);

#endif
