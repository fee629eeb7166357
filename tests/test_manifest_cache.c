/* test_manifest_cache.c - manifests read from real files, once per change (manifest_cache.h). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "manifest_cache.h"
#include "temp_dir.h"

static char dir[64];

static void make_dir(void)
{
	temp_dir_make(dir, sizeof dir, "manifest");
	manifest_cache_clear();
}

static void remove_dir(void)
{
	temp_dir_remove(dir);
	manifest_cache_clear();
}

TestSuite(manifest_cache, .init = make_dir, .fini = remove_dir);

static void write_file(const char *name, const char *text)
{
	temp_dir_write(dir, name, text);
}

Test(manifest_cache, read_once_then_only_when_changed)
{
	write_file("package.json", "{\"dependencies\": {\"koa\": \"2\"}}");
	unsigned long before = manifest_cache_reads();
	const struct manifest *m = manifest_cache_get(dir, 100.0, NULL);
	cr_assert_not_null(m);
	cr_expect_str_eq(m->found[ECO_NODE].rule->label, "Koa");
	cr_expect_eq(manifest_cache_reads(), before + 1);
	manifest_cache_get(dir, 101.0, NULL);
	manifest_cache_get(dir, 100.0 + MANIFEST_RECHECK_SECONDS + 1, NULL);
	cr_expect_eq(manifest_cache_reads(), before + 1, "unchanged: not read again");
	write_file("package.json", "{\"dependencies\": {\"fastify\": \"4\", \"x\": \"1\"}}");
	m = manifest_cache_get(dir, 100.0 + MANIFEST_RECHECK_SECONDS + 2, NULL);
	cr_expect_str_eq(m->found[ECO_NODE].rule->label, "Koa", "not looked at before its time");
	m = manifest_cache_get(dir, 100.0 + 2 * MANIFEST_RECHECK_SECONDS + 2, NULL);
	cr_expect_str_eq(m->found[ECO_NODE].rule->label, "Fastify");
	cr_expect_eq(manifest_cache_reads(), before + 2);
}

Test(manifest_cache, every_requirements_file_and_the_other_manifests)
{
	write_file("requirements.txt", "requests\n");
	write_file("requirements-web.txt", "tornado\n");
	write_file("Gemfile", "gem 'sinatra'\n");
	const struct manifest *m = manifest_cache_get(dir, 1.0, NULL);
	cr_assert_not_null(m);
	cr_expect_str_eq(m->found[ECO_PYTHON].from, "requirements-web.txt: tornado");
	cr_expect_str_eq(m->found[ECO_RUBY].from, "Gemfile: sinatra");
}

Test(manifest_cache, a_bad_manifest_is_named_and_the_others_still_count)
{
	write_file("package.json", "{\"dependencies\": {\"express\": \"4\",}}");
	write_file("Gemfile", "gem 'rails'\n");
	char path[256];
	snprintf(path, sizeof path, "%s/composer.json", dir);
	cr_assert_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof path, "%s/pyproject.toml", dir);
	int fd = open(path, O_WRONLY | O_CREAT, 0600);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, 10 << 20), 0, "10 MB");
	close(fd);
	const char *problems = NULL;
	const struct manifest *m = manifest_cache_get(dir, 1.0, &problems);
	cr_assert_not_null(m, "the Gemfile still counts");
	cr_expect_str_eq(m->found[ECO_RUBY].rule->label, "Rails");
	cr_expect_null(m->found[ECO_NODE].rule);
	cr_expect_not(m->has[ECO_PYTHON]);
	cr_expect(strstr(problems, "package.json:1:") != NULL, "%s", problems);
	cr_expect(strstr(problems, "composer.json: not a regular file") != NULL, "%s", problems);
	cr_expect(strstr(problems, "pyproject.toml: larger than 1 MiB: not read") != NULL, "%s",
	          problems);
}

Test(manifest_cache, an_unreadable_manifest)
{
	if (geteuid() == 0)
		cr_skip_test("root reads a mode-000 file: the FIFO and size cases cover the rest");
	write_file("package.json", "{\"dependencies\": {\"express\": \"4\"}}");
	char path[256];
	snprintf(path, sizeof path, "%s/package.json", dir);
	cr_assert_eq(chmod(path, 0), 0);
	const char *problems = NULL;
	cr_expect_null(manifest_cache_get(dir, 1.0, &problems));
	cr_expect(strstr(problems, "package.json: Permission denied") != NULL, "%s", problems);
}

Test(manifest_cache, no_project_no_manifest)
{
	cr_expect_null(manifest_cache_get(dir, 1.0, NULL));
	cr_expect_null(manifest_cache_get("", 1.0, NULL));
	cr_expect_null(manifest_cache_get("/nonexistent/dp-project", 1.0, NULL));
}

Test(manifest_cache, many_projects_the_least_used_goes)
{
	write_file("go.mod", "module example.com/x\n");
	for (int i = 0; i < MANIFEST_CACHE_MAX + 40; i++) {
		char other[96];
		snprintf(other, sizeof other, "/nonexistent/dp-project-%d", i);
		cr_expect_null(manifest_cache_get(other, 1.0 + i, NULL));
		if (i % 50 == 0)
			cr_expect_not_null(manifest_cache_get(dir, 1.0 + i, NULL), "i=%d", i);
	}
	const struct manifest *m = manifest_cache_get(dir, 1000.0, NULL);
	cr_expect_not_null(m);
	cr_expect_str_eq(m->name[ECO_GO], "x");
}
