/* test_health.c - health checks: the spec reader (valid, malformed, hostile, unknown keys,
 * unsupported types, remote hosts), the values, judging a run and the board. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "health.h"
#include "health_spec.h"
#include "platform.h"
#include "sanitize.h"
#include "yaml_doc.h"

static struct health_board board;
static struct health_specs *specs;

static void setup(void)
{
	sanitize_init_locale();
	health_board_init(&board);
	specs = calloc(1, sizeof *specs);
	specs->msgs = &board;
}

static void teardown(void)
{
	free(specs);
	health_board_free(&board);
}

TestSuite(health, .init = setup, .fini = teardown);

/* Reads YAML text as healthcheck.yml would be. */
static void read_yaml(const char *text)
{
	cJSON *doc = NULL;
	char err[256];
	cr_assert_eq(
	    yaml_doc_parse(text, strlen(text), "/p/healthcheck.yml", &doc, err, sizeof err), 0,
	    "%s", err);
	health_spec_read(specs, doc, "/p/healthcheck.yml");
	cJSON_Delete(doc);
}

static bool said(char (*v)[HEALTH_MESSAGE_MAX], size_t n, const char *part)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(v[i], part))
			return true;
	return false;
}

static void dump(void)
{
	for (size_t i = 0; i < board.nerrors; i++)
		fprintf(stderr, "error: %s\n", board.errors[i]);
	for (size_t i = 0; i < board.nwarnings; i++)
		fprintf(stderr, "warning: %s\n", board.warnings[i]);
}

static const char guide[] = "services:\n"
                            "  api-gateway:\n"
                            "    checks:\n"
                            "      - type: http\n"
                            "        url: http://localhost:5000/health\n"
                            "        method: GET\n"
                            "        expected_status: 200\n"
                            "        timeout: 5\n"
                            "        interval: 30\n"
                            "      - type: response_time\n"
                            "        port: 5000\n"
                            "        path: /\n"
                            "        threshold: 1000\n"
                            "        warning_threshold: 300\n"
                            "  database:\n"
                            "    checks:\n"
                            "      - type: tcp\n"
                            "        host: localhost\n"
                            "        port: 5432\n"
                            "        timeout: 500ms\n";

Test(health, the_guides_file_reads_without_a_message)
{
	read_yaml(guide);
	dump();
	cr_assert_eq(board.nerrors + board.nwarnings, 0);
	cr_assert_eq(specs->n, 3);
	const struct health_spec *h = &specs->v[0], *t = &specs->v[1], *d = &specs->v[2];
	cr_assert_str_eq(h->service, "api-gateway");
	cr_assert_eq(h->type, HEALTH_HTTP);
	cr_assert_str_eq(h->url, "http://localhost:5000/health");
	cr_assert_eq(h->port, 5000);
	cr_assert_eq(h->nstatuses, 1);
	cr_assert_eq(h->statuses[0], 200);
	cr_assert_eq(h->timeout_ms, 5000);
	cr_assert_eq(h->interval_ms, 30000);
	cr_assert_eq(t->type, HEALTH_RESPONSE_TIME);
	cr_assert_str_eq(t->url, "http://localhost:5000/");
	cr_assert_eq(t->threshold_ms, 1000);
	cr_assert_eq(t->warning_ms, 300);
	cr_assert_eq(t->interval_ms, HEALTH_INTERVAL_DEFAULT_MS);
	cr_assert_str_eq(d->service, "database");
	cr_assert_eq(d->type, HEALTH_TCP);
	cr_assert_str_eq(d->url, "tcp://localhost:5432");
	cr_assert_eq(d->timeout_ms, 500);
	cr_assert_str_eq(d->source, "/p/healthcheck.yml");
	cr_assert_neq(h->key, t->key);
}

Test(health, the_config_section_reads_the_same_shape_from_json)
{
	const char *json = "{\"services\": {\"web\": {\"checks\": [{\"type\": \"tcp\", \"port\": "
	                   "3000, \"host\": \"::1\", \"interval\": \"2s\"}]}}}";
	cJSON *doc = cJSON_Parse(json);
	health_spec_read(specs, doc, "config: health");
	cJSON_Delete(doc);
	cr_assert_eq(board.nerrors, 0);
	cr_assert_eq(specs->n, 1);
	cr_assert_str_eq(specs->v[0].url, "tcp://[::1]:3000");
	cr_assert_eq(specs->v[0].interval_ms, 2000);
	cr_assert_str_eq(specs->v[0].source, "config: health");
}

