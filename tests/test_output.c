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
	    make_hidden(PROTO_TCP, "0.0.0.0", 22, 0, "root", OWNER_NOT_READABLE),
	    make_listener(PROTO_UDP, "::", 54321, 77, "chrome", "dev"),
	    make_listener(PROTO_TCP, "::1", 3000, 977, "node", "dev"),
	    make_listener(PROTO_TCP, "0.0.0.0", 5000, 612, "ControlCenter", "dev"),
	    make_listener(PROTO_TCP, "127.0.0.1", 8003, 300, "gunicorn", "dev"),
	};
	/* a pre-fork server: the master (listed first: the lead) and two workers */
	static struct listener workers[2];
	workers[0] = make_listener(PROTO_TCP, "127.0.0.1", 8003, 301, "gunicorn", "dev");
	workers[1] = make_listener(PROTO_TCP, "127.0.0.1", 8003, 302, "gunicorn", "dev");
	test_proc(&workers[0])->ppid = test_proc(&workers[1])->ppid = 300;
	const struct listener *w[] = {&workers[0], &workers[1]};
	test_add_holders(&v[5], w, 2);
	test_proc(&v[0])->start_time = 1700000000;
	test_set_cmdline(&v[0], "python3 -m http.server 8000 --bind 127.0.0.1");
	snap = (struct snapshot){.taken_at = 1700000100};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		listener_set_push(&snap.set, &v[i]);
	test_snapshot_ready(&snap);
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
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "generated_at")->valuestring,
	                 "2023-11-14T22:15:00Z");
	cr_assert_str_eq(cJSON_GetObjectItem(doc, "backend")->valuestring, "linux netlink");
	cJSON *arr = cJSON_GetObjectItem(doc, "listeners");
	cr_assert_eq(cJSON_GetArraySize(arr), 6);
	bool seen_http = false, seen_hidden = false, seen_airplay = false, seen_prefork = false;
	cJSON *it;
	cJSON_ArrayForEach(it, arr)
	{
		int port = cJSON_GetObjectItem(it, "port")->valueint;
		cJSON *procs = cJSON_GetObjectItem(it, "processes");
		cr_assert(cJSON_IsArray(procs));
		cJSON *proc = cJSON_GetArrayItem(procs, 0);
		cr_assert_null(cJSON_GetObjectItem(it, "process"), "schema 2 has no \"process\"");
		if (port == 8003) {
			seen_prefork = true;
			cr_assert_eq(cJSON_GetArraySize(procs), 3, "one entry, every holder");
			cr_assert_eq(cJSON_GetObjectItem(proc, "pid")->valueint, 300,
			             "the lead first");
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "role")->valuestring, "parent");
			cJSON *w1 = cJSON_GetArrayItem(procs, 1),
			      *w2 = cJSON_GetArrayItem(procs, 2);
			cr_assert_eq(cJSON_GetObjectItem(w1, "pid")->valueint, 301);
			cr_assert_eq(cJSON_GetObjectItem(w2, "pid")->valueint, 302);
			cr_assert_str_eq(cJSON_GetObjectItem(w2, "role")->valuestring, "worker");
			cr_assert_eq(cJSON_GetObjectItem(w2, "ppid")->valueint, 300);
			cr_assert_str_eq(cJSON_GetObjectItem(w2, "name")->valuestring, "gunicorn");
		}
		if (port == 8000) {
			seen_http = true;
			cr_assert_str_eq(cJSON_GetObjectItem(it, "proto")->valuestring, "tcp");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "address")->valuestring,
			                 "127.0.0.1");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "range")->valuestring,
			                 "registered");
			cr_assert_eq(cJSON_GetArraySize(procs), 1);
			cr_assert_eq(cJSON_GetObjectItem(proc, "pid")->valueint, 4321);
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "role")->valuestring, "holder");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "owner")->valuestring, "known");
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "cmdline")->valuestring,
			                 "python3 -m http.server 8000 --bind 127.0.0.1");
			cr_assert_str_eq(cJSON_GetObjectItem(proc, "started")->valuestring,
			                 "2023-11-14T22:13:20Z");
			cJSON *label = cJSON_GetObjectItem(it, "label");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "text")->valuestring,
			                 "Python http.server");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "source")->valuestring,
			                 "process");
			cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(it, "hints")), 0,
			             "bound to 127.0.0.1: no hint");
			cJSON *reached = cJSON_GetObjectItem(it, "reached_by");
			cr_assert_eq(cJSON_GetArraySize(reached), 1);
			cr_assert_str_eq(cJSON_GetArrayItem(reached, 0)->valuestring, "127.0.0.1");
		}
		if (port == 3000) {
			cJSON *reached = cJSON_GetObjectItem(it, "reached_by");
			cr_assert_eq(cJSON_GetArraySize(reached), 1, "::1 only: an IPv6 socket");
			cr_assert_str_eq(cJSON_GetArrayItem(reached, 0)->valuestring, "::1");
		}
		if (port == 54321)
			cr_assert(cJSON_IsNull(cJSON_GetObjectItem(it, "reached_by")), "UDP: null");
		if (port == 5000) {
			seen_airplay = true;
			cJSON *hints = cJSON_GetObjectItem(it, "hints");
			cr_assert_eq(cJSON_GetArraySize(hints), 1);
			cJSON *h = cJSON_GetArrayItem(hints, 0);
			cr_assert_str_eq(cJSON_GetObjectItem(h, "kind")->valuestring, "airplay");
			cr_assert(
			    strstr(cJSON_GetObjectItem(h, "text")->valuestring,
			           "macOS AirPlay Receiver — turn it off in System Settings"));
		}
		if (port == 22) {
			seen_hidden = true;
			cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(it, "owner_hidden")));
			cr_assert_eq(cJSON_GetArraySize(procs), 0);
			cr_assert_str_eq(cJSON_GetObjectItem(it, "owner")->valuestring,
			                 "not_readable");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "user")->valuestring, "root");
			cr_assert_str_eq(cJSON_GetObjectItem(it, "range")->valuestring,
			                 "well_known");
			cJSON *label = cJSON_GetObjectItem(it, "label");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "text")->valuestring, "SSH");
			cr_assert_str_eq(cJSON_GetObjectItem(label, "source")->valuestring, "port");
		}
		if (port == 54321)
			cr_assert(cJSON_IsObject(cJSON_GetObjectItem(it, "label")));
	}
	cr_assert(seen_http && seen_hidden && seen_airplay && seen_prefork);
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
	    "(another user's process — run devports with sudo to see it)\n"
	    "\n"
	    "Registered 1024–49151 (4)\n"
	    " 3000  tcp6   ::1         977  dev   node           Node.js             node --port "
	    "3000\n"
	    " 5000  tcp    0.0.0.0     612  dev   ControlCenter  AirPlay Receiver !  "
	    "ControlCenter --port 5000\n"
	    " 8000  tcp    127.0.0.1  4321  dev   python3        Python http.server  "
	    "python3 -m http.server 8000 --bind 127.0.0.1\n"
	    " 8003  tcp    127.0.0.1   300  dev   gunicorn ×3    Gunicorn            gunicorn "
	    "--port 8003\n"
	    "\n"
	    "Dynamic 49152–65535 (1)\n"
	    "54321  udp6   *            77  dev   chrome         Chrome              chrome --port "
	    "54321\n"
	    "\n"
	    "Hints\n"
	    "! 5000 tcp 0.0.0.0 ControlCenter: macOS AirPlay Receiver — turn it off in System "
	    "Settings > General > AirDrop & Handoff, or use another port; killing it does not "
	    "help, "
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

