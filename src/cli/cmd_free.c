/* cmd_free.c - `devports free [PORT]`: the first TCP port at or after PORT that nothing holds and
 * that binds on 127.0.0.1, ::1, 0.0.0.0 and :: right now. `free --project NAME`: the project's
 * preferred port if it binds, else its first fallback that does (project_map.h); `free --all`:
 * one "NAME PORT" line per project. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "project_map.h"
#include "sanitize.h"
#include "snapshot.h"

enum { FREE_DEFAULT_PORT = 3000 };

static bool in_snapshot(const struct snapshot *s, uint16_t port)
{
	for (size_t i = 0; i < s->set.n; i++)
		if (s->set.v[i].proto == PROTO_TCP && s->set.v[i].port == port)
			return true;
	return false;
}

/* 0 free, 1 held, EXIT_ERROR (after a message) when it cannot be told. */
static int check(struct platform *p, const struct snapshot *s, uint16_t port)
{
	if (in_snapshot(s, port))
		return 1;
	int rc = platform_tcp_port_free(p, port);
	if (rc == 0)
		return 0;
	if (rc == -EADDRINUSE || rc == -EACCES)
		return 1;
	fprintf(stderr, "devports: cannot check port %u: %s\n", (unsigned)port, strerror(-rc));
	return EXIT_ERROR;
}

static int from_port(struct platform *p, const struct snapshot *s, uint16_t from)
{
	for (unsigned port = from; port <= 65535; port++) {
		int rc = check(p, s, (uint16_t)port);
		if (rc == 0) {
			printf("%u\n", port);
			return EXIT_OK;
		}
		if (rc == EXIT_ERROR)
			return EXIT_ERROR;
	}
	fprintf(stderr, "devports: no free TCP port from %u to 65535\n", (unsigned)from);
	return EXIT_NOT_FOUND;
}

/* The project's preferred port if it binds, else its first free fallback: *port, EXIT_OK; else
 * EXIT_NOT_FOUND, or EXIT_ERROR. */
static int for_project(struct platform *p, const struct snapshot *s, const struct project_decl *d,
                       uint16_t *port)
{
	uint16_t v[1 + PROJECT_FALLBACKS_MAX];
	size_t n = 0;
	if (d->preferred)
		v[n++] = d->preferred;
	for (size_t i = 0; i < d->nfallback; i++)
		v[n++] = d->fallback[i];
	for (size_t i = 0; i < n; i++) {
		int rc = check(p, s, v[i]);
		if (rc == 0) {
			*port = v[i];
			return EXIT_OK;
		}
		if (rc == EXIT_ERROR)
			return EXIT_ERROR;
	}
	return EXIT_NOT_FOUND;
}

static void say_none(const struct project_decl *d)
{
	char source[PROC_PATH_MAX];
	project_decl_source(d, source, sizeof source);
	fprintf(stderr, "devports: %s (%s): its preferred and fallback ports are all taken\n",
	        d->name, source);
}

static int projects(const struct cli_opts *o, struct platform *p, const struct snapshot *s)
{
	const struct project_maps *maps = o->maps;
	if (!maps || !maps->n) {
		fprintf(stderr, "devports: no project map: no .devports.yml or .devports.json here "
		                "or in this project's root, and no projects in the config file\n");
		return EXIT_ERROR;
	}
	if (o->project) {
		const struct project_decl *d = project_maps_find(maps, o->project);
		if (!d) {
			char name[PROJECT_NAME_MAX];
			sanitize_text(name, sizeof name, o->project, strlen(o->project));
			fprintf(stderr, "devports: no project \"%s\" in %s (projects:", name,
			        maps->v[0].file);
			for (size_t i = 0; i < maps->n; i++)
				fprintf(stderr, " %s", maps->v[i].name);
			fprintf(stderr, ")\n");
			return EXIT_ERROR;
		}
		uint16_t port;
		int rc = for_project(p, s, d, &port);
		if (rc == EXIT_OK)
			printf("%u\n", (unsigned)port);
		else if (rc == EXIT_NOT_FOUND)
			say_none(d);
		return rc;
	}
	int worst = EXIT_OK;
	for (size_t i = 0; i < maps->n; i++) {
		const struct project_decl *d = &maps->v[i];
		if (project_maps_find(maps, d->name) != d)
			continue; /* a name given twice: the first counts */
		uint16_t port;
		int rc = for_project(p, s, d, &port);
		if (rc == EXIT_OK)
			printf("%s %u\n", d->name, (unsigned)port);
		else if (rc == EXIT_NOT_FOUND)
			say_none(d);
		if (rc > worst)
			worst = rc;
	}
	return worst;
}

int cmd_free(const struct cli_opts *o)
{
	bool project = o->project || o->all;
	uint16_t from = FREE_DEFAULT_PORT;
	if (project && o->nargs) {
		fprintf(stderr, "devports: free --project and --all take no port (see devports "
		                "--help)\n");
		return EXIT_ERROR;
	}
	if (!project && !cli_port_arg(o, "free", FREE_DEFAULT_PORT, &from))
		return EXIT_ERROR;
	struct platform *p;
	struct snapshot s = {0};
	if (!cli_open_snapshot(o, &p, &s))
		return EXIT_ERROR;
	int exit_code = project ? projects(o, p, &s) : from_port(p, &s, from);
	snapshot_free(&s);
	platform_close(&p);
	if (fflush(stdout) == EOF)
		exit_code = EXIT_ERROR;
	return exit_code;
}
