/* test_model.c - new rows, tombstones, events, grouping, filter, sort and the steady cursor. */
#include <criterion/criterion.h>
#include <string.h>

#include "config.h"
#include "make_listener.h"
#include "model.h"

static struct model m;

static void setup(void)
{
	model_init(&m);
}

static void teardown(void)
{
	model_free(&m);
}

TestSuite(model, .init = setup, .fini = teardown);

/* Applies a snapshot made of the given listeners at time now. */
static void apply(const struct listener *v, size_t n, double now)
{
	test_model_apply(&m, v, n, now);
}

static const struct row *row_at(size_t line)
{
	cr_assert_lt(line, m.nlines);
	cr_assert_eq(m.lines[line].kind, LINE_ROW);
	return &m.rows[m.lines[line].row];
}

static struct listener L(unsigned port, int pid, const char *comm) {
	return make_listener(PROTO_TCP, "127.0.0.1", port, pid, comm, "dev");
}

Test(model, first_snapshot_is_not_new_and_later_ones_are)
{
	struct listener a[] = {L(3000, 10, "node")};
	apply(a, 1, 1.0);
	cr_assert_not(model_row_is_new(row_at(1), 1.0));
	struct listener b[] = {L(3000, 10, "node"), L(5173, 11, "vite")};
	apply(b, 2, 2.0);
	cr_assert(model_row_is_new(row_at(2), 2.0));
	cr_assert_eq(m.nevents, 1);
	char text[128];
	model_event_format(model_event_at(&m, 0), text, sizeof text);
	cr_assert(strstr(text, " + :5173 tcp vite (pid 11)"), "%s", text);
	cr_assert_not(model_expire(&m, 3.0));
	cr_assert(model_expire(&m, 7.5), "the highlight ends after 5 s");
	cr_assert_not(model_row_is_new(row_at(2), 7.5));
}

Test(model, vanished_rows_are_tombstones_for_five_seconds)
{
	struct listener a[] = {L(3000, 977, "node"), L(8000, 20, "python3")};
	apply(a, 2, 1.0);
	apply(a + 1, 1, 2.0);
	cr_assert_eq(m.nlines, 3, "the tombstone still shows");
	cr_assert(model_row_is_gone(row_at(1)));
	char text[128];
	model_event_format(model_event_at(&m, 0), text, sizeof text);
	cr_assert(strstr(text, " - :3000 tcp node (pid 977)"), "%s", text);
	cr_assert_eq(model_count_alive(&m), 1);
	apply(a + 1, 1, 3.0);
	cr_assert_not(model_expire(&m, 6.9));
	cr_assert_eq(m.nlines, 3);
	cr_assert(model_expire(&m, 7.0));
	cr_assert_eq(m.nlines, 2);
	cr_assert_eq(row_at(1)->l.port, 8000);
}

Test(model, a_listener_back_before_its_tombstone_expires_is_revived)
{
	struct listener a[] = {L(3000, 977, "node")};
	apply(a, 1, 1.0);
	apply(NULL, 0, 2.0);
	apply(a, 1, 3.0);
	cr_assert_not(model_row_is_gone(row_at(1)));
	cr_assert(model_row_is_new(row_at(1), 3.0));
	cr_assert_eq(m.nevents, 2);
}

Test(model, selection_follows_the_listener_not_the_line)
{
	struct listener a[] = {L(5000, 1, "flask"), L(8000, 2, "python3")};
	apply(a, 2, 1.0);
	model_move(&m, 1);
	cr_assert_eq(model_selected(&m)->l.port, 8000);
	struct listener b[] = {L(3000, 3, "node"), L(4000, 4, "mix"), L(5000, 1, "flask"),
	                       L(8000, 2, "python3")};
	apply(b, 4, 2.0);
	cr_assert_eq(model_selected(&m)->l.port, 8000, "rows above appeared: still on 8000");
	cr_assert_eq(m.sel_line, 4);
	apply(b + 2, 2, 3.0);
	apply(b + 2, 2, 9.0);
	model_expire(&m, 9.0);
	cr_assert_eq(model_selected(&m)->l.port, 8000, "rows above vanished: still on 8000");
}

