/* json_check.c - finds the first syntax error in JSON text, with a reason a person can act on,
 * then hands valid text to cJSON. See json_check.h for why cJSON alone is not enough.
 */
#include "json_check.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"

enum { JSON_DEPTH_MAX = 1000 }; /* cJSON's own nesting limit */

struct checker {
	const unsigned char *s;
	size_t len, pos;
	char *why;
	size_t whylen;
};

/* Whether ch is one of the characters of set (never the NUL). */
static bool in_set(int ch, const char *set)
{
	return ch > 0 && strchr(set, ch);
}

static bool fail_at(struct checker *c, size_t pos, const char *reason)
{
	c->pos = pos;
	snprintf(c->why, c->whylen, "%s", reason);
	return false;
}

/* What the text looks like at pos, for "near '...'": a word (True, undefined, 0x1F) or one
 * character, sanitized. */
static void token_at(const struct checker *c, size_t pos, char *out, size_t cap)
{
	size_t n = 0;
	while (pos + n < c->len && n < 16 &&
	       (in_set(c->s[pos + n], "+-._") || (c->s[pos + n] >= '0' && c->s[pos + n] <= '9') ||
	        ((c->s[pos + n] | 0x20) >= 'a' && (c->s[pos + n] | 0x20) <= 'z')))
		n++;
	if (n == 0) {
		unsigned char b = c->s[pos];
		n = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
		if (n > c->len - pos)
			n = c->len - pos;
	}
	sanitize_text(out, cap, (const char *)c->s + pos, n);
}

/* Fails at the current position: "expected WHAT near 'x'", or at the end of the text. */
static bool expected(struct checker *c, const char *what)
{
	char near[48];
	if (c->pos >= c->len) {
		snprintf(c->why, c->whylen, "unexpected end of file (expected %s)", what);
		return false;
	}
	token_at(c, c->pos, near, sizeof near);
	snprintf(c->why, c->whylen, "expected %s near '%s'", what, near);
	return false;
}

static int peek(const struct checker *c)
{
	return c->pos < c->len ? c->s[c->pos] : -1;
}

static void skip_space(struct checker *c)
{
	while (c->pos < c->len && in_set(c->s[c->pos], " \t\r\n"))
		c->pos++;
}

static bool is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

static bool is_hex(int ch)
{
	return is_digit(ch) || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f');
}

/* Four hex digits at the position -> *out, moving past them. */
static bool read_hex4(struct checker *c, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++, c->pos++) {
		int ch = peek(c);
		if (!is_hex(ch))
			return false;
		*out = *out * 16 + (unsigned)(is_digit(ch) ? ch - '0' : (ch | 0x20) - 'a' + 10);
	}
	return true;
}

static bool check_string(struct checker *c)
{
	size_t start = c->pos++;
	for (;;) {
		int ch = peek(c);
		if (ch < 0)
			return fail_at(c, start, "this string never ends (a '\"' is missing)");
		if (ch == '"') {
			c->pos++;
			return true;
		}
		if (ch < 0x20)
			return fail_at(c, c->pos,
			               "control character inside a string "
			               "(write it as \\n, \\t or \\u00XX)");
		if (ch != '\\') {
			c->pos++;
			continue;
		}
		size_t esc = c->pos++;
		ch = peek(c);
		if (!in_set(ch, "\"\\/bfnrtu"))
			return fail_at(c, esc,
			               "invalid escape in a string (valid: \\\" \\\\ \\/ \\b "
			               "\\f \\n \\r \\t \\uXXXX)");
		c->pos++;
		if (ch != 'u')
			continue;
		unsigned unit = 0;
		if (!read_hex4(c, &unit))
			return fail_at(c, esc, "invalid \\u escape (four hex digits needed)");
		/* A UTF-16 surrogate must come as a pair: \uD83D\uDE80 */
		bool paired = false;
		if (unit >= 0xd800 && unit <= 0xdbff && peek(c) == '\\' && c->pos + 1 < c->len &&
		    c->s[c->pos + 1] == 'u') {
			size_t back = c->pos;
			unsigned low = 0;
			c->pos += 2;
			paired = read_hex4(c, &low) && low >= 0xdc00 && low <= 0xdfff;
			if (!paired)
				c->pos = back;
		}
		if (unit >= 0xd800 && unit <= 0xdfff && !paired)
			return fail_at(c, esc, "half of a UTF-16 surrogate pair in a \\u escape");
	}
}

