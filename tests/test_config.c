/* test_config.c - the config file: valid, missing, empty, malformed, mistyped, unknown keys. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "make_listener.h"
#include "model.h"
#include "port_table.h"

/* The nanoseconds of a file's modification time: POSIX's st_mtim, macOS's st_mtimespec. */
#ifdef __APPLE__
#define STAT_MTIME_NSEC(st) ((st).st_mtimespec.tv_nsec)
#else
#define STAT_MTIME_NSEC(st) ((st).st_mtim.tv_nsec)
#endif

static struct config c;

static void setup(void)
{
	config_init(&c);
}

static void teardown(void)
{
	config_free(&c);
}

TestSuite(config, .init = setup, .fini = teardown);

static int parse(const char *text)
{
	config_free(&c);
	return config_parse(&c, text, strlen(text), "/home/dev/.config/devports/config.json",
	                    "/home/dev");
}

static const char valid[] = "{\n"
                            "  \"comment\": \"my machine\",\n"
                            "  \"interval\": 2.5,\n"
                            "  \"sort\": \"uptime\",\n"
                            "  \"show_udp\": false,\n"
                            "  \"show_dynamic\": true,\n"
                            "  \"labels\": {\"3000\": \"shop-web\", \"5353/udp\": \"mDNS here\"},\n"
                            "  \"expect\": {\"8080\": \"~/src/api-gateway\",\n"
                            "             \"3000\": \"shop-web\"},\n"
                            "  \"hide_ports\": [631, \"49152-65535\"],\n"
                            "  \"hide_processes\": [\"spotify\"]\n"
                            "}\n";

Test(config, a_valid_file_sets_everything)
{
	cr_assert_eq(parse(valid), 0, "%s", c.error);
	cr_assert_str_eq(c.error, "");
	cr_assert_eq(c.nwarnings, 0);
	cr_assert_float_eq(c.interval, 2.5, 1e-9);
	cr_assert_eq(c.sort, SORT_UPTIME);
	cr_assert_eq(c.show_udp, 0);
	cr_assert_eq(c.show_dynamic, 1);
	cr_assert_eq(c.nlabels, 2);
	cr_assert_str_eq(config_label(&c, 3000, PROTO_TCP), "shop-web");
	cr_assert_str_eq(config_label(&c, 3000, PROTO_UDP), "shop-web", "no suffix: both");
	cr_assert_str_eq(config_label(&c, 5353, PROTO_UDP), "mDNS here");
	cr_assert_null(config_label(&c, 5353, PROTO_TCP));
	cr_assert_str_eq(config_expected(&c, 8080, PROTO_TCP), "/home/dev/src/api-gateway",
	                 "~/ is the home directory");
	cr_assert_str_eq(config_expected(&c, 3000, PROTO_TCP), "shop-web");
	cr_assert_null(config_expected(&c, 5000, PROTO_TCP));
	struct listener cups = make_listener(PROTO_TCP, "127.0.0.1", 631, 5, "cupsd", "root");
	struct listener eph = make_listener(PROTO_UDP, "0.0.0.0", 50000, 6, "chrome", "dev");
	struct listener spot = make_listener(PROTO_TCP, "0.0.0.0", 4070, 7, "spotify", "dev");
	struct listener node = make_listener(PROTO_TCP, "127.0.0.1", 3000, 8, "node", "dev");
	cr_assert(config_hides(&c, &cups));
	cr_assert(config_hides(&c, &eph));
	cr_assert(config_hides(&c, &spot));
	cr_assert_not(config_hides(&c, &node));
	cr_assert_not(config_hides(NULL, &node));
}

Test(config, nothing_set_by_default)
{
	cr_assert_eq(c.interval, 0);
	cr_assert_eq(c.sort, -1);
	cr_assert_eq(c.show_udp, -1);
	cr_assert_eq(c.show_dynamic, -1);
	cr_assert_null(config_label(&c, 3000, PROTO_TCP));
	cr_assert_null(config_label(NULL, 3000, PROTO_TCP));
}

Test(config, an_empty_file_is_the_defaults)
{
	cr_assert_eq(parse(""), 0);
	cr_assert(c.empty);
	cr_assert_eq(parse(" \n\t\n"), 0);
	cr_assert(c.empty);
	cr_assert_str_eq(c.error, "");
	cr_assert_eq(parse("{}"), 0);
	cr_assert_not(c.empty);
	cr_assert_eq(c.sort, -1);
}

Test(config, a_trailing_comma_is_one_message_with_line_and_column)
{
	const char *text = "{\n  \"interval\": 2,\n  \"sort\": \"pid\",\n}\n";
	cr_assert_eq(parse(text), -EINVAL);
	cr_assert_str_eq(c.error, "/home/dev/.config/devports/config.json:3:16: invalid JSON: "
	                          "trailing comma before '}'");
	cr_assert_eq(c.interval, 0, "nothing of a broken file is used");
	cr_assert_eq(c.sort, -1);
}

