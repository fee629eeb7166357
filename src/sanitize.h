/* sanitize.h - untrusted bytes (process names, command lines, paths) -> safe printable UTF-8.
 *
 * Backends call this once, when text enters devports; views and sinks never see raw bytes.
 * Valid, printable UTF-8 passes through. Everything that could move the cursor or talk to the
 * terminal is shown visibly instead: C0 and C1 controls and DEL as "\xNN" (with "\e", "\n", "\r",
 * "\t" for the common ones), invalid UTF-8 bytes as "\xNN", and invisible or direction-changing
 * characters (bidi overrides and isolates, zero-width joiners at the start...) as "\u202E".
 */
#ifndef DEVPORTS_SANITIZE_H
#define DEVPORTS_SANITIZE_H

#include <stddef.h>

/* Writes the safe form of src[0..len) into dst (capacity cap >= 1, always NUL-terminated).
 * If it does not fit, it is cut at a character boundary and ends in "…" (when cap allows).
 * Returns the number of bytes written, without the NUL. */
size_t sanitize_text(char *dst, size_t cap, const char *src, size_t len);

/* Display width of sanitized UTF-8 text in terminal columns (wide characters count 2). */
int sanitize_width(const char *s);

/* Copies sanitized text into dst so that it takes at most `width` columns; a cut text ends in "…".
 * Returns the display width of what was written. */
int sanitize_clip(char *dst, size_t cap, const char *src, int width);

/* Makes sure the C library decodes UTF-8 (wcwidth): keeps the user's locale if it is UTF-8,
 * otherwise switches LC_CTYPE to C.UTF-8. Call once at start. */
void sanitize_init_locale(void);

#endif
