/* project_root.c - nearest parent with a project marker, cached per working directory. */
#include "project_root.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const project_root_markers[] = {
	".git", "package.json", "pyproject.toml", "Cargo.toml", "go.mod", "Gemfile", "composer.json", NULL,
};

enum { CACHE_SLOTS = 64 };

static struct {
	char cwd[512];
	char root[512];
	unsigned age;
} cache[CACHE_SLOTS];
static unsigned clock_;

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
	size_t oldest = 0;
	if (!cwd || cwd[0] != '/') {
		out[0] = '\0';
		return -ENOENT;
	}
	clock_++;
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		if (cache[i].age && strcmp(cache[i].cwd, cwd) == 0) {
			cache[i].age = clock_;
			snprintf(out, len, "%s", cache[i].root);
			return out[0] ? 0 : -ENOENT;
		}
		if (cache[i].age < cache[oldest].age)
			oldest = i;
	}
	search(cwd, out, len);
	snprintf(cache[oldest].cwd, sizeof cache[oldest].cwd, "%s", cwd);
	snprintf(cache[oldest].root, sizeof cache[oldest].root, "%s", out);
	cache[oldest].age = clock_;
	return out[0] ? 0 : -ENOENT;
}