Test(model, when_the_selected_listener_goes_the_cursor_moves_to_the_nearest_row)
{
	struct listener a[] = {L(3000, 1, "a"), L(4000, 2, "b"), L(5000, 3, "c")};
	apply(a, 3, 1.0);
	model_move(&m, 1);
	cr_assert_eq(model_selected(&m)->l.port, 4000);
	struct listener b[] = {L(3000, 1, "a"), L(5000, 3, "c")};
	apply(b, 2, 2.0);
	cr_assert_eq(model_selected(&m)->l.port, 4000, "on its tombstone while it shows");
	model_expire(&m, 8.0);
	cr_assert_eq(model_selected(&m)->l.port, 5000);
}

Test(model, groups_with_dynamic_collapsed_until_show_all)
{
	struct listener a[] = {L(22, 1, "sshd"), L(3000, 2, "node"), L(50000, 3, "chrome"),
	                       L(60000, 4, "code")};
	apply(a, 4, 1.0);
	cr_assert_eq(m.nlines, 5);
	cr_assert_eq(m.lines[0].kind, LINE_HEADER);
	cr_assert_eq(m.lines[0].range, RANGE_WELL_KNOWN);
	cr_assert_eq(m.lines[4].kind, LINE_HEADER);
	cr_assert(m.lines[4].collapsed);
	cr_assert_eq(m.lines[4].total, 2);
	m.show_all = true;
	model_rebuild(&m);
	cr_assert_eq(m.nlines, 7);
	cr_assert_eq(row_at(6)->l.port, 60000);
}

Test(model, filter_and_udp_toggle)
{
	struct listener a[] = {
	    L(3000, 2, "node"), L(5432, 3, "postgres"),
	    make_listener(PROTO_UDP, "0.0.0.0", 5353, 4, "avahi-daemon", "avahi")};
	apply(a, 3, 1.0);
	strcpy(m.filter, "POST");
	model_rebuild(&m);
	cr_assert_eq(m.nlines, 2);
	cr_assert_eq(row_at(1)->l.port, 5432);
	strcpy(m.filter, "543");
	model_rebuild(&m);
	cr_assert_eq(row_at(1)->l.port, 5432, "a filter matches the port");
	strcpy(m.filter, "avahi");
	model_rebuild(&m);
	cr_assert_eq(row_at(1)->l.port, 5353, "and the user");
	m.hide_udp = true;
	model_rebuild(&m);
	cr_assert_eq(m.nlines, 0);
	m.filter[0] = '\0';
	model_rebuild(&m);
	cr_assert_eq(m.nlines, 3);
}

Test(model, sort_modes)
{
	struct listener a[] = {L(3000, 30, "zeta"), L(4000, 10, "alpha"), L(5000, 20, "mid")};
	test_proc(&a[0])->start_time = 100;
	test_proc(&a[1])->start_time = 300;
	test_proc(&a[2])->start_time = 200;
	apply(a, 3, 1.0);
	static const unsigned want[SORT_COUNT][3] = {
	    [SORT_PORT] = {3000, 4000, 5000},
	    [SORT_PROCESS] = {4000, 5000, 3000},
	    [SORT_PID] = {4000, 5000, 3000},
	    [SORT_UPTIME] = {4000, 5000, 3000},
	};
	for (int s = 0; s < SORT_COUNT; s++) {
		m.sort = (enum sort_mode)s;
		model_rebuild(&m);
		for (int i = 0; i < 3; i++)
			cr_assert_eq(row_at((size_t)i + 1)->l.port, want[s][i], "sort %s row %d",
			             model_sort_names[s], i);
	}
}

Test(model, movement_skips_headers_and_clamps)
{
	struct listener a[] = {L(22, 1, "sshd"), L(3000, 2, "node"), L(5000, 3, "flask")};
	apply(a, 3, 1.0);
	cr_assert_eq(model_selected(&m)->l.port, 22);
	model_move(&m, 1);
	cr_assert_eq(model_selected(&m)->l.port, 3000, "skips the Registered header");
	model_move(&m, 10);
	cr_assert_eq(model_selected(&m)->l.port, 5000);
	model_move(&m, -10);
	cr_assert_eq(model_selected(&m)->l.port, 22);
	model_select_edge(&m, true);
	cr_assert_eq(model_selected(&m)->l.port, 5000);
}

