/* fuzz_project_map.c - a project map (.devports.yml) on any bytes: the YAML reader, then the map
 * reader over its tree, and over the same text read as JSON.
 *
 * Checks: every project kept has a clean name and type, ports from 1 to 65535 and at most
 * PROJECT_FALLBACKS_MAX fallbacks; no more than PROJECT_DECLS_MAX projects; every message is
 * clean; a listener matched against the maps gets a project that is one of them.
 */
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz_check.h"
#include "json_check.h"
#include "project_map.h"
#include "yaml_doc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static void check_maps(const struct project_maps *m)
{
	FUZZ_ASSERT(m->n <= PROJECT_DECLS_MAX, "%zu projects", m->n);
	for (size_t i = 0; i < m->n; i++) {
		const struct project_decl *d = &m->v[i];
		fuzz_check_text(d->name, sizeof d->name, "name");
		fuzz_check_text(d->service_type, sizeof d->service_type, "service_type");
		FUZZ_ASSERT(d->nfallback <= PROJECT_FALLBACKS_MAX, "%zu fallbacks", d->nfallback);
		for (size_t k = 0; k < d->nfallback; k++)
			FUZZ_ASSERT(d->fallback[k] >= 1, "fallback port 0");
	}
	for (size_t i = 0; i < m->nmessages; i++)
		fuzz_check_text(m->messages[i], PROJECT_MESSAGE_MAX, "message");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct project_maps maps = {0};
	char err[320];
	cJSON *doc = NULL;
	if (yaml_doc_parse((const char *)data, size, "/p/.devports.yml", &doc, err, sizeof err) ==
	    0)
		project_maps_read(&maps, doc, "/p/.devports.yml", "/p");
	cJSON_Delete(doc);
	if (json_check_parse((const char *)data, size, "/p/.devports.json", &doc, err,
	                     sizeof err) == 0)
		project_maps_read(&maps, doc, "/p/.devports.json", "/p");
	cJSON_Delete(doc);
	check_maps(&maps);

	struct proc_info p = {.comm = "python3",
	                      .user = "dev",
	                      .cmdline = "python3 app.py",
	                      .cwd = "/p",
	                      .exe = "",
	                      .project_root = "/p"};
	struct listener l = {.proto = PROTO_TCP, .family = FAMILY_V4, .port = 5001, .proc = &p};
	const struct project_decl *d = project_maps_owner(&maps, &l);
	FUZZ_ASSERT(!d || (d >= maps.v && d < maps.v + maps.n), "an owner outside the maps");
	project_maps_free(&maps);
	return 0;
}
