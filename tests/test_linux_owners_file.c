/* test_linux_owners_file.c - the owner cache's file format (owners_file.h), pure: what
 * owners_file_encode() writes, owners_file_decode() reading it back, and every reason a file is
 * refused for; and the identity of this system's /proc.
 *
 * A refused file must give -EINVAL, the reason in words, and an empty seed. Where a field is
 * patched past the checksum, the checksum is computed again here (FNV-1a, written apart from the
 * product's) so that the check under test is the one that refuses.
 */
#include "owners_file.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	HEADER = 112,
	RECORD = 16,
	AT_VERSION = 8,
	AT_HEADER_SIZE = 12,
	AT_BOOT_ID = 16,
	AT_PROC_INO = 64,
	AT_NSOCKETS = 76,
	AT_NHOLDERS = 80,
	AT_RESERVED = 84,
	AT_LAST_PID = 88,
	AT_FORKS = 96,
	AT_CHECKSUM = 104,
};

static const struct owners_file_id ID = {
    .boot_id = "0f5c4e2a-1b7d-4c89-9e3f-5a6b7c8d9e0f", .proc_dev = 22, .proc_ino = 1, .euid = 1000};

/* Three sockets: 100 held by two processes, 200 that no process showed, 300 held by one; the
 * holders array in another order than the sockets (encode writes them in the sockets' order). */
static struct owners_seed_socket sample_sockets[3] = {
    {.inode = 100, .first = 1, .n = 2},
    {.inode = 200, .missed = true},
    {.inode = 300, .first = 0, .n = 1},
};
static struct owners_seed_holder sample_holders[3] = {
    {.pid = 300, .fd = 7, .start_ticks = 3000},
    {.pid = 100, .fd = 3, .start_ticks = 1000},
    {.pid = 101, .fd = 3, .start_ticks = 1010},
};

static struct owners_seed sample(void)
{
	return (struct owners_seed){.last_pid = 4242,
	                            .forks = 987654,
	                            .s = sample_sockets,
	                            .ns = 3,
	                            .h = sample_holders,
	                            .nh = 3};
}

static unsigned char *encode(const struct owners_seed *s, size_t *len)
{
	void *buf = NULL;
	int rc = owners_file_encode(&ID, s, &buf, len);
	cr_assert_eq(rc, 0, "encode: %d", rc);
	return buf;
}

static uint32_t get32(const unsigned char *b, size_t at)
{
	uint32_t v;
	memcpy(&v, b + at, 4);
	return v;
}

static uint64_t get64(const unsigned char *b, size_t at)
{
	uint64_t v;
	memcpy(&v, b + at, 8);
	return v;
}

