/* test_manifest.c - each manifest's reader (manifest.h), the order of its rules, and whether a
 * process runs its project's code. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "manifest.h"

static struct manifest parsed(enum manifest_kind kind, const char *file, const char *text)
{
	struct manifest m = {0};
	char why[160];
	cr_assert_eq(manifest_parse(&m, kind, file, text, strlen(text), why, sizeof why), 0,
	             "%s: %s", file, why);
	cr_assert_str_eq(why, "");
	return m;
}

static void expect_found(const struct manifest *m, enum manifest_eco eco, const char *label,
                         const char *from)
{
	cr_assert_not_null(m->found[eco].rule, "nothing found, want %s", label);
	cr_expect_str_eq(m->found[eco].rule->label, label);
	cr_expect_str_eq(m->found[eco].from, from);
}

Test(manifest, package_json_dependencies_main_and_scripts)
{
	struct manifest m = parsed(MANIFEST_PACKAGE_JSON, "package.json",
	                           "{\"name\": \"shop\", \"main\": \"src/server.js\",\n"
	                           " \"scripts\": {\"start\": \"node src/server.js\", \"dev\": \"vite\"},\n"
	                           " \"dependencies\": {\"express\": \"^4\", \"pg\": \"^8\"},\n"
	                           " \"devDependencies\": {\"vite\": \"^5\"}}");
	expect_found(&m, ECO_NODE, "Express", "package.json: express");
	cr_expect_str_eq(m.main, "src/server.js");
	cr_expect(strstr(m.scripts, "node src/server.js\n") && strstr(m.scripts, "vite\n"));
	cr_expect(m.has[ECO_NODE]);
	cr_expect_not(m.has[ECO_PYTHON]);
}

Test(manifest, the_first_rule_wins_whatever_the_order_in_the_file)
{
	struct manifest m = parsed(MANIFEST_PACKAGE_JSON, "package.json",
	                           "{\"devDependencies\": {\"vite\": \"5\"},"
	                           " \"dependencies\": {\"express\": \"4\", \"next\": \"14\"}}");
	expect_found(&m, ECO_NODE, "Next.js", "package.json: next");
	m = parsed(MANIFEST_PACKAGE_JSON, "package.json",
	           "{\"devDependencies\": {\"@storybook/react\": \"8\", \"webpack-dev-server\": \"4\"}}");
	expect_found(&m, ECO_NODE, "Storybook", "package.json: @storybook/react");
}

Test(manifest, invalid_json_adds_nothing_and_says_where)
{
	struct manifest m = {0};
	char why[160];
	const char *text = "{\"dependencies\": {\"express\": \"4\",}}";
	cr_assert_eq(manifest_parse(&m, MANIFEST_PACKAGE_JSON, "package.json", text, strlen(text),
	                            why, sizeof why),
	             -EINVAL);
	cr_expect(strncmp(why, "package.json:1:", 15) == 0, "%s", why);
	cr_expect_null(m.found[ECO_NODE].rule);
	cr_expect_not(m.has[ECO_NODE]);
	text = "[\"express\"]";
	cr_assert_eq(manifest_parse(&m, MANIFEST_PACKAGE_JSON, "package.json", text, strlen(text),
	                            why, sizeof why),
	             -EINVAL);
	cr_expect_str_eq(why, "package.json: not a JSON object");
}

Test(manifest, requirements_pyproject_and_pipfile)
{
	struct manifest m = parsed(MANIFEST_REQUIREMENTS, "requirements-dev.txt",
	                           "# tools\n-r base.txt\n  pytest==8.0\nFlask_Cors\nDjango>=4.2 ; python_version>'3.8'\n");
	expect_found(&m, ECO_PYTHON, "Django", "requirements-dev.txt: Django");
	m = parsed(MANIFEST_PYPROJECT, "pyproject.toml",
	           "[project]\nname = \"api\"\ndependencies = [\n  \"uvicorn[standard]>=0.20\",\n"
	           "  'fastapi==0.110',  # web\n]\n[project.optional-dependencies]\ndev = [\"flask\"]\n");
	expect_found(&m, ECO_PYTHON, "Flask", "pyproject.toml: flask");
	m = parsed(MANIFEST_PYPROJECT, "pyproject.toml",
	           "[tool.poetry.dependencies]\npython = \"^3.11\"\nstarlette = \"*\"\n"
	           "[tool.poetry.group.dev.dependencies]\nblack = \"*\"\n[tool.black]\ndjango = 1\n");
	expect_found(&m, ECO_PYTHON, "Starlette", "pyproject.toml: starlette");
	m = parsed(MANIFEST_PIPFILE, "Pipfile",
	           "[[source]]\nurl = \"https://pypi.org/simple\"\n[packages]\nfastapi = \"*\"\n"
	           "[dev-packages]\nflask = \"*\"\n");
	expect_found(&m, ECO_PYTHON, "Flask", "Pipfile: flask");
}

Test(manifest, gemfile_composer_go_mod_cargo)
{
	struct manifest m = parsed(MANIFEST_GEMFILE, "Gemfile",
	                           "source 'https://rubygems.org'\ngem \"puma\", \"~> 6\"\ngem('rails', '7.1')\n"
	                           "# gem 'sinatra'\n");
	expect_found(&m, ECO_RUBY, "Rails", "Gemfile: rails");
	m = parsed(MANIFEST_COMPOSER, "composer.json",
	           "{\"require\": {\"php\": \">=8.1\", \"laravel/framework\": \"^10\"}}");
	expect_found(&m, ECO_PHP, "Laravel", "composer.json: laravel/framework");
	m = parsed(MANIFEST_GO_MOD, "go.mod",
	           "module example.com/team/api/v2\n\ngo 1.22\n\nrequire (\n"
	           "\tgithub.com/labstack/echo/v4 v4.11.0\n\tgolang.org/x/net v0.20.0 // indirect\n)\n");
	expect_found(&m, ECO_GO, "Echo", "go.mod: github.com/labstack/echo/v4");
	cr_expect_str_eq(m.name[ECO_GO], "api");
	m = parsed(MANIFEST_CARGO, "Cargo.toml",
	           "[package]\nname = \"ledger\"\n\n[dependencies]\nserde = \"1\"\n\n"
	           "[dependencies.axum]\nversion = \"0.7\"\n");
	expect_found(&m, ECO_RUST, "Axum", "Cargo.toml: axum");
	cr_expect_str_eq(m.name[ECO_RUST], "ledger");
}

Test(manifest, names_that_are_not_names_are_never_taken)
{
	struct manifest m = parsed(MANIFEST_PACKAGE_JSON, "package.json",
	                           "{\"dependencies\": {\"express\\u001b[31m\": \"4\", \"ex press\": \"1\"}}");
	cr_expect_null(m.found[ECO_NODE].rule);
	m = parsed(MANIFEST_REQUIREMENTS, "requirements.txt", "\x01\x02\xff\n\n\n=flask\n");
	cr_expect_null(m.found[ECO_PYTHON].rule);
}

static struct proc_info proc(const char *comm, const char *exe, const char *cmdline,
                             const char *root)
{
	return (struct proc_info){.comm = comm, .exe = exe, .cmdline = cmdline, .cwd = root,
	                          .project_root = root, .launcher = ""};
}

Test(manifest, a_node_process_runs_the_project_when_main_or_a_script_names_its_file)
{
	struct manifest m = parsed(MANIFEST_PACKAGE_JSON, "package.json",
	                           "{\"main\": \"lib/app.js\", \"scripts\": {\"serve\": \"nodemon src/api.js\"},"
	                           " \"dependencies\": {\"express\": \"4\"}}");
	char label[32], from[96];
	struct proc_info p = proc("node", "/usr/bin/node", "node lib/app.js", "/home/dev/shop");
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
	cr_expect_str_eq(label, "Express");
	cr_expect_str_eq(from, "package.json: express");
	p = proc("node", "/usr/bin/node", "node /home/dev/shop/src/api.js", "/home/dev/shop");
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from), "a script's file");
	p = proc("node", "/usr/bin/node", "node tools/mock-ws.js", "/home/dev/shop");
	cr_expect_not(manifest_match(&m, &p, label, sizeof label, from, sizeof from),
	              "another file of the project is not its server");
	p.launcher = "npm run mock";
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from),
	          "but a package script's is");
	p = proc("python3", "/usr/bin/python3", "python3 app.py", "/home/dev/shop");
	cr_expect_not(manifest_match(&m, &p, label, sizeof label, from, sizeof from),
	              "package.json says nothing about python");
	p = proc("postgres", "/usr/lib/postgresql/15/bin/postgres", "postgres -D .", "/home/dev/shop");
	cr_expect_not(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
}

Test(manifest, python_runs_a_file_or_a_module_not_a_worker_snippet)
{
	struct manifest m = parsed(MANIFEST_REQUIREMENTS, "requirements.txt", "flask\n");
	char label[32], from[96];
	struct proc_info p = proc("python3", "/usr/bin/python3.11", "python3 -m api", "/srv/api");
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
	cr_expect_str_eq(label, "Flask");
	p = proc("python3", "/usr/bin/python3.11",
	         "python3 -c from multiprocessing.spawn import spawn_main", "/srv/api");
	cr_expect_not(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
}

Test(manifest, a_compiled_server_inside_its_project)
{
	struct manifest m = parsed(MANIFEST_GO_MOD, "go.mod", "module example.com/billing\n");
	char label[32], from[96];
	struct proc_info p = proc("billing", "/home/dev/billing/bin/billing", "./bin/billing",
	                          "/home/dev/billing");
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
	cr_expect_str_eq(label, "Go billing");
	cr_expect_str_eq(from, "go.mod: billing");
	p.exe = "/usr/local/bin/billing";
	cr_expect_not(manifest_match(&m, &p, label, sizeof label, from, sizeof from),
	              "a binary from elsewhere is not the project's");
	m = parsed(MANIFEST_CARGO, "Cargo.toml", "[package]\nname = \"ledger\"\n[dependencies]\nactix-web = \"4\"\n");
	p = proc("ledger", "/home/dev/ledger/target/debug/ledger", "target/debug/ledger",
	         "/home/dev/ledger");
	cr_expect(manifest_match(&m, &p, label, sizeof label, from, sizeof from));
	cr_expect_str_eq(label, "Actix Web");
}

Test(manifest, the_rule_table_is_sound)
{
	for (size_t i = 0; i < manifest_rules_len; i++) {
		const struct manifest_rule *r = &manifest_rules[i];
		cr_expect_lt(r->eco, ECO_COUNT);
		cr_expect(r->dep && r->dep[0] && r->label && r->label[0]);
		cr_expect_lt(strlen(r->label), 32, "%s", r->label);
		cr_expect_lt(strlen(r->dep), MANIFEST_NAME_MAX, "%s", r->dep);
	}
}
