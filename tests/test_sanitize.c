/* test_sanitize.c - hostile bytes become visible, harmless text; widths and clipping. */
#include <criterion/criterion.h>
#include <string.h>

#include "sanitize.h"

static char out[256];

static const char *clean(const char *s, size_t len)
{
	sanitize_text(out, sizeof out, s, len);
	return out;
}

static void init(void)
{
	sanitize_init_locale();
}

TestSuite(sanitize, .init = init);

Test(sanitize, printable_utf8_passes_through)
{
	cr_assert_str_eq(clean("node server.js", 14), "node server.js");
	cr_assert_str_eq(clean("café 東京 🚀", strlen("café 東京 🚀")), "café 東京 🚀");
}

Test(sanitize, controls_are_shown_not_sent)
{
	cr_assert_str_eq(clean("\x1b[31mred", 8), "\\e[31mred");
	cr_assert_str_eq(clean("a\nb\rc\td", 7), "a\\nb\\rc\\td");
	cr_assert_str_eq(clean("bell\a", 5), "bell\\x07");
	cr_assert_str_eq(clean("del\x7f", 4), "del\\x7F");
	cr_assert_str_eq(clean("\x1b]0;title\a", 10), "\\e]0;title\\x07");
	/* C1 control U+009B (CSI) encoded in UTF-8, and a raw 0x9b byte (invalid UTF-8). */
	cr_assert_str_eq(clean("\xc2\x9b" "2J", 4), "\\x9B2J");
	cr_assert_str_eq(clean("\x9b" "2J", 3), "\\x9B2J");
	/* An embedded NUL does not end the text early. */
	cr_assert_str_eq(clean("a\0b", 3), "a\\x00b");
}

Test(sanitize, invalid_utf8_and_direction_overrides)
{
	cr_assert_str_eq(clean("\xff\xfe", 2), "\\xFF\\xFE");
	cr_assert_str_eq(clean("\xc0\xaf", 2), "\\xC0\\xAF", "overlong encodings are rejected");
	cr_assert_str_eq(clean("\xed\xa0\x80", 3), "\\xED\\xA0\\x80", "surrogates are rejected");
	cr_assert_str_eq(clean("abc\xe2\x80\xaetxt.exe", 13), "abc\\u202Etxt.exe");
	cr_assert_str_eq(clean("\xe2\x81\xa6x", 4), "\\u2066x");
	cr_assert_str_eq(clean("cut\xe2\x82", 5), "cut\\xE2\\x82", "a truncated sequence");
}

Test(sanitize, output_never_holds_control_bytes)
{
	char all[256];
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	char big[2048];
	sanitize_text(big, sizeof big, all, sizeof all);
	for (const unsigned char *p = (const unsigned char *)big; *p; p++)
		cr_assert(*p >= 0x20 && *p != 0x7f, "byte 0x%02x reached the output", *p);
}

Test(sanitize, long_text_is_cut_with_ellipsis_on_a_boundary)
{
	char small[8];
	sanitize_text(small, sizeof small, "abcdefghij", 10);
	cr_assert_str_eq(small, "abcd…");
	sanitize_text(small, sizeof small, "東京東京", 12);
	cr_assert_str_eq(small, "東…");
	sanitize_text(small, sizeof small, "abcdefg", 7);
	cr_assert_str_eq(small, "abcdefg", "exactly fits: no ellipsis");
}

Test(sanitize, width_counts_columns)
{
	cr_assert_eq(sanitize_width("abc"), 3);
	cr_assert_eq(sanitize_width("東京"), 4);
	cr_assert_eq(sanitize_width("…"), 1);
	cr_assert_eq(sanitize_width(""), 0);
}

Test(sanitize, clip_to_columns)
{
	char buf[64];
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "postgres", 8), 8);
	cr_assert_str_eq(buf, "postgres");
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "postgres", 5), 5);
	cr_assert_str_eq(buf, "post…");
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "東京東京", 5), 5);
	cr_assert_str_eq(buf, "東京…");
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "東京東京", 4), 3, "a wide char never straddles");
	cr_assert_str_eq(buf, "東…");
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "abc", 1), 1);
	cr_assert_str_eq(buf, "…");
	cr_assert_eq(sanitize_clip(buf, sizeof buf, "abc", 0), 0);
	cr_assert_str_eq(buf, "");
}