Test(model, event_log_keeps_the_last_200)
{
	struct listener a[1];
	for (int i = 0; i < 260; i++) {
		a[0] = L(10000u + (unsigned)i, i + 1, "x");
		apply(a, 1, (double)i);
	}
	cr_assert_eq(m.nevents, MODEL_EVENTS_MAX);
	const struct model_event *last = model_event_at(&m, MODEL_EVENTS_MAX - 1);
	cr_assert_eq(last->port, 10259);
	cr_assert_null(model_event_at(&m, MODEL_EVENTS_MAX));
}

static struct listener airplay(unsigned port, const char *addr)
{
	struct listener l = make_listener(PROTO_TCP, addr, port, 612, "ControlCenter", "dev");
	test_set_cmdline(&l, "/System/Library/CoreServices/ControlCenter.app/Contents/MacOS/"
	                     "ControlCenter");
	return l;
}

/* Whether a row for this port and pid is listed. */
static bool listed(unsigned port, int pid)
{
	for (size_t i = 0; i < m.nlines; i++)
		if (m.lines[i].kind == LINE_ROW && m.rows[m.lines[i].row].l.port == port &&
		    m.rows[m.lines[i].row].l.proc->id.pid == pid)
			return true;
	return false;
}

Test(model, rows_get_labels_and_hints)
{
	struct listener a[] = {airplay(5000, "0.0.0.0"), L(3000, 2, "node")};
	test_set_cmdline(&a[1], "node /home/dev/shop/node_modules/.bin/next dev");
	apply(a, 2, 1.0);
	const struct row *next = row_at(1), *cc = row_at(2);
	cr_assert_str_eq(next->label.text, "Next.js dev");
	cr_assert_eq(next->label.source, LABEL_PROCESS);
	cr_assert_eq(model_row_hints(next)->n, 0);
	cr_assert_str_eq(cc->label.text, "AirPlay Receiver");
	cr_assert_eq(model_row_hints(cc)->n, 1);
	cr_assert_eq(model_row_hints(cc)->v[0].kind, HINT_AIRPLAY);
}

Test(model, the_airplay_row_is_never_hidden)
{
	struct config cfg;
	config_init(&cfg);
	const char *text =
	    "{\"hide_ports\": [5000, 7000], \"hide_processes\": [\"ControlCenter\"]}";
	cr_assert_eq(config_parse(&cfg, text, strlen(text), "c.json", NULL), 0);
	m.cfg = &cfg;
	struct listener a[] = {
	    airplay(5000, "0.0.0.0"), airplay(7000, "::"), L(3000, 2, "node"),
	    make_listener(PROTO_UDP, "0.0.0.0", 7000, 612, "ControlCenter", "dev"),
	    L(7000, 9, "other")};
	apply(a, 5, 1.0);
	cr_assert(listed(5000, 612) && listed(7000, 612), "not by the config's hide rules");
	cr_assert_not(listed(7000, 9), "the config hides another process on 7000");
	strcpy(m.filter, "node");
	model_rebuild(&m);
	cr_assert(listed(5000, 612) && listed(7000, 612), "not by a filter");
	cr_assert(listed(3000, 2));
	m.filter[0] = '\0';
	m.hide_udp = true;
	model_rebuild(&m);
	cr_assert(listed(5000, 612), "not by the UDP toggle");
	size_t udp = 0;
	for (size_t i = 0; i < m.nlines; i++)
		udp += m.lines[i].kind == LINE_ROW && m.rows[m.lines[i].row].l.proto == PROTO_UDP;
	cr_assert_eq(udp, 1, "the UDP AirPlay socket stays too");
	m.cfg = NULL;
	config_free(&cfg);
}

