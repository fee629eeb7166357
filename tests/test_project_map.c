/* test_project_map.c - the ports projects declare (.devports.yml's shape): reading, which
 * listener runs as which project, and what that gives labels and hints. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "config.h"
#include "make_listener.h"
#include "project_map.h"
#include "sanitize.h"
#include "yaml_doc.h"

static const char guide[] = "projects:\n"
                            "  api-gateway:\n"
                            "    preferred_port: 5000\n"
                            "    fallback_ports: [5001, 5002, 5100]\n"
                            "    service_type: flask\n"
                            "  frontend-dashboard:\n"
                            "    preferred_port: 3000\n"
                            "    fallback_ports: [3001, 3002]\n"
                            "    service_type: node\n";

static struct project_maps maps;
static struct config cfg;
static struct listener_set set;
static struct annotation *ann;

static void setup(void)
{
	sanitize_init_locale();
	config_init(&cfg);
}

static void teardown(void)
{
	free(ann);
	ann = NULL;
	listener_set_free(&set);
	project_maps_free(&maps);
	config_free(&cfg);
}

TestSuite(project_map, .init = setup, .fini = teardown);

static size_t read_yaml(const char *text, const char *file, const char *dir)
{
	cJSON *doc = NULL;
	char err[256];
	cr_assert_eq(yaml_doc_parse(text, strlen(text), file, &doc, err, sizeof err), 0, "%s", err);
	size_t n = project_maps_read(&maps, doc, file, dir);
	cJSON_Delete(doc);
	return n;
}

Test(project_map, the_guides_example)
{
	cr_assert_eq(read_yaml(guide, "/src/shop/.devports.yml", "/src/shop"), 2);
	cr_assert_eq(maps.nmessages, 0, "%s", maps.messages[0]);
	const struct project_decl *d = project_maps_find(&maps, "api-gateway");
	cr_assert_not_null(d);
	cr_expect_eq(d->preferred, 5000);
	cr_expect_eq(d->nfallback, 3);
	cr_expect_eq(d->fallback[2], 5100);
	cr_expect_str_eq(d->service_type, "flask");
	cr_expect_str_eq(d->dir, "/src/shop");
	cr_expect(project_decl_has_port(d, 5002));
	cr_expect_not(project_decl_has_port(d, 3000));
	char source[64];
	project_decl_source(d, source, sizeof source);
	cr_expect_str_eq(source, "shop/.devports.yml");
}

Test(project_map, a_malformed_project_is_left_out_and_named)
{
	cr_assert_eq(read_yaml("projects:\n"
	                       "  bad:\n"
	                       "    preferred_port: 70000\n"
	                       "  worse:\n"
	                       "    fallback_ports: [1, \"x\"]\n"
	                       "  good:\n"
	                       "    preferred_port: 8000\n"
	                       "    colour: blue\n"
	                       "other: 1\n",
	                       "/p/.devports.yml", "/p"),
	             1);
	cr_assert_eq(maps.nmessages, 4);
	cr_expect_str_eq(maps.messages[0], "/p/.devports.yml: unknown key \"other\" ignored "
	                                   "(known: projects)");
	cr_expect_str_eq(maps.messages[1],
	                 "/p/.devports.yml: projects.bad.preferred_port: expected a port 1-65535");
	cr_expect_str_eq(maps.messages[2], "/p/.devports.yml: projects.worse.fallback_ports: item "
	                                   "2: expected a port 1-65535");
	cr_expect_str_eq(maps.messages[3],
	                 "/p/.devports.yml: projects.good: unknown key \"colour\" ignored (known: "
	                 "preferred_port, fallback_ports, service_type)");
	cr_expect_not_null(project_maps_find(&maps, "good"));
}

Test(project_map, hostile_names_are_made_safe)
{
	cr_assert_eq(read_yaml("projects:\n  \"a\\e]0;x\\a\":\n    preferred_port: 1\n",
	                       "/p/.devports.yml", "/p"),
	             1);
	cr_expect_str_eq(maps.v[0].name, "a\\e]0;x\\x07");
}

static struct listener *add(unsigned port, int pid, const char *comm, const char *root)
{
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", port, pid, comm, "dev");
	test_set_project(&l, root);
	test_set_cwd(&l, root);
	return listener_set_push(&set, &l);
}

Test(project_map, which_listener_runs_as_which_project)
{
	read_yaml(guide, "/src/shop/.devports.yml", "/src/shop");
	struct listener *flask = add(5001, 10, "python3", "/src/shop");
	struct listener *node = add(3000, 11, "node", "/src/shop/frontend-dashboard");
	struct listener *other = add(5000, 12, "ControlCenter", "");
	struct listener *elsewhere = add(5000, 13, "python3", "/src/other");
	cr_expect_str_eq(project_maps_owner(&maps, flask)->name, "api-gateway");       /* by port */
	cr_expect_str_eq(project_maps_owner(&maps, node)->name, "frontend-dashboard"); /* name */
	cr_expect_null(project_maps_owner(&maps, other));
	cr_expect_null(project_maps_owner(&maps, elsewhere));
}

