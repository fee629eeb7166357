/* json_check.h - strict JSON (RFC 8259) for every file devports reads: demo scenarios and the
 * config file. cJSON says only that parsing failed, sometimes one character late, and lets a few
 * mistakes through (raw line breaks inside strings); this checker runs first and names the culprit
 * itself (the trailing comma, the unterminated string's opening quote...) with its line and column.
 */
#ifndef DEVPORTS_JSON_CHECK_H
#define DEVPORTS_JSON_CHECK_H

#include <stddef.h>

struct cJSON;

/* Where the first syntax error of the JSON text s[0..len) is. Writes a short reason into why
 * (capacity whylen; "trailing comma before ']'", "expected ':' after the key near 'x'") and returns
 * the byte offset of the culprit (len for an unexpected end). When the text is valid, why is ""
 * and the result is len. Pure: no allocation. */
size_t json_check(const char *s, size_t len, char *why, size_t whylen);

/* The 1-based line and column of byte offset pos in s[0..len); columns count characters (UTF-8
 * continuation bytes do not start a new column). */
void json_check_position(const char *s, size_t len, size_t pos, unsigned *line, unsigned *column);

/* Checks s[0..len) (it need not be NUL-terminated), then parses it with cJSON into *doc, which the
 * caller frees with cJSON_Delete. `label` names the text in messages and must be printable (already
 * sanitized). Returns 0, or -EINVAL with "LABEL:LINE:COLUMN: invalid JSON: why" in err (also when
 * cJSON runs out of memory, which it does not tell apart). *doc is NULL on error. err (capacity
 * errlen) is always NUL-terminated, "" on success. */
int json_check_parse(const char *s, size_t len, const char *label, struct cJSON **doc, char *err,
                     size_t errlen);

#endif
