/* test_keys.c - one test per key in the key table, driven without a terminal; and a check that
 * no key in the table goes untested. */
#include <criterion/criterion.h>
#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "detail.h"
#include "keys.h"
#include "make_listener.h"
#include "project_map.h"
#include "sanitize.h"
#include "ui.h"

#include <unistd.h>

static struct app a;
static struct frame f;

static void load(void)
{
	sanitize_init_locale();
	app_init(&a, 1.0);
	struct snapshot s = {0};
	static const struct {
		unsigned port;
		int pid;
		const char *comm;
		enum listener_proto proto;
	} v[] = {
	    {22, 100, "sshd", PROTO_TCP},       {3000, 300, "node", PROTO_TCP},
	    {5173, 200, "vite", PROTO_TCP},     {5353, 50, "avahi-daemon", PROTO_UDP},
	    {5432, 400, "postgres", PROTO_TCP}, {8000, 500, "python3", PROTO_TCP},
	    {50000, 600, "chrome", PROTO_UDP},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		struct listener l =
		    make_listener(v[i].proto, "127.0.0.1", v[i].port, v[i].pid, v[i].comm, "dev");
		test_proc(&l)->start_time = 1000 + v[i].pid; /* larger pid, started later */
		listener_set_push(&s.set, &l);
	}
	test_snapshot_ready(&s);
	a.now = 1.0;
	a.wall = 5000;
	app_apply(&a, &s);
	cr_assert_eq(frame_init(&f, 80, 24), 0);
	app_draw(&a, &f); /* sets the list's geometry, as the loop does */
}

static void unload(void)
{
	frame_free(&f);
	app_free(&a);
}

TestSuite(keys, .init = load, .fini = unload);

static unsigned selected_port(void)
{
	const struct row *r = model_selected(&a.model);
	cr_assert_not_null(r);
	return r->l.port;
}

/* Keys this file tests; the last test checks the table has no others. */
static const int tested[] = {
    KEY_UP, KEY_DOWN, KEY_PPAGE, KEY_NPAGE, KEY_HOME, KEY_END, '/', 27,         's', 'a',
    'u',    'e',      'p',       'r',       '?',      'q',     12,  KEY_RESIZE, 'k', 'K',
    'i',    '\r',     KEY_ENTER, 'y',       'n',      'g',     'o', 'w',        'd'};

Test(keys, down_and_up)
{
	cr_assert_eq(selected_port(), 22);
	cr_assert_eq(app_key(&a, KEY_DOWN), REACT_REDRAW);
	cr_assert_eq(selected_port(), 3000);
	app_key(&a, KEY_UP);
	cr_assert_eq(selected_port(), 22);
	app_key(&a, KEY_UP);
	cr_assert_eq(selected_port(), 22, "stays on the first row");
}

Test(keys, page_down_and_up)
{
	a.list_h = 3;
	app_key(&a, KEY_NPAGE);
	cr_assert_eq(selected_port(), 5173);
	app_key(&a, KEY_NPAGE);
	app_key(&a, KEY_NPAGE);
	cr_assert_eq(selected_port(), 8000, "clamped at the last row");
	app_key(&a, KEY_PPAGE);
	cr_assert_eq(selected_port(), 5353);
}

Test(keys, home_and_end)
{
	app_key(&a, KEY_END);
	cr_assert_eq(selected_port(), 8000, "the dynamic group is folded");
	app_key(&a, KEY_HOME);
	cr_assert_eq(selected_port(), 22);
}