Test(project_map, a_service_type_labels_a_plain_runtime_and_the_fallback_is_explained)
{
	read_yaml(guide, "/src/shop/.devports.yml", "/src/shop");
	cfg.maps = &maps;
	add(5000, 20, "ControlCenter", "");
	struct listener *flask = add(5001, 21, "python3", "/src/shop");
	test_set_cmdline(flask, "python3 app.py");
	add(3000, 22, "ruby", "/src/blog");
	listener_set_sort(&set);
	cr_assert_eq(annotate_set(&set, REACH_LINUX, &cfg, &ann), 0);
	/* sorted: 3000, 5000, 5001 */
	cr_expect_str_eq(ann[2].label.text, "Flask");
	cr_expect_eq(ann[2].label.source, LABEL_PROJECT);
	cr_expect_str_eq(ann[2].label.from, "shop/.devports.yml: api-gateway, service_type flask");
	cr_assert_eq(ann[2].hints.n, 1);
	cr_expect_eq(ann[2].hints.v[0].kind, HINT_FALLBACK);
	cr_expect_str_eq(ann[2].hints.v[0].text,
	                 "api-gateway runs on its fallback port 5001: its "
	                 "preferred 5000 is held by ControlCenter (pid 20)");
	cr_assert_geq(ann[1].hints.n, 2); /* the AirPlay Receiver's own hint comes first */
	cr_expect_eq(ann[1].hints.v[1].kind, HINT_EXPECTED);
	cr_expect_str_eq(ann[1].hints.v[1].text,
	                 "expected api-gateway (shop/.devports.yml), not ControlCenter (pid 20)");
	cr_assert_geq(ann[0].hints.n, 1);
	cr_expect_str_eq(ann[0].hints.v[0].text,
	                 "expected frontend-dashboard (shop/.devports.yml), "
	                 "not ruby (pid 22) in blog");
}

Test(project_map, on_its_preferred_port_a_project_has_no_hint)
{
	read_yaml(guide, "/src/shop/.devports.yml", "/src/shop");
	cfg.maps = &maps;
	add(5000, 30, "python3", "/src/shop");
	cr_assert_eq(annotate_set(&set, REACH_LINUX, &cfg, &ann), 0);
	cr_expect_eq(ann[0].hints.n, 0, "%s", ann[0].hints.v[0].text);
}

Test(project_map, the_config_files_projects_section)
{
	const char *text = "{\"projects\": {\"webapp\": {\"preferred_port\": 8080, "
	                   "\"fallback_ports\": [8081], \"service_type\": \"django\"}}}";
	cr_assert_eq(config_parse(&cfg, text, strlen(text), "config.json", NULL), 0, "%s",
	             cfg.error);
	const struct project_decl *d = project_maps_find(config_maps(&cfg), "webapp");
	cr_assert_not_null(d);
	cr_expect_eq(d->fallback[0], 8081);
	cr_expect_str_eq(d->dir, "");
	/* a YAML config: the same members */
	struct config y;
	config_init(&y);
	const char *yaml = "projects:\n  webapp:\n    preferred_port: 9000\ninterval: 2\n";
	cr_assert_eq(config_parse(&y, yaml, strlen(yaml), "/p/.devports.yml", NULL), 0, "%s",
	             y.error);
	cr_expect_eq(project_maps_find(config_maps(&y), "webapp")->preferred, 9000);
	cr_expect_eq(y.interval, 2);
	config_free(&y);
}

Test(project_map, service_types)
{
	char buf[32];
	enum detect_role role;
	project_service_label("flask", buf, sizeof buf, &role);
	cr_expect_str_eq(buf, "Flask");
	project_service_label("Postgres", buf, sizeof buf, &role);
	cr_expect_str_eq(buf, "PostgreSQL");
	cr_expect_eq(role, ROLE_DATABASE);
	project_service_label("elixir", buf, sizeof buf, &role);
	cr_expect_str_eq(buf, "elixir");
}