static bool check_number(struct checker *c)
{
	size_t start = c->pos;
	if (peek(c) == '-')
		c->pos++;
	if (peek(c) == '0') {
		c->pos++;
	} else if (is_digit(peek(c))) {
		while (is_digit(peek(c)))
			c->pos++;
	} else {
		c->pos = start;
		return expected(c, "a number");
	}
	if (peek(c) == '.') {
		c->pos++;
		if (!is_digit(peek(c)))
			return c->pos = start, expected(c, "a number");
		while (is_digit(peek(c)))
			c->pos++;
	}
	if (peek(c) == 'e' || peek(c) == 'E') {
		c->pos++;
		if (peek(c) == '+' || peek(c) == '-')
			c->pos++;
		if (!is_digit(peek(c)))
			return c->pos = start, expected(c, "a number");
		while (is_digit(peek(c)))
			c->pos++;
	}
	return true;
}

static bool check_value(struct checker *c, int depth);

/* An object or an array: the caller's position is on the opening bracket. */
static bool check_container(struct checker *c, int depth)
{
	bool object = peek(c) == '{';
	const char close = object ? '}' : ']';
	const char *comma_or_close = object ? "',' or '}'" : "',' or ']'";
	if (depth >= JSON_DEPTH_MAX)
		return fail_at(c, c->pos, "nested more than 1000 levels deep");
	c->pos++;
	skip_space(c);
	if (peek(c) == close) {
		c->pos++;
		return true;
	}
	for (;;) {
		if (object) {
			skip_space(c);
			if (peek(c) != '"')
				return expected(c, "a \"key\" in double quotes");
			if (!check_string(c))
				return false;
			skip_space(c);
			if (peek(c) != ':')
				return expected(c, "':' after the key");
			c->pos++;
		}
		if (!check_value(c, depth + 1))
			return false;
		skip_space(c);
		if (peek(c) == close) {
			c->pos++;
			return true;
		}
		if (peek(c) != ',')
			return expected(c, comma_or_close);
		size_t comma = c->pos++;
		skip_space(c);
		if (peek(c) == close)
			return fail_at(c, comma,
			               object ? "trailing comma before '}'"
			                      : "trailing comma before ']'");
	}
}

static bool check_value(struct checker *c, int depth)
{
	static const char *const words[] = {"true", "false", "null"};
	skip_space(c);
	int ch = peek(c);
	if (ch == '{' || ch == '[')
		return check_container(c, depth);
	if (ch == '"')
		return check_string(c);
	if (ch == '-' || is_digit(ch))
		return check_number(c);
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t n = strlen(words[i]);
		if (c->len - c->pos >= n && memcmp(c->s + c->pos, words[i], n) == 0) {
			c->pos += n;
			return true;
		}
	}
	return expected(c, "a value");
}

size_t json_check(const char *s, size_t len, char *why, size_t whylen)
{
	struct checker c = {
	    .s = (const unsigned char *)s, .len = len, .why = why, .whylen = whylen};
	if (whylen)
		why[0] = '\0';
	if (!check_value(&c, 0))
		return c.pos;
	skip_space(&c);
	if (c.pos < len) {
		char near[48];
		token_at(&c, c.pos, near, sizeof near);
		snprintf(why, whylen, "extra text after the JSON value near '%s'", near);
		return c.pos;
	}
	return len;
}

void json_check_position(const char *s, size_t len, size_t pos, unsigned *line, unsigned *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < pos && i < len; i++) {
		if (s[i] == '\n') {
			++*line;
			*column = 1;
		} else if (((unsigned char)s[i] & 0xc0) != 0x80) {
			++*column;
		}
	}
}

static int syntax_error(const char *s, size_t len, size_t pos, const char *label, const char *why,
                        char *err, size_t errlen)
{
	unsigned line, column;
	json_check_position(s, len, pos, &line, &column);
	snprintf(err, errlen, "%s:%u:%u: invalid JSON: %s", label, line, column, why);
	return -EINVAL;
}

int json_check_parse(const char *s, size_t len, const char *label, cJSON **doc, char *err,
                     size_t errlen)
{
	char why[160];
	*doc = NULL;
	err[0] = '\0';
	size_t pos = json_check(s, len, why, sizeof why);
	if (why[0])
		return syntax_error(s, len, pos, label, why, err, errlen);
	/* The text is known to be valid: cJSON reads exactly len bytes, no NUL needed. */
	const char *end = NULL;
	*doc = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	pos = end && end >= s && end <= s + len ? (size_t)(end - s) : 0;
	if (*doc)
		return 0;
	/* Valid JSON that cJSON refuses: a lone UTF-16 surrogate in a \u escape, or no memory. */
	return syntax_error(s, len, pos, label, "cJSON cannot read this (an invalid \\u escape?)",
	                    err, errlen);
}
