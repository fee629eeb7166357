/* project_root.c - nearest parent with a project marker, cached per working directory. */
#include "project_root.h"
#include "hash.h"
#include "platform.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *const project_root_markers[] = {
    ".git",    "package.json",  "pyproject.toml", "Cargo.toml",
    "go.mod",  "Gemfile",       "composer.json",  "requirements.txt",
    "Pipfile", ".devports.yml", ".devports.yaml", ".devports.json",
    NULL,
};

/* An open-addressing hash table (linear probing) of twice as many slots as entries, so a probe
 * always ends on a free slot: one hash and one string compare a lookup, whatever the number of
 * processes. The root is the cwd itself or one of its parents, so it is kept as the length of that
 * prefix of the cwd: an entry owns one allocation, its cwd. An answer older than its re-check time
 * is searched again in place (the same stats as a first search, up to the root found). Only when
 * more directories are in use than the table holds does a new one cost a scan of the table for the
 * least recently used entry (a few microseconds). */
enum { SLOTS = 2 * PROJECT_ROOT_CACHE_MAX, MASK = SLOTS - 1 };
_Static_assert((SLOTS & MASK) == 0, "project_root: the slot count is a power of two");

struct entry {
	char *cwd;         /* NULL: a free slot */
	uint32_t hash;     /* of cwd */
	uint32_t root_len; /* 0: no project */
	double recheck_at; /* when the answer is searched again */
	double used_at;    /* the last call that asked for it: the least recent goes when full */
};

static struct entry table[SLOTS];
static size_t entries;

static uint32_t hash_of(const char *s)
{
	return (uint32_t)hash_mix(hash_str(HASH_SEED, s));
}

/* The slot is taken from the low bits of the hash, the spread from the top 10. */
static double recheck_time(uint32_t hash, double now)
{
	double part = (double)(hash >> 22) / 1024.0; /* [0, 1) */
	return now + PROJECT_ROOT_RECHECK_SECONDS + PROJECT_ROOT_RECHECK_SPREAD * part;
}

/* Whether the first n bytes of path name a directory that holds a marker. */
static bool has_marker(const char *path, size_t n)
{
	char file[PATH_MAX];
	struct stat st;
	for (const char *const *m = project_root_markers; *m; m++) {
		size_t mlen = strlen(*m);
		if (n + 1 + mlen >= sizeof file)
			return false;
		memcpy(file, path, n);
		file[n] = '/';
		memcpy(file + n + 1, *m, mlen + 1);
		if (stat(file, &st) == 0)
			return true;
	}
	return false;
}

/* The length of cwd's prefix that is its project root, 0 for none (less than PATH_MAX: a longer
 * directory has no marker that stat could reach). cwd starts with '/'. */
static size_t search(const char *cwd)
{
	const char *home = getenv("HOME");
	size_t home_len = home ? strlen(home) : 0;
	size_t n = strlen(cwd);
	while (n > 1) { /* "/" (n == 1) never counts */
		if (home && n == home_len && memcmp(cwd, home, n) == 0)
			return 0;
		if (has_marker(cwd, n))
			return n;
		do /* up one level: cut at the last '/' before n */
			n--;
		while (n > 0 && cwd[n] != '/');
	}
	return 0;
}

/* The slot holding cwd, or the free slot where it would go. */
static size_t probe(const char *cwd, uint32_t hash)
{
	size_t i = hash & MASK;
	while (table[i].cwd && (table[i].hash != hash || strcmp(table[i].cwd, cwd) != 0))
		i = (i + 1) & MASK;
	return i;
}

/* Frees slot i and moves back the entries after it that can no longer be reached past the gap
 * (deletion from linear probing without tombstones). */
static void remove_slot(size_t i)
{
	free(table[i].cwd);
	table[i].cwd = NULL;
	entries--;
	for (size_t j = (i + 1) & MASK; table[j].cwd; j = (j + 1) & MASK) {
		size_t home = table[j].hash & MASK;
		/* Moved into the gap when its home slot is at or before the gap. */
		if (((j - home) & MASK) >= ((j - i) & MASK)) {
			table[i] = table[j];
			table[j].cwd = NULL;
			i = j;
		}
	}
}

static void evict_least_recent(void)
{
	size_t victim = SLOTS;
	for (size_t i = 0; i < SLOTS; i++)
		if (table[i].cwd && (victim == SLOTS || table[i].used_at < table[victim].used_at))
			victim = i;
	if (victim < SLOTS)
		remove_slot(victim);
}

static int answer(const char *cwd, size_t root_len, char *out, size_t len)
{
	if (len == 0)
		return root_len ? 0 : -ENOENT;
	if (root_len >= len)
		root_len = len - 1;
	memcpy(out, cwd, root_len);
	out[root_len] = '\0';
	return root_len ? 0 : -ENOENT;
}

int project_root_find_at(const char *cwd, double now, char *out, size_t len)
{
	if (!cwd || cwd[0] != '/')
		return answer("", 0, out, len);
	uint32_t hash = hash_of(cwd);
	size_t i = probe(cwd, hash);
	if (table[i].cwd) {
		if (now >= table[i].recheck_at) {
			table[i].root_len = (uint32_t)search(cwd);
			table[i].recheck_at = recheck_time(hash, now);
		}
		table[i].used_at = now;
		return answer(cwd, table[i].root_len, out, len);
	}
	size_t root_len = search(cwd);
	char *copy = strdup(cwd);
	if (!copy) /* no memory: answered all the same, not remembered */
		return answer(cwd, root_len, out, len);
	if (entries >= PROJECT_ROOT_CACHE_MAX) {
		evict_least_recent();
		i = probe(cwd, hash); /* the removal may have moved entries */
	}
	table[i] = (struct entry){copy, hash, (uint32_t)root_len, recheck_time(hash, now), now};
	entries++;
	return answer(copy, root_len, out, len);
}

int project_root_find(const char *cwd, char *out, size_t len)
{
	return project_root_find_at(cwd, platform_monotonic(), out, len);
}

size_t project_root_cache_entries(void)
{
	return entries;
}

void project_root_cache_clear(void)
{
	for (size_t i = 0; i < SLOTS; i++) {
		free(table[i].cwd);
		table[i].cwd = NULL;
	}
	entries = 0;
}