Test(config, other_syntax_errors)
{
	cr_assert_eq(parse("{\"labels\": {\"3000\": \"a\" \"5000\": \"b\"}}"), -EINVAL);
	cr_assert(strstr(c.error, "config.json:1:25: invalid JSON: expected ',' or '}'"), "%s",
	          c.error);
	cr_assert_eq(parse("// comment\n{}"), -EINVAL);
	cr_assert(strstr(c.error, ":1:1: invalid JSON: expected a value"), "%s", c.error);
}

static const struct {
	const char *text, *message;
} mistyped[] = {
    {"{\"interval\": \"2\"}", "\"interval\": expected a number of seconds from 0.2 to 60"},
    {"{\"interval\": 0.1}", "\"interval\": expected a number of seconds from 0.2 to 60"},
    {"{\"sort\": \"size\"}", "\"sort\": expected \"port\", \"process\", \"pid\" or \"uptime\""},
    {"{\"show_udp\": 1}", "\"show_udp\": expected true or false"},
    {"{\"show_dynamic\": \"yes\"}", "\"show_dynamic\": expected true or false"},
    {"{\"labels\": [\"3000\"]}", "\"labels\": expected an object like {\"3000\": \"a label\"}"},
    {"{\"labels\": {\"http\": \"x\"}}", "\"labels\": \"http\" is not a port"},
    {"{\"labels\": {\"70000\": \"x\"}}", "\"labels\": \"70000\" is not a port"},
    {"{\"labels\": {\"3000/sctp\": \"x\"}}", "\"labels\": \"3000/sctp\" is not a port"},
    {"{\"labels\": {\"3000\": 5}}", "\"labels\": \"3000\": expected a label (a string)"},
    {"{\"expect\": {\"3000\": true}}",
     "\"expect\": \"3000\": expected a project name or directory (a string)"},
    {"{\"hide_ports\": 631}", "\"hide_ports\": expected a list of ports"},
    {"{\"hide_ports\": [631, \"9-1\"]}", "\"hide_ports\": item 2: expected a port"},
    {"{\"hide_ports\": [0]}", "\"hide_ports\": item 1: expected a port"},
    {"{\"hide_processes\": [\"a\", 3]}",
     "\"hide_processes\": item 2: expected a process name (a string)"},
    {"{\"sort\": \"pid\", \"sort\": \"port\"}", "\"sort\": is given twice"},
    {"{\"watch\": 5432}", "\"watch\": expected a list of ports like [5432, \"8000/udp\"]"},
    {"{\"watch\": [5432, \"x\"]}",
     "\"watch\": item 2: expected a port (1-65535), \"5432/tcp\" or \"5353/udp\""},
    {"{\"watch\": [0]}", "\"watch\": item 1: expected a port"},
    {"{\"watch\": [5432.5]}", "\"watch\": item 1: expected a port"},
    {"{\"watch\": [\"3000/sctp\"]}", "\"watch\": item 1: expected a port"},
    {"{\"watch\": [true]}", "\"watch\": item 1: expected a port"},
    {"{\"watch\": [5432, \"5432/tcp\"]}", "\"watch\": item 2: port 5432 is listed twice"},
    {"[1, 2]", "expected an object like {\"labels\": {\"3000\": \"shop-web\"}}"},
};

Test(config, a_wrong_type_names_the_key_and_what_was_expected)
{
	for (size_t i = 0; i < sizeof mistyped / sizeof mistyped[0]; i++) {
		cr_assert_eq(parse(mistyped[i].text), -EINVAL, "%s was accepted", mistyped[i].text);
		cr_expect(strstr(c.error, mistyped[i].message), "%s\n  gave: %s\n  want: %s",
		          mistyped[i].text, c.error, mistyped[i].message);
		cr_expect(strncmp(c.error, "/home/dev/.config/devports/config.json: ", 40) == 0,
		          "the message names the file: %s", c.error);
		cr_expect_eq(c.nlabels + c.nexpect + c.nhide_ports + c.nhide_processes + c.nwatch,
		             0);
		cr_expect_eq(c.sort, -1);
	}
}

Test(config, watch_lists_ports_tcp_unless_udp)
{
	cr_assert_eq(parse("{\"watch\": [5432, \"3000\", \"8000/udp\", \"8000/tcp\"]}"), 0, "%s",
	             c.error);
	cr_assert_eq(c.nwatch, 4);
	cr_assert_eq(c.watch[0].port, 5432);
	cr_assert_eq(c.watch[0].proto, PROTO_TCP);
	cr_assert_eq(c.watch[1].port, 3000);
	cr_assert_eq(c.watch[1].proto, PROTO_TCP);
	cr_assert_eq(c.watch[2].port, 8000);
	cr_assert_eq(c.watch[2].proto, PROTO_UDP);
	cr_assert_eq(c.watch[3].proto, PROTO_TCP);
	config_free(&c);
	char big[1024] = "{\"watch\": [1";
	for (int p = 2; p <= CONFIG_WATCH_MAX + 1; p++)
		snprintf(big + strlen(big), sizeof big - strlen(big), ", %d", p);
	strcat(big, "]}");
	cr_assert_eq(parse(big), -EINVAL);
	cr_assert(strstr(c.error, "\"watch\": 65 ports: at most 64 can be watched"), "%s", c.error);
	cr_assert_eq(c.nwatch, 0);
}

