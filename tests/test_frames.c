/* test_frames.c - the dashboard rendered into frames on the fake backend's built-in scenario,
 * compared with golden text files in tests/golden/. After a deliberate change to a view, run with
 * DEVPORTS_UPDATE_GOLDEN=1 to rewrite them, then read the diff of each before committing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fake_backend.h"
#include "health.h"
#include "keys.h"
#include "panes.h"
#include "sanitize.h"
#include <curses.h>

enum { EPOCH = 1795000000 }; /* a fixed wall clock: uptimes read the same on every run */

static struct app a;
static struct platform *p;

/* Plays a scenario (NULL: the built-in one): the first step, then `seconds` later. */
static void play_scenario(const char *path, double seconds)
{
	struct platform_opts o = {
	    .kind = PLATFORM_FAKE, .scenario_epoch = EPOCH, .scenario_path = path};
	cr_assert_eq(platform_open(&p, &o), 0);
	app_init(&a, 1.0);
	a.platform = p;
	snprintf(a.backend, sizeof a.backend, "%s", platform_name(p));
	double steps[] = {0, seconds};
	for (int i = 0; i < 2; i++) {
		platform_fake_seek(p, steps[i]);
		a.now = 100 + steps[i];
		a.wall = EPOCH + (time_t)steps[i];
		app_poll(&a);
	}
}

/* The built-in scenario: the first step, then `seconds` later (an Astro server has started at 6 s,
 * so it is new; the http.server stopped at 12 s is a tombstone until 17 s). */
static void play(double seconds)
{
	play_scenario(NULL, seconds);
}

static void setup(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	sanitize_init_locale();
}

static void teardown(void)
{
	app_free(&a);
	platform_close(&p);
}

TestSuite(frames, .init = setup, .fini = teardown);

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

/* Draws at w x h and compares with tests/golden/NAME.txt. */
static void check(const char *name, int w, int h)
{
	struct frame f;
	char path[512];
	cr_assert_eq(frame_init(&f, w, h), 0);
	app_draw(&a, &f);
	char *got = frame_to_text(&f);
	snprintf(path, sizeof path, "%s/golden/%s.txt", TESTS_DIR, name);
	if (getenv("DEVPORTS_UPDATE_GOLDEN")) {
		FILE *out = fopen(path, "w");
		cr_assert_not_null(out, "cannot write %s", path);
		fputs(got, out);
		fclose(out);
	}
	char *want = read_file(path);
	cr_assert_not_null(want, "missing %s (run with DEVPORTS_UPDATE_GOLDEN=1)", path);
	cr_assert_str_eq(got, want, "%s differs from the golden file:\n%s", name, got);
	/* Whatever the content, nothing is drawn past the frame's width. */
	for (char *line = strtok(got, "\n"); line; line = strtok(NULL, "\n"))
		cr_assert_leq(sanitize_width(line), w);
	free(want);
	free(got);
	frame_free(&f);
}

Test(frames, list_120x30)
{
	play(13);
	check("list-120x30", 120, 30);
}

Test(frames, list_80x24)
{
	play(13);
	check("list-80x24", 80, 24);
}

Test(frames, list_60x20)
{
	play(13);
	check("list-60x20", 60, 20);
}

Test(frames, list_40x15)
{
	play(13);
	check("list-40x15", 40, 15);
}

Test(frames, too_small_39x15)
{
	play(0);
	check("too-small-39x15", 39, 15);
}

Test(frames, all_groups_events_and_a_moved_cursor_80x30)
{
	play(13);
	app_key(&a, 'a');
	app_key(&a, 'e');
	for (int i = 0; i < 6; i++)
		app_key(&a, KEY_DOWN);
	check("list-all-events-80x30", 80, 30);
}

Test(frames, filter_60x20)
{
	play(13);
	app_key(&a, '/');
	for (const char *c = "node"; *c; c++)
		app_key(&a, *c);
	check("filter-node-60x20", 60, 20);
}

/* Watched ports: 5432 (up, with the mark) and 8000, whose http.server stops at 12 s: 20 s later
 * its row is still there, a "down" row. */
