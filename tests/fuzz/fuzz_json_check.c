/* fuzz_json_check.c - the strict JSON checker, and cJSON behind it, on any bytes.
 *
 * Checks: the offset of an error lies in the text (or at its end); a reason is given exactly when
 * the offset is not the end or the text ends too soon, and it is clean; the line and column of any
 * offset count from 1; text the checker accepts is read by cJSON (the checker is the stricter
 * of the two); json_check_parse agrees with json_check and its message is clean.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

#include "fuzz_check.h"
#include "json_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char why[160];
	size_t pos = json_check(s, size, why, sizeof why);
	FUZZ_ASSERT(pos <= size, "offset %zu past %zu bytes", pos, size);
	fuzz_check_text(why, sizeof why, "reason");
	bool valid = why[0] == '\0';
	FUZZ_ASSERT(!valid || pos == size, "no reason for an error at %zu of %zu", pos, size);

	unsigned line = 0, column = 0;
	json_check_position(s, size, pos, &line, &column);
	FUZZ_ASSERT(line >= 1 && column >= 1 && line <= pos + 1 && column <= pos + 1,
	            "line %u column %u for offset %zu", line, column, pos);

	/* cJSON on its own, without a NUL after the text. */
	const char *end = NULL;
	cJSON *alone = cJSON_ParseWithLengthOpts(s, size, &end, 0);
	if (valid)
		FUZZ_ASSERT(alone, "valid JSON that cJSON refuses");
	cJSON_Delete(alone);

	cJSON *doc = NULL;
	char err[256];
	int rc = json_check_parse(s, size, "file.json", &doc, err, sizeof err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "returned %d", rc);
	FUZZ_ASSERT((rc == 0) == valid, "json_check_parse says %d, json_check %s", rc,
	            valid ? "valid" : why);
	FUZZ_ASSERT((rc == 0) == (doc != NULL), "result %d with doc %p", rc, (void *)doc);
	FUZZ_ASSERT((rc == 0) == (err[0] == '\0'), "result %d with message \"%s\"", rc, err);
	fuzz_check_text(err, sizeof err, "message");
	cJSON_Delete(doc);
	return 0;
}