/* "health" is kept as a tree for the health checks' reader (health_spec.h), which reports its
 * own mistakes; only its type is the config's business. */
Test(config, health_is_kept_as_a_tree)
{
	cr_assert_eq(parse("{\"health\": {\"services\": {\"db\": {\"checks\": [{\"type\": "
	                   "\"tcp\", \"port\": 5432}]}}}}"),
	             0, "%s", c.error);
	cr_assert_not_null(c.health);
	cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(c.health, "services"));
	config_free(&c);
	cr_assert_null(c.health);
	cr_assert_eq(parse("{\"health\": [1]}"), -EINVAL);
	cr_assert(strstr(c.error, "\"health\": expected an object"), "%s", c.error);
	cr_assert_null(c.health);
}

Test(config, a_syntax_error_in_watch_names_line_and_column)
{
	cr_assert_eq(parse("{\n  \"watch\": [5432,]\n}"), -EINVAL);
	cr_assert(strstr(c.error, "config.json:2:17: invalid JSON: trailing comma"), "%s", c.error);
}

Test(config, unknown_keys_are_warnings_and_the_rest_is_used)
{
	cr_assert_eq(parse("{\"colour\": \"red\", \"interval\": 3, \"labels\": {\"1\": \"x\"}}"),
	             0);
	cr_assert_eq(c.nwarnings, 1);
	cr_assert(strstr(c.warnings[0], "unknown key \"colour\" ignored"), "%s", c.warnings[0]);
	cr_assert(strstr(c.warnings[0], "config.json"), "names the file: %s", c.warnings[0]);
	cr_assert_float_eq(c.interval, 3, 1e-9);
	cr_assert_str_eq(c.error, "");
}

Test(config, null_means_not_set)
{
	cr_assert_eq(parse("{\"interval\": null, \"labels\": null}"), 0);
	cr_assert_eq(c.interval, 0);
	cr_assert_eq(c.nlabels, 0);
}

Test(config, labels_are_sanitized_and_cut)
{
	cr_assert_eq(
	    parse("{\"labels\": {\"3000\": \"\\u001b[31mred\\u001b[0m and a very long name "
	          "indeed\"}}"),
	    0);
	const char *l = config_label(&c, 3000, PROTO_TCP);
	cr_assert_null(strchr(l, 0x1b), "no raw escape: %s", l);
	cr_assert_lt(strlen(l), CONFIG_LABEL_MAX);
}

Test(config, where_the_file_is_looked_for)
{
	char p[256];
	config_path(p, sizeof p, "/xdg", "/home/dev");
	cr_assert_str_eq(p, "/xdg/devports/config.json");
	config_path(p, sizeof p, "relative", "/home/dev");
	cr_assert_str_eq(p, "/home/dev/.config/devports/config.json", "a relative XDG is ignored");
	config_path(p, sizeof p, NULL, "/home/dev");
	cr_assert_str_eq(p, "/home/dev/.config/devports/config.json");
	config_path(p, sizeof p, "", NULL);
	cr_assert_str_eq(p, "");
}

Test(config, a_missing_file_is_no_error)
{
	cr_assert_eq(config_load(&c, "/nonexistent/devports/config.json", "/home/dev"), 0);
	cr_assert_not(c.found);
	cr_assert_str_eq(c.error, "");
	cr_assert_str_eq(c.path, "/nonexistent/devports/config.json");
	cr_assert_eq(config_load(&c, "", NULL), 0);
	cr_assert_not(c.found);
}

/* Writes text to a fresh file; returns its path (static storage). */
static const char *write_temp(const char *text)
{
	static char path[] = "/tmp/devports-config-XXXXXX";
	strcpy(path, "/tmp/devports-config-XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

Test(config, load_reads_a_file_and_never_rewrites_it)
{
	const char *broken = "{\"interval\": 2,}";
	const char *path = write_temp(broken);
	struct stat before, after;
	cr_assert_eq(stat(path, &before), 0);
	cr_assert_eq(config_load(&c, path, "/home/dev"), -EINVAL);
	cr_assert(c.found);
	cr_assert(strstr(c.error, ":1:15: invalid JSON: trailing comma before '}'"), "%s", c.error);
	cr_assert_eq(stat(path, &after), 0);
	cr_assert_eq(before.st_size, after.st_size);
	cr_assert_eq(before.st_mtime, after.st_mtime);
	cr_assert_eq(STAT_MTIME_NSEC(before), STAT_MTIME_NSEC(after));
	unlink(path);

	config_free(&c);
	path = write_temp(valid);
	cr_assert_eq(config_load(&c, path, "/home/dev"), 0, "%s", c.error);
	cr_assert(c.found);
	cr_assert_eq(c.sort, SORT_UPTIME);
	unlink(path);
}

Test(config, an_unreadable_path_is_an_error_with_the_path)
{
	cr_assert_lt(config_load(&c, "/", NULL), 0, "a directory is not a config file");
	cr_assert_str_eq(c.error, "/: Is a directory");
}
