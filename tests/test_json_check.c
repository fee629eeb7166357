/* test_json_check.c - the strict JSON checker shared by scenarios and the config file. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json_check.h"

Test(json_check, valid_text_has_no_reason)
{
	char why[128];
	const char *ok = "{\"a\": [1, 2.5e3, -0, true, false, null, \"\\u00e9\\ud83d\\ude80\"]}";
	cr_assert_eq(json_check(ok, strlen(ok), why, sizeof why), strlen(ok));
	cr_assert_str_eq(why, "");
}

Test(json_check, trailing_comma_points_at_the_comma)
{
	char why[128];
	const char *bad = "{\n  \"interval\": 2,\n}\n";
	size_t pos = json_check(bad, strlen(bad), why, sizeof why);
	cr_assert_str_eq(why, "trailing comma before '}'");
	unsigned line, col;
	json_check_position(bad, strlen(bad), pos, &line, &col);
	cr_assert_eq(line, 2);
	cr_assert_eq(col, 16);
}

Test(json_check, columns_count_characters_not_bytes)
{
	unsigned line, col;
	const char *s = "\"é\", x";
	json_check_position(s, strlen(s), strlen(s) - 1, &line, &col);
	cr_assert_eq(line, 1);
	cr_assert_eq(col, 6);
}

Test(json_check, parse_reads_exactly_len_bytes)
{
	/* An exact-size buffer without a NUL: a sanitizer run catches any read past it. */
	const char text[] = "{\"port\": 5000}";
	size_t len = sizeof text - 1;
	char *buf = malloc(len);
	memcpy(buf, text, len);
	char err[128];
	cJSON *doc = NULL;
	cr_assert_eq(json_check_parse(buf, len, "t.json", &doc, err, sizeof err), 0);
	cr_assert_str_eq(err, "");
	cr_assert_eq(cJSON_GetObjectItem(doc, "port")->valueint, 5000);
	cJSON_Delete(doc);
	free(buf);
}

Test(json_check, parse_errors_name_label_line_and_column)
{
	char err[160];
	cJSON *doc = (cJSON *)1;
	const char *bad = "[1,\n 2,]";
	cr_assert_eq(json_check_parse(bad, strlen(bad), "c.json", &doc, err, sizeof err), -EINVAL);
	cr_assert_null(doc);
	cr_assert_str_eq(err, "c.json:2:3: invalid JSON: trailing comma before ']'");
}
