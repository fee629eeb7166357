/* project_files.h - the settings files a project keeps for devports (.devports.yml, .devports.json,
 * healthcheck.yml), found in project folders and read once per change.
 *
 * A folder's files are looked at (one stat each) when its answer is PROJECT_FILES_RECHECK_SECONDS
 * old, and read and parsed again only when one changed (size, modification time, inode) or
 * appeared or went. A file is read only when it is a regular file of at most PROJECT_FILE_MAX
 * bytes, opened without blocking; YAML (.yml, .yaml) and JSON are parsed into the same tree
 * (yaml_doc.h, json_check.h). One that cannot be read or parsed has no tree and says why, and
 * nothing else is lost. The calls are the contract's (platform.h: platform_project_files). */
#ifndef DEVPORTS_PROJECT_FILES_H
#define DEVPORTS_PROJECT_FILES_H

#include <stddef.h>
#include <stdint.h>

#include "platform.h"

#define PROJECT_FILES_RECHECK_SECONDS 2.0
enum {
	PROJECT_FILE_MAX = 1 << 20,   /* bytes: a bigger file is not read */
	PROJECT_FILES_DIRS_MAX = 256, /* folders remembered; the least recently used goes first */
};

/* The file names looked for in each folder, with their kind, NULL-terminated. */
struct project_file_name {
	const char *name;
	enum project_file_kind kind;
};
extern const struct project_file_name project_file_names[];

/* Calls each() for every settings file in dir, at time now (seconds of CLOCK_MONOTONIC); returns
 * a hash of their paths and stamps (HASH_SEED's mix when there is none). Not thread-safe. */
uint64_t project_files_in(const char *dir, double now,
                          void (*each)(const struct project_file *f, void *ctx), void *ctx);

/* How many files were read and parsed since the start (for tests). */
unsigned long project_files_reads(void);

/* Forgets every folder. */
void project_files_clear(void);

#endif
