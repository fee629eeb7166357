/* temp_dir.c - a test's folder of files (temp_dir.h). */
#include "temp_dir.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h> /* mkdtemp on macOS */

void temp_dir_make(char *dir, size_t len, const char *tag)
{
	snprintf(dir, len, "/tmp/dp-%s-XXXXXX", tag);
	cr_assert_not_null(mkdtemp(dir));
}

void temp_dir_remove(const char *dir)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_expect_eq(system(cmd), 0);
}

void temp_dir_write(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "cannot write %s", path);
	fputs(text, f);
	fclose(f);
}
