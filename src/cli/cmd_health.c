/* cmd_health.c - `devports health [--json]`: every health check once, one line each; and the
 * checks `--json` runs for its listeners (cli_health_for). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "health.h"
#include "health_json.h"
#include "json_out.h"
#include "sanitize.h"

/* Gathers the checks of the current folder, its project root, the listeners' project folders
 * and the config into b. */
static void gather(const struct cli_opts *o, struct platform *p, const struct snapshot *s,
                   struct health_board *b)
{
	char cwd[PATH_MAX];
	uint64_t seen = 0;
	if (!getcwd(cwd, sizeof cwd))
		cwd[0] = '\0';
	platform_health_load(p, s, cwd, o->config ? o->config->health : NULL, b, &seen, true);
}

/* Runs every check of b once; false when no runner could be opened (why on stderr). */
static bool run_once(struct platform *p, struct health_board *b)
{
	struct health_runner *r = NULL;
	int rc = platform_health_open(p, &r);
	if (rc < 0) {
		fprintf(stderr, "devports: health checks are not run: %s\n",
		        rc == -ENOSYS ? "a demo sends nothing" : strerror(-rc));
		return false;
	}
	b->once = true;
	for (;;) {
		health_runner_step(r, b, platform_monotonic(), time(NULL));
		if (health_board_done(b))
			break;
		health_runner_wait(r, -1, 100);
	}
	health_runner_free(&r);
	return true;
}

static void print_messages(const struct health_board *b)
{
	for (size_t i = 0; i < b->nerrors; i++)
		fprintf(stderr, "devports: health: %s\n", b->errors[i]);
	for (size_t i = 0; i < b->nwarnings; i++)
		fprintf(stderr, "devports: health: warning: %s\n", b->warnings[i]);
	if (b->lost_messages)
		fprintf(stderr, "devports: health: and %zu more\n", b->lost_messages);
}

bool cli_health_for(const struct cli_opts *o, struct platform *p, const struct snapshot *s,
                    struct health_board *b)
{
	gather(o, p, s, b);
	print_messages(b);
	/* only the checks of ports that are listened on: the others appear in no entry */
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++) {
		bool held = false;
		for (size_t k = 0; k < s->set.n && !held; k++)
			held =
			    s->set.v[k].proto == PROTO_TCP && s->set.v[k].port == b->v[i].spec.port;
		if (held)
			b->v[n++] = b->v[i];
	}
	b->n = n;
	return n == 0 || run_once(p, b);
}

static int print_json(const struct health_board *b)
{
	cJSON *o = cJSON_CreateObject();
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm))
		now[0] = '\0';
	cJSON_AddNumberToObject(o, "schema_version", JSON_SCHEMA_VERSION);
	cJSON_AddStringToObject(o, "generated_at", now);
	cJSON *checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; i < b->n; i++)
		cJSON_AddItemToArray(checks, health_json_entry(&b->v[i], false));
	cJSON *errors = cJSON_AddArrayToObject(o, "errors");
	for (size_t i = 0; i < b->nerrors; i++)
		cJSON_AddItemToArray(errors, cJSON_CreateString(b->errors[i]));
	cJSON *warnings = cJSON_AddArrayToObject(o, "warnings");
	for (size_t i = 0; i < b->nwarnings; i++)
		cJSON_AddItemToArray(warnings, cJSON_CreateString(b->warnings[i]));
	char *text = cJSON_Print(o);
	cJSON_Delete(o);
	int rc = text && puts(text) != EOF ? 0 : -1;
	free(text);
	return rc;
}

/* One line per check: SERVICE TYPE TARGET STATE TEXT, in columns. */
static int print_text(const struct health_board *b)
{
	int ws = 7, wt = 4, wu = 6;
	for (size_t i = 0; i < b->n; i++) {
		const struct health_spec *s = &b->v[i].spec;
		int w = sanitize_width(s->service),
		    u = sanitize_width(s->url) + (s->type == HEALTH_TCP ? 0
		                                  : s->head             ? 5
		                                                        : 4);
		ws = w > ws ? (w > 32 ? 32 : w) : ws;
		wt = (int)strlen(health_type_names[s->type]) > wt
		         ? (int)strlen(health_type_names[s->type])
		         : wt;
		wu = u > wu ? (u > 60 ? 60 : u) : wu;
	}
	if (printf("%-*s  %-*s  %-*s  %-7s  %s\n", ws, "SERVICE", wt, "TYPE", wu, "TARGET", "STATE",
	           "RESULT") < 0)
		return -1;
	for (size_t i = 0; i < b->n; i++) {
		const struct health_entry *e = &b->v[i];
		const struct health_result *r = health_entry_last(e);
		char service[HEALTH_NAME_MAX], target[HEALTH_URL_MAX + 32];
		snprintf(target, sizeof target, "%s%s",
		         e->spec.type == HEALTH_TCP ? ""
		         : e->spec.head             ? "HEAD "
		                                    : "GET ",
		         e->spec.url);
		sanitize_clip(service, sizeof service, e->spec.service, ws);
		int pad_s = ws - sanitize_width(service);
		if (printf("%s%*s  %-*s  %-*s  %-7s  %s\n", service, pad_s, "", wt,
		           health_type_names[e->spec.type], wu, target,
		           health_state_names[r ? r->state : HEALTH_PENDING], r ? r->text : "") < 0)
			return -1;
	}
	return 0;
}

int cmd_health(const struct cli_opts *o)
{
	if (o->nargs > 0) {
		fprintf(stderr, "devports: health takes no arguments\n");
		return EXIT_ERROR;
	}
	struct platform *p;
	struct snapshot s = {0};
	if (!cli_open_snapshot(o, &p, &s))
		return EXIT_ERROR;
	struct health_board b;
	health_board_init(&b);
	gather(o, p, &s, &b);
	print_messages(&b);
	int exit_code = EXIT_OK;
	if (b.n == 0) {
		if (!b.nerrors)
			fprintf(stderr,
			        "devports: no health checks: no healthcheck.yml in this folder, "
			        "its project or the listeners' projects, and no \"health\" in "
			        "the config\n");
		exit_code = EXIT_ERROR;
	} else if (!run_once(p, &b)) {
		exit_code = EXIT_ERROR;
	}
	for (size_t i = 0; i < b.n && exit_code != EXIT_ERROR; i++) {
		const struct health_result *r = health_entry_last(&b.v[i]);
		enum health_state st = r ? r->state : HEALTH_ERROR;
		if (st == HEALTH_ERROR)
			exit_code = EXIT_ERROR;
		else if (st == HEALTH_FAILING || st == HEALTH_DOWN)
			exit_code = EXIT_NOT_FOUND;
	}
	if (b.nerrors)
		exit_code = EXIT_ERROR;
	if ((b.n || o->json) && (o->json ? print_json(&b) : print_text(&b)) < 0) {
		fprintf(stderr, "devports: cannot write the output\n");
		exit_code = EXIT_ERROR;
	}
	if (fflush(stdout) == EOF)
		exit_code = EXIT_ERROR;
	health_board_free(&b);
	snapshot_free(&s);
	platform_close(&p);
	return exit_code;
}
