/* cache_file.h - small private files that let the next run skip work, never trusted: a file is
 * read only when it is a regular file of this user's, no larger than the caller allows, in a
 * folder of this user's; it is written whole to a temporary file and renamed, so a reader sees
 * the old file or the new one. Whatever is wrong with a file or its folder, the caller is told
 * why in words and goes on without it (the caller checks the content itself).
 *
 * The folder (cache_dir_resolve): $DEVPORTS_CACHE_DIR when set; else /run/devports for root;
 * else $XDG_RUNTIME_DIR/devports, $XDG_CACHE_HOME/devports, ~/.cache/devports (the first whose
 * base is an absolute path). It is created 0700 (with ~/.cache, 0700, when missing), set to 0700
 * when this user owns it with wider modes, and refused when another user owns it or it is a
 * symlink. Files are 0600.
 */
#ifndef DEVPORTS_CACHE_FILE_H
#define DEVPORTS_CACHE_FILE_H

#include <stddef.h>

/* The cache folder into out (see above). Returns 0, or -ENOENT when no base is known (no HOME)
 * or -ENAMETOOLONG. */
int cache_dir_resolve(char *out, size_t len);

/* Reads dir/name into *buf (malloc'ed, the caller frees) and sets *len. Returns 0 or a negative
 * errno, with *why (static text) saying what was refused: "missing", "empty", "a symlink",
 * "not a regular file", "owned by another user", "too large", "unsafe folder"... */
int cache_file_read(const char *dir, const char *name, size_t max, void **buf, size_t *len,
                    const char **why);

/* Writes buf[0..len) as dir/name (creating dir, see above) through a temporary file and a rename
 * (then removes the temporary files of writers that died before theirs). Returns 0 or a negative
 * errno, with *why as above. */
int cache_file_write(const char *dir, const char *name, const void *buf, size_t len,
                     const char **why);

#endif
