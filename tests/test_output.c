/* test_output.c - the JSON document and the `list` table for a hand-made snapshot. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "make_listener.h"
#include "sanitize.h"
#include "text_out.h"

static struct snapshot snap;

static void setup(void)
{
	sanitize_init_locale();
	struct listener v[] = {
		make_listener(PROTO_TCP, "127.0.0.1", 8000, 4321, "python3", "dev"),
		make_listener(PROTO_TCP, "0.0.0.0", 22, 0, "", "root"),
		make_listener(PROTO_UDP, "::", 54321, 77, "chrome", "dev"),
		make_listener(PROTO_TCP, "::1", 3000, 977, "node", "dev"),
	};
	v[0].proc.start_time = 1700000000;
	strcpy(v[0].proc.cmdline, "python3 -m http.server 8000 --bind 127.0.0.1");
	v[1].owner_hidden = true;
	v[1].proc.id = (struct proc_ident){0};
	snap = (struct snapshot){.taken_at = 1700000100};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		listener_set_push(&snap.set, &v[i]);
	listener_set_sort(&snap.set);
}

static void teardown(void)
{
	snapshot_free(&snap);
}

TestSuite(output, .init = setup, .fini = teardown);

Test(output, json_document_has_schema_and_every_listener)
{
	char *text = json_out_snapshot(&snap, "linux netlink");
	cr_assert_not_null(text);
	cJSON *doc = cJSON_Parse(text);
	cr_assert_not_null(doc, "not JSON: %s", text);
	cr_assert_eq(cJSON_GetObjectItem(doc, "schema_version")->valueint, JSON_SCHEMA_VERSION);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "generated_at")->valuestring, "2023-11-14T22:15:00Z");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "backend")->valuestring, "linux netlink");
	cJSON *arr = cJSON_GetObjectItem(doc, "listeners");
	cr_assert_eq(cJSON_GetArraySize(arr), 4);
	bool seen_http = false, seen_hidden = false;
	cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		int port = cJSON_GetObjectItem(it, "port")->valueint;
		cJSON *proc = cJSON_GetObjectItem(it, "process");
		if (port == 8000) {
			seen_http = true;
			cr_assert_str_eq(cJSON_GetObjectItem(it, "proto")->valuestring, "tcp");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "address")->valuestring, "127.0.0.1");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "range")->valuestring, "registered");
			cr_assert_eq(cJSON_GetObjectItem(proc, "pid")->valueint, 4321);
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "cmdline")->valuestring,
			                 "python3 -m http.server 8000 --bind 127.0.0.1");
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "started")->valuestring,
			                 "2023-11-14T22:13:20Z");
		}
		if (port == 22) {
			seen_hidden = true;
			cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "owner_hidden")));
			cr_assert(cJSON_IsNull(proc));
			cr_assert_str_eq(cJSON_GetObjectItem(it, "user")->valuestring, "root");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "range")->valuestring, "well_known");
		}
	}
	cr_assert(seen_http && seen_hidden);
	cJSON_Delete(doc);
	free(text);
}

static char *table(int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(text_out_table(f, &snap, width), 0);
	fclose(f);
	return buf;
}

Test(output, table_groups_by_range_and_aligns)
{
	char *t = table(0);
	const char *expected =
		" PORT  PROTO  ADDRESS     PID  USER  PROCESS  COMMAND\n"
		"\n"
		"Well-known 0–1023 (1)\n"
		"   22  tcp    0.0.0.0       -  root  hidden   (owner hidden: run with sudo to see it)\n"
		"\n"
		"Registered 1024–49151 (2)\n"
		" 3000  tcp6   ::1         977  dev   node     node --port 3000\n"
		" 8000  tcp    127.0.0.1  4321  dev   python3  python3 -m http.server 8000 --bind 127.0.0.1\n"
		"\n"
		"Dynamic 49152–65535 (1)\n"
		"54321  udp6   *            77  dev   chrome   chrome --port 54321\n";
	cr_assert_str_eq(t, expected, "got:\n%s", t);
	free(t);
}

Test(output, table_is_cut_to_the_terminal_width)
{
	char *t = table(40);
	for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n"))
		cr_assert_leq(sanitize_width(line), 40, "too wide: %s", line);
	free(t);
}
