/* manifest_cache.h - each project's manifests (manifest.h), read once per change.
 *
 * A project's manifest files are looked at (one stat each, one directory listing for
 * requirements*.txt) when its answer is MANIFEST_RECHECK_SECONDS old, and read and parsed again
 * only when one of them changed (size, modification time, inode) or appeared or went: an
 * unchanged project costs nothing on the tick but one lookup. A file is read only when it is a
 * regular file of at most MANIFEST_FILE_MAX bytes (opened without blocking: a FIFO never stalls
 * the dashboard); one that is too large, unreadable or malformed adds nothing, and is named in
 * the project's problems, while the project's other manifests and every other project still
 * count. */
#ifndef DEVPORTS_MANIFEST_CACHE_H
#define DEVPORTS_MANIFEST_CACHE_H

#include <stddef.h>

#include "manifest.h"

#define MANIFEST_RECHECK_SECONDS 5.0
enum {
	MANIFEST_FILE_MAX = 1 << 20,   /* bytes: a bigger manifest is not read */
	MANIFEST_CACHE_MAX = 256,      /* projects remembered; the least recently used goes first */
	MANIFEST_REQUIREMENTS_MAX = 4, /* requirements*.txt files read in one project */
	MANIFEST_PROBLEMS_MAX = 240,
};

/* The manifests of the project whose root folder is root, at time now (seconds of
 * CLOCK_MONOTONIC), or NULL when it has none that could be read. *problems (may be NULL) is set
 * to what could not be read ("package.json: larger than 1 MiB; Gemfile: permission denied"), ""
 * for nothing. Both stay valid until the next call. Not thread-safe. */
const struct manifest *manifest_cache_get(const char *root, double now, const char **problems);

/* How many manifest files were read and parsed since the start (for tests). */
unsigned long manifest_cache_reads(void);

/* Forgets everything. */
void manifest_cache_clear(void);

#endif
