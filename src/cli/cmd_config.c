/* cmd_config.c - `devports config path` and `devports config check`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "health.h"
#include "health_spec.h"
#include "model.h"
#include "port_table.h"
#include "project_map.h"

static const char *protos_suffix(uint8_t protos)
{
	return protos == PP_TCP ? "/tcp" : protos == PP_UDP ? "/udp" : "";
}

static void describe_map(const char *name, const struct config_port_text *v, size_t n)
{
	if (n)
		printf("%s\n", name);
	else
		printf("%-15s%s\n", name, "(none)");
	for (size_t i = 0; i < n; i++) {
		char key[16];
		snprintf(key, sizeof key, "%u%s", (unsigned)v[i].port, protos_suffix(v[i].protos));
		printf("  %-13s%s\n", key, v[i].text);
	}
}

static const char *yes_no(int v, const char *fallback)
{
	return v < 0 ? fallback : v ? "true" : "false";
}

/* What the file says, setting by setting; what it leaves out shows its default. */
/* The "health" section's checks as the health checks read them, one a line; what is wrong with
 * them goes to stderr as warnings (the rest of the file is used all the same). */
static void describe_health(const struct config *c)
{
	struct health_board msgs;
	struct health_specs *s = c->health ? calloc(1, sizeof *s) : NULL;
	if (!s) {
		printf("%-15s%s\n", "health", c->health ? "(out of memory)" : "(none)");
		return;
	}
	health_board_init(&msgs);
	s->msgs = &msgs;
	health_spec_read(s, c->health, "config: health");
	for (size_t i = 0; i < msgs.nerrors; i++)
		fprintf(stderr, "devports: warning: %s\n", msgs.errors[i]);
	for (size_t i = 0; i < msgs.nwarnings; i++)
		fprintf(stderr, "devports: warning: %s\n", msgs.warnings[i]);
	if (s->n)
		printf("health\n");
	else
		printf("%-15s%s\n", "health", "(no checks)");
	for (size_t i = 0; i < s->n; i++) {
		char what[512];
		health_spec_describe(&s->v[i], what, sizeof what);
		printf("  %-13s%s %s\n", s->v[i].service, health_type_names[s->v[i].type], what);
	}
	free(s);
}

static void describe(const struct config *c)
{
	if (c->interval > 0)
		printf("%-15s%g s\n", "interval", c->interval);
	else
		printf("%-15s%s\n", "interval", "not set (1 s, or -i)");
	printf("%-15s%s\n", "sort", c->sort >= 0 ? model_sort_names[c->sort] : "not set (port)");
	printf("%-15s%s\n", "show_udp", yes_no(c->show_udp, "not set (true)"));
	printf("%-15s%s\n", "show_dynamic", yes_no(c->show_dynamic, "not set (false)"));
	describe_map("labels", c->labels, c->nlabels);
	describe_map("expect", c->expect, c->nexpect);
	printf("%-15s%s", "hide_ports", c->nhide_ports ? "" : "(none)"); /* then the list */
	for (size_t i = 0; i < c->nhide_ports; i++) {
		const struct config_range *r = &c->hide_ports[i];
		if (r->lo == r->hi)
			printf("%s%u", i ? ", " : "", (unsigned)r->lo);
		else
			printf("%s%u-%u", i ? ", " : "", (unsigned)r->lo, (unsigned)r->hi);
	}
	printf("\n%-15s%s", "hide_processes", c->nhide_processes ? "" : "(none)");
	for (size_t i = 0; i < c->nhide_processes; i++)
		printf("%s%s", i ? ", " : "", c->hide_processes[i]);
	printf("\n%-15s%s", "watch", c->nwatch ? "" : "(none)");
	for (size_t i = 0; i < c->nwatch; i++)
		printf("%s%u/%s", i ? ", " : "", (unsigned)c->watch[i].port,
		       c->watch[i].proto == PROTO_UDP ? "udp" : "tcp");
	printf("\n%-15s%s\n", "projects",
	       c->projects.n ? "preferred, fallbacks · service type" : "(none)");
	for (size_t i = 0; i < c->projects.n; i++) {
		const struct project_decl *d = &c->projects.v[i];
		printf("  %s: ", d->name);
		if (d->preferred)
			printf("%u", (unsigned)d->preferred);
		for (size_t k = 0; k < d->nfallback; k++)
			printf("%s%u", k || d->preferred ? ", " : "", (unsigned)d->fallback[k]);
		printf("%s%s\n", d->service_type[0] ? " · " : "", d->service_type);
	}
	describe_health(c);
}

static int check(const struct config *c)
{
	for (size_t i = 0; i < c->nwarnings; i++)
		fprintf(stderr, "devports: warning: %s\n", c->warnings[i]);
	if (c->error[0]) {
		fprintf(stderr,
		        "devports: %s (the file is ignored: devports runs on its defaults)\n",
		        c->error);
		return EXIT_ERROR;
	}
	if (!c->found) {
		printf("%s: no such file; devports runs on its defaults\n", c->path);
		return EXIT_NOT_FOUND;
	}
	printf("%s: valid%s%s\n", c->path, c->empty ? " (empty: the defaults)" : "",
	       c->nwarnings ? ", with warnings" : "");
	describe(c);
	return EXIT_OK;
}

int cmd_config(const struct cli_opts *o)
{
	const struct config *c = o->config;
	const char *what = o->nargs == 1 ? o->args[0] : "";
	if (strcmp(what, "path") != 0 && strcmp(what, "check") != 0) {
		fprintf(stderr, "devports: config takes one of: check, path\n");
		return EXIT_ERROR;
	}
	if (!c->path[0]) {
		fprintf(stderr,
		        "devports: no config file: neither XDG_CONFIG_HOME nor HOME is set\n");
		return EXIT_ERROR;
	}
	if (strcmp(what, "path") == 0) {
		printf("%s\n", c->path);
		return fflush(stdout) == EOF ? EXIT_ERROR : EXIT_OK;
	}
	int rc = check(c);
	return fflush(stdout) == EOF ? EXIT_ERROR : rc;
}
