/* temp_dir.h - a folder of files for a test that reads real files (manifests, .devports.yml):
 * made under /tmp, written into, removed with everything in it. */
#ifndef DEVPORTS_TEST_TEMP_DIR_H
#define DEVPORTS_TEST_TEMP_DIR_H

#include <stddef.h>

/* Makes a new folder /tmp/dp-TAG-XXXXXX into dir (capacity len); the test fails if it cannot. */
void temp_dir_make(char *dir, size_t len, const char *tag);
/* Removes dir and everything in it. */
void temp_dir_remove(const char *dir);
/* Writes text into dir/name (replacing what was there); the test fails if it cannot. */
void temp_dir_write(const char *dir, const char *name, const char *text);

#endif