Test(health, a_wrong_type_names_the_file_and_the_key_path_and_skips_that_check_only)
{
	read_yaml("services:\n"
	          "  api:\n"
	          "    checks:\n"
	          "      - type: http\n"
	          "        port: 5000\n"
	          "        timeout: soon\n"
	          "      - type: tcp\n"
	          "        port: [1]\n"
	          "      - type: tcp\n"
	          "        port: 6000\n");
	cr_assert_eq(specs->n, 1);
	cr_assert_eq(specs->v[0].port, 6000);
	cr_assert(said(board.errors, board.nerrors,
	               "/p/healthcheck.yml: services.api.checks[0].timeout: expected seconds"));
	cr_assert(
	    said(board.errors, board.nerrors, "services.api.checks[1].port: expected a port"));
}

Test(health, unknown_keys_are_warnings_naming_file_service_and_key)
{
	read_yaml("verison: 2\n"
	          "services:\n"
	          "  api:\n"
	          "    retries: 3\n"
	          "    checks:\n"
	          "      - type: tcp\n"
	          "        port: 5000\n"
	          "        treshold: 10\n");
	cr_assert_eq(board.nerrors, 0);
	cr_assert_eq(specs->n, 1);
	cr_assert(said(board.warnings, board.nwarnings, "/p/healthcheck.yml: unknown key verison"));
	cr_assert(said(board.warnings, board.nwarnings, "services.api: unknown key retries"));
	cr_assert(said(board.warnings, board.nwarnings,
	               "services.api.checks[0]: unknown key treshold for a tcp check"));
}

Test(health, checks_that_need_other_clients_are_not_supported_by_name)
{
	read_yaml("alerts:\n"
	          "  webhook: http://example.com/hook\n"
	          "services:\n"
	          "  db:\n"
	          "    checks:\n"
	          "      - type: query\n"
	          "        query: SELECT 1\n"
	          "      - type: ping\n"
	          "        command: pg_isready\n"
	          "      - type: smtp\n"
	          "        port: 25\n"
	          "    webhook: http://example.com/hook\n");
	cr_assert_eq(specs->n, 0);
	/* warnings: the checks devports can run still run, and exit codes go by them */
	cr_assert(said(board.warnings, board.nwarnings, "alerts: alerts are not supported"));
	cr_assert(
	    said(board.warnings, board.nwarnings, "services.db.webhook: alerts are not supported"));
	cr_assert(said(board.warnings, board.nwarnings, "checks[0]: type query is not supported"));
	cr_assert(said(board.warnings, board.nwarnings,
	               "checks[1]: type ping with a command is not supported"));
	cr_assert(said(board.errors, board.nerrors, "checks[2].type: unknown type smtp"));
}

Test(health, another_machine_is_refused_unless_allowed)
{
	static const char remote[] = "services:\n"
	                             "  far:\n"
	                             "    checks:\n"
	                             "      - type: http\n"
	                             "        url: http://192.168.1.20:8080/health\n"
	                             "      - type: tcp\n"
	                             "        host: db.example.com\n"
	                             "        port: 5432\n"
	                             "      - type: http\n"
	                             "        url: http://127.0.0.9:81/\n"
	                             "      - type: http\n"
	                             "        url: http://[::1]:82/x?y=1#frag\n";
	read_yaml(remote);
	cr_assert_eq(specs->n, 2);
	cr_assert_eq(specs->v[0].port, 81);
	cr_assert_str_eq(specs->v[1].host, "::1");
	cr_assert(said(board.errors, board.nerrors,
	               "services.far.checks[0]: 192.168.1.20 is not this machine: refused "
	               "(allow_remote: true"));
	cr_assert(said(board.errors, board.nerrors, "db.example.com is not this machine"));

	health_board_free(&board);
	specs->n = 0;
	char allowed[sizeof remote + 32];
	snprintf(allowed, sizeof allowed, "allow_remote: true\n%s", remote);
	read_yaml(allowed);
	cr_assert_eq(specs->n, 3, "the remote http check is kept, the named tcp host is not");
	cr_assert_str_eq(specs->v[0].host, "192.168.1.20");
	cr_assert(
	    said(board.errors, board.nerrors, "a tcp check's remote host must be an address"));
}

