/* fuzz_check.h - the invariants the fuzz targets check on what a parser gives back.
 *
 * A broken invariant prints what broke and aborts: libFuzzer then reports it like a crash and
 * saves the input. Every check reads at most the bounds it is given, so a missing terminator is
 * found here and not by reading past the buffer.
 */
#ifndef DEVPORTS_FUZZ_CHECK_H
#define DEVPORTS_FUZZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "listener.h"

/* Aborts with file, line, the condition and a message when cond is false. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                         \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the UTF-8 locale the sanitizer's wcwidth needs: call from LLVMFuzzerInitialize. */
void fuzz_init_locale(void);

/* Whether s[0..len) is valid UTF-8 that a terminal shows as it is: no C0 or C1 control, no DEL,
 * no character wcwidth calls unprintable, no invisible or direction-changing character (bidi
 * overrides and isolates, zero-width spaces and joiners, BOM). */
bool fuzz_text_is_clean(const char *s, size_t len);

/* Asserts that field (capacity cap) is NUL-terminated inside cap and clean. what names it. */
void fuzz_check_text(const char *field, size_t cap, const char *what);

/* Asserts the socket half of a listener: proto and family valid, an IPv4 address with zero tail
 * bytes, v6only only on an IPv6 address (and only on the IPv6 wildcard when wildcard_v6only). */
void fuzz_check_socket(const struct listener *l, bool wildcard_v6only);

/* Asserts that every text of a process is there (not NULL), NUL-terminated and clean. */
void fuzz_check_proc(const struct proc_info *p);

/* Asserts that a socket as a parser gives it has no owner (the snapshot adds owners). */
void fuzz_check_no_owner(const struct listener *l);

#endif
