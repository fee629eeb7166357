/* fuzz_engine.c - a container engine's answer to GET /containers/json (engine_parse), and the
 * rows it names (containers_match), on any bytes.
 *
 * Checks: the result is 0, -EBADMSG or -ENOMEM; a refused answer leaves the list empty and says
 * why in clean text; an accepted one holds containers with a non-empty id, sorted by id, every
 * text NUL-terminated and clean, every port of TCP, UDP or another protocol; a container matched
 * for a row publishes the row's protocol and port, and the container port given is that port's.
 */
#include <errno.h>
#include <string.h>

#include "containers.h"
#include "engine_api.h"
#include "fuzz_check.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static void check_match(const struct engine_list *l, uint8_t proto, uint8_t family, uint16_t port)
{
	struct listener row = {.proto = proto, .family = family, .port = port};
	uint16_t private_port = 1;
	const struct engine_container *c = containers_match(l, &row, 80, &private_port);
	if (!c) {
		FUZZ_ASSERT(private_port == 0, "no container, container port %u", private_port);
		return;
	}
	bool found = false;
	for (size_t k = 0; k < c->nports; k++)
		found |= c->ports[k].public_port == port && c->ports[k].proto == proto &&
		         c->ports[k].private_port == private_port;
	FUZZ_ASSERT(found, "%s matched for port %u without publishing it", c->id, port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct engine_list l = {0};
	char why[ENGINE_WHY_MAX];
	int rc = engine_parse((const char *)data, size, &l, why, sizeof why);
	FUZZ_ASSERT(rc == 0 || rc == -EBADMSG || rc == -ENOMEM, "returned %d", rc);
	fuzz_check_text(why, sizeof why, "reason");
	if (rc < 0) {
		FUZZ_ASSERT(l.n == 0 && !l.v, "a refused answer left %zu containers", l.n);
		FUZZ_ASSERT(why[0], "refused without a reason");
		return 0;
	}
	for (size_t i = 0; i < l.n; i++) {
		const struct engine_container *c = &l.v[i];
		fuzz_check_text(c->id, sizeof c->id, "id");
		fuzz_check_text(c->name, sizeof c->name, "name");
		fuzz_check_text(c->image, sizeof c->image, "image");
		FUZZ_ASSERT(c->id[0], "container %zu has no id", i);
		FUZZ_ASSERT(i == 0 || strcmp(l.v[i - 1].id, c->id) <= 0, "not sorted at %zu", i);
		for (size_t k = 0; k < c->nports; k++) {
			const struct engine_port *p = &c->ports[k];
			fuzz_check_text(p->ip, sizeof p->ip, "ip");
			FUZZ_ASSERT(p->proto == PROTO_TCP || p->proto == PROTO_UDP ||
			                p->proto == ENGINE_PROTO_OTHER,
			            "port proto %u", p->proto);
		}
	}
	for (size_t i = 0; i < l.n && i < 4; i++)
		for (size_t k = 0; k < l.v[i].nports && k < 4; k++)
			check_match(&l, PROTO_TCP, FAMILY_V4, l.v[i].ports[k].public_port);
	check_match(&l, PROTO_UDP, FAMILY_V6, 53);
	engine_list_free(&l);
	return 0;
}