/* FNV-1a 64 of the file with its checksum field counted as zero. */
static uint64_t fnv1a(const unsigned char *b, size_t len)
{
	uint64_t h = 14695981039346656037ull;
	for (size_t i = 0; i < len; i++) {
		h ^= i >= AT_CHECKSUM && i < AT_CHECKSUM + 8 ? 0 : b[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Writes v at `at` and seals the file again (a correct checksum). */
static void patch32(unsigned char *b, size_t len, size_t at, uint32_t v)
{
	memcpy(b + at, &v, 4);
	uint64_t sum = fnv1a(b, len);
	memcpy(b + AT_CHECKSUM, &sum, 8);
}

static void patch64(unsigned char *b, size_t len, size_t at, uint64_t v)
{
	memcpy(b + at, &v, 8);
	uint64_t sum = fnv1a(b, len);
	memcpy(b + AT_CHECKSUM, &sum, 8);
}

/* buf[0..len) is refused for `why` under id: -EINVAL and an empty seed. */
static void refused_as(const void *buf, size_t len, const struct owners_file_id *id,
                       const char *why, const char *what)
{
	struct owners_seed out = {.ns = 99};
	const char *got = NULL;
	int rc = owners_file_decode(buf, len, id, &out, &got);
	cr_expect_eq(rc, -EINVAL, "%s: rc %d", what, rc);
	cr_expect_str_eq(got ? got : "(none)", why, "%s", what);
	cr_expect(out.ns == 0 && out.nh == 0 && !out.s && !out.h, "%s: the seed is empty", what);
	owners_seed_clear(&out);
}

static void refused(const void *buf, size_t len, const char *why, const char *what)
{
	refused_as(buf, len, &ID, why, what);
}

Test(owners_file, round_trip)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *buf = encode(&in, &len);
	cr_assert_eq(len, HEADER + RECORD * (3 + 3));

	struct owners_seed out;
	const char *why = NULL;
	cr_assert_eq(owners_file_decode(buf, len, &ID, &out, &why), 0, "decode: %s", why);
	cr_expect_eq(out.last_pid, 4242);
	cr_expect_eq(out.forks, 987654);
	cr_assert_eq(out.ns, 3);
	cr_assert_eq(out.nh, 3);
	for (size_t i = 0; i < 3; i++) {
		const struct owners_seed_socket *a = &in.s[i], *b = &out.s[i];
		cr_expect_eq(b->inode, a->inode);
		cr_expect_eq(b->missed, a->missed);
		cr_expect_eq(b->unknown, a->unknown);
		cr_expect_eq(b->n, a->n);
		for (uint32_t k = 0; k < a->n; k++) {
			const struct owners_seed_holder *x = &in.h[a->first + k];
			const struct owners_seed_holder *y = &out.h[b->first + k];
			cr_expect(x->pid == y->pid && x->fd == y->fd &&
			              x->start_ticks == y->start_ticks,
			          "socket %llu, holder %u", (unsigned long long)a->inode, k);
		}
	}
	/* decoded, the holders are in the sockets' order */
	cr_expect_eq(out.s[0].first, 0);
	cr_expect_eq(out.s[2].first, 2);

	size_t len2;
	unsigned char *again = encode(&out, &len2);
	cr_expect(len2 == len && memcmp(again, buf, len) == 0,
	          "decode then encode: the same bytes");
	free(again);
	owners_seed_clear(&out);
	free(buf);
}

/* A socket listed but not found yet: flag 2, no holders, and back. */
Test(owners_file, not_found_yet_round_trip)
{
	struct owners_seed_socket sockets[2] = {{.inode = 100, .unknown = true},
	                                        {.inode = 200, .n = 1}};
	struct owners_seed_holder holders[1] = {{.pid = 7, .fd = 3, .start_ticks = 70}};
	struct owners_seed in = {.last_pid = 9, .forks = 99, .s = sockets, .ns = 2, .h = holders,
	                         .nh = 1};
	size_t len;
	unsigned char *buf = encode(&in, &len);
	cr_expect_eq(get32(buf, HEADER + 12), 2, "the not-found-yet flag");
	struct owners_seed out;
	const char *why = NULL;
	cr_assert_eq(owners_file_decode(buf, len, &ID, &out, &why), 0, "decode: %s", why);
	cr_assert_eq(out.ns, 2);
	cr_expect(out.s[0].unknown && !out.s[0].missed && out.s[0].n == 0);
	cr_expect(!out.s[1].unknown && out.s[1].n == 1);
	owners_seed_clear(&out);
	free(buf);
}

Test(owners_file, layout)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	cr_expect_eq(memcmp(b, "DPOWNERS", 8), 0);
	cr_expect_eq(get32(b, AT_VERSION), OWNERS_FILE_VERSION);
	cr_expect_eq(get32(b, AT_HEADER_SIZE), HEADER);
	cr_expect_str_eq((const char *)b + AT_BOOT_ID, ID.boot_id);
	cr_expect_eq(get64(b, AT_PROC_INO), ID.proc_ino);
	cr_expect_eq(get32(b, AT_NSOCKETS), 3);
	cr_expect_eq(get32(b, AT_NHOLDERS), 3);
	cr_expect_eq(get32(b, AT_RESERVED), 0);
	cr_expect_eq(get64(b, AT_LAST_PID), 4242);
	cr_expect_eq(get64(b, AT_FORKS), 987654);
	cr_expect_eq(get64(b, AT_CHECKSUM), fnv1a(b, len), "FNV-1a of the file");
	/* sockets by inode, then holders in the sockets' order */
	cr_expect_eq(get64(b, HEADER), 100);
	cr_expect_eq(get32(b, HEADER + 8), 2);
	cr_expect_eq(get64(b, HEADER + RECORD), 200);
	cr_expect_eq(get32(b, HEADER + RECORD + 12), 1, "the missed flag");
	size_t h = HEADER + 3 * RECORD;
	cr_expect_eq(get32(b, h), 100);
	cr_expect_eq(get32(b, h + 4), 3);
	cr_expect_eq(get64(b, h + 8), 1000);
	cr_expect_eq(get32(b, h + 2 * RECORD), 300);
	free(b);
}

Test(owners_file, empty_seed_round_trip)
{
	struct owners_seed in = {.last_pid = 1, .forks = 1};
	size_t len;
	unsigned char *buf = encode(&in, &len);
	cr_assert_eq(len, HEADER);
	struct owners_seed out;
	const char *why = NULL;
	cr_expect_eq(owners_file_decode(buf, len, &ID, &out, &why), 0, "%s", why);
	cr_expect_eq(out.ns, 0);
	cr_expect_eq(out.nh, 0);
	owners_seed_clear(&out);
	free(buf);
}

Test(owners_file, too_many_records_are_not_encoded)
{
	size_t n = (OWNERS_FILE_MAX - HEADER) / RECORD + 1;
	struct owners_seed in = {.last_pid = 1, .ns = n};
	void *buf = (void *)1;
	size_t len = 1;
	cr_expect_eq(owners_file_encode(&ID, &in, &buf, &len), -EFBIG);
	cr_expect_null(buf);
	cr_expect_eq(len, 0);
}

Test(owners_file, truncated)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	refused(b, 0, "truncated", "no byte");
	refused(b, HEADER - 1, "truncated", "a header cut short");
	refused(b, len / 2, "truncated", "half");
	refused(b, len - 1, "truncated", "one byte less");
	refused(b, len - RECORD, "truncated", "one record less");
	unsigned char *longer = calloc(1, len + RECORD);
	cr_assert_not_null(longer);
	memcpy(longer, b, len);
	refused(longer, len + RECORD, "truncated", "one record more than counted");
	free(longer);
	free(b);
}

