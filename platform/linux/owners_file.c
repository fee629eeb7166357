/* owners_file.c - the owner cache's file format (see owners_file.h). */
#include "owners_file.h"
#include "hash.h"
#include "procdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	HEADER_SIZE = 112,
	RECORD_SIZE = 16, /* a socket or a holder */
	OFF_VERSION = 8,
	OFF_HEADER_SIZE = 12,
	OFF_BOOT_ID = 16,
	OFF_PROC_DEV = 56,
	OFF_PROC_INO = 64,
	OFF_EUID = 72,
	OFF_NSOCKETS = 76,
	OFF_NHOLDERS = 80,
	OFF_RESERVED = 84,
	OFF_LAST_PID = 88,
	OFF_FORKS = 96,
	OFF_CHECKSUM = 104,
	FLAG_MISSED = 1,
	FLAG_UNKNOWN = 2,
};

static const char MAGIC[8] = {'D', 'P', 'O', 'W', 'N', 'E', 'R', 'S'};

void owners_seed_clear(struct owners_seed *s)
{
	if (!s)
		return;
	free(s->s);
	free(s->h);
	*s = (struct owners_seed){0};
}

int owners_file_identity(int procfd, struct owners_file_id *out)
{
	*out = (struct owners_file_id){0};
	char buf[64];
	ssize_t n = procdir_read_file(procfd, "sys/kernel/random/boot_id", buf, sizeof buf);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n <= 0 || (size_t)n >= sizeof out->boot_id)
		return -ENOENT;
	memcpy(out->boot_id, buf, (size_t)n);
	struct stat st;
	if (fstat(procfd, &st) < 0)
		return -errno;
	out->proc_dev = (uint64_t)st.st_dev;
	out->proc_ino = (uint64_t)st.st_ino;
	out->euid = (uint32_t)geteuid();
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}
static void put64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}
static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}
static uint64_t get64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* The checksum of a file's bytes, its own field counted as zero. */
static uint64_t checksum(const unsigned char *b, size_t len)
{
	static const unsigned char zero[8];
	uint64_t h = hash_bytes(HASH_SEED, b, OFF_CHECKSUM);
	h = hash_bytes(h, zero, sizeof zero);
	return hash_bytes(h, b + OFF_CHECKSUM + 8, len - OFF_CHECKSUM - 8);
}

int owners_file_encode(const struct owners_file_id *id, const struct owners_seed *s, void **buf,
                       size_t *len)
{
	*buf = NULL;
	*len = 0;
	if (s->ns > UINT32_MAX || s->nh > UINT32_MAX ||
	    s->ns + s->nh > (OWNERS_FILE_MAX - HEADER_SIZE) / RECORD_SIZE)
		return -EFBIG;
	size_t size = HEADER_SIZE + RECORD_SIZE * (s->ns + s->nh);
	unsigned char *b = calloc(1, size);
	if (!b)
		return -ENOMEM;
	memcpy(b, MAGIC, sizeof MAGIC);
	put32(b + OFF_VERSION, OWNERS_FILE_VERSION);
	put32(b + OFF_HEADER_SIZE, HEADER_SIZE);
	memcpy(b + OFF_BOOT_ID, id->boot_id, sizeof id->boot_id);
	put64(b + OFF_PROC_DEV, id->proc_dev);
	put64(b + OFF_PROC_INO, id->proc_ino);
	put32(b + OFF_EUID, id->euid);
	put32(b + OFF_NSOCKETS, (uint32_t)s->ns);
	put32(b + OFF_NHOLDERS, (uint32_t)s->nh);
	put64(b + OFF_LAST_PID, (uint64_t)(int64_t)s->last_pid);
	put64(b + OFF_FORKS, s->forks);
	unsigned char *p = b + HEADER_SIZE;
	for (size_t i = 0; i < s->ns; i++, p += RECORD_SIZE) {
		put64(p, s->s[i].inode);
		put32(p + 8, s->s[i].n);
		put32(p + 12, s->s[i].missed ? FLAG_MISSED : s->s[i].unknown ? FLAG_UNKNOWN : 0);
	}
	/* holders in the sockets' order, whatever order s->h has them in */
	for (size_t i = 0; i < s->ns; i++)
		for (uint32_t j = 0; j < s->s[i].n; j++, p += RECORD_SIZE) {
			const struct owners_seed_holder *h = &s->h[s->s[i].first + j];
			put32(p, (uint32_t)h->pid);
			put32(p + 4, (uint32_t)h->fd);
			put64(p + 8, h->start_ticks);
		}
	put64(b + OFF_CHECKSUM, checksum(b, size));
	*buf = b;
	*len = size;
	return 0;
}