/* Numbers print as cJSON prints them: integers as their digits (written as raw text for speed),
 * anything from 1e15 on in cJSON's own form ("%1.15g", or "%1.17g" when that is not exact). */
Test(output, json_numbers_print_as_cjson_prints_them)
{
	size_t at = 0;
	while (at < snap.set.n && snap.set.v[at].port != 8000)
		at++;
	cr_assert_lt(at, snap.set.n);
	struct proc_info *p = test_proc(&snap.set.v[at]);
	p->id.start_ticks = 999999999999999ull; /* the largest one written as digits here */
	p->rss_kib = 1000000000000000ull;       /* cJSON's: "%1.15g" gives "1e+15" */
	p->ppid = 0;
	snap.set.v[at].inode = 4294967296ull;
	char *text = json_out_snapshot(&snap, "linux netlink", NULL);
	cr_assert_not_null(text);
	cr_expect(strstr(text, "\"start_ticks\":\t999999999999999,") != NULL, "%s", text);
	cr_expect(strstr(text, "\"rss_kib\":\t1e+15,") != NULL);
	cr_expect(strstr(text, "\"ppid\":\t0,") != NULL);
	cr_expect(strstr(text, "\"inode\":\t4294967296,") != NULL);
	cr_expect(strstr(text, "\"schema_version\":\t2,") != NULL);
	cr_expect(strstr(text, "\"port\":\t8000,") != NULL);
	cJSON *doc = cJSON_Parse(text);
	cr_assert_not_null(doc, "not JSON: %s", text);
	cJSON *l = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "listeners"), (int)at);
	cJSON *proc = cJSON_GetArrayItem(cJSON_GetObjectItem(l, "processes"), 0);
	cr_expect(cJSON_IsNumber(cJSON_GetObjectItem(proc, "pid")));
	cr_expect_eq(cJSON_GetObjectItem(proc, "pid")->valueint, 4321);
	cJSON_Delete(doc);
	free(text);
}
