/* fuzz_yaml_doc.c - the YAML reader (yaml_doc.h) on any bytes.
 *
 * Checks: it returns 0 with a tree or -EINVAL/-ENOMEM without one; the message is clean and given
 * exactly on failure; a tree is a mapping, sequence or scalar cJSON can print, with no key twice
 * in a mapping and no deeper than the bound.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "yaml_doc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static void check_tree(const cJSON *node, int depth)
{
	FUZZ_ASSERT(depth <= YAML_DOC_DEPTH_MAX + 1, "a tree %d deep", depth);
	for (const cJSON *c = node->child; c; c = c->next) {
		if (cJSON_IsObject(node)) {
			FUZZ_ASSERT(c->string, "a mapping's value without a key");
			for (const cJSON *d = c->next; d; d = d->next)
				FUZZ_ASSERT(strcmp(c->string, d->string), "key %s twice", c->string);
		}
		check_tree(c, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *doc = NULL;
	char err[256];
	int rc = yaml_doc_parse((const char *)data, size, "f.yml", &doc, err, sizeof err);
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL || rc == -ENOMEM, "returned %d", rc);
	FUZZ_ASSERT((rc == 0) == (doc != NULL), "result %d with doc %p", rc, (void *)doc);
	FUZZ_ASSERT((rc == 0) == (err[0] == '\0'), "result %d with message \"%s\"", rc, err);
	fuzz_check_text(err, sizeof err, "message");
	if (doc) {
		check_tree(doc, 0);
		char *text = cJSON_PrintUnformatted(doc);
		FUZZ_ASSERT(text, "a tree cJSON cannot print");
		free(text);
	}
	cJSON_Delete(doc);
	return 0;
}
