/* small_file.h - reading a settings file of a project (a manifest, .devports.yml): a regular file
 * of bounded size, opened without blocking, so that a FIFO or a device planted under the name
 * never stalls the caller and a huge file is never read. */
#ifndef DEVPORTS_SMALL_FILE_H
#define DEVPORTS_SMALL_FILE_H

#include <stddef.h>

/* Reads the file at path into a malloc'd buffer (NUL-terminated after *len bytes; free() it): a
 * regular file of at most max bytes. 0, -ENOENT (absent), -EFBIG (larger than max, or it grew
 * past max while read), -EINVAL (not a regular file), -ENOMEM, or the error of open or read. */
int small_file_read(const char *path, size_t max, char **out, size_t *len);

/* A short reason for one of small_file_read's errors, max the size it was called with: "larger
 * than 1 MiB: not read", "not a regular file", strerror's words. */
void small_file_why(int rc, size_t max, char *buf, size_t len);

#endif