static void play_watched(void)
{
	struct platform_opts o = {.kind = PLATFORM_FAKE, .scenario_epoch = EPOCH};
	char msg[160];
	cr_assert_eq(platform_open(&p, &o), 0);
	app_init(&a, 1.0);
	a.platform = p;
	snprintf(a.backend, sizeof a.backend, "%s", platform_name(p));
	double steps[] = {0, 13, 32};
	for (int i = 0; i < 3; i++) {
		platform_fake_seek(p, steps[i]);
		a.now = 100 + steps[i];
		a.wall = EPOCH + (time_t)steps[i];
		app_poll(&a);
		for (size_t r = 0; i == 0 && r < a.model.nrows; r++) {
			const struct row *row = &a.model.rows[r];
			if ((row->l.port == 5432 || row->l.port == 8000) &&
			    !model_row_watched(&a.model, row))
				model_watch_toggle(&a.model, row, a.wall, msg, sizeof msg);
		}
	}
	a.status[0] = '\0';
}

Test(frames, watched_ports_and_a_down_row_80x30_and_60x20)
{
	play_watched();
	check("watch-down-80x30", 80, 30);
	snprintf(a.model.filter, sizeof a.model.filter, "%s", "postgres");
	model_rebuild(&a.model);
	check("watch-filter-60x20", 60, 20);
	snprintf(a.model.filter, sizeof a.model.filter, "%s", "8000");
	model_rebuild(&a.model);
	model_select_edge(&a.model, false);
	check("watch-down-selected-60x20", 60, 20);
}

Test(frames, help_80x24)
{
	play(0);
	app_key(&a, '?');
	check("help-80x24", 80, 24);
}

/* A Mac whose AirPlay Receiver holds 5000 and 7000: the row carries the hint marker, and with the
 * row selected the status line gives the whole hint on two lines. */
Test(frames, airplay_hint_selected_100x20)
{
	play_scenario(TESTS_DIR "/fixtures/scenarios/airplay.json", 0);
	app_key(&a, KEY_DOWN);
	const struct row *sel = model_selected(&a.model);
	cr_assert_not_null(sel);
	cr_assert_str_eq(sel->l.proc->comm, "ControlCenter");
	check("airplay-hint-100x20", 100, 20);
}

/* Flask on 127.0.0.1:5000 beside the AirPlay Receiver on *:5000: the Flask row carries the hint
 * marker, and its status line says that localhost may reach AirPlay instead. */
Test(frames, shadowed_localhost_hint_selected_100x20)
{
	play_scenario(TESTS_DIR "/fixtures/scenarios/shadowing.json", 0);
	app_key(&a, KEY_DOWN); /* 0.0.0.0 sorts first, then 127.0.0.1 */
	const struct row *sel = model_selected(&a.model);
	cr_assert_not_null(sel);
	cr_assert_str_eq(sel->l.proc->comm, "python3");
	cr_assert_eq(a.model.kernel, REACH_MACOS, "the scenario's kernel");
	check("shadowed-hint-100x20", 100, 20);
}

/* Inspect on the fake backend: the wrapped command line, the ancestry from the scenario's
 * processes, both sockets of the process, its connections, the hint; no HTTP in a demo. */
Test(frames, inspect_100x30)
{
	play_scenario(TESTS_DIR "/fixtures/scenarios/inspect.json", 0);
	const struct row *sel = model_selected(&a.model);
	cr_assert_not_null(sel);
	cr_assert_eq(sel->l.port, 3000);
	cr_assert_eq(app_key(&a, 'i'), REACT_REDRAW);
	check("inspect-100x30", 100, 30);
}

/* The kill box over the list: the frozen target, every port it holds, what the keys do. */
Test(frames, kill_box_100x30)
{
	play_scenario(TESTS_DIR "/fixtures/scenarios/inspect.json", 0);
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_KILL);
	check("kill-box-100x30", 100, 30);
}

/* tmux panes as the native backend names them (the fake backend has no tmux): two rows of the
 * built-in scenario run in panes of the session "work", set by hand on the model's rows. */
static struct tmux_pane pane_web = {.pid = 4000,
                                    .id = 7,
                                    .window = 2,
                                    .pane = 1,
                                    .session = "work",
                                    .window_name = "web",
                                    .command = "node"};
static struct tmux_pane pane_api = {.pid = 4100,
                                    .id = 9,
                                    .window = 3,
                                    .pane = 0,
                                    .session = "a-long-session-name",
                                    .window_name = "api",
                                    .command = "python3"};

static void give_panes(void)
{
	for (size_t i = 0; i < a.model.nrows; i++) {
		struct row *r = &a.model.rows[i];
		if (r->l.port == 3000)
			r->l.pane = &pane_web;
		else if (r->l.port == 5001)
			r->l.pane = &pane_api;
	}
}

