/* test_project_files.c - a project folder's settings files read from real files, once per change
 * (project_files.h). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "project_files.h"
#include "temp_dir.h"

static char dir[64];

static void make_dir(void)
{
	temp_dir_make(dir, sizeof dir, "projfiles");
	project_files_clear();
}

static void remove_dir(void)
{
	temp_dir_remove(dir);
	project_files_clear();
}

TestSuite(project_files, .init = make_dir, .fini = remove_dir);

static void write_file(const char *name, const char *text)
{
	temp_dir_write(dir, name, text);
}

/* What each() was given, as one line per file: "KIND NAME port|error". */
struct seen {
	char text[2048];
	int n;
};

static void each(const struct project_file *f, void *ctx)
{
	struct seen *s = ctx;
	const char *name = strrchr(f->path, '/') + 1;
	const cJSON *port = f->doc ? cJSON_GetObjectItemCaseSensitive(f->doc, "port") : NULL;
	size_t o = strlen(s->text);
	if (f->doc)
		snprintf(s->text + o, sizeof s->text - o, "%d %s %d\n", f->kind, name,
		         cJSON_IsNumber(port) ? port->valueint : -1);
	else
		snprintf(s->text + o, sizeof s->text - o, "%d %s %s\n", f->kind, name,
		         f->error + strlen(dir) + 1);
	cr_assert_str_eq(f->dir, dir);
	s->n++;
}

Test(project_files, yaml_and_json_alike_read_once_per_change)
{
	write_file(".devports.yml", "port: 5000\n");
	write_file("healthcheck.yml", "port: 7\n");
	unsigned long before = project_files_reads();
	struct seen s = {0};
	uint64_t h1 = project_files_in(dir, 100.0, each, &s);
	cr_expect_str_eq(s.text, "0 .devports.yml 5000\n1 healthcheck.yml 7\n");
	cr_expect_eq(project_files_reads(), before + 2);

	/* unchanged: nothing read, the same hash, the same trees */
	memset(&s, 0, sizeof s);
	uint64_t h2 = project_files_in(dir, 100.0 + PROJECT_FILES_RECHECK_SECONDS + 1, each, &s);
	cr_expect_eq(h1, h2);
	cr_expect_eq(project_files_reads(), before + 2);
	cr_expect_str_eq(s.text, "0 .devports.yml 5000\n1 healthcheck.yml 7\n");

	/* a JSON spelling appears: read, and the hash says so */
	write_file(".devports.json", "{\"port\": 3000}");
	memset(&s, 0, sizeof s);
	uint64_t h3 =
	    project_files_in(dir, 100.0 + 2 * PROJECT_FILES_RECHECK_SECONDS + 2, each, &s);
	cr_expect_neq(h2, h3);
	cr_expect_str_eq(s.text,
	                 "0 .devports.yml 5000\n0 .devports.json 3000\n1 healthcheck.yml 7\n");
	cr_expect_eq(project_files_reads(), before + 3);
}

Test(project_files, a_malformed_file_says_where_and_the_others_still_count)
{
	write_file(".devports.yml", "projects:\n  api: [5000\n");
	write_file(".devports.json", "{\"port\": 1,}");
	write_file("healthcheck.yml", "port: 9\n");
	struct seen s = {0};
	project_files_in(dir, 10.0, each, &s);
	cr_expect_str_eq(
	    s.text, "0 .devports.yml .devports.yml:3:1: invalid YAML: did not find expected "
	            "',' or ']' while parsing a flow sequence\n"
	            "0 .devports.json .devports.json:1:11: invalid JSON: trailing comma before "
	            "'}'\n"
	            "1 healthcheck.yml 9\n");
}

Test(project_files, a_fifo_or_a_huge_file_is_never_read)
{
	char path[256];
	snprintf(path, sizeof path, "%s/.devports.yml", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof path, "%s/healthcheck.yml", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	for (int i = 0; i <= PROJECT_FILE_MAX / 16; i++)
		fputs("# sixteen bytes\n", f);
	fclose(f);
	struct seen s = {0};
	project_files_in(dir, 10.0, each, &s); /* a FIFO opened for reading would block here */
	cr_expect_str_eq(s.text,
	                 "0 .devports.yml .devports.yml: not a regular file\n"
	                 "1 healthcheck.yml healthcheck.yml: larger than 1 MiB: not read\n");
}

Test(project_files, a_folder_without_files_gives_nothing)
{
	struct seen s = {0};
	uint64_t h = project_files_in(dir, 10.0, each, &s);
	cr_expect_eq(s.n, 0);
	cr_expect_eq(h, project_files_in("/nonexistent-folder", 10.0, each, &s));
	cr_expect_eq(s.n, 0);
}
