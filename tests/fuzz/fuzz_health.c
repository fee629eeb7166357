/* fuzz_health.c - the health check reader (health_spec.h) on any bytes, read as YAML the way a
 * healthcheck.yml is, then also as JSON the way the config's "health" section is.
 *
 * Checks: at most HEALTH_CHECKS_MAX checks, each with a known type, a port, a timeout and an
 * interval in their ranges, clean texts, a URL of printable ASCII; a loopback host unless the
 * document says allow_remote: true; every message clean and NUL-terminated.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "health.h"
#include "health_spec.h"
#include "yaml_doc.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static void check_specs(const struct health_specs *s, const cJSON *doc)
{
	bool remote = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "allow_remote"));
	FUZZ_ASSERT(s->n <= HEALTH_CHECKS_MAX, "%zu checks", s->n);
	for (size_t i = 0; i < s->n; i++) {
		const struct health_spec *c = &s->v[i];
		FUZZ_ASSERT(c->type < HEALTH_TYPE_COUNT, "type %d", c->type);
		FUZZ_ASSERT(c->port >= 1, "port 0");
		FUZZ_ASSERT(c->timeout_ms >= 100 && c->timeout_ms <= 60000, "timeout %d",
		            c->timeout_ms);
		FUZZ_ASSERT(c->interval_ms >= 1000 && c->interval_ms <= 86400000, "interval %d",
		            c->interval_ms);
		FUZZ_ASSERT(c->nstatuses <= HEALTH_STATUSES_MAX, "%zu statuses", c->nstatuses);
		fuzz_check_text(c->service, sizeof c->service, "service");
		fuzz_check_text(c->source, sizeof c->source, "source");
		fuzz_check_text(c->host, sizeof c->host, "host");
		fuzz_check_text(c->url, sizeof c->url, "url");
		for (const unsigned char *p = (const unsigned char *)c->url; *p; p++)
			FUZZ_ASSERT(*p > 0x20 && *p < 0x7f, "url byte %02x", *p);
		FUZZ_ASSERT(remote || health_host_is_loopback(c->host), "remote host %s", c->host);
	}
}

static void check_messages(const struct health_board *b)
{
	FUZZ_ASSERT(b->nerrors <= HEALTH_MESSAGES_MAX && b->nwarnings <= HEALTH_MESSAGES_MAX,
	            "%zu errors, %zu warnings", b->nerrors, b->nwarnings);
	for (size_t i = 0; i < b->nerrors; i++)
		fuzz_check_text(b->errors[i], sizeof b->errors[i], "error");
	for (size_t i = 0; i < b->nwarnings; i++)
		fuzz_check_text(b->warnings[i], sizeof b->warnings[i], "warning");
}

static void read_one(const cJSON *doc)
{
	struct health_board b;
	struct health_specs *s = calloc(1, sizeof *s);
	if (!s)
		return;
	health_board_init(&b);
	s->msgs = &b;
	health_spec_read(s, doc, "/p/healthcheck.yml");
	check_specs(s, doc);
	check_messages(&b);
	FUZZ_ASSERT(health_board_set(&b, s->v, s->n) == 0, "the board refused %zu checks", s->n);
	char cell[32];
	for (size_t i = 0; i < b.n; i++)
		health_board_cell(&b, b.v[i].spec.port, cell, sizeof cell);
	health_board_free(&b);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *doc = NULL;
	char err[256];
	if (yaml_doc_parse((const char *)data, size, "f.yml", &doc, err, sizeof err) == 0)
		read_one(doc);
	cJSON_Delete(doc);
	doc = cJSON_ParseWithLength((const char *)data, size);
	if (doc)
		read_one(doc);
	cJSON_Delete(doc);
	return 0;
}
