/* manifest_cache.c - each project's manifests, read once per change (manifest_cache.h). */
#include "manifest_cache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "small_file.h"

enum { SLOTS = 2 * MANIFEST_CACHE_MAX, MASK = SLOTS - 1 };
_Static_assert((SLOTS & MASK) == 0, "manifest_cache: the slot count is a power of two");

struct entry {
	char *root;        /* NULL: a free slot */
	uint64_t stamp;    /* of the manifest files as last looked at */
	double recheck_at; /* when they are looked at again */
	double used_at;
	bool any; /* a manifest was read */
	struct manifest m;
	char problems[MANIFEST_PROBLEMS_MAX];
};

static struct entry *table; /* SLOTS entries, allocated on first use */
static size_t entries;
static unsigned long reads;

unsigned long manifest_cache_reads(void)
{
	return reads;
}

void manifest_cache_clear(void)
{
	for (size_t i = 0; table && i < SLOTS; i++)
		free(table[i].root);
	free(table);
	table = NULL;
	entries = 0;
}

/* One manifest file of a project. */
struct file {
	enum manifest_kind kind;
	char name[NAME_MAX + 1];
};

/* The project's manifest files that exist, into v (at most max): every fixed name, then the
 * requirements*.txt files in name order. */
static size_t list_files(const char *root, struct file *v, size_t max)
{
	size_t n = 0;
	for (int k = 0; k < MANIFEST_KIND_COUNT && n < max; k++)
		if (k != MANIFEST_REQUIREMENTS) {
			v[n].kind = (enum manifest_kind)k;
			snprintf(v[n].name, sizeof v[n].name, "%s", manifest_file_names[k]);
			n++;
		}
	DIR *d = opendir(root);
	if (!d)
		return n;
	size_t first = n;
	struct dirent *e;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);
		if (strncmp(e->d_name, "requirements", 12) != 0 || len < 16 ||
		    strcmp(e->d_name + len - 4, ".txt") != 0)
			continue;
		v[n].kind = MANIFEST_REQUIREMENTS;
		snprintf(v[n].name, sizeof v[n].name, "%s", e->d_name);
		n++;
	}
	closedir(d);
	/* readdir's order is the file system's: sort for a stable evidence */
	for (size_t i = first + 1; i < n; i++)
		for (size_t j = i; j > first && strcmp(v[j - 1].name, v[j].name) > 0; j--) {
			struct file t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n;
}

/* A hash of which files exist and their size, modification time and inode. */
static uint64_t stamp_of(const char *root, const struct file *v, size_t n)
{
	uint64_t h = HASH_SEED;
	char path[PATH_MAX];
	struct stat st;
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", root, v[i].name);
		if (stat(path, &st) < 0)
			continue;
		h = hash_str(h, v[i].name);
		uint64_t f[] = {(uint64_t)st.st_size, (uint64_t)st.st_mtime, (uint64_t)st.st_ino,
		                (uint64_t)st.st_mode};
		for (size_t k = 0; k < sizeof f / sizeof f[0]; k++)
			h = hash_u64(h, f[k]);
	}
	return h;
}

static void note(struct entry *e, const char *file, const char *what)
{
	size_t o = strlen(e->problems);
	if (o < sizeof e->problems)
		snprintf(e->problems + o, sizeof e->problems - o, "%s%s: %s", o ? "; " : "", file,
		         what);
}

static int read_file(const char *root, const char *name, char **out, size_t *len)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/%s", root, name);
	return small_file_read(path, MANIFEST_FILE_MAX, out, len);
}

static void load(struct entry *e, const struct file *v, size_t n)
{
	memset(&e->m, 0, sizeof e->m);
	e->problems[0] = '\0';
	e->any = false;
	for (size_t i = 0; i < n; i++) {
		char *text = NULL, why[160];
		size_t len = 0;
		int rc = read_file(e->root, v[i].name, &text, &len);
		if (rc == -ENOENT)
			continue;
		if (rc < 0) {
			small_file_why(rc, MANIFEST_FILE_MAX, why, sizeof why);
			note(e, v[i].name, why);
			continue;
		}
		reads++;
		if (manifest_parse(&e->m, v[i].kind, v[i].name, text, len, why, sizeof why) == 0)
			e->any = true;
		else
			note(e, v[i].name, why);
		free(text);
	}
}

/* root's slot, or the free slot where it goes: a table never full, so a probe always ends. */
static struct entry *slot_for(const char *root, uint32_t hash)
{
	for (uint32_t i = hash & MASK;; i = (i + 1) & MASK) {
		struct entry *e = &table[i];
		if (!e->root || strcmp(e->root, root) == 0)
			return e;
	}
}

static uint32_t hash_of(const char *s)
{
	return (uint32_t)hash_mix(hash_str(HASH_SEED, s));
}

/* Frees the least recently used entry and re-inserts the entries after it in its probe run. */
static void evict(void)
{
	size_t old = 0;
	for (size_t i = 1; i < SLOTS; i++)
		if (table[i].root && (!table[old].root || table[i].used_at < table[old].used_at))
			old = i;
	free(table[old].root);
	table[old].root = NULL;
	entries--;
	for (size_t i = (old + 1) & MASK; table[i].root; i = (i + 1) & MASK) {
		struct entry moved = table[i];
		table[i].root = NULL;
		*slot_for(moved.root, hash_of(moved.root)) = moved;
	}
}

const struct manifest *manifest_cache_get(const char *root, double now, const char **problems)
{
	if (problems)
		*problems = "";
	if (!root || !root[0])
		return NULL;
	if (!table && !(table = calloc(SLOTS, sizeof *table)))
		return NULL;
	uint32_t hash = hash_of(root);
	struct entry *e = slot_for(root, hash);
	if (!e->root) {
		if (entries >= MANIFEST_CACHE_MAX) {
			evict();
			e = slot_for(root, hash);
		}
		if (!(e->root = strdup(root)))
			return NULL;
		entries++;
		e->recheck_at = 0;
		e->stamp = 0;
	}
	e->used_at = now;
	if (now >= e->recheck_at) {
		struct file files[MANIFEST_KIND_COUNT + MANIFEST_REQUIREMENTS_MAX];
		size_t n = list_files(root, files, sizeof files / sizeof files[0]);
		uint64_t stamp = stamp_of(root, files, n);
		if (stamp != e->stamp || e->recheck_at == 0)
			load(e, files, n);
		e->stamp = stamp;
		e->recheck_at = now + MANIFEST_RECHECK_SECONDS;
	}
	if (problems)
		*problems = e->problems;
	return e->any ? &e->m : NULL;
}
