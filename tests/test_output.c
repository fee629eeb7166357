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
		make_listener(PROTO_TCP, "0.0.0.0", 5000, 612, "ControlCenter", "dev"),
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
	char *text = json_out_snapshot(&snap, "linux netlink", NULL);
	cr_assert_not_null(text);
	cJSON *doc = cJSON_Parse(text);
	cr_assert_not_null(doc, "not JSON: %s", text);
	cr_assert_eq(cJSON_GetObjectItem(doc, "schema_version")->valueint, JSON_SCHEMA_VERSION);
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "generated_at")->valuestring, "2023-11-14T22:15:00Z");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "backend")->valuestring, "linux netlink");
	cJSON *arr = cJSON_GetObjectItem(doc, "listeners");
	cr_assert_eq(cJSON_GetArraySize(arr), 5);
	bool seen_http = false, seen_hidden = false, seen_airplay = false;
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
			cJSON *label = cJSON_GetObjectItem(it, "label");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "text")->valuestring,
			                 "Python http.server");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "source")->valuestring, "process");
			cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(it, "hints")), 0,
			             "bound to 127.0.0.1: no hint");
		}
		if (port == 5000) {
			seen_airplay = true;
			cJSON *hints = cJSON_GetObjectItem(it, "hints");
			cr_assert_eq(cJSON_GetArraySize(hints), 1);
			cJSON *h = cJSON_GetArrayItem(hints, 0);
			cr_assert_str_eq(cJSON_GetObjectItem(h, "kind")->valuestring, "airplay");
			cr_assert(strstr(cJSON_GetObjectItem(h, "text")->valuestring,
			                 "macOS AirPlay Receiver — turn it off in System Settings"));
		}
		if (port == 22) {
			seen_hidden = true;
			cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "owner_hidden")));
			cr_assert(cJSON_IsNull(proc));
			cr_assert_str_eq(cJSON_GetObjectItem(it, "user")->valuestring, "root");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "range")->valuestring, "well_known");
			cJSON *label = cJSON_GetObjectItem(it, "label");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "text")->valuestring, "SSH");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "source")->valuestring, "port");
		}
		if (port == 54321)
			cr_assert(cJSON_IsObject(cJSON_GetObjectItem(it, "label")));
	}
	cr_assert(seen_http && seen_hidden && seen_airplay);
	cJSON_Delete(doc);
	free(text);
}

static char *table(int width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert_eq(text_out_table(f, &snap, NULL, width), 0);
	fclose(f);
	return buf;
}

Test(output, table_groups_by_range_and_aligns)
{
	char *t = table(0);
	const char *expected =
		" PORT  PROTO  ADDRESS     PID  USER  PROCESS        LABEL               COMMAND\n"
		"\n"
		"Well-known 0–1023 (1)\n"
		"   22  tcp    0.0.0.0       -  root  hidden         SSH?                "
		"(owner hidden: run with sudo to see it)\n"
		"\n"
		"Registered 1024–49151 (3)\n"
		" 3000  tcp6   ::1         977  dev   node           Next/Rails?         node --port 3000\n"
		" 5000  tcp    0.0.0.0     612  dev   ControlCenter  AirPlay Receiver !  "
		"ControlCenter --port 5000\n"
		" 8000  tcp    127.0.0.1  4321  dev   python3        Python http.server  "
		"python3 -m http.server 8000 --bind 127.0.0.1\n"
		"\n"
		"Dynamic 49152–65535 (1)\n"
		"54321  udp6   *            77  dev   chrome         Chrome              chrome --port 54321\n"
		"\n"
		"Hints\n"
		"! 5000 tcp 0.0.0.0 ControlCenter: macOS AirPlay Receiver — turn it off in System "
		"Settings > General > AirDrop & Handoff, or use another port; killing it does not help, "
		"launchd restarts it\n";
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
