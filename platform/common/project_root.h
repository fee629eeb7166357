/* project_root.h - a working directory -> the root of the project it belongs to. */
#ifndef DEVPORTS_PROJECT_ROOT_H
#define DEVPORTS_PROJECT_ROOT_H

#include <stddef.h>

/* An answer is searched again once it is PROJECT_ROOT_RECHECK_SECONDS old, plus a part of
 * PROJECT_ROOT_RECHECK_SPREAD that depends on the directory (so that directories first seen
 * together are not all searched again on the same call). No answer given is older than the sum:
 * a marker created or removed after a directory was first seen (a `git init` in a running
 * server's folder) shows in every answer from PROJECT_ROOT_RECHECK_SECONDS +
 * PROJECT_ROOT_RECHECK_SPREAD seconds after it on. */
#define PROJECT_ROOT_RECHECK_SECONDS 5.0
#define PROJECT_ROOT_RECHECK_SPREAD 2.5

/* At most this many directories are remembered; past that, the one used least recently is
 * forgotten (and searched again if it comes back). */
enum { PROJECT_ROOT_CACHE_MAX = 512 };

/* Finds the nearest directory at or above cwd that holds a project marker (.git, package.json,
 * pyproject.toml, Cargo.toml, go.mod, Gemfile, composer.json, requirements.txt, Pipfile,
 * .devports.yml/.yaml/.json) and writes it to out. The home directory and / never count (a dotfiles
 * repo in ~ would claim every process). Answers are cached per cwd and searched again as said
 * above, so this costs one lookup per call and one search per directory every few seconds. Not
 * thread-safe. Returns 0, or -ENOENT (out = "") when there is no project. */
int project_root_find(const char *cwd, char *out, size_t len);

/* The same at a given time: now is in seconds of CLOCK_MONOTONIC (project_root_find passes the
 * clock's; tests pass times of their own). */
int project_root_find_at(const char *cwd, double now, char *out, size_t len);

/* How many directories the cache holds (at most PROJECT_ROOT_CACHE_MAX). */
size_t project_root_cache_entries(void);

/* Forgets every answer and frees the memory they held. */
void project_root_cache_clear(void);

/* The marker files, in the order they are tried; NULL-terminated. */
extern const char *const project_root_markers[];

#endif
