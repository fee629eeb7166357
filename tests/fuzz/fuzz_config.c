/* fuzz_config.c - the config file loader (strict JSON check, cJSON, the settings) on any bytes.
 *
 * Checks: the result is 0 or -EINVAL; an error leaves a clean message and the defaults, success
 * leaves no message; every setting is in its range (interval 0.2-60 s, a known sort, booleans,
 * ports 1-65535, ranges low <= high); every text kept and every message is clean; a label fits its
 * limit; and each configured entry is found again by the queries (labels, expected owners, hidden
 * ports and process names).
 */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "fuzz_check.h"
#include "model.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	fuzz_init_locale();
	return 0;
}

static void check_entries(const struct config *c, const struct config_port_text *v, size_t n,
                          const char *(*query)(const struct config *, uint16_t,
                                               enum listener_proto),
                          size_t cap, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(v[i].port >= 1, "%s: port 0", what);
		FUZZ_ASSERT(v[i].protos >= 1 && v[i].protos <= 3, "%s: protos %u", what,
		            v[i].protos);
		fuzz_check_text(v[i].text, cap, what);
		FUZZ_ASSERT(v[i].text[0], "%s: empty text", what);
		enum listener_proto p = v[i].protos & 1 ? PROTO_TCP : PROTO_UDP;
		FUZZ_ASSERT(query(c, v[i].port, p), "%s for %u not found", what, v[i].port);
	}
}

static void check_loaded(const struct config *c)
{
	FUZZ_ASSERT(c->error[0] == '\0', "success with an error: %s", c->error);
	FUZZ_ASSERT(c->interval == 0 || (c->interval >= 0.2 && c->interval <= 60), "interval %g",
	            c->interval);
	FUZZ_ASSERT(c->sort >= -1 && c->sort < SORT_COUNT, "sort %d", c->sort);
	FUZZ_ASSERT(c->show_udp >= -1 && c->show_udp <= 1, "show_udp %d", c->show_udp);
	FUZZ_ASSERT(c->show_dynamic >= -1 && c->show_dynamic <= 1, "show_dynamic %d",
	            c->show_dynamic);
	check_entries(c, c->labels, c->nlabels, config_label, CONFIG_LABEL_MAX, "label");
	check_entries(c, c->expect, c->nexpect, config_expected, PROC_PATH_MAX, "expect");
	static struct listener l;
	static struct proc_info p;
	for (size_t i = 0; i < c->nhide_ports; i++) {
		const struct config_range *r = &c->hide_ports[i];
		FUZZ_ASSERT(r->lo >= 1 && r->lo <= r->hi, "range %u-%u", r->lo, r->hi);
		p = (struct proc_info){.comm = "", .user = "", .cmdline = "", .cwd = "", .exe = "",
		                       .project_root = ""};
		l = (struct listener){.port = r->hi, .proc = &p};
		FUZZ_ASSERT(config_hides(c, &l), "port %u not hidden", r->hi);
	}
	for (size_t i = 0; i < c->nhide_processes; i++) {
		fuzz_check_text(c->hide_processes[i], PROC_COMM_MAX, "hide_processes");
		p = (struct proc_info){.comm = c->hide_processes[i], .user = "", .cmdline = "",
		                       .cwd = "", .exe = "", .project_root = ""};
		l = (struct listener){.proc = &p, .nholders = 1};
		FUZZ_ASSERT(config_hides(c, &l), "process %s not hidden", l.proc->comm);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	config_init(&c);
	int rc = config_parse(&c, (const char *)data, size, "config.json", "/home/dev");
	FUZZ_ASSERT(rc == 0 || rc == -EINVAL, "returned %d", rc);
	fuzz_check_text(c.error, sizeof c.error, "error");
	FUZZ_ASSERT(c.nwarnings <= CONFIG_WARNINGS_MAX, "%zu warnings", c.nwarnings);
	for (size_t i = 0; i < c.nwarnings; i++)
		fuzz_check_text(c.warnings[i], sizeof c.warnings[i], "warning");
	if (rc == 0) {
		check_loaded(&c);
	} else {
		FUZZ_ASSERT(c.error[0], "an error without a message");
		FUZZ_ASSERT(c.interval == 0 && c.sort == -1 && c.show_udp == -1 &&
		                c.show_dynamic == -1 && !c.nlabels && !c.nexpect &&
		                !c.nhide_ports && !c.nhide_processes,
		            "an ignored file left settings");
	}
	config_free(&c);
	return 0;
}
