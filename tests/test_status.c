/* test_status.c - `devports status`: the pure parts (templates, which rows become items and how
 * they merge, rendering, tmux escaping, cutting), then the command's output on the scenario
 * tests/fixtures/scenarios/status.json compared with tests/golden/status.txt (run with
 * DEVPORTS_UPDATE_GOLDEN=1 to rewrite it, then read the diff). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "annotate.h"
#include "config.h"
#include "hints.h"
#include "make_listener.h"
#include "sanitize.h"
#include "status_line.h"

static void setup(void)
{
	sanitize_init_locale();
}

TestSuite(status, .init = setup);

/* ---- Templates ---- */

Test(status, templates_name_known_fields_only)
{
	char why[80];
	const char *good[] = {STATUS_DEFAULT_FORMAT, "", "plain", "{port}{pid}", "{{{port}}}",
	                      "{port} {label} {process} {project} {pid} {flags}", "#[bold]{port}"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		cr_assert_eq(status_format_check(good[i], why, sizeof why), 0, "%s: %s", good[i], why);
	cr_assert_eq(status_format_check("{port} {x}", why, sizeof why), -EINVAL);
	cr_assert_str_eq(why, "unknown field \"x\"");
	cr_assert_eq(status_format_check("{}", why, sizeof why), -EINVAL);
	cr_assert_str_eq(why, "unknown field \"\"");
	cr_assert_eq(status_format_check("{port", why, sizeof why), -EINVAL);
	cr_assert_str_eq(why, "unclosed {");
	cr_assert_eq(status_format_check("port}", why, sizeof why), -EINVAL);
	cr_assert_str_eq(why, "unmatched }");
	cr_assert_eq(status_format_check("{\x1b[31m}", why, sizeof why), -EINVAL);
	cr_assert_str_eq(why, "unknown field \"\\e[31m\"", "a field name is shown sanitized");
}

Test(status, every_field_has_a_name_and_every_hint_kind_a_colour_entry)
{
	for (int f = 0; f < STATUS_FIELD_COUNT; f++)
		cr_assert(status_field_names[f] && status_field_names[f][0]);
	cr_assert_str_eq(status_hint_colour(HINT_AIRPLAY), "red");
	cr_assert_str_eq(status_hint_colour(HINT_LAN), "yellow");
	cr_assert_null(status_hint_colour(HINT_DOCKER), "information only");
	cr_assert_null(status_hint_colour(-1));
	cr_assert_null(status_hint_colour(HINT_KIND_COUNT));
}

/* ---- Items ---- */

static struct snapshot snap;
static struct annotation *ann;
static struct status_item items[16];

static size_t items_of(struct listener *v, size_t n, bool all)
{
	snapshot_free(&snap);
	snap = (struct snapshot){.taken_at = 1700000000};
	for (size_t i = 0; i < n; i++)
		listener_set_push(&snap.set, &v[i]);
	test_snapshot_ready(&snap);
	free(ann);
	cr_assert_eq(annotate_set(&snap.set, REACH_LINUX, NULL, &ann), 0);
	return status_items(&snap.set, ann, all, items);
}

static void drop(void)
{
	snapshot_free(&snap);
	free(ann);
	ann = NULL;
}

Test(status, dev_servers_one_item_each_by_port, .fini = drop)
{
	struct listener v[] = {
		make_listener(PROTO_TCP, "127.0.0.1", 5432, 812, "postgres", "postgres"),
		make_listener(PROTO_TCP, "::1", 3000, 977, "node", "dev"),
		make_listener(PROTO_TCP, "127.0.0.1", 3000, 977, "node", "dev"),
		make_listener(PROTO_TCP, "0.0.0.0", 5000, 612, "ControlCenter", "dev"),
		make_listener(PROTO_TCP, "::", 5000, 612, "ControlCenter", "dev"),
		make_hidden(PROTO_TCP, "0.0.0.0", 22, 0, "root", OWNER_NOT_READABLE),
		make_listener(PROTO_UDP, "127.0.0.1", 3000, 977, "node", "dev"),
		make_listener(PROTO_TCP, "127.0.0.1", 9000, 400, "python3", "dev"),
		make_listener(PROTO_TCP, "127.0.0.1", 9100, 401, "python3", "dev"),
	};
	test_set_cmdline(&v[1], "node /home/dev/web/node_modules/.bin/vite");
	test_set_cmdline(&v[2], "node /home/dev/web/node_modules/.bin/vite");
	test_set_cmdline(&v[6], "node /home/dev/web/node_modules/.bin/vite");
	test_set_cmdline(&v[3], "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/"
	                        "ControlCenter");
	test_set_cmdline(&v[4], "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/"
	                        "ControlCenter");
	v[4].v6only = true;
	test_set_cmdline(&v[7], "python3 tool.py");
	test_set_project(&v[7], "/home/dev/notes");
	test_set_cmdline(&v[8], "python3 other.py"); /* no project: not a dev server */

	size_t n = items_of(v, sizeof v / sizeof v[0], false);
	cr_assert_eq(n, 3, "Vite (both families: one item), AirPlay (sticky hint), the project's");
	cr_assert_eq(items[0].port, 3000);
	cr_assert_str_eq(items[0].label, "Vite");
	cr_assert_str_eq(items[0].process, "node");
	cr_assert_eq(items[0].pid, 977);
	cr_assert_str_eq(items[0].flags, "");
	cr_assert_eq(items[1].port, 5000);
	cr_assert_str_eq(items[1].flags, "!");
	cr_assert_eq(items[1].hint, HINT_AIRPLAY);
	cr_assert_eq(items[2].port, 9000);
	cr_assert_str_eq(items[2].project, "notes");

	n = items_of(v, sizeof v / sizeof v[0], true);
	cr_assert_eq(n, 7, "every server, UDP too; still one item for 3000/tcp and for 5000");
	cr_assert_eq(items[0].port, 22);
	cr_assert_eq(items[0].pid, 0);
	cr_assert_str_eq(items[0].flags, "?", "a port-table guess");
	cr_assert_eq(items[1].port, 3000);
	cr_assert_eq(items[1].proto, PROTO_TCP);
	cr_assert_eq(items[2].port, 3000);
	cr_assert_eq(items[2].proto, PROTO_UDP, "TCP before UDP on one port");
	cr_assert_eq(items[4].port, 5432);
}

Test(status, a_config_label_makes_a_dev_server, .fini = drop)
{
	struct config cfg;
	config_init(&cfg);
	const char *json = "{\"labels\": {\"4000\": \"docs\"}}";
	cr_assert_eq(config_parse(&cfg, json, strlen(json), "test", NULL), 0);
	struct listener v[] = {make_listener(PROTO_TCP, "127.0.0.1", 4000, 50, "ruby", "dev")};
	snap = (struct snapshot){0};
	listener_set_push(&snap.set, &v[0]);
	test_snapshot_ready(&snap);
	cr_assert_eq(annotate_set(&snap.set, REACH_LINUX, &cfg, &ann), 0);
	cr_assert_eq(status_items(&snap.set, ann, false, items), 1);
	cr_assert_str_eq(items[0].label, "docs");
	config_free(&cfg);
}

/* ---- Rendering ---- */

static struct status_item item(unsigned port, const char *label, const char *process, int hint)
{
	struct status_item it = {.proto = PROTO_TCP, .port = (uint16_t)port, .pid = 100 + (int)port,
	                         .hint = hint};
	snprintf(it.label, sizeof it.label, "%s", label);
	snprintf(it.process, sizeof it.process, "%s", process);
	if (hint >= 0)
		snprintf(it.flags, sizeof it.flags, "!");
	return it;
}

static char line[STATUS_LINE_CAP];

Test(status, renders_items_with_the_default_format)
{
	struct status_item v[] = {item(3000, "Next.js", "node", -1), item(5173, "Vite", "node", -1),
	                          item(5000, "AirPlay Receiver", "ControlCenter", HINT_AIRPLAY)};
	struct status_opts o = {0};
	int w = status_render(v, 3, &o, line, sizeof line);
	cr_assert_str_eq(line, "3000 Next.js · 5173 Vite · 5000 AirPlay Receiver!");
	cr_assert_eq(w, sanitize_width(line));
	cr_assert_eq(status_render(v, 0, &o, line, sizeof line), 0);
	cr_assert_str_eq(line, "", "no items: an empty line");
}

Test(status, a_label_falls_back_to_the_process_and_fields_fill_a_template)
{
	struct status_item v[] = {item(8080, "", "hidden", -1)};
	v[0].pid = 0;
	struct status_opts o = {.format = "[{port}|{label}|{process}|{project}|{pid}|{flags}] {{x}}"};
	status_render(v, 1, &o, line, sizeof line);
	cr_assert_str_eq(line, "[8080|hidden|hidden|||] {x}");
	v[0].proto = PROTO_UDP;
	o.format = "{port}";
	status_render(v, 1, &o, line, sizeof line);
	cr_assert_str_eq(line, "8080/udp");
}

Test(status, tmux_doubles_hash_in_fields_and_colours_hinted_items)
{
	struct status_item v[] = {item(9999, "", "#[fg=red]#(reboot)", -1),
	                          item(5000, "AirPlay Receiver", "ControlCenter", HINT_AIRPLAY),
	                          item(5173, "Vite", "node", HINT_LAN), item(8080, "web", "x", HINT_DOCKER)};
	struct status_opts o = {.tmux = true, .format = "#[bold]{port} {label}{flags}"};
	status_render(v, 4, &o, line, sizeof line);
	cr_assert_str_eq(line, "#[bold]9999 ##[fg=red]##(reboot) · "
	                       "#[fg=red]#[bold]5000 AirPlay Receiver!#[default] · "
	                       "#[fg=yellow]#[bold]5173 Vite!#[default] · #[bold]8080 web!");
	o.tmux = false;
	status_render(v, 1, &o, line, sizeof line);
	cr_assert_str_eq(line, "#[bold]9999 #[fg=red]#(reboot)", "plain output is left alone");
}

Test(status, no_control_characters_from_a_template_or_separator)
{
	struct status_item v[] = {item(1, "a", "p", -1), item(2, "b", "p", -1)};
	struct status_opts o = {.format = "{port}\x1b[31m\t", .sep = "\n\xc2\x9b|\x7f"};
	status_render(v, 2, &o, line, sizeof line);
	cr_assert_str_eq(line, "1 [31m   | 2 [31m ");
	for (const char *p = line; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f);
}

Test(status, cut_to_max_whole_items_then_a_count)
{
	struct status_item v[] = {item(3000, "Next.js", "node", -1), item(5173, "Vite", "node", -1),
	                          item(8000, "Django", "python3", -1)};
	struct status_opts o = {.max = 30};
	int w = status_render(v, 3, &o, line, sizeof line);
	cr_assert_str_eq(line, "3000 Next.js · 5173 Vite · +1");
	cr_assert_eq(w, 29);
	o.max = 20;
	status_render(v, 3, &o, line, sizeof line);
	cr_assert_str_eq(line, "3000 Next.js · +2");
	o.max = 6;
	w = status_render(v, 3, &o, line, sizeof line);
	cr_assert_str_eq(line, "3000 …", "a first item too wide is cut");
	cr_assert_eq(w, 6);
	o.max = 1000;
	status_render(v, 3, &o, line, sizeof line);
	cr_assert_str_eq(line, "3000 Next.js · 5173 Vite · 8000 Django");
}

/* ---- The command on a scenario: golden ---- */

static const char *const golden_runs[] = {
	"",
	"--all --max 1000",
	"--tmux --max 1000",
	"--all --tmux --max 1000 --format '{port} {label} {process}'",
	"--format '{port}:{label}:{process}:{project}:{pid}:{flags}' --sep ' | ' --max 1000",
	"--all --max 40",
	"--max 10",
};

static char *run_status(const char *args)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' status --demo '%s/fixtures/scenarios/status.json' %s",
	         DEVPORTS_BIN, TESTS_DIR, args);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	static char out[STATUS_LINE_CAP];
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	cr_assert_eq(pclose(f), 0, "%s: exit status not 0", cmd);
	return out;
}

