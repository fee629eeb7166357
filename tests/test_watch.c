/* test_watch.c - watched ports: down, back, new owner, start-up, UDP against TCP, several rows on
 * one port; and the model's down rows, event log and w. */
#include <criterion/criterion.h>
#include <string.h>

#include "make_listener.h"
#include "model.h"
#include "watch.h"

static struct watch_list w;
static struct watch_event ev[WATCH_MAX];

static struct listener T(const char *addr, unsigned port, int pid, const char *comm) {
	return make_listener(PROTO_TCP, addr, port, pid, comm, "dev");
}

static size_t
update(const struct listener *v, size_t n, time_t wall)
{
	return watch_update(&w, v, n, wall, ev);
}

Test(watch, start_up_reports_nothing_then_down_back_and_new_owner)
{
	memset(&w, 0, sizeof w);
	cr_assert_not_null(watch_add(&w, 5432, PROTO_TCP, true));
	struct listener pg = T("127.0.0.1", 5432, 812, "postgres");
	cr_assert_eq(update(&pg, 1, 100), 0, "the first poll only learns the state");
	cr_assert_eq(w.v[0].state, WATCH_UP);
	cr_assert_eq(update(&pg, 1, 101), 0);
	cr_assert_eq(update(NULL, 0, 160), 1);
	cr_assert_eq(ev[0].kind, WATCH_WENT_DOWN);
	cr_assert_str_eq(ev[0].text, ":5432 postgres went down");
	cr_assert_eq(w.v[0].down_since, 160);
	cr_assert_eq(update(NULL, 0, 161), 0, "down is told once");
	struct listener pg2 = T("127.0.0.1", 5432, 901, "postgres");
	cr_assert_eq(update(&pg2, 1, 170), 1);
	cr_assert_eq(ev[0].kind, WATCH_CAME_BACK);
	cr_assert_str_eq(ev[0].text, ":5432 is back (postgres, pid 901)");
	struct listener node = T("127.0.0.1", 5432, 4411, "node");
	cr_assert_eq(update(&node, 1, 180), 1);
	cr_assert_eq(ev[0].kind, WATCH_NEW_OWNER);
	cr_assert_str_eq(ev[0].text, ":5432 has a new owner: node (pid 4411)");
	cr_assert_eq(update(&node, 1, 181), 0);
}

Test(watch, a_port_down_at_start_up_is_not_told_but_its_return_is)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 3000, PROTO_TCP, true);
	cr_assert_eq(update(NULL, 0, 100), 0);
	cr_assert_eq(w.v[0].state, WATCH_DOWN);
	struct listener n = T("127.0.0.1", 3000, 77, "node");
	cr_assert_eq(update(&n, 1, 110), 1);
	cr_assert_str_eq(ev[0].text, ":3000 is back (node, pid 77)");
}

Test(watch, the_same_pid_with_another_start_time_is_a_new_owner)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 3000, PROTO_TCP, false);
	struct listener a = T("127.0.0.1", 3000, 77, "node");
	update(&a, 1, 1);
	struct listener b = T("127.0.0.1", 3000, 77, "node");
	test_proc(&b)->id.start_ticks = test_proc(&a)->id.start_ticks + 1000;
	cr_assert_eq(update(&b, 1, 2), 1);
	cr_assert_eq(ev[0].kind, WATCH_NEW_OWNER);
}

Test(watch, udp_and_tcp_are_watched_apart)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 8000, PROTO_UDP, true);
	struct listener tcp = T("127.0.0.1", 8000, 5, "python3");
	struct listener udp = make_listener(PROTO_UDP, "0.0.0.0", 8000, 6, "dnsmasq", "dev");
	cr_assert_eq(update(&udp, 1, 1), 0);
	cr_assert_eq(update(&tcp, 1, 2), 1, "a TCP listener does not keep the UDP port up");
	cr_assert_str_eq(ev[0].text, ":8000/udp dnsmasq went down");
}

Test(watch, the_port_is_down_only_when_no_row_is_left)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 5173, PROTO_TCP, true);
	struct listener both[] = {T("127.0.0.1", 5173, 42, "vite"), T("::1", 5173, 42, "vite")};
	update(both, 2, 1);
	cr_assert_eq(update(&both[1], 1, 2), 0, "IPv6 alone still holds it, same owner");
	cr_assert_eq(update(NULL, 0, 3), 1);
	cr_assert_eq(ev[0].kind, WATCH_WENT_DOWN);
}