Test(model, config_hide_rules_fold_rows_until_show_all)
{
	struct config cfg;
	config_init(&cfg);
	const char *text = "{\"hide_processes\": [\"spotify\"], \"hide_ports\": [\"600-700\"]}";
	cr_assert_eq(config_parse(&cfg, text, strlen(text), "c.json", NULL), 0);
	m.cfg = &cfg;
	struct listener a[] = {L(631, 1, "cupsd"), L(3000, 2, "node"), L(4070, 3, "spotify")};
	apply(a, 3, 1.0);
	cr_assert_not(listed(631, 1));
	cr_assert_not(listed(4070, 3));
	cr_assert(listed(3000, 2));
	cr_assert_eq(m.lines[0].kind, LINE_HEADER);
	cr_assert_eq(m.lines[0].total, 1, "the well-known group still counts its hidden row");
	cr_assert_eq(m.lines[0].shown, 0);
	cr_assert_eq(m.lines[1].total - m.lines[1].shown, 1);
	strcpy(m.filter, "spot");
	model_rebuild(&m);
	cr_assert(listed(4070, 3), "a filter finds hidden rows");
	m.filter[0] = '\0';
	m.show_all = true;
	model_rebuild(&m);
	cr_assert(listed(631, 1) && listed(4070, 3), "a shows every row");
	m.cfg = NULL;
	config_free(&cfg);
}

Test(model, the_dynamic_group_can_start_unfolded)
{
	struct listener a[] = {L(3000, 2, "node"), L(50000, 3, "chrome")};
	m.unfold_dynamic = true;
	apply(a, 2, 1.0);
	cr_assert(listed(50000, 3));
	cr_assert_not(m.lines[2].collapsed);
}

Test(model, only_changed_rows_are_labelled_again)
{
	struct listener a[] = {L(3000, 2, "node"), L(5173, 3, "node"), L(8000, 4, "python3")};
	apply(a, 3, 1.0);
	cr_assert_eq(m.annotated, 3);
	apply(a, 3, 2.0);
	apply(a, 3, 3.0);
	cr_assert_eq(m.annotated, 3, "nothing changed: nothing labelled");
	test_set_cmdline(&a[1], "node /home/dev/web/node_modules/.bin/vite");
	apply(a, 3, 4.0);
	cr_assert_eq(m.annotated, 4, "one process changed its command line: one row labelled");
	cr_assert(listed(5173, 3));
	const struct row *vite = NULL;
	for (size_t i = 0; i < m.nrows; i++)
		if (m.rows[i].l.port == 5173)
			vite = &m.rows[i];
	cr_assert_not_null(vite);
	cr_assert_str_eq(vite->label.text, "Vite");
	a[2] = L(8000, 9, "python3"); /* another process on the same socket address */
	apply(a, 3, 5.0);
	cr_assert_eq(m.annotated, 5);
}

Test(model, a_shadowed_localhost_hint_follows_its_other_family)
{
	struct listener v4 = make_listener(PROTO_TCP, "127.0.0.1", 3000, 2, "node", "dev");
	struct listener v6 = make_listener(PROTO_TCP, "::1", 3000, 3, "python3", "dev");
	struct listener both[] = {v4, v6};
	apply(both, 2, 1.0);
	cr_assert_eq(model_row_hints(&m.rows[0])->n, 1, "two servers on one port: a hint on each");
	cr_assert_eq(model_row_hints(&m.rows[0])->v[0].kind, HINT_SHADOWED);
	cr_assert_str_eq(model_row_hints(&m.rows[0])->v[0].text,
	                 "localhost (::1) reaches python3 (pid 3) on "
	                 "[::1]:3000, not this server — use 127.0.0.1:3000");
	apply(&v4, 1, 2.0); /* the IPv6 one stops: its tombstone stays, the hint goes */
	const struct row *r = NULL;
	for (size_t i = 0; i < m.nrows; i++)
		if (!m.rows[i].gone_at)
			r = &m.rows[i];
	cr_assert_not_null(r);
	cr_assert_eq(model_row_hints(r)->n, 0);
	cr_assert_null(r->hints, "a row without hints keeps no list (1 KB a row)");
	cr_assert_not_null(m.rows[0].gone_at ? m.rows[0].hints : m.rows[1].hints,
	                   "the tombstone keeps its last hints");
	cr_assert_eq(m.annotated, 2, "the hint changed without labelling the row again");
}

