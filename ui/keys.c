/* keys.c - the key table and what each key does to the app. Handlers change state and return a
 * reaction; they never draw. */
#include "keys.h"

#include <curses.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

enum { KEY_ESC = 27, KEY_CTRL_L = 12 };

static enum reaction up(struct app *a)
{
	model_move(&a->model, -1);
	return REACT_REDRAW;
}

static enum reaction down(struct app *a)
{
	model_move(&a->model, 1);
	return REACT_REDRAW;
}

static int page(const struct app *a)
{
	return a->list_h > 1 ? a->list_h - 1 : 1;
}

static enum reaction page_up(struct app *a)
{
	model_move(&a->model, -page(a));
	return REACT_REDRAW;
}

static enum reaction page_down(struct app *a)
{
	model_move(&a->model, page(a));
	return REACT_REDRAW;
}

static enum reaction home(struct app *a)
{
	model_select_edge(&a->model, false);
	return REACT_REDRAW;
}

static enum reaction end(struct app *a)
{
	model_select_edge(&a->model, true);
	return REACT_REDRAW;
}

static enum reaction start_filter(struct app *a)
{
	a->mode = MODE_FILTER;
	return REACT_REDRAW;
}

static enum reaction clear_filter(struct app *a)
{
	if (!a->model.filter[0])
		return REACT_NONE;
	a->model.filter[0] = '\0';
	model_rebuild(&a->model);
	return REACT_REDRAW;
}

static enum reaction cycle_sort(struct app *a)
{
	char msg[64];
	a->model.sort = (enum sort_mode)((a->model.sort + 1) % SORT_COUNT);
	model_rebuild(&a->model);
	snprintf(msg, sizeof msg, "sorted by %s", model_sort_names[a->model.sort]);
	app_say(a, msg);
	return REACT_REDRAW;
}

static enum reaction toggle_all(struct app *a)
{
	a->model.show_all = !a->model.show_all;
	model_rebuild(&a->model);
	app_say(a, a->model.show_all         ? "showing every row"
	           : a->model.unfold_dynamic ? "rows the config hides are folded"
	                                     : "dynamic ports folded");
	return REACT_REDRAW;
}

static enum reaction toggle_udp(struct app *a)
{
	a->model.hide_udp = !a->model.hide_udp;
	model_rebuild(&a->model);
	app_say(a, a->model.hide_udp ? "UDP hidden" : "UDP shown");
	return REACT_REDRAW;
}

static enum reaction toggle_pause(struct app *a)
{
	a->paused = !a->paused;
	app_say(a, a->paused ? "paused: the list is frozen" : "resumed");
	return a->paused ? REACT_REDRAW : REACT_RESCAN;
}

static enum reaction rescan(struct app *a)
{
	(void)a;
	return REACT_RESCAN;
}

static enum reaction toggle_events(struct app *a)
{
	a->show_events = !a->show_events;
	return REACT_REDRAW;
}

static enum reaction help(struct app *a)
{
	a->mode = MODE_HELP;
	return REACT_REDRAW;
}

static enum reaction quit(struct app *a)
{
	(void)a;
	return REACT_QUIT;
}

static enum reaction repaint(struct app *a)
{
	(void)a;
	return REACT_REDRAW;
}

static enum reaction toggle_watch(struct app *a)
{
	char msg[160];
	const struct row *r = model_selected(&a->model);
	if (!r)
		return REACT_NONE;
	model_watch_toggle(&a->model, r, a->wall, msg, sizeof msg);
	app_say(a, msg);
	return REACT_REDRAW;
}

static enum reaction toggle_declared(struct app *a)
{
	char msg[160];
	size_t shown;
	model_declared_toggle(&a->model, &shown);
	if (!a->model.show_declared)
		snprintf(msg, sizeof msg, "declared ports hidden");
	else if (!config_maps(a->model.cfg) || !config_maps(a->model.cfg)->n)
		snprintf(msg, sizeof msg, "no project declares ports here (.devports.yml)");
	else
		snprintf(msg, sizeof msg, "declared ports shown: %zu project%s not running", shown,
		         shown == 1 ? "" : "s");
	app_say(a, msg);
	return REACT_REDRAW;
}

static enum reaction kill_term(struct app *a)
{
	return app_kill_open(a, SIGTERM);
}

static enum reaction kill_now(struct app *a)
{
	return app_kill_open(a, SIGKILL);
}

