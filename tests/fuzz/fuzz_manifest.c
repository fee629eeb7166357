/* fuzz_manifest.c - the project manifest readers (manifest.h) on any bytes.
 *
 * Input: one byte choosing the kind (package.json, pyproject.toml...), then the file's text.
 * Checks: a reader that fails leaves the manifest as it was; what is found is a rule of the kind's
 * language; its evidence and the names kept are printable ASCII (they reach the terminal as
 * they are); reading the same text twice gives the same answer. */
#include <string.h>

#include "fuzz_check.h"
#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_printable(const char *s)
{
	for (; *s; s++)
		FUZZ_ASSERT((unsigned char)*s >= 0x20 && (unsigned char)*s < 0x7f, "manifest");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum manifest_kind kind = (enum manifest_kind)(data[0] % MANIFEST_KIND_COUNT);
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	struct manifest m = {0}, again = {0}, zero = {0};
	char why[160];
	int rc = manifest_parse(&m, kind, manifest_file_names[kind], text, len, why, sizeof why);
	FUZZ_ASSERT(rc == 0 || rc == -22, "manifest");
	if (rc != 0)
		FUZZ_ASSERT(memcmp(&m, &zero, sizeof m) == 0 && why[0], "manifest");
	enum manifest_eco eco = manifest_kind_eco[kind];
	for (int e = 0; e < ECO_COUNT; e++) {
		if (m.found[e].rule) {
			FUZZ_ASSERT(e == (int)eco && m.found[e].rule->eco == eco, "manifest");
			check_printable(m.found[e].from);
		}
		check_printable(m.name[e]);
	}
	FUZZ_ASSERT(manifest_parse(&again, kind, manifest_file_names[kind], text, len, why,
	                           sizeof why) == rc, "the same answer twice");
	FUZZ_ASSERT(memcmp(&m, &again, sizeof m) == 0, "manifest");
	return 0;
}
