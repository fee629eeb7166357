/* project_root.c - nearest parent with a project marker, cached per working directory. */
#include "project_root.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const project_root_markers[] = {
	".git", "package.json", "pyproject.toml", "Cargo.toml", "go.mod", "Gemfile", "composer.json", NULL,
};

/* Direct-mapped by a hash of the directory: one string compare a lookup, whatever the number of
 * processes; a collision only costs a new search. */
enum { CACHE_SLOTS = 512 };

static struct {
	char cwd[512];
	char root[512];
	bool used;
} cache[CACHE_SLOTS];

static size_t slot_of(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % CACHE_SLOTS;
}

static bool has_marker(const char *dir)
{
	char path[1024];
	struct stat st;
	for (const char *const *m = project_root_markers; *m; m++) {
		snprintf(path, sizeof path, "%s/%s", strcmp(dir, "/") ? dir : "", *m);
		if (stat(path, &st) == 0)
			return true;
	}
	return false;
}

static void search(const char *cwd, char *out, size_t len)
{
	char dir[512];
	const char *home = getenv("HOME");
	snprintf(dir, sizeof dir, "%s", cwd);
	out[0] = '\0';
	while (dir[0] == '/' && strcmp(dir, "/") != 0) {
		if (home && strcmp(dir, home) == 0)
			return;
		if (has_marker(dir)) {
			snprintf(out, len, "%s", dir);
			return;
		}
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			return;
		*slash = '\0';
	}
}

int project_root_find(const char *cwd, char *out, size_t len)
{
	if (!cwd || cwd[0] != '/') {
		out[0] = '\0';
		return -ENOENT;
	}
	size_t i = slot_of(cwd);
	if (!cache[i].used || strcmp(cache[i].cwd, cwd) != 0) {
		search(cwd, cache[i].root, sizeof cache[i].root);
		snprintf(cache[i].cwd, sizeof cache[i].cwd, "%s", cwd);
		cache[i].used = true;
	}
	snprintf(out, len, "%s", cache[i].root);
	return out[0] ? 0 : -ENOENT;
}
