/* sanitize.c - untrusted bytes -> safe printable UTF-8 (see sanitize.h). */
#include "sanitize.h"

#include <langinfo.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* Decodes one UTF-8 character at s (n bytes available). Returns its length and sets *cp, or 0 when
 * the bytes there are not a valid, shortest-form encoding of a Unicode scalar value. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const struct {
		unsigned char mask, lead;
		uint32_t min;
	} forms[] = {
	    {0x80, 0x00, 0}, {0xe0, 0xc0, 0x80}, {0xf0, 0xe0, 0x800}, {0xf8, 0xf0, 0x10000}};
	for (size_t len = 1; len <= 4; len++) {
		if ((s[0] & forms[len - 1].mask) != forms[len - 1].lead)
			continue;
		if (len > n)
			return 0;
		uint32_t c = s[0] & (uint32_t)(0x7f >> (len == 1 ? 0 : len));
		for (size_t i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (s[i] & 0x3f);
		}
		if (c < forms[len - 1].min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		*cp = c;
		return len;
	}
	return 0;
}

/* Characters that are printable by wcwidth but change how the rest of the line reads. */
static bool is_format_char(uint32_t c)
{
	return (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x061c || c == 0xfeff;
}

static int char_width(uint32_t c)
{
	if (c < 0x20 || (c >= 0x7f && c < 0xa0) || is_format_char(c))
		return -1;
	int w = wcwidth((wchar_t)c);
	return w;
}

/* The visible form of one rejected character or byte. */
static int escape_of(char *out, size_t cap, uint32_t c, bool is_byte)
{
	static const struct {
		uint32_t c;
		const char *s;
	} named[] = {{0x1b, "\\e"}, {'\n', "\\n"}, {'\r', "\\r"}, {'\t', "\\t"}};
	if (!is_byte) {
		for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
			if (named[i].c == c)
				return snprintf(out, cap, "%s", named[i].s);
		if (c >= 0x100)
			return snprintf(out, cap, "\\u%04X", (unsigned)c);
	}
	return snprintf(out, cap, "\\x%02X", (unsigned)c);
}

size_t sanitize_text(char *dst, size_t cap, const char *src, size_t len)
{
	static const char ellipsis[] = "…";
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, i = 0, fit = 0;
	if (cap == 0)
		return 0;
	while (i < len) {
		char piece[16];
		size_t plen;
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			plen = (size_t)escape_of(piece, sizeof piece, s[i], true);
			n = 1;
		} else if (cp == 0 || char_width(cp) < 0 || (char_width(cp) == 0 && o == 0)) {
			plen = (size_t)escape_of(piece, sizeof piece, cp, false);
		} else {
			memcpy(piece, s + i, n);
			plen = n;
		}
		if (o + sizeof ellipsis - 1 <= cap - 1)
			fit = o; /* an ellipsis could still end the text here */
		if (plen > cap - 1 - o) {
			o = fit;
			if (o + sizeof ellipsis - 1 <= cap - 1) {
				memcpy(dst + o, ellipsis, sizeof ellipsis - 1);
				o += sizeof ellipsis - 1;
			}
			break;
		}
		memcpy(dst + o, piece, plen);
		o += plen;
		i += n;
	}
	dst[o] = '\0';
	return o;
}

int sanitize_width(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t len = strlen(str), i = 0;
	int w = 0;
	while (i < len) {
		uint32_t cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			i++;
			w++;
			continue;
		}
		int cw = char_width(cp);
		w += cw < 0 ? 1 : cw;
		i += n;
	}
	return w;
}

void sanitize_init_locale(void)
{
	/* C.UTF-8 is glibc's (and newer BSDs'); macOS names its UTF-8 character type "UTF-8". */
	static const char *const utf8_locales[] = {"C.UTF-8", "UTF-8", "en_US.UTF-8"};
	setlocale(LC_ALL, "");
	const char *cs = nl_langinfo(CODESET);
	for (size_t i = 0; i < sizeof utf8_locales / sizeof utf8_locales[0]; i++) {
		if (cs && strcasecmp(cs, "UTF-8") == 0)
			break;
		if (setlocale(LC_CTYPE, utf8_locales[i]))
			cs = nl_langinfo(CODESET);
	}
}

int sanitize_clip(char *dst, size_t cap, const char *src, int width)
{
	static const char ellipsis[] = "…";
	const unsigned char *s = (const unsigned char *)src;
	size_t len = strlen(src), i = 0, o = 0, cut_o = 0;
	int w = 0, cut_w = 0;
	if (cap == 0)
		return 0;
	if (width <= 0) {
		dst[0] = '\0';
		return 0;
	}
	while (i < len) {
		uint32_t cp = 0;
		size_t n = utf8_decode(s + i, len - i, &cp);
		int cw = n == 0 ? 1 : char_width(cp);
		if (n == 0)
			n = 1;
		if (cw < 0)
			cw = 1;
		if (w + cw > width || o + n >= cap)
			break;
		/* Remember the last place where an ellipsis still fits. */
		if (w + 1 <= width && o + sizeof ellipsis <= cap) {
			cut_o = o;
			cut_w = w;
		}
		memcpy(dst + o, s + i, n);
		o += n;
		w += cw;
		i += n;
	}
	if (i < len) {
		/* Cut: back up so the ellipsis fits in the width. */
		if (w + 1 > width || o + sizeof ellipsis > cap) {
			o = cut_o;
			w = cut_w;
		}
		if (o + sizeof ellipsis <= cap && w + 1 <= width) {
			memcpy(dst + o, ellipsis, sizeof ellipsis - 1);
			o += sizeof ellipsis - 1;
			w += 1;
		}
	}
	dst[o] = '\0';
	return w;
}
