/* project_root.h - a working directory -> the root of the project it belongs to. */
#ifndef DEVPORTS_PROJECT_ROOT_H
#define DEVPORTS_PROJECT_ROOT_H

#include <stddef.h>

/* Finds the nearest directory at or above cwd that holds a project marker (.git, package.json,
 * pyproject.toml, Cargo.toml, go.mod, Gemfile, composer.json) and writes it to out. The home
 * directory and / never count (a dotfiles repo in ~ would claim every process). Results are
 * cached per cwd for the life of the process, so this costs one lookup per new directory.
 * Returns 0, or -ENOENT (out = "") when there is no project. */
int project_root_find(const char *cwd, char *out, size_t len);

/* The marker files, in the order they are tried; NULL-terminated. */
extern const char *const project_root_markers[];

#endif