/* The PANE column: before the pid, at 60 columns in its place; the session's name is cut
 * first, the window and pane stay. */
Test(frames, panes_60x20_and_100x30)
{
	play(13);
	give_panes();
	check("list-panes-60x20", 60, 20);
	check("list-panes-100x30", 100, 30);
	/* the selected row's pane leads its status line, with the key that goes there (Flask's: the
	 * row of :3000 has a hint, which comes first) */
	while (model_selected(&a.model)->l.port != 5001)
		app_key(&a, KEY_DOWN);
	struct frame f;
	cr_assert_eq(frame_init(&f, 100, 30), 0);
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	cr_assert(strstr(t, " g → tmux a-long-session-name:3.0 · "), "%s", t);
	free(t);
	frame_free(&f);
}

/* Inspect's tmux line: where, the window's name, what runs in it, and that g goes there. */
Test(frames, inspect_with_a_pane_100x30)
{
	play(13);
	give_panes();
	while (model_selected(&a.model)->l.port != 3000)
		app_key(&a, KEY_DOWN);
	cr_assert_eq(app_key(&a, 'i'), REACT_REDRAW);
	check("inspect-pane-100x30", 100, 30);
}

/* Health checks with results injected on the board (the fake backend runs none): ok, a 500, slow,
 * down, and one not run yet, on ports of the built-in scenario. */
static void give_health(void)
{
	static const struct {
		const char *service;
		enum health_type type;
		uint16_t port;
		const char *url;
	} checks[] = {
	    {"shop-web", HEALTH_HTTP, 3000, "http://localhost:3000/health"},
	    {"api", HEALTH_HTTP, 5001, "http://localhost:5001/health"},
	    {"admin-ui", HEALTH_RESPONSE_TIME, 5173, "http://localhost:5173/"},
	    {"database", HEALTH_TCP, 5432, "tcp://localhost:5432"},
	    {"api-workers", HEALTH_HTTP, 8003, "http://localhost:8003/"},
	};
	struct health_spec v[5];
	for (size_t i = 0; i < 5; i++) {
		v[i] = (struct health_spec){.type = checks[i].type,
		                            .port = checks[i].port,
		                            .timeout_ms = 1000,
		                            .interval_ms = 10000,
		                            .key = i + 1};
		snprintf(v[i].service, sizeof v[i].service, "%s", checks[i].service);
		snprintf(v[i].url, sizeof v[i].url, "%s", checks[i].url);
		snprintf(v[i].source, sizeof v[i].source, "/home/dev/shop/healthcheck.yml");
	}
	v[2].threshold_ms = 1000;
	v[2].warning_ms = 300;
	cr_assert_eq(health_board_set(&a.health, v, 5), 0);
	static const struct health_run runs[] = {
	    {HEALTH_ANSWERED, 200, 12, ""},
	    {HEALTH_ANSWERED, 500, 4, ""},
	    {HEALTH_ANSWERED, 200, 840, ""},
	    {HEALTH_REFUSED, 0, 0, "connection refused"},
	};
	for (size_t i = 0; i < 4; i++) {
		struct health_result r;
		for (int k = 0; k < (i == 0 ? 3 : 1); k++) { /* shop-web: a history */
			struct health_run run = runs[i];
			if (i == 0 && k == 0)
				run = (struct health_run){HEALTH_ANSWERED, 503, 8, ""};
			health_judge(&a.health.v[i].spec, &run, &r);
			r.at = EPOCH - 30 + 10 * k;
			health_board_record(&a.health, i, &r, a.now);
		}
	}
}

Test(frames, health_column_120x30)
{
	play(13);
	give_health();
	check("health-120x30", 120, 30);
}

Test(frames, health_column_80x24)
{
	play(13);
	give_health();
	check("health-80x24", 80, 24);
}

Test(frames, health_column_60x20)
{
	play(13);
	give_health();
	check("health-60x20", 60, 20);
}

Test(frames, inspect_with_health_checks_100x30)
{
	play(13);
	give_health();
	while (model_selected(&a.model)->l.port != 3000)
		app_key(&a, KEY_DOWN);
	cr_assert_eq(app_key(&a, 'i'), REACT_REDRAW);
	check("inspect-health-100x30", 100, 30);
}