Test(watch, another_process_on_a_second_address_is_no_new_owner_while_the_first_stays)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 5000, PROTO_TCP, true);
	struct listener v[] = {T("127.0.0.1", 5000, 10, "flask"),
	                       T("::", 5000, 11, "ControlCenter")};
	update(v, 1, 1);
	cr_assert_eq(update(v, 2, 2), 0);
	cr_assert_eq(update(&v[1], 1, 3), 1, "the first owner left: the other one is the owner");
	cr_assert_str_eq(ev[0].text, ":5000 has a new owner: ControlCenter (pid 11)");
}

Test(watch, a_hidden_owner_is_no_information)
{
	memset(&w, 0, sizeof w);
	watch_add(&w, 6379, PROTO_TCP, true);
	struct listener r = T("127.0.0.1", 6379, 9, "redis-server");
	struct listener h = make_hidden(PROTO_TCP, "127.0.0.1", 6379, 0, "root", OWNER_NOT_FOUND);
	update(&r, 1, 1);
	cr_assert_eq(update(&h, 1, 2), 0, "not found yet is not a new owner");
	cr_assert_eq(update(&r, 1, 3), 0);
	cr_assert_eq(update(NULL, 0, 4), 1);
	cr_assert_eq(update(&h, 1, 5), 1);
	cr_assert_str_eq(ev[0].text, ":6379 is back (owner hidden)");
}

Test(watch, add_remove_and_the_bound)
{
	memset(&w, 0, sizeof w);
	for (unsigned p = 1; p <= WATCH_MAX; p++)
		cr_assert_not_null(watch_add(&w, (uint16_t)p, PROTO_TCP, false));
	cr_assert_null(watch_add(&w, 9999, PROTO_TCP, false));
	cr_assert_not_null(watch_add(&w, 5, PROTO_TCP, false), "already there");
	cr_assert(watch_remove(&w, 5, PROTO_TCP));
	cr_assert_not(watch_remove(&w, 5, PROTO_TCP));
	cr_assert_null(watch_find(&w, 5, PROTO_TCP));
	cr_assert_not_null(watch_find(&w, 6, PROTO_TCP));
	cr_assert_eq(w.n, WATCH_MAX - 1);
}

/* The model: down rows, the event log, w. */
static struct model m;

static void apply(const struct listener *v, size_t n, double now)
{
	test_model_apply(&m, v, n, now);
}

static const struct row *find_row(unsigned port)
{
	for (size_t i = 0; i < m.nrows; i++)
		if (m.rows[i].l.port == port)
			return &m.rows[i];
	return NULL;
}

static bool logged(const char *text)
{
	char line[MODEL_NOTE_MAX + 32];
	for (size_t i = 0; i < m.nevents; i++) {
		model_event_format(model_event_at(&m, i), line, sizeof line);
		if (strstr(line, text))
			return true;
	}
	return false;
}

Test(watch_model, w_then_down_keeps_one_down_row_until_back_or_unwatched)
{
	char msg[160];
	model_init(&m);
	struct listener both[] = {T("127.0.0.1", 5432, 812, "postgres"),
	                          T("::1", 5432, 812, "postgres"), T("127.0.0.1", 3000, 7, "node")};
	apply(both, 3, 1);
	cr_assert(model_watch_toggle(&m, find_row(5432), 1700000001, msg, sizeof msg));
	cr_assert(strstr(msg, "watching :5432"), "%s", msg);
	cr_assert(model_row_watched(&m, find_row(5432)));
	cr_assert_not(model_row_watched(&m, find_row(3000)));
	apply(&both[2], 1, 2);
	cr_assert_eq(m.nalerts, 1);
	cr_assert_str_eq(m.alerts[0].text, ":5432 postgres went down");
	cr_assert(logged(":5432 postgres went down"));
	size_t held = 0;
	for (size_t i = 0; i < m.nrows; i++)
		held += m.rows[i].held;
	cr_assert_eq(held, 1, "one down row for the port, not one per address");
	model_expire(&m, 100);
	const struct row *down = find_row(5432);
	cr_assert_not_null(down, "a down row never expires while watched");
	cr_assert(down->held);
	char text[160];
	model_down_text(&m, down, text, sizeof text);
	cr_assert(strstr(text, "down since ") && strstr(text, "(was postgres, pid 812)"), "%s",
	          text);
	struct listener back[] = {T("127.0.0.1", 5432, 901, "postgres"), both[2]};
	apply(back, 2, 101);
	cr_assert_str_eq(m.alerts[0].text, ":5432 is back (postgres, pid 901)");
	cr_assert_not(find_row(5432)->held);
	apply(&both[2], 1, 102);
	cr_assert(find_row(5432)->held);
	cr_assert_not(model_watch_toggle(&m, find_row(5432), 1700000102, msg, sizeof msg));
	cr_assert(strstr(msg, "not watching :5432"), "%s", msg);
	model_expire(&m, 200);
	cr_assert_null(find_row(5432), "unwatched, the down row goes");
	model_free(&m);
}