Test(model, a_prefork_server_is_one_row_and_its_tombstone_keeps_every_holder)
{
	struct listener parent = L(8003, 300, "gunicorn");
	struct listener w1 = L(8003, 301, "gunicorn"), w2 = L(8003, 302, "gunicorn");
	test_proc(&w1)->ppid = 300;
	test_proc(&w2)->ppid = 300;
	const struct listener *workers[] = {&w1, &w2};
	test_add_holders(&parent, workers, 2);
	apply(&parent, 1, 1.0);
	cr_assert_eq(m.nrows, 1);
	cr_assert_eq(m.rows[0].l.nholders, 3);
	cr_assert(listed(8003, 300), "the parent leads");
	cr_assert_not(listed(8003, 302));
	cr_assert(listener_held_by(&m.rows[0].l, 302));
	apply(NULL, 0, 2.0);
	const struct row *gone = &m.rows[0];
	cr_assert(model_row_is_gone(gone));
	cr_assert_not_null(gone->owned, "a tombstone owns a copy");
	cr_assert_eq(gone->l.nholders, 3);
	cr_assert_eq(gone->l.holders[2]->id.pid, 302);
	cr_assert_str_eq(gone->l.proc->comm, "gunicorn");
	const struct model_event *e = model_event_at(&m, m.nevents - 1);
	cr_assert_eq(e->pid, 300);
	cr_assert_not(e->added);
}

Test(model, another_process_on_the_same_address_is_logged_as_a_restart)
{
	struct listener a = L(3000, 977, "node");
	apply(&a, 1, 1.0);
	struct listener b = L(3000, 1200, "node");
	apply(&b, 1, 2.0);
	cr_assert_eq(m.nrows, 1, "one address, one row");
	cr_assert(model_row_is_new(&m.rows[0], 2.5), "shown as new");
	cr_assert_eq(m.nevents, 2);
	const struct model_event *gone = model_event_at(&m, 0), *came = model_event_at(&m, 1);
	cr_assert(!gone->added && gone->pid == 977);
	cr_assert(came->added && came->pid == 1200);
	struct listener w = L(3000, 1201, "node"); /* a worker joins: no event */
	test_proc(&w)->ppid = 1200;
	const struct listener *workers[] = {&w};
	test_add_holders(&b, workers, 1);
	apply(&b, 1, 3.0);
	cr_assert_eq(m.nevents, 2);
	cr_assert_eq(m.rows[0].l.nholders, 2);
}

/* What localhost reaches is worked out once a port whose rows changed, and for no other port. */
Test(model, reachability_is_worked_out_once_for_each_changed_port)
{
	struct listener a[] = {
	    make_listener(PROTO_TCP, "0.0.0.0", 5000, 697, "ControlCenter", "dev"),
	    make_listener(PROTO_TCP, "::", 5000, 697, "ControlCenter", "dev"),
	    make_listener(PROTO_TCP, "127.0.0.1", 3000, 2, "node", "dev"),
	    make_listener(PROTO_UDP, "0.0.0.0", 5353, 3, "mdns", "dev"),
	};
	apply(a, 4, 1.0);
	cr_assert_eq(m.reached, 3, "three ports, once each (two rows on 5000)");
	apply(a, 4, 2.0);
	cr_assert_eq(m.reached, 3, "nothing changed: nothing worked out again");
	struct listener b[5] = {
	    a[0], a[1], a[2], a[3],
	    make_listener(PROTO_TCP, "127.0.0.1", 5000, 8628, "python3", "dev")};
	apply(b, 5, 3.0);
	cr_assert_eq(m.reached, 4, "a listener came on 5000: that port only");
	const struct row *py = NULL;
	for (size_t i = 0; i < m.nrows; i++)
		if (m.rows[i].l.port == 5000 && m.rows[i].l.family == FAMILY_V4 &&
		    m.rows[i].l.addr[0] == 127)
			py = &m.rows[i];
	cr_assert_not_null(py);
	cr_assert_eq(model_row_hints(py)->n, 1);
	cr_assert_eq(model_row_hints(py)->v[0].kind, HINT_SHADOWED);
	cr_assert_str_eq(model_row_hints(py)->v[0].text,
	                 "localhost may reach ControlCenter (AirPlay) on "
	                 "[::]:5000, not this server — use 127.0.0.1:5000, or "
	                 "turn AirPlay off");
	apply(a, 4, 4.0); /* python stops: its tombstone's port is worked out again */
	cr_assert_eq(m.reached, 5);
}
