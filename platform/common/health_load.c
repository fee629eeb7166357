/* health_load.c - the health checks a dashboard or `devports health` runs: the healthcheck.yml
 * files of the project folders and the config's "health" section (platform.h:
 * platform_health_load). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "health_spec.h"
#include "platform.h"

static void one_file(const struct project_file *f, void *ctx)
{
	struct health_specs *s = ctx;
	if (f->kind != PROJECT_FILE_HEALTH)
		return;
	if (!f->doc) {
		char msg[HEALTH_MESSAGE_MAX];
		snprintf(msg, sizeof msg, "%s; its checks are not run", f->error);
		health_board_error(s->msgs, msg);
		return;
	}
	health_spec_read(s, f->doc, f->path);
}

bool platform_health_load(struct platform *p, const struct snapshot *snap, const char *cwd,
                          const struct cJSON *config_health, struct health_board *b, uint64_t *seen,
                          bool force)
{
	uint64_t h = platform_project_files(p, snap, cwd, NULL, NULL);
	if (!h)
		h = 1;
	if (!force && *seen == h)
		return false;
	struct health_specs *s = calloc(1, sizeof *s);
	if (!s)
		return false;
	*seen = h;
	b->nerrors = b->nwarnings = b->lost_messages = 0;
	s->msgs = b;
	platform_project_files(p, snap, cwd, one_file, s);
	if (config_health)
		health_spec_read(s, config_health, "config: health");
	if (health_board_set(b, s->v, s->n) < 0)
		health_board_error(b, "out of memory: the health checks were not read again");
	free(s);
	return true;
}
