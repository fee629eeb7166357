/* cmd_status.c - `devports status`: one line for tmux's status-right or any status bar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "cli.h"
#include "snapshot.h"
#include "status_line.h"

/* Prints the one-line error of a bad --format: the field names it could use. */
static bool format_ok(const char *format)
{
	char why[80];
	if (!format || status_format_check(format, why, sizeof why) == 0)
		return true;
	fprintf(stderr, "devports: --format: %s (", why);
	for (int f = 0; f < STATUS_FIELD_COUNT; f++)
		fprintf(stderr, "%s%s", f ? ", " : "", status_field_names[f]);
	fprintf(stderr, ")\n");
	return false;
}

/* The line for snapshot s into buf; false when out of memory. */
static bool render(const struct cli_opts *o, const struct snapshot *s, char *buf, size_t len)
{
	struct annotation *ann = NULL;
	struct status_item *items = s->set.n ? malloc(s->set.n * sizeof *items) : NULL;
	if (s->set.n &&
	    (!items || annotate_set(&s->set, (enum reach_kernel)s->kernel, o->config, &ann) < 0)) {
		free(items);
		return false;
	}
	size_t n = s->set.n ? status_items(&s->set, ann, o->all, items) : 0;
	struct status_opts so = {
	    .format = o->format, .sep = o->sep, .max = o->max, .tmux = o->tmux};
	status_render(items, n, &so, buf, len);
	free(ann);
	free(items);
	return true;
}

int cmd_status(const struct cli_opts *o)
{
	if (o->nargs > 0) {
		fprintf(stderr, "devports: status takes no arguments (see devports --help)\n");
		return EXIT_ERROR;
	}
	if (!format_ok(o->format))
		return EXIT_ERROR;
	struct platform *p;
	struct snapshot s = {0};
	if (!cli_open_snapshot(o, &p, &s))
		return EXIT_ERROR;
	static char line[STATUS_LINE_CAP];
	int exit_code = EXIT_OK;
	if (!render(o, &s, line, sizeof line)) {
		fprintf(stderr, "devports: out of memory\n");
		exit_code = EXIT_ERROR;
	} else if (printf("%s\n", line) < 0 || fflush(stdout) == EOF) {
		fprintf(stderr, "devports: cannot write the output\n");
		exit_code = EXIT_ERROR;
	}
	snapshot_free(&s);
	platform_close(&p);
	return exit_code;
}