Test(owners_file, not_an_owner_cache)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	b[0] = 'X';
	refused(b, len, "not a devports owner cache", "another magic");
	free(b);
}

Test(owners_file, another_version)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	patch32(b, len, AT_VERSION, OWNERS_FILE_VERSION + 1);
	refused(b, len, "another version", "version");
	free(b);
	b = encode(&in, &len);
	patch32(b, len, AT_HEADER_SIZE, HEADER + RECORD);
	refused(b, len, "another version", "header size");
	free(b);
}

Test(owners_file, checksum)
{
	struct owners_seed in = sample();
	size_t len;
	static const struct {
		size_t at;
		const char *what;
	} flips[] = {
	    {AT_BOOT_ID, "the boot id"},
	    {AT_LAST_PID, "the last pid"},
	    {AT_FORKS, "the fork count"},
	    {AT_CHECKSUM, "the checksum"},
	    {HEADER, "a socket's inode"},
	    {HEADER + 3 * RECORD + 8, "a holder's start"},
	    {HEADER + 5 * RECORD + 15, "the last byte"},
	};
	for (size_t i = 0; i < sizeof flips / sizeof flips[0]; i++) {
		unsigned char *b = encode(&in, &len);
		b[flips[i].at] ^= 0x01;
		refused(b, len, "corrupt (checksum)", flips[i].what);
		free(b);
	}
}

Test(owners_file, another_system)
{
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	struct owners_file_id other = ID;
	other.boot_id[0] = '1';
	refused_as(b, len, &other, "from another boot", "boot id");
	other = ID;
	other.proc_ino = 4026531836;
	refused_as(b, len, &other, "from another proc (pid namespace)", "proc inode");
	other = ID;
	other.proc_dev = 23;
	refused_as(b, len, &other, "from another proc (pid namespace)", "proc device");
	other = ID;
	other.euid = 0;
	refused_as(b, len, &other, "written for another user", "euid");
	free(b);
}