static int refuse(const char **why, const char *what)
{
	*why = what;
	return -EINVAL;
}

/* The header's checks, in the order a reader would want to hear about them. */
static int check_header(const unsigned char *b, size_t len, const struct owners_file_id *id,
                        size_t *ns, size_t *nh, const char **why)
{
	if (len < HEADER_SIZE || memcmp(b, MAGIC, sizeof MAGIC) != 0)
		return refuse(why, len < HEADER_SIZE ? "truncated" : "not a devports owner cache");
	if (get32(b + OFF_VERSION) != OWNERS_FILE_VERSION ||
	    get32(b + OFF_HEADER_SIZE) != HEADER_SIZE)
		return refuse(why, "another version");
	*ns = get32(b + OFF_NSOCKETS);
	*nh = get32(b + OFF_NHOLDERS);
	if ((len - HEADER_SIZE) % RECORD_SIZE || (len - HEADER_SIZE) / RECORD_SIZE != *ns + *nh)
		return refuse(why, "truncated");
	if (get64(b + OFF_CHECKSUM) != checksum(b, len))
		return refuse(why, "corrupt (checksum)");
	if (memcmp(b + OFF_BOOT_ID, id->boot_id, sizeof id->boot_id) != 0)
		return refuse(why, "from another boot");
	if (get64(b + OFF_PROC_DEV) != id->proc_dev || get64(b + OFF_PROC_INO) != id->proc_ino)
		return refuse(why, "from another proc (pid namespace)");
	if (get32(b + OFF_EUID) != id->euid)
		return refuse(why, "written for another user");
	int64_t last = (int64_t)get64(b + OFF_LAST_PID);
	if (get32(b + OFF_RESERVED) != 0 || last <= 0 || last > INT32_MAX)
		return refuse(why, "corrupt (header)");
	return 0;
}

int owners_file_decode(const void *buf, size_t len, const struct owners_file_id *id,
                       struct owners_seed *out, const char **why)
{
	const unsigned char *b = buf;
	size_t ns = 0, nh = 0;
	*out = (struct owners_seed){0};
	int rc = check_header(b, len, id, &ns, &nh, why);
	if (rc < 0)
		return rc;
	out->last_pid = (long)(int64_t)get64(b + OFF_LAST_PID);
	out->forks = get64(b + OFF_FORKS);
	out->s = malloc(ns * sizeof *out->s + 1);
	out->h = malloc(nh * sizeof *out->h + 1);
	if (!out->s || !out->h) {
		owners_seed_clear(out);
		*why = "out of memory";
		return -ENOMEM;
	}
	const unsigned char *p = b + HEADER_SIZE;
	size_t held = 0;
	for (size_t i = 0; i < ns; i++, p += RECORD_SIZE) {
		struct owners_seed_socket *s = &out->s[i];
		uint32_t flags = get32(p + 12);
		*s = (struct owners_seed_socket){.inode = get64(p),
		                                 .n = get32(p + 8),
		                                 .missed = flags == FLAG_MISSED,
		                                 .first = (uint32_t)held,
		                                 .unknown = flags == FLAG_UNKNOWN};
		if (s->inode == 0 || (i > 0 && s->inode <= out->s[i - 1].inode) ||
		    (flags != 0 && !s->missed && !s->unknown) ||
		    (s->missed || s->unknown ? s->n != 0 : s->n == 0) || s->n > nh - held) {
			owners_seed_clear(out);
			return refuse(why, "corrupt (sockets)");
		}
		held += s->n;
	}
	if (held != nh) {
		owners_seed_clear(out);
		return refuse(why, "corrupt (holder count)");
	}
	for (size_t i = 0; i < nh; i++, p += RECORD_SIZE) {
		int32_t pid = (int32_t)get32(p), fd = (int32_t)get32(p + 4);
		if (pid <= 0 || fd < 0) {
			owners_seed_clear(out);
			return refuse(why, "corrupt (holders)");
		}
		out->h[i] = (struct owners_seed_holder){pid, fd, get64(p + 8)};
	}
	out->ns = ns;
	out->nh = nh;
	return 0;
}