Test(status, golden_output_on_a_scenario)
{
	char config[600];
	snprintf(config, sizeof config, "%s/fixtures/status_config", TESTS_DIR);
	setenv("XDG_CONFIG_HOME", config, 1);
	static char got[1 << 15];
	size_t n = 0;
	for (size_t i = 0; i < sizeof golden_runs / sizeof golden_runs[0]; i++) {
		char *out = run_status(golden_runs[i]);
		cr_assert_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line: %s", out);
		n += (size_t)snprintf(got + n, sizeof got - n, "$ devports status%s%s\n%s",
		                      golden_runs[i][0] ? " " : "", golden_runs[i], out);
	}
	char path[600];
	snprintf(path, sizeof path, "%s/golden/status.txt", TESTS_DIR);
	if (getenv("DEVPORTS_UPDATE_GOLDEN")) {
		FILE *w = fopen(path, "w");
		cr_assert_not_null(w);
		fputs(got, w);
		fclose(w);
	}
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "missing %s (run with DEVPORTS_UPDATE_GOLDEN=1)", path);
	static char want[1 << 15];
	want[fread(want, 1, sizeof want - 1, f)] = '\0';
	fclose(f);
	cr_assert_str_eq(got, want, "status differs from the golden file:\n%s", got);
}

Test(status, a_bad_format_is_one_line_and_exit_2)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "'%s' status --demo --format '{port} {nope}' 2>&1", DEVPORTS_BIN);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	char out[512];
	size_t n = fread(out, 1, sizeof out - 1, f);
	out[n] = '\0';
	int st = pclose(f);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 2, "exit %d", st);
	cr_assert_str_eq(out, "devports: --format: unknown field \"nope\" (port, label, process, "
	                      "project, pid, flags)\n");
}