Test(owners_file, header_fields)
{
	struct owners_seed in = sample();
	size_t len;
	static const struct {
		size_t at;
		uint64_t v;
		const char *what;
	} bad[] = {
	    {AT_LAST_PID, 0, "last pid 0"},
	    {AT_LAST_PID, (uint64_t)-5, "a negative last pid"},
	    {AT_LAST_PID, (uint64_t)INT32_MAX + 1, "a last pid above any pid"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		unsigned char *b = encode(&in, &len);
		patch64(b, len, bad[i].at, bad[i].v);
		refused(b, len, "corrupt (header)", bad[i].what);
		free(b);
	}
	unsigned char *b = encode(&in, &len);
	patch32(b, len, AT_RESERVED, 1);
	refused(b, len, "corrupt (header)", "the reserved bytes");
	free(b);
	in.last_pid = 0; /* encode writes what it is given: decode refuses it */
	b = encode(&in, &len);
	refused(b, len, "corrupt (header)", "encoded with last pid 0");
	free(b);
}

/* A seed of the sockets s[0..ns) and holders h[0..nh), encoded, is refused for why. */
static void seed_refused(struct owners_seed_socket *s, size_t ns, struct owners_seed_holder *h,
                         size_t nh, const char *why, const char *what)
{
	struct owners_seed in = {.last_pid = 10, .forks = 10, .s = s, .ns = ns, .h = h, .nh = nh};
	size_t len;
	unsigned char *b = encode(&in, &len);
	refused(b, len, why, what);
	free(b);
}

Test(owners_file, sockets)
{
	struct owners_seed_holder h[2] = {{10, 3, 1}, {11, 4, 1}};
	struct owners_seed_socket down[2] = {{.inode = 300, .n = 1},
	                                     {.inode = 100, .first = 1, .n = 1}};
	seed_refused(down, 2, h, 2, "corrupt (sockets)", "inodes descending");
	struct owners_seed_socket twice[2] = {{.inode = 100, .n = 1},
	                                      {.inode = 100, .first = 1, .n = 1}};
	seed_refused(twice, 2, h, 2, "corrupt (sockets)", "an inode twice");
	struct owners_seed_socket zero[1] = {{.inode = 0, .n = 1}};
	seed_refused(zero, 1, h, 1, "corrupt (sockets)", "inode 0");
	struct owners_seed_socket missed_held[1] = {{.inode = 100, .missed = true, .n = 1}};
	seed_refused(missed_held, 1, h, 1, "corrupt (sockets)", "missed, with a holder");
	struct owners_seed_socket known_empty[2] = {{.inode = 100, .n = 0}, {.inode = 200, .n = 1}};
	seed_refused(known_empty, 2, h, 1, "corrupt (sockets)", "not missed, no holder");
	struct owners_seed_socket unknown_held[1] = {{.inode = 100, .unknown = true, .n = 1}};
	seed_refused(unknown_held, 1, h, 1, "corrupt (sockets)", "not found yet, with a holder");

	/* fields encode does not write wrong: patched, and sealed again */
	struct owners_seed in = sample();
	size_t len;
	unsigned char *b = encode(&in, &len);
	patch32(b, len, HEADER + 12, 4);
	refused(b, len, "corrupt (sockets)", "an unknown flag");
	free(b);
	b = encode(&in, &len);
	patch32(b, len, HEADER + RECORD + 12, 3);
	refused(b, len, "corrupt (sockets)", "missed and not found yet at once");
	free(b);
	b = encode(&in, &len);
	patch32(b, len, HEADER + 2 * RECORD + 8, 2); /* socket 300: two holders, one left */
	refused(b, len, "corrupt (sockets)", "more holders than there are");
	free(b);
}

Test(owners_file, holder_count)
{
	struct owners_seed_holder h[2] = {{10, 3, 1}, {11, 4, 1}};
	struct owners_seed_socket one[1] = {{.inode = 100, .n = 1}};
	/* two holders counted, one socket with one: the second record is left zero */
	seed_refused(one, 1, h, 2, "corrupt (holder count)", "a holder of no socket");
}

Test(owners_file, holders)
{
	struct owners_seed_socket one[1] = {{.inode = 100, .n = 1}};
	struct owners_seed_holder pid0 = {0, 3, 1}, negative = {-7, 3, 1}, fd = {10, -1, 1};
	seed_refused(one, 1, &pid0, 1, "corrupt (holders)", "pid 0");
	seed_refused(one, 1, &negative, 1, "corrupt (holders)", "a negative pid");
	seed_refused(one, 1, &fd, 1, "corrupt (holders)", "a negative fd");
}

Test(owners_file, identity_of_this_system)
{
	int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cr_assert_geq(procfd, 0);
	struct owners_file_id id;
	cr_assert_eq(owners_file_identity(procfd, &id), 0);
	char boot[64] = "";
	FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
	cr_assert_not_null(f);
	cr_assert_not_null(fgets(boot, sizeof boot, f));
	fclose(f);
	boot[strcspn(boot, "\n")] = '\0';
	cr_expect_str_eq(id.boot_id, boot);
	struct stat st;
	cr_assert_eq(fstat(procfd, &st), 0);
	cr_expect_eq(id.proc_ino, (uint64_t)st.st_ino);
	cr_expect_eq(id.proc_dev, (uint64_t)st.st_dev);
	cr_expect_eq(id.euid, geteuid());
	close(procfd);

	int notproc = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC); /* no boot id there */
	cr_assert_geq(notproc, 0);
	cr_expect_eq(owners_file_identity(notproc, &id), -ENOENT);
	close(notproc);
}