Test(health, hostile_names_and_urls_are_sanitized_or_refused)
{
	read_yaml("services:\n"
	          "  \"evil\\e]0;pwned\\a\\u202e\":\n"
	          "    checks:\n"
	          "      - type: tcp\n"
	          "        port: 1\n"
	          "      - type: http\n"
	          "        url: \"http://localhost:80/\\e[2J\"\n"
	          "      - type: http\n"
	          "        url: \"http://user@localhost/\"\n"
	          "      - type: http\n"
	          "        url: \"file:///etc/passwd\"\n"
	          "      - type: http\n"
	          "        port: 80\n"
	          "        path: \"/a b\"\n"
	          "      - type: tcp\n"
	          "        host: \"\\e[31m\"\n"
	          "        port: 1\n"
	          "      - type: tcp\n"
	          "        host: \"[::1]\"\n"
	          "        port: 2\n"
	          "  \"\\e[31mred\":\n"
	          "    checks: 3\n");
	cr_assert_eq(specs->n, 2);
	cr_assert_str_eq(specs->v[1].url, "tcp://[::1]:2");
	cr_assert(said(board.errors, board.nerrors, "host: expected a host name or address"));
	cr_assert_null(strchr(specs->v[0].service, '\033'));
	cr_assert_null(strstr(specs->v[0].service, "\xe2\x80\xae"));
	cr_assert(said(board.errors, board.nerrors, "plain ASCII"));
	cr_assert(said(board.errors, board.nerrors, "a user name in the URL is not supported"));
	cr_assert(said(board.errors, board.nerrors, "expected a URL starting with http://"));
	for (size_t i = 0; i < board.nerrors; i++)
		cr_assert_null(strchr(board.errors[i], '\033'), "%s", board.errors[i]);
	for (size_t i = 0; i < board.nwarnings; i++)
		cr_assert_null(strchr(board.warnings[i], '\033'), "%s", board.warnings[i]);
}

Test(health, malformed_shapes_are_errors_not_crashes)
{
	static const char *docs[] = {
	    "[]", "services: 3", "services: [a, b]", "services:\n  a: 1\n",
	    "services:\n  a:\n    checks:\n      - 1\n      - type: 7\n      - {}\n",
	    "allow_remote: maybe\nservices: {}\n",
	    /* found by the fuzzer: a number far out of int's range */
	    "services:\n  a:\n    checks:\n      - {type: tcp, port: 5.05556e+73}\n",
	    ("services:\n  a:\n    checks:\n      - {type: http, port: 1, expected_status: "
	     "-1e300}\n")};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		health_board_free(&board);
		specs->n = 0;
		read_yaml(docs[i]);
		cr_assert_eq(specs->n, 0, "%s", docs[i]);
		cr_assert_gt(board.nerrors, 0, "%s", docs[i]);
	}
}

Test(health, bounds_on_services_and_checks)
{
	char *text = malloc(1 << 20);
	size_t o = (size_t)sprintf(text, "services:\n");
	for (int s = 0; s < HEALTH_SERVICES_MAX + 5; s++) {
		o += (size_t)sprintf(text + o, "  s%d:\n    checks:\n", s);
		for (int c = 0; c < (s ? 2 : HEALTH_PER_SERVICE_MAX + 2); c++)
			o += (size_t)sprintf(text + o, "      - {type: tcp, port: %d}\n", 1000 + c);
	}
	read_yaml(text);
	free(text);
	cr_assert_eq(specs->n, HEALTH_CHECKS_MAX);
	cr_assert(said(board.errors, board.nerrors, "services.s0.checks: more than 16 checks"));
	cr_assert(said(board.errors, board.nerrors, "more than 128 checks in all"));
	cr_assert(said(board.errors, board.nerrors, "services: more than 64"));
	cr_assert_leq(board.nerrors, HEALTH_MESSAGES_MAX);
}