Test(watch_model, w_on_a_vanished_row_makes_it_the_down_row)
{
	char msg[160];
	model_init(&m);
	struct listener v[] = {T("127.0.0.1", 8000, 50, "python3"),
	                       T("127.0.0.1", 3000, 7, "node")};
	apply(v, 2, 1);
	apply(&v[1], 1, 2);
	cr_assert(model_watch_toggle(&m, find_row(8000), 1700000002, msg, sizeof msg));
	cr_assert(find_row(8000)->held);
	cr_assert_eq(m.nalerts, 0);
	model_expire(&m, 60);
	cr_assert_not_null(find_row(8000));
	model_free(&m);
}

Test(watch_model, a_watched_port_never_seen_up_has_a_down_row_until_it_comes)
{
	model_init(&m);
	watch_add(&m.watch, 5432, PROTO_TCP, true);
	struct listener node = T("127.0.0.1", 3000, 7, "node");
	apply(&node, 1, 1);
	cr_assert_eq(m.nalerts, 0, "nothing is told for the state at start");
	const struct row *down = find_row(5432);
	cr_assert_not_null(down, "a down row for the config's port");
	cr_assert(down->held);
	cr_assert(model_row_is_gone(down));
	cr_assert_eq(model_count_alive(&m), 1);
	char text[160];
	model_down_text(&m, down, text, sizeof text);
	cr_assert(strncmp(text, "down since ", 11) == 0 && !strstr(text, "was"), "%s", text);
	bool listed = false;
	for (size_t i = 0; i < m.nlines; i++)
		listed |= m.lines[i].kind == LINE_ROW && &m.rows[m.lines[i].row] == down;
	cr_assert(listed, "the list shows it");
	model_expire(&m, 100);
	cr_assert_not_null(find_row(5432));
	apply(&node, 1, 101);
	cr_assert_eq(m.nalerts, 0);
	size_t n = 0;
	for (size_t i = 0; i < m.nrows; i++)
		n += m.rows[i].l.port == 5432;
	cr_assert_eq(n, 1, "one down row, not one more at each poll");
	struct listener v[] = {node, T("127.0.0.1", 5432, 812, "postgres")};
	apply(v, 2, 102);
	cr_assert_eq(m.nalerts, 1);
	cr_assert_str_eq(m.alerts[0].text, ":5432 is back (postgres, pid 812)");
	model_expire(&m, 103);
	n = 0;
	for (size_t i = 0; i < m.nrows; i++)
		n += m.rows[i].l.port == 5432;
	cr_assert_eq(n, 1, "the stand-in went, the live row stays");
	cr_assert_not(find_row(5432)->gone_at);
	struct listener any = T("0.0.0.0", 6000, 9, "x");
	watch_add(&m.watch, 6000, PROTO_TCP, true);
	apply(v, 2, 104);
	cr_assert(find_row(6000)->held);
	struct listener w3[] = {node, v[1], any};
	apply(w3, 3, 105);
	cr_assert_str_eq(m.alerts[0].text, ":6000 is back (x, pid 9)");
	cr_assert_not(find_row(6000)->gone_at,
	              "on 0.0.0.0, the stand-in's own key: the row is live");
	model_free(&m);
}
