/* fuzz_sanitize.c - the text sanitizer, its width and its clip, on any bytes.
 *
 * Input: one byte picks the capacity, one the clip width, the rest is the untrusted text.
 * Checks on sanitize_text: the length returned is the string's, below the capacity; the text is
 * valid UTF-8 with no control, DEL, unprintable or invisible character and does not start with a
 * zero-width one; printable text that fits comes back unchanged; sanitizing the result again
 * changes nothing. On sanitize_clip: the width returned is the text's and at most the one asked,
 * the text fits its capacity, is a clean prefix (or ends in "…") and is unchanged when it fits.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "fuzz_check.h"
#include "sanitize.h"

enum { BIG = 4096 };

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static const char ellipsis[] = "…";

/* Whether the first character of s[0..len) takes no column (a combining mark). */
static bool starts_zero_width(const char *s, size_t len)
{
	wchar_t wc;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = mbrtowc(&wc, s, len, &st);
	return n > 0 && n < (size_t)-2 && wcwidth(wc) == 0;
}

static void check_sanitized(const char *src, size_t len, size_t cap)
{
	char *out = malloc(cap);
	size_t n = sanitize_text(out, cap, src, len);
	FUZZ_ASSERT(n < cap && n == strlen(out), "returned %zu for %zu bytes, cap %zu", n,
	            strlen(out), cap);
	fuzz_check_text(out, cap, "sanitized");
	FUZZ_ASSERT(!starts_zero_width(out, n), "starts with a zero-width character");
	if (fuzz_text_is_clean(src, len) && !memchr(src, '\0', len) && len < cap &&
	    !starts_zero_width(src, len))
		FUZZ_ASSERT(n == len && memcmp(out, src, len) == 0, "clean text was changed");
	bool cut = n >= strlen(ellipsis) &&
	           memcmp(out + n - strlen(ellipsis), ellipsis, strlen(ellipsis)) == 0;
	if (!cut && cap >= BIG) {
		char *again = malloc(cap);
		size_t m = sanitize_text(again, cap, out, n);
		FUZZ_ASSERT(m == n && memcmp(again, out, n) == 0, "not stable: \"%s\" -> \"%s\"",
		            out, again);
		free(again);
	}
	free(out);
}

/* src is NUL-terminated; clean says whether it is sanitized text. */
static void check_clip(const char *src, size_t cap, int width, bool clean)
{
	char *out = malloc(cap);
	int w = sanitize_clip(out, cap, src, width);
	size_t n = strlen(out);
	FUZZ_ASSERT(n < cap, "clip wrote %zu bytes into %zu", n, cap);
	FUZZ_ASSERT(w >= 0 && w <= (width > 0 ? width : 0), "width %d for %d asked", w, width);
	FUZZ_ASSERT(w == sanitize_width(out), "returned width %d, text has %d", w,
	            sanitize_width(out));
	if (clean) {
		fuzz_check_text(out, cap, "clipped");
		bool cut = n >= strlen(ellipsis) &&
		           memcmp(out + n - strlen(ellipsis), ellipsis, strlen(ellipsis)) == 0;
		size_t keep = cut ? n - strlen(ellipsis) : n;
		FUZZ_ASSERT(strncmp(out, src, keep) == 0, "clip is not a prefix");
		if (sanitize_width(src) <= width && strlen(src) < cap)
			FUZZ_ASSERT(strcmp(out, src) == 0, "text that fits was changed");
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	size_t cap = data[0] & 0x80 ? BIG : (size_t)(data[0] & 0x7f) + 1;
	int width = (int)data[1] - 8; /* -8..247: nothing, a few columns, a wide pane */
	const char *src = (const char *)data + 2;
	size_t len = size - 2;

	check_sanitized(src, len, cap);
	check_sanitized(src, len, BIG);

	/* clip and width on the sanitized text, as every caller has it... */
	char *clean = malloc(BIG);
	sanitize_text(clean, BIG, src, len);
	check_clip(clean, cap, width, true);
	/* ...and on the raw bytes, which must at least stay in bounds. */
	char *raw = malloc(len + 1);
	memcpy(raw, src, len);
	raw[len] = '\0';
	check_clip(raw, cap, width, false);
	FUZZ_ASSERT(sanitize_width(raw) >= 0, "negative width");
	free(raw);
	free(clean);
	return 0;
}