Test(keys, slash_filters_and_esc_clears)
{
	cr_assert_eq(app_key(&a, '/'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_FILTER);
	for (const char *p = "vit"; *p; p++)
		app_key(&a, *p);
	cr_assert_str_eq(a.model.filter, "vit");
	cr_assert_eq(selected_port(), 5173);
	app_key(&a, KEY_BACKSPACE);
	cr_assert_str_eq(a.model.filter, "vi");
	app_key(&a, '\r');
	cr_assert_eq(a.mode, MODE_LIST, "Enter keeps the filter");
	cr_assert_str_eq(a.model.filter, "vi");
	app_key(&a, 's');
	cr_assert_eq(a.model.sort, SORT_PROCESS, "keys work again after Enter");
	cr_assert_eq(app_key(&a, 27), REACT_REDRAW);
	cr_assert_str_eq(a.model.filter, "", "Esc in the list clears the filter");
	app_key(&a, '/');
	app_key(&a, 'x');
	app_key(&a, 27);
	cr_assert_eq(a.mode, MODE_LIST);
	cr_assert_str_eq(a.model.filter, "", "Esc while typing clears it too");
}

Test(keys, s_cycles_the_sort)
{
	static const enum sort_mode order[] = {SORT_PROCESS, SORT_PID, SORT_UPTIME, SORT_PORT};
	for (size_t i = 0; i < 4; i++) {
		app_key(&a, 's');
		cr_assert_eq(a.model.sort, order[i]);
	}
	app_key(&a, 's');
	cr_assert_str_eq(a.status, "sorted by process");
	app_key(&a, KEY_HOME);
	cr_assert_eq(selected_port(), 22, "sshd is first by process in Well-known");
}

Test(keys, a_shows_every_group)
{
	cr_assert_not(a.model.show_all);
	app_key(&a, 'a');
	cr_assert(a.model.show_all);
	app_key(&a, KEY_END);
	cr_assert_eq(selected_port(), 50000);
	app_key(&a, 'a');
	cr_assert_eq(selected_port(), 8000, "folding moves the cursor to the nearest row");
}

Test(keys, u_hides_and_shows_udp)
{
	app_key(&a, 'u');
	for (size_t i = 0; i < a.model.nlines; i++)
		if (a.model.lines[i].kind == LINE_ROW)
			cr_assert_neq(a.model.rows[a.model.lines[i].row].l.proto, PROTO_UDP);
	app_key(&a, 'u');
	bool udp = false;
	for (size_t i = 0; i < a.model.nlines; i++)
		udp |= a.model.lines[i].kind == LINE_ROW &&
		       a.model.rows[a.model.lines[i].row].l.proto == PROTO_UDP;
	cr_assert(udp);
}

Test(keys, e_toggles_the_event_log)
{
	app_key(&a, 'e');
	cr_assert(a.show_events);
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	cr_assert(strstr(t, "── events"), "%s", t);
	free(t);
	app_key(&a, 'e');
	cr_assert_not(a.show_events);
}

Test(keys, p_pauses_and_resumes)
{
	cr_assert_eq(app_key(&a, 'p'), REACT_REDRAW);
	cr_assert(a.paused);
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	cr_assert(strstr(t, "PAUSED"), "%s", t);
	free(t);
	cr_assert_eq(app_key(&a, KEY_DOWN), REACT_REDRAW, "keys still work while paused");
	cr_assert_eq(app_key(&a, 'p'), REACT_RESCAN, "resuming polls at once");
	cr_assert_not(a.paused);
}

Test(keys, r_refreshes_now)
{
	cr_assert_eq(app_key(&a, 'r'), REACT_RESCAN);
}

Test(keys, question_mark_opens_help_generated_from_the_table)
{
	app_key(&a, '?');
	cr_assert_eq(a.mode, MODE_HELP);
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	for (size_t i = 0; i < keys_table_len; i++) {
		const struct key_binding *b = &keys_table[i];
		/* the list's keys one per line; the kill box's and inspect's by their bar words */
		const char *want = b->mode == MODE_LIST ? b->help : b->bar;
		cr_assert(!want || strstr(t, want), "help lacks '%s'", want);
	}
	free(t);
	cr_assert_eq(app_key(&a, 'x'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_LIST, "any key closes the help");
}

Test(keys, q_quits)
{
	cr_assert_eq(app_key(&a, 'q'), REACT_QUIT);
}

Test(keys, ctrl_l_and_resize_redraw)
{
	cr_assert_eq(app_key(&a, 12), REACT_REDRAW);
	cr_assert_eq(app_key(&a, KEY_RESIZE), REACT_REDRAW);
}

Test(keys, j_does_not_move)
{
	unsigned before = selected_port();
	app_key(&a, 'j');
	cr_assert_eq(selected_port(), before);
}

/* The key bar shows the keys of the mode on screen. */
static bool bar_says(const char *text)
{
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	const char *last = t + strlen(t);
	while (last > t && last[-1] == '\n')
		last--;
	const char *line = last;
	while (line > t && line[-1] != '\n')
		line--;
	bool found = strstr(line, text) != NULL;
	free(t);
	return found;
}

Test(keys, k_opens_the_kill_box_on_the_selected_row_and_n_cancels)
{
	app_key(&a, KEY_DOWN); /* :3000 node, pid 300 */
	cr_assert_eq(app_key(&a, 'k'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_KILL);
	cr_assert_eq(a.kill.phase, KILL_CONFIRMING);
	cr_assert_eq(a.kill.plan.target.id.pid, 300);
	cr_assert_eq(a.kill.sig, SIGTERM);
	cr_assert(bar_says("y stop it"));
	cr_assert_eq(app_key(&a, 'n'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_LIST);
	cr_assert_eq(a.kill.outcome, KILL_CANCELLED);
	cr_assert_str_eq(a.status, "cancelled: nothing was signalled");
	app_key(&a, 'k');
	app_key(&a, 27);
	cr_assert_eq(a.mode, MODE_LIST, "Esc cancels too");
}

Test(keys, K_goes_straight_to_the_sigkill_confirmation)
{
	app_key(&a, KEY_DOWN);
	app_key(&a, 'K');
	cr_assert_eq(a.mode, MODE_KILL);
	cr_assert_eq(a.kill.sig, SIGKILL);
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	cr_assert(strstr(t, "force-stop node (pid 300)?"), "%s", t);
	cr_assert(strstr(t, "y/Enter sends SIGKILL"), "%s", t);
	free(t);
}

Test(keys, y_and_enter_confirm_and_K_in_the_box_forces)
{
	/* No platform here: a confirmation says so and nothing happens; the engine's own tests and
	 * test_kill_ui.c send real signals. */
	app_key(&a, KEY_DOWN);
	app_key(&a, 'k');
	cr_assert_eq(app_key(&a, 'y'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "no platform to signal through");
	cr_assert_eq(app_key(&a, '\r'), REACT_REDRAW);
	cr_assert_eq(app_key(&a, KEY_ENTER), REACT_REDRAW);
	cr_assert_eq(app_key(&a, 'K'), REACT_REDRAW);
	cr_assert_eq(a.kill.sig, SIGKILL, "K in the box asks for SIGKILL");
	cr_assert_eq(a.kill.phase, KILL_CONFIRMING, "nothing was sent");
}

Test(keys, k_on_a_hidden_owner_only_says_why)
{
	struct snapshot s = {0};
	struct listener l = make_listener(PROTO_TCP, "0.0.0.0", 22, 0, "", "root");
	l.owner_hidden = true;
	listener_set_push(&s.set, &l);
	app_apply(&a, &s); /* every other row is a tombstone now */
	app_key(&a, KEY_HOME);
	for (int i = 0; i < 10 && !model_selected(&a.model)->l.owner_hidden; i++)
		app_key(&a, KEY_DOWN);
	cr_assert(model_selected(&a.model)->l.owner_hidden);
	cr_assert_eq(app_key(&a, 'k'), REACT_REDRAW);
	cr_assert_eq(a.mode, MODE_LIST);
	cr_assert_str_eq(a.status, "owned by root — run devports with sudo to stop it");
	const struct model_event *e = model_event_at(&a.model, a.model.nevents - 1);
	cr_assert_str_eq(e->note, "owned by root — run devports with sudo to stop it");
}

Test(keys, i_and_enter_open_inspect_and_esc_q_i_return)
{
	static const int open[] = {'i', '\r', KEY_ENTER};
	static const int close[] = {27, 'q', 'i'};
	app_key(&a, KEY_DOWN);
	for (size_t k = 0; k < 3; k++) {
		cr_assert_eq(app_key(&a, open[k]), REACT_REDRAW);
		cr_assert_eq(a.mode, MODE_DETAIL);
		cr_assert_not_null(a.detail);
		cr_assert_eq(a.detail->row.l.port, 3000);
		cr_assert(bar_says("Esc back"));
		cr_assert_eq(app_key(&a, close[k]), REACT_REDRAW);
		cr_assert_eq(a.mode, MODE_LIST);
		cr_assert_null(a.detail);
	}
}

Test(keys, r_in_inspect_reads_again_and_k_kills_from_there)
{
	app_key(&a, KEY_DOWN);
	app_key(&a, 'i');
	cr_assert_eq(app_key(&a, 'r'), REACT_RESCAN);
	cr_assert_eq(a.mode, MODE_DETAIL);
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_KILL);
	cr_assert_eq(a.kill.plan.target.id.pid, 300);
	app_key(&a, 'n');
	cr_assert_eq(a.mode, MODE_DETAIL, "the box returns to inspect");
	app_key(&a, 'K');
	cr_assert_eq(a.kill.sig, SIGKILL);
	app_key(&a, 27);
	cr_assert_eq(a.mode, MODE_DETAIL);
}

static bool screen_says(const char *text)
{
	app_draw(&a, &f);
	char *t = frame_to_text(&f);
	bool found = strstr(t, text) != NULL;
	free(t);
	return found;
}

/* w watches the selected row's port: a mark, and when it goes down the event log, the status
 * line, a notice for ui.c (the bell; OSC 9/777 outside tmux: here, with no platform) and a down
 * row that k refuses; w again lets it go. tests/e2e_watch.sh does it in a real tmux. */
Test(keys, w_watches_a_port_and_tells_when_it_goes_down)
{
	while (selected_port() != 5432)
		app_key(&a, KEY_DOWN);
	cr_assert_eq(app_key(&a, 'w'), REACT_REDRAW);
	cr_assert(strstr(a.status, "watching :5432"), "%s", a.status);
	cr_assert(screen_says("◉ 5432"), "the row has the watch mark");
	struct snapshot s = {0};
	struct listener l = make_listener(PROTO_TCP, "127.0.0.1", 3000, 300, "node", "dev");
	listener_set_push(&s.set, &l);
	test_snapshot_ready(&s);
	a.now = 2.0;
	a.wall = 5060;
	app_apply(&a, &s);
	cr_assert_eq(a.nnotices, 1);
	cr_assert_str_eq(a.notices[0].text, ":5432 postgres went down");
	cr_assert(a.notices[0].osc, "no tmux: OSC 9/777");
	cr_assert_str_eq(a.status, ":5432 postgres went down");
	model_expire(&a.model, 60);
	cr_assert(screen_says("(was postgres, pid 400)"), "the down row stays");
	cr_assert_eq(selected_port(), 5432, "the cursor stays on it");
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_LIST, "k refuses a down row");
	cr_assert(strstr(a.status, "is down"), "%s", a.status);
	app_key(&a, 'e');
	cr_assert(screen_says(":5432 postgres went down"), "the event log has it");
	app_key(&a, 'e');
	cr_assert_eq(app_key(&a, 'w'), REACT_REDRAW);
	cr_assert(strstr(a.status, "not watching :5432"), "%s", a.status);
	model_expire(&a.model, 61);
	for (size_t i = 0; i < a.model.nrows; i++)
		cr_assert_neq(a.model.rows[i].l.port, 5432, "unwatched, the down row goes");
}

/* d shows a down row for each project of the maps that runs nowhere (its preferred port), which
 * k refuses and d hides again; a project that runs (here: 5173 named by its folder) has none. */
Test(keys, d_shows_the_ports_of_projects_that_are_not_running)
{
	static struct config cfg;
	static struct project_maps maps;
	config_init(&cfg);
	struct project_decl api = {.name = "api",
	                           .preferred = 8080,
	                           .service_type = "flask",
	                           .file = "/home/dev/.config/devports/config.json"};
	struct project_decl web = {.name = "web", .preferred = 5173, .file = "config.json"};
	struct project_maps one = {.v = (struct project_decl[]){api, web}, .n = 2};
	project_maps_add_all(&maps, &one);
	cfg.maps = &maps;
	a.model.cfg = &cfg;
	cr_assert_eq(app_key(&a, 'd'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "declared ports shown: 1 project not running");
	cr_assert(screen_says("8080 tcp   — api (config.json, Flask) is not running"),
	          "the declared row");
	while (selected_port() != 8080)
		app_key(&a, KEY_DOWN);
	a.now += 10; /* the key's message is over: the status line tells of the row */
	cr_assert(screen_says("8080: api (config.json, Flask) is not running · d hides"),
	          "the status line says what it is");
	app_key(&a, 'k');
	cr_assert_eq(a.mode, MODE_LIST, "k refuses a declared row");
	cr_assert(strstr(a.status, "declared port"), "%s", a.status);
	cr_assert_eq(app_key(&a, 'd'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "declared ports hidden");
	for (size_t i = 0; i < a.model.nrows; i++)
		cr_assert_neq(a.model.rows[i].l.port, 8080, "hidden, the declared row goes");
	a.model.cfg = NULL;
	project_maps_free(&maps);
}

/* g switches tmux to the row's pane (tests/e2e_tmux_panes.sh does it in a real tmux); here, where
 * it cannot, the status line says why, in the list and in inspect. */
Test(keys, g_says_why_it_cannot_go_to_a_tmux_pane)
{
	cr_assert_eq(app_key(&a, 'g'), REACT_REDRAW);
	cr_assert(a.status_error);
	cr_assert_str_eq(a.status, "no tmux here");
	struct platform *p = NULL;
	struct platform_opts o = {.kind = PLATFORM_FAKE};
	cr_assert_eq(platform_open(&p, &o), 0);
	a.platform = p;
	a.status[0] = '\0';
	cr_assert_eq(app_key(&a, 'g'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "a demo has no tmux");
	app_key(&a, 'i');
	cr_assert_eq(a.mode, MODE_DETAIL);
	a.status[0] = '\0';
	cr_assert_eq(app_key(&a, 'g'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "a demo has no tmux");
	cr_assert_eq(a.mode, MODE_DETAIL, "g stays in inspect when it cannot switch");
	cr_assert(bar_says("g pane"), "inspect's key bar names g");
	app_key(&a, 27);
	a.platform = NULL;
	platform_close(&p);
}

/* The row selected, by port (the list's rows are 127.0.0.1, UDP too). */
static void select_port(unsigned port)
{
	app_key(&a, KEY_HOME);
	for (int i = 0; i < 20 && selected_port() != port; i++)
		app_key(&a, KEY_DOWN);
	cr_assert_eq(selected_port(), port);
}

/* y queues OSC 52 with the row's URL for the terminal, and ui.c writes exactly those bytes
 * (tests/e2e_open_copy.sh checks that a real tmux takes them into its paste buffer). */
Test(keys, y_copies_the_rows_url_with_osc_52)
{
	const char *want = "\033]52;c;aHR0cDovL2xvY2FsaG9zdDo4MDAwLw==\a"; /* localhost:8000 */
	select_port(8000);
	cr_assert_eq(app_key(&a, 'y'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "copied http://localhost:8000/ (OSC 52)");
	cr_assert_not(a.status_error);
	cr_assert_eq(a.tty_out_len, strlen(want));
	cr_assert_eq(memcmp(a.tty_out, want, strlen(want)), 0);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	cr_assert_eq(ui_send_pending(&a, p[1]), 0);
	close(p[1]);
	char got[256];
	ssize_t n = read(p[0], got, sizeof got);
	close(p[0]);
	cr_assert_eq(n, (ssize_t)strlen(want));
	cr_assert_eq(memcmp(got, want, strlen(want)), 0);
	cr_assert_eq(a.tty_out_len, 0, "sent once");

	select_port(5353); /* UDP */
	cr_assert_eq(app_key(&a, 'y'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "udp :5353 has no URL");
	cr_assert(a.status_error);
	cr_assert_eq(a.tty_out_len, 0, "nothing for the terminal");

	select_port(3000);
	app_key(&a, 'i');
	cr_assert_eq(app_key(&a, 'y'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "copied http://localhost:3000/ (OSC 52)");
	cr_assert_eq(a.mode, MODE_DETAIL);
	cr_assert(bar_says("y copy"), "inspect's key bar names y");
}

/* o opens the URL through the platform (tests/test_url_open.c and e2e_open_copy.sh run a
 * browser); here, where none can be, the status line says why, in the list and in inspect. */
Test(keys, o_opens_the_rows_url_or_says_why_not)
{
	select_port(8000);
	cr_assert_eq(app_key(&a, 'o'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "no browser here");
	struct platform *p = NULL;
	struct platform_opts o = {.kind = PLATFORM_FAKE};
	cr_assert_eq(platform_open(&p, &o), 0);
	a.platform = p;
	cr_assert_eq(app_key(&a, 'o'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "a demo opens no browser");
	select_port(5353);
	cr_assert_eq(app_key(&a, 'o'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "udp :5353 has no URL");
	cr_assert(a.status_error);
	select_port(3000);
	app_key(&a, 'i');
	a.status[0] = '\0';
	cr_assert_eq(app_key(&a, 'o'), REACT_REDRAW);
	cr_assert_str_eq(a.status, "a demo opens no browser");
	cr_assert_eq(a.mode, MODE_DETAIL);
	cr_assert(bar_says("o open"), "inspect's key bar names o");
	app_key(&a, 27);
	a.platform = NULL;
	platform_close(&p);
}

Test(keys, mouse_click_selects_the_row_under_it)
{
	/* Row 2 is the first list line (the Well-known header), row 3 is :22, row 4 the next
	 * header, row 5 is :3000. */
	cr_assert_eq(app_click(&a, 5), REACT_REDRAW);
	cr_assert_eq(selected_port(), 3000);
	cr_assert_eq(app_click(&a, 4), REACT_NONE, "a header is not a row");
	cr_assert_eq(app_click(&a, 0), REACT_NONE);
}

Test(keys, every_key_in_the_table_is_tested)
{
	for (size_t i = 0; i < keys_table_len; i++)
		for (int k = 0; k < KEYS_PER_BINDING && keys_table[i].keys[k]; k++) {
			bool found = false;
			for (size_t t = 0; t < sizeof tested / sizeof tested[0]; t++)
				found |= tested[t] == keys_table[i].keys[k];
			cr_assert(found, "key '%s' has no test", keys_table[i].name);
		}
}

/* How the man page (doc/devports.1) writes a key code, or NULL for one that is not a key. */
static const char *man_name(int key)
{
	switch (key) {
	case KEY_UP:
		return "\\(ua";
	case KEY_DOWN:
		return "\\(da";
	case KEY_PPAGE:
		return "PgUp";
	case KEY_NPAGE:
		return "PgDn";
	case KEY_HOME:
		return "Home";
	case KEY_END:
		return "End";
	case '\r':
	case KEY_ENTER:
		return "Enter";
	case 27:
		return "Esc";
	case 12:
		return "^L";
	case KEY_RESIZE:
		return NULL; /* the terminal's size changed: no key to press */
	default: {
		static char c[2];
		cr_assert(key > ' ' && key < 0x7f, "key %d has no name for the man page", key);
		c[0] = (char)key;
		return c;
	}
	}
}

/* Whether `word` is one of the keys on the tag lines of the man page (".BR i \", \" Enter"): a
 * whole token, between spaces, quotes, commas or line ends. */
static bool tag_has(const char *line, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
		bool before = p == line || strchr(" \",", p[-1]);
		bool after = !p[n] || strchr(" \",\n", p[n]);
		if (before && after)
			return true;
	}
	return false;
}

Test(keys, the_man_page_lists_every_key_of_every_mode)
{
	static const struct {
		enum app_mode mode;
		const char *section;
	} sections[] = {
	    {MODE_LIST, ".SS \"In the list\""},
	    {MODE_KILL, ".SS \"In the kill box\""},
	    {MODE_DETAIL, ".SS \"In inspect\""},
	};
	FILE *in = fopen(TESTS_DIR "/../doc/devports.1", "r");
	cr_assert(in, "doc/devports.1 not readable");
	char tags[3][2048] = {{0}}; /* the tag lines of each mode's section, one after another */
	char line[512];
	int cur = -1;
	bool tag_next = false;
	while (fgets(line, sizeof line, in)) {
		if (!strncmp(line, ".SH", 3))
			cur = -1;
		for (int s = 0; s < 3; s++)
			if (!strncmp(line, sections[s].section, strlen(sections[s].section)))
				cur = s;
		if (cur >= 0 && tag_next)
			strncat(tags[cur], line, sizeof tags[cur] - strlen(tags[cur]) - 1);
		tag_next = !strncmp(line, ".TP", 3);
	}
	fclose(in);
	for (size_t i = 0; i < keys_table_len; i++) {
		const struct key_binding *b = &keys_table[i];
		int s = b->mode == MODE_LIST ? 0 : b->mode == MODE_KILL ? 1 : 2;
		cr_assert(b->mode == sections[s].mode);
		for (int k = 0; k < KEYS_PER_BINDING && b->keys[k]; k++) {
			const char *name = man_name(b->keys[k]);
			if (!name)
				continue;
			cr_assert(tag_has(tags[s], name),
			          "the man page's %s does not list the key %s (%s)",
			          sections[s].section, name, b->help);
		}
	}
}
