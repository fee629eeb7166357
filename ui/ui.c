/* ui.c - the dashboard (placeholder until the live view lands). */
#include "ui.h"

#include <stdio.h>

int ui_main(const struct cli_opts *o)
{
	(void)o;
	fprintf(stderr, "devports: the dashboard is not built yet; try `devports list`\n");
	return EXIT_ERROR;
}