Test(health, values)
{
	double ms;
	cJSON *v = cJSON_CreateNumber(1.5);
	cr_assert(health_parse_duration(v, 1000, &ms) && ms == 1500);
	cJSON_Delete(v);
	static const struct {
		const char *s;
		double ms;
	} ok[] = {{"5s", 5000}, {"500ms", 500}, {"2m", 120000}, {"0.5s", 500}, {"7", 7000}};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		v = cJSON_CreateString(ok[i].s);
		cr_assert(health_parse_duration(v, 1000, &ms) && ms == ok[i].ms, "%s", ok[i].s);
		cJSON_Delete(v);
	}
	static const char *bad[] = {"", "s", "5 s", "-1s", "5x", "1e999s", "nan"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = cJSON_CreateString(bad[i]);
		cr_assert_not(health_parse_duration(v, 1000, &ms), "%s", bad[i]);
		cJSON_Delete(v);
	}
	cr_assert(health_host_is_loopback("LocalHost"));
	cr_assert(health_host_is_loopback("127.1.2.3"));
	cr_assert(health_host_is_loopback("[::1]"));
	cr_assert_not(health_host_is_loopback("localhost.example.com"));
	cr_assert_not(health_host_is_loopback("0.0.0.0"));
	cr_assert_not(health_host_is_loopback("::ffff:10.0.0.1"));
	bool https;
	char host[64], path[64], why[96];
	uint16_t port;
	cr_assert_eq(health_parse_url("https://localhost/x", &https, host, sizeof host, &port, path,
	                              sizeof path, why, sizeof why),
	             0);
	cr_assert(https);
	cr_assert_eq(port, 443);
	cr_assert_str_eq(path, "/x");
	cr_assert_lt(health_parse_url("http://localhost:99999/", &https, host, sizeof host, &port,
	                              path, sizeof path, why, sizeof why),
	             0);
	cr_assert_lt(health_parse_url("http://:80/", &https, host, sizeof host, &port, path,
	                              sizeof path, why, sizeof why),
	             0);
}

static struct health_spec spec(enum health_type t)
{
	struct health_spec s = {.type = t, .timeout_ms = 1000, .interval_ms = 10000, .port = 5000};
	snprintf(s.service, sizeof s.service, "api");
	snprintf(s.url, sizeof s.url, "http://localhost:5000/");
	return s;
}

Test(health, judging_a_run)
{
	struct health_result r;
	struct health_spec h = spec(HEALTH_HTTP), t = spec(HEALTH_RESPONSE_TIME);
	health_judge(&h, &(struct health_run){HEALTH_ANSWERED, 200, 12.4, ""}, &r);
	cr_assert_eq(r.state, HEALTH_OK);
	cr_assert_str_eq(r.text, "200 in 12 ms");
	health_judge(&h, &(struct health_run){HEALTH_ANSWERED, 500, 3, ""}, &r);
	cr_assert_eq(r.state, HEALTH_FAILING);
	cr_assert_str_eq(r.text, "500 in 3 ms (expected 2xx or 3xx)");
	h.statuses[0] = 204;
	h.nstatuses = 1;
	health_judge(&h, &(struct health_run){HEALTH_ANSWERED, 200, 3, ""}, &r);
	cr_assert_eq(r.state, HEALTH_FAILING);
	health_judge(&h, &(struct health_run){HEALTH_TIMED_OUT, 0, 1000, ""}, &r);
	cr_assert_eq(r.state, HEALTH_FAILING);
	cr_assert_str_eq(r.text, "no answer in 1 s");
	health_judge(&h, &(struct health_run){HEALTH_REFUSED, 0, 0, "connection refused"}, &r);
	cr_assert_eq(r.state, HEALTH_DOWN);
	health_judge(&h, &(struct health_run){HEALTH_NOT_RUN, 0, 0, "libcurl missing"}, &r);
	cr_assert_eq(r.state, HEALTH_ERROR);
	t.threshold_ms = 1000;
	t.warning_ms = 300;
	health_judge(&t, &(struct health_run){HEALTH_ANSWERED, 200, 840, ""}, &r);
	cr_assert_eq(r.state, HEALTH_SLOW);
	health_judge(&t, &(struct health_run){HEALTH_ANSWERED, 200, 1200, ""}, &r);
	cr_assert_eq(r.state, HEALTH_FAILING);
	health_judge(&t, &(struct health_run){HEALTH_ANSWERED, 200, 100, ""}, &r);
	cr_assert_eq(r.state, HEALTH_OK);
}