/* One binding a line: the formatter would put each field of the long ones on a line of its own. */
/* clang-format off */
const struct key_binding keys_table[] = {
    {MODE_LIST, {KEY_UP}, "↑", "move up", NULL, up},
    {MODE_LIST, {KEY_DOWN}, "↓", "move down", NULL, down},
    {MODE_LIST, {KEY_PPAGE}, "PgUp", "page up", NULL, page_up},
    {MODE_LIST, {KEY_NPAGE}, "PgDn", "page down", NULL, page_down},
    {MODE_LIST, {KEY_HOME}, "Home", "first row", NULL, home},
    {MODE_LIST, {KEY_END}, "End", "last row", NULL, end},
    {MODE_LIST,
     {'k'},
     "k",
     "kill: stop the selected server (SIGTERM, asks first)",
     "kill",
     kill_term},
    {MODE_LIST, {'K'}, "K", "kill with SIGKILL (asks first)", NULL, kill_now},
    {MODE_LIST,
     {'i', '\r', KEY_ENTER},
     "i",
     "inspect the selected listener (Enter too)",
     "inspect",
     app_detail_open},
    {MODE_LIST,
     {'g'},
     "g",
     "go to the tmux pane that runs the selected server",
     NULL,
     app_tmux_switch},
    {MODE_LIST, {'o'}, "o", "open the selected row's URL in the browser", NULL, app_open_url},
    {MODE_LIST, {'y'}, "y", "copy the selected row's URL (OSC 52)", NULL, app_copy_url},
    {MODE_LIST,
     {'/'},
     "/",
     "filter by port, process, label, project or user",
     "filter",
     start_filter},
    {MODE_LIST, {KEY_ESC}, "Esc", "clear the filter", NULL, clear_filter},
    {MODE_LIST, {'s'}, "s", "sort by port, process, pid, uptime", "sort", cycle_sort},
    {MODE_LIST, {'a'}, "a", "show every group (dynamic ports are folded)", "all", toggle_all},
    {MODE_LIST, {'u'}, "u", "show or hide UDP", NULL, toggle_udp},
    {MODE_LIST,
     {'w'},
     "w",
     "watch this port: down, back, new owner are told (this session)",
     NULL,
     toggle_watch},
    {MODE_LIST,
     {'d'},
     "d",
     "show the ports of projects that are not running (.devports.yml)",
     NULL,
     toggle_declared},
    {MODE_LIST, {'e'}, "e", "event log: what appeared and vanished", "events", toggle_events},
    {MODE_LIST, {'p'}, "p", "pause: freeze the list", "pause", toggle_pause},
    {MODE_LIST, {'r'}, "r", "refresh now", NULL, rescan},
    {MODE_LIST, {'?'}, "?", "this help", "help", help},
    {MODE_LIST, {'q'}, "q", "quit", "quit", quit},
    {MODE_LIST, {KEY_CTRL_L, KEY_RESIZE}, "^L", "redraw the screen", NULL, repaint},

    {MODE_KILL,
     {'y', '\r', KEY_ENTER},
     "y",
     "send the signal (SIGKILL once it still runs)",
     "stop it",
     app_kill_yes},
    {MODE_KILL, {'K'}, "K", "send SIGKILL now", "force", app_kill_force},
    {MODE_KILL, {'n', KEY_ESC}, "n", "cancel; once sent, close the box", "cancel", app_kill_no},
    {MODE_KILL, {KEY_CTRL_L, KEY_RESIZE}, "^L", "redraw the screen", NULL, repaint},

    {MODE_DETAIL,
     {'r'},
     "r",
     "read again and repeat the HTTP check",
     "recheck",
     app_detail_refresh},
    {MODE_DETAIL, {'k'}, "k", "kill this listener's process (asks first)", "kill", kill_term},
    {MODE_DETAIL, {'K'}, "K", "kill with SIGKILL (asks first)", NULL, kill_now},
    {MODE_DETAIL, {'g'}, "g", "go to the tmux pane that runs it", "pane", app_tmux_switch},
    {MODE_DETAIL, {'o'}, "o", "open its URL in the browser", "open", app_open_url},
    {MODE_DETAIL, {'y'}, "y", "copy its URL (OSC 52)", "copy", app_copy_url},
    {MODE_DETAIL, {KEY_ESC, 'q', 'i'}, "Esc", "back to the list", "back", app_detail_close},
    {MODE_DETAIL, {KEY_CTRL_L, KEY_RESIZE}, "^L", "redraw the screen", NULL, repaint},
};
/* clang-format on */

const size_t keys_table_len = sizeof keys_table / sizeof keys_table[0];

const struct key_binding *keys_find(enum app_mode mode, int key)
{
	for (size_t i = 0; i < keys_table_len; i++)
		for (int k = 0; k < KEYS_PER_BINDING && keys_table[i].keys[k]; k++)
			if (keys_table[i].mode == mode && keys_table[i].keys[k] == key)
				return &keys_table[i];
	return NULL;
}

enum reaction keys_filter_input(struct app *a, int key)
{
	char *f = a->model.filter;
	size_t n = strlen(f);
	if (key == KEY_ESC) {
		f[0] = '\0';
		a->mode = MODE_LIST;
	} else if (key == '\n' || key == '\r' || key == KEY_ENTER) {
		a->mode = MODE_LIST;
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		while (n > 0 && ((unsigned char)f[n - 1] & 0xc0) == 0x80)
			n--; /* a whole UTF-8 character */
		if (n > 0)
			f[n - 1] = '\0';
	} else if (key >= 0x20 && key < 0x100 && key != 0x7f && n + 1 < sizeof a->model.filter) {
		f[n] = (char)key; /* bytes of UTF-8 arrive one by one */
		f[n + 1] = '\0';
	} else {
		return REACT_NONE;
	}
	model_rebuild(&a->model);
	return REACT_REDRAW;
}

enum reaction app_key(struct app *a, int key)
{
	if (a->mode == MODE_FILTER)
		return keys_filter_input(a, key);
	if (a->mode == MODE_HELP) { /* any key closes the help */
		a->mode = MODE_LIST;
		return REACT_REDRAW;
	}
	const struct key_binding *b = keys_find(a->mode, key);
	return b ? b->run(a) : REACT_NONE;
}

enum reaction app_click(struct app *a, int y)
{
	if (a->mode != MODE_LIST || y < a->list_y || y >= a->list_y + a->list_h)
		return REACT_NONE;
	size_t line = a->scroll + (size_t)(y - a->list_y);
	if (line >= a->model.nlines || a->model.lines[line].kind != LINE_ROW)
		return REACT_NONE;
	model_select_line(&a->model, line);
	return REACT_REDRAW;
}
