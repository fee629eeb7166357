/* cmd_list.c - `devports list` and `devports --json`: one snapshot to stdout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "health.h"
#include "json_out.h"
#include "snapshot.h"
#include "text_out.h"

/* The terminal's width when stdout is one, else 0 (never cut). */
static int stdout_width(void)
{
	struct winsize ws;
	if (!isatty(STDOUT_FILENO) || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return 0;
	return ws.ws_col;
}

int cmd_list(const struct cli_opts *o)
{
	if (o->nargs > 0) {
		fprintf(stderr, "devports: list takes no arguments\n");
		return EXIT_ERROR;
	}
	struct platform *p;
	struct snapshot s = {0};
	if (!cli_open_snapshot(o, &p, &s))
		return EXIT_ERROR;
	int exit_code = EXIT_OK;
	if (o->json) {
		struct health_board health;
		health_board_init(&health);
		bool ran = cli_health_for(o, p, &s, &health);
		if (json_out_write_health(stdout, &s, platform_name(p), o->config,
		                          ran ? &health : NULL) < 0)
			exit_code = EXIT_ERROR;
		health_board_free(&health);
	} else if (text_out_table(stdout, &s, o->config, stdout_width()) < 0) {
		exit_code = EXIT_ERROR;
	}
	if (fflush(stdout) == EOF)
		exit_code = EXIT_ERROR;
	if (exit_code != EXIT_OK)
		fprintf(stderr, "devports: cannot write the output\n");
	snapshot_free(&s);
	platform_close(&p);
	return exit_code;
}