Test(health, the_board_keeps_history_across_a_reload_and_shows_the_worst)
{
	struct health_spec v[2] = {spec(HEALTH_HTTP), spec(HEALTH_TCP)};
	v[0].key = 1;
	v[1].key = 2;
	cr_assert_eq(health_board_set(&board, v, 2), 0);
	char cell[32];
	cr_assert_eq(health_board_cell(&board, 5000, cell, sizeof cell), HEALTH_PENDING);
	cr_assert_str_eq(cell, "…");
	cr_assert_str_eq((health_board_cell(&board, 5001, cell, sizeof cell), cell), "");
	for (int i = 0; i < 12; i++)
		health_board_record(&board, 0,
		                    &(struct health_result){.state = HEALTH_OK, .ms = 12 + i}, 50);
	health_board_record(&board, 1, &(struct health_result){.state = HEALTH_OK, .ms = 3}, 50);
	cr_assert_eq(board.v[0].nhistory, HEALTH_HISTORY);
	cr_assert_eq(health_entry_last(&board.v[0])->ms, 23);
	cr_assert_eq(health_entry_past(&board.v[0], 9)->ms, 14);
	cr_assert_null(health_entry_past(&board.v[0], 10));
	cr_assert_eq(board.v[0].due, 60);
	cr_assert_eq(health_board_cell(&board, 5000, cell, sizeof cell), HEALTH_OK);
	cr_assert_str_eq(cell, "ok 23ms");
	health_board_record(&board, 1,
	                    &(struct health_result){.state = HEALTH_FAILING, .status = 500}, 50);
	cr_assert_eq(health_board_cell(&board, 5000, cell, sizeof cell), HEALTH_FAILING);
	cr_assert_str_eq(cell, "500");

	struct health_spec again[1] = {v[0]}; /* the tcp check left the file */
	cr_assert_eq(health_board_set(&board, again, 1), 0);
	cr_assert_eq(board.n, 1);
	cr_assert_eq(board.v[0].nhistory, HEALTH_HISTORY);
	cr_assert_str_eq((health_board_cell(&board, 5000, cell, sizeof cell), cell), "ok 23ms");
	char line[256];
	health_entry_line(&board.v[0], line, sizeof line);
	cr_assert_str_eq(line, "api http GET http://localhost:5000/: ok");
}

/* The files as the dashboard and `devports health` gather them: a malformed healthcheck.yml and
 * a healthcheck.yaml over the size limit beside it are each one error naming the file (the first
 * with its line and column), the config's section still counts, and nothing is read again until
 * a file changes. */
Test(health, unreadable_files_are_named_and_the_rest_goes_on)
{
	char dir[] = "/tmp/devports-health-XXXXXX", path[256];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/healthcheck.yml", dir);
	FILE *f = fopen(path, "w");
	fputs("services:\n  web: [\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/healthcheck.yaml", dir);
	f = fopen(path, "w");
	for (int i = 0; i < (10 << 20) / 64; i++)
		fputs("# a comment, 64 bytes long, written again and again and again.\n", f);
	fclose(f);
	cJSON *cfg = cJSON_Parse("{\"services\": {\"db\": {\"checks\": [{\"type\": \"tcp\", "
	                         "\"port\": 5432}]}}}");
	uint64_t seen = 0;
	cr_assert(platform_health_load(NULL, NULL, dir, cfg, &board, &seen, false));
	dump();
	cr_assert_eq(board.n, 1, "the config's check");
	cr_assert_str_eq(board.v[0].spec.source, "config: health");
	char want[300];
	snprintf(want, sizeof want, "%s/healthcheck.yml:3:1: invalid YAML", dir);
	cr_assert(said(board.errors, board.nerrors, want));
	snprintf(want, sizeof want, "%s/healthcheck.yaml: larger than 1 MiB", dir);
	cr_assert(said(board.errors, board.nerrors, want));
	cr_assert_not(platform_health_load(NULL, NULL, dir, cfg, &board, &seen, false),
	              "read again though nothing changed");
	cJSON_Delete(cfg);
	unlink(path);
	snprintf(path, sizeof path, "%s/healthcheck.yml", dir);
	unlink(path);
	rmdir(dir);
}
