/* test_yaml_doc.c - YAML into the cJSON tree the JSON files give (yaml_doc.h). */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_doc.h"

static cJSON *parse_ok(const char *text)
{
	cJSON *doc = NULL;
	char err[256];
	int rc = yaml_doc_parse(text, strlen(text), "f.yml", &doc, err, sizeof err);
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_str_eq(err, "");
	cr_assert_not_null(doc);
	return doc;
}

static void parse_fails(const char *text, const char *message)
{
	cJSON *doc = (cJSON *)1;
	char err[256];
	int rc = yaml_doc_parse(text, strlen(text), "f.yml", &doc, err, sizeof err);
	cr_assert_eq(rc, -EINVAL, "accepted: %s", text);
	cr_assert_null(doc);
	cr_assert_str_eq(err, message);
}

Test(yaml_doc, the_guides_project_map)
{
	cJSON *doc = parse_ok("projects:\n"
	                      "  api-gateway:\n"
	                      "    preferred_port: 5000\n"
	                      "    fallback_ports: [5001, 5002, 5100]\n"
	                      "    service_type: flask\n"
	                      "  frontend-dashboard:\n"
	                      "    preferred_port: 3000\n"
	                      "    fallback_ports:\n"
	                      "      - 3001\n"
	                      "      - 3002\n"
	                      "    service_type: node   # a comment\n");
	char *json = cJSON_PrintUnformatted(doc);
	cr_assert_str_eq(json, "{\"projects\":{\"api-gateway\":{\"preferred_port\":5000,"
	                       "\"fallback_ports\":[5001,5002,5100],\"service_type\":\"flask\"},"
	                       "\"frontend-dashboard\":{\"preferred_port\":3000,"
	                       "\"fallback_ports\":[3001,3002],\"service_type\":\"node\"}}}");
	free(json);
	cJSON_Delete(doc);
}

Test(yaml_doc, plain_scalars_take_their_type_quoted_ones_stay_text)
{
	cJSON *doc = parse_ok("a: 12\nb: -1.5e2\nc: yes\nd: off\ne: ~\nf:\ng: \"12\"\nh: '~'\n"
	                      "i: 12abc\nj: 0x1F\nk: .inf\nl: !!str 7\n");
	char *json = cJSON_PrintUnformatted(doc);
	cr_assert_str_eq(json, "{\"a\":12,\"b\":-150,\"c\":true,\"d\":false,\"e\":null,\"f\":null,"
	                       "\"g\":\"12\",\"h\":\"~\",\"i\":\"12abc\",\"j\":\"0x1F\","
	                       "\"k\":\".inf\",\"l\":\"7\"}");
	free(json);
	cJSON_Delete(doc);
}

Test(yaml_doc, nothing_but_comments_is_an_empty_mapping)
{
	cJSON *doc = parse_ok("# nothing yet\n\n");
	cr_assert(cJSON_IsObject(doc));
	cr_assert_null(doc->child);
	cJSON_Delete(doc);
	doc = parse_ok("");
	cr_assert(cJSON_IsObject(doc));
	cJSON_Delete(doc);
}

Test(yaml_doc, a_syntax_error_names_line_and_column)
{
	parse_fails("projects:\n  api: [5000, 5001\n",
	            "f.yml:3:1: invalid YAML: did not find expected ',' or ']' while parsing a "
	            "flow sequence");
	parse_fails("a: 1\n b: 2\n", "f.yml:2:3: invalid YAML: mapping values are not allowed "
	                             "in this context");
}

Test(yaml_doc, aliases_and_anchors_are_refused)
{
	parse_fails("a: &x [1, 2]\nb: *x\n",
	            "f.yml:1:4: invalid YAML: anchors and aliases (& and *) are not supported");
}

Test(yaml_doc, a_key_given_twice_is_refused_and_named_safely)
{
	parse_fails("port: 1\nport: 2\n", "f.yml:2:1: invalid YAML: key given twice: port");
	parse_fails("\"a\\e[31m\": 1\n\"a\\e[31m\": 2\n",
	            "f.yml:2:1: invalid YAML: key given twice: a\\e[31m");
}

Test(yaml_doc, keys_must_be_plain_values)
{
	parse_fails("? [1, 2]\n: x\n", "f.yml:1:3: invalid YAML: a mapping's key must be a plain "
	                               "value, not a list or mapping");
}

Test(yaml_doc, one_document_only_and_bounded_depth)
{
	parse_fails("a: 1\n---\nb: 2\n",
	            "f.yml:2:1: invalid YAML: a second document (one is read)");
	char deep[4 * YAML_DOC_DEPTH_MAX + 8] = "";
	for (int i = 0; i <= YAML_DOC_DEPTH_MAX; i++)
		strcat(deep, "[");
	cJSON *doc = NULL;
	char err[256];
	cr_assert_eq(yaml_doc_parse(deep, strlen(deep), "f.yml", &doc, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "nested too deep"), "%s", err);
}

Test(yaml_doc, values_are_bounded)
{
	size_t n = (YAML_DOC_NODES_MAX + 10) * 3;
	char *big = malloc(n + 3);
	cr_assert_not_null(big);
	strcpy(big, "[");
	size_t at = 1;
	for (int i = 0; i < YAML_DOC_NODES_MAX + 5; i++, at += 2)
		memcpy(big + at, "1,", 2);
	big[at - 1] = ']';
	big[at] = '\0';
	cJSON *doc = NULL;
	char err[256];
	cr_assert_eq(yaml_doc_parse(big, at, "f.yml", &doc, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "too many values"), "%s", err);
	free(big);
}

Test(yaml_doc, invalid_utf8_is_refused)
{
	cJSON *doc = NULL;
	char err[256];
	const char bad[] = "a: \xff\xfe\n";
	cr_assert_eq(yaml_doc_parse(bad, sizeof bad - 1, "f.yml", &doc, err, sizeof err), -EINVAL);
	cr_assert(strstr(err, "f.yml:"), "%s", err);
}

Test(yaml_doc, yaml_names)
{
	cr_assert(yaml_doc_is_yaml_name("/x/.devports.yml"));
	cr_assert(yaml_doc_is_yaml_name("healthcheck.yaml"));
	cr_assert_not(yaml_doc_is_yaml_name(".devports.json"));
	cr_assert_not(yaml_doc_is_yaml_name("yml"));
}
