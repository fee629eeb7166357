/* test_panes.c - tmux's list of panes parsed as untrusted text, and processes mapped to the pane
 * whose process tree holds them (panes.h), on process tables built by hand. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "panes.h"
#include "sanitize.h"
#include "snapshot.h"

static void init(void)
{
	sanitize_init_locale();
}

TestSuite(panes, .init = init);

static struct pane_list parse(const char *text, size_t len)
{
	struct pane_list l = {0};
	cr_assert_eq(panes_parse(&l, text, len), 0);
	return l;
}

#define PARSE(text) parse(text, strlen(text))

Test(panes, a_normal_answer_sorted_by_pid)
{
	struct pane_list l = PARSE("4100\t%3\t$1\t2\t1\twork\tweb\tpython3\n"
	                           "900\t%0\t$0\t0\t0\tmain\tbash\tbash\n"
	                           "4000\t%2\t$1\t1\t0\twork\teditor\tnvim\n");
	cr_assert_eq(l.n, 3);
	cr_assert_eq(l.rejected, 0);
	cr_assert_eq(l.v[0].pid, 900);
	cr_assert_eq(l.v[2].pid, 4100);
	const struct tmux_pane *p = panes_by_pid(&l, 4100);
	cr_assert_not_null(p);
	cr_assert_eq(p->id, 3);
	cr_assert_eq(p->session_id, 1);
	cr_assert_eq(p->window, 2);
	cr_assert_eq(p->pane, 1);
	cr_assert_str_eq(p->session, "work");
	cr_assert_str_eq(p->window_name, "web");
	cr_assert_str_eq(p->command, "python3");
	char buf[PANE_TARGET_MAX];
	tmux_pane_target(p, buf, sizeof buf);
	cr_assert_str_eq(buf, "work:2.1");
	tmux_pane_id(p, buf, sizeof buf);
	cr_assert_str_eq(buf, "%3");
	cr_assert_null(panes_by_pid(&l, 4101));
	panes_free(&l);
}

Test(panes, escape_sequences_in_names_are_made_visible)
{
	struct pane_list l = PARSE("500\t%1\t$0\t0\t0\tev\x1b]0;pwned\x07il\t\x1b[2Jname\t"
	                           "cmd\xff\xfe\r\n");
	cr_assert_eq(l.n, 1);
	const struct tmux_pane *p = &l.v[0];
	for (const char *s = p->session; *s; s++)
		cr_assert((unsigned char)*s >= 0x20, "a control byte in the session name");
	cr_assert(strstr(p->session, "\\e"), "%s", p->session);
	cr_assert_null(strchr(p->window_name, '\x1b'));
	cr_assert_str_eq(p->command, "cmd\\xFF\\xFE", "%s", p->command);
	panes_free(&l);
}

Test(panes, bad_lines_are_skipped_and_counted)
{
	struct pane_list l = PARSE("\n"
	                           "600\t%1\t$0\t0\t0\ts\tw\n"                /* a field missing */
	                           "601\t%1\t$0\t0\t0\ts\tw\tc\textra\n"      /* one too many */
	                           "abc\t%1\t$0\t0\t0\ts\tw\tc\n"             /* not a pid */
	                           "1\t%1\t$0\t0\t0\ts\tw\tc\n"               /* init is no pane */
	                           "0\t%1\t$0\t0\t0\ts\tw\tc\n"
	                           "-5\t%1\t$0\t0\t0\ts\tw\tc\n"
	                           "602\t1\t$0\t0\t0\ts\tw\tc\n"              /* id without % */
	                           "603\t%1x\t$0\t0\t0\ts\tw\tc\n"
	                           "604\t%1\t0\t0\t0\ts\tw\tc\n"              /* session id without $ */
	                           "605\t%1\t$0\t-1\t0\ts\tw\tc\n"            /* negative index */
	                           "606\t%1\t$0\t0\t99999999999\ts\tw\tc\n"   /* overflows */
	                           "607\t%\t$0\t0\t0\ts\tw\tc\n"
	                           "\t\t\t\t\t\t\t\n"
	                           "608\t%8\t$0\t3\t4\t\t\t\n"                /* empty names: fine */
	                           "609\t%9\t$0\t0\t0\ts\tw\tc");             /* no final newline */
	cr_assert_eq(l.n, 2);
	cr_assert_eq(l.rejected, 13);
	cr_assert_eq(l.v[0].pid, 608);
	cr_assert_str_eq(l.v[0].session, "");
	cr_assert_eq(l.v[1].pid, 609);
	panes_free(&l);
}

Test(panes, nul_bytes_do_not_end_the_answer)
{
	static const char text[] = "700\t%1\t$0\t0\t0\ta\0b\tw\tc\n701\t%2\t$0\t0\t1\ts\tw\tc\n";
	struct pane_list l = parse(text, sizeof text - 1);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.v[0].session, "a\\x00b");
	panes_free(&l);
}

Test(panes, huge_lines_and_long_names_are_bounded)
{
	size_t big = PANES_LINE_MAX + 100;
	char *text = malloc(big + 2000);
	int n = snprintf(text, 200, "800\t%%1\t$0\t0\t0\t");
	memset(text + n, 'x', big);
	strcpy(text + n + big, "\tw\tc\n801\t%2\t$0\t0\t1\t");
	size_t at = strlen(text);
	memset(text + at, 'y', 1000); /* long, under the line's bound: cut with "…" */
	strcpy(text + at + 1000, "\tw\tc\n");
	struct pane_list l = PARSE(text);
	cr_assert_eq(l.n, 1);
	cr_assert_eq(l.rejected, 1);
	cr_assert_eq(l.v[0].pid, 801);
	cr_assert_lt(strlen(l.v[0].session), PANE_NAME_MAX);
	cr_assert(strstr(l.v[0].session, "…"));
	free(text);
	panes_free(&l);
}

Test(panes, at_most_PANES_MAX_panes_and_a_pid_twice_keeps_its_first_line)
{
	size_t n = PANES_MAX + 10, len = 0;
	char *text = malloc(n * 48 + 64);
	len += (size_t)sprintf(text, "90\t%%7\t$0\t0\t0\tfirst\tw\tc\n90\t%%8\t$0\t0\t0\tsecond\tw\tc\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(text + len, "%zu\t%%%zu\t$0\t0\t0\ts\tw\tc\n", 1000 + i, i);
	struct pane_list l = parse(text, len);
	cr_assert_eq(l.n, PANES_MAX);
	cr_assert_eq(l.rejected, 11 + 1);
	cr_assert_str_eq(panes_by_pid(&l, 90)->session, "first");
	free(text);
	panes_free(&l);
}

Test(panes, a_new_answer_replaces_the_last)
{
	struct pane_list l = PARSE("4100\t%3\t$1\t2\t1\twork\tweb\tpython3\n");
	cr_assert_eq(panes_parse(&l, "", 0), 0);
	cr_assert_eq(l.n, 0);
	cr_assert_null(panes_by_pid(&l, 4100));
	panes_free(&l);
}

/* ---- mapping ---- */

static void add(struct snapshot *s, pid_t pid, pid_t ppid, const char *comm)
{
	struct proc_info p = {.id = {.pid = pid, .start_ticks = 100u + (unsigned)pid},
	                      .ppid = ppid, .comm = comm, .cmdline = comm, .user = "dev"};
	cr_assert_not_null(snapshot_add_process(s, &p));
}

static void add_socket(struct snapshot *s, unsigned port, const pid_t *pids, size_t n)
{
	struct listener l = {.proto = PROTO_TCP, .family = FAMILY_V4, .addr = {127, 0, 0, 1},
	                     .port = (uint16_t)port, .inode = port};
	cr_assert_eq(snapshot_add_socket(s, &l, pids, n, n ? OWNER_KNOWN : OWNER_NOT_READABLE,
	                                 "root"), 0);
}

/* tmux (800) -> pane shells 810 (work:1.0) and 820 (work:2.1); 820 -> npm 821 -> sh 822 ->
 * node 823; 810 runs python3 directly as 811; 830 is a process outside tmux. */
static const char answer[] = "810\t%1\t$1\t1\t0\twork\tapi\tpython3\n"
                             "820\t%2\t$1\t2\t1\twork\tweb\tnpm\n";

static void table(struct snapshot *s)
{
	add(s, 700, 1, "systemd");
	add(s, 800, 700, "tmux: server");
	add(s, 810, 800, "bash");
	add(s, 811, 810, "python3");
	add(s, 820, 800, "bash");
	add(s, 821, 820, "npm");
	add(s, 822, 821, "sh");
	add(s, 823, 822, "node");
	add(s, 830, 700, "sshd");
}

Test(panes, a_process_maps_to_its_nearest_pane_ancestor)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE(answer);
	table(&s);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(panes_of_process(&l, &s, 823)->id, 2, "node, three levels below its pane");
	cr_assert_eq(panes_of_process(&l, &s, 811)->id, 1);
	cr_assert_eq(panes_of_process(&l, &s, 810)->id, 1, "a pane's own process");
	cr_assert_null(panes_of_process(&l, &s, 830), "outside tmux");
	cr_assert_null(panes_of_process(&l, &s, 800), "the server is in no pane");
	cr_assert_null(panes_of_process(&l, &s, 4242), "not in the table, not a pane");
	cr_assert_null(panes_of_process(&l, &s, 1));
	cr_assert_null(panes_of_process(NULL, &s, 823));
	panes_free(&l);
	snapshot_free(&s);
}

Test(panes, a_parent_missing_from_the_table_is_still_checked)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE(answer);
	add(&s, 823, 820, "node"); /* 820 itself could not be read */
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(panes_of_process(&l, &s, 823)->id, 2);
	panes_free(&l);
	snapshot_free(&s);
}

Test(panes, loops_of_ppids_end)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE(answer);
	add(&s, 900, 901, "a");
	add(&s, 901, 902, "b");
	add(&s, 902, 900, "c"); /* a loop: a hostile or racing table */
	add(&s, 903, 903, "self"); /* its own parent */
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_null(panes_of_process(&l, &s, 900));
	cr_assert_null(panes_of_process(&l, &s, 903));
	panes_free(&l);
	snapshot_free(&s);
}

Test(panes, the_walk_stops_after_PANES_DEPTH_generations)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE("2000\t%4\t$0\t0\t0\tdeep\tw\tc\n");
	for (pid_t pid = 2001; pid <= 2000 + PANES_DEPTH + 5; pid++)
		add(&s, pid, pid - 1, "x");
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_not_null(panes_of_process(&l, &s, 2000 + PANES_DEPTH), "exactly the bound");
	cr_assert_null(panes_of_process(&l, &s, 2000 + PANES_DEPTH + 1), "one further");
	panes_free(&l);
	snapshot_free(&s);
}

Test(panes, rows_take_their_holders_pane)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE(answer);
	table(&s);
	pid_t node = 823, python = 811, sshd = 830, shared[] = {830, 823};
	add_socket(&s, 3000, &node, 1);
	add_socket(&s, 8000, &python, 1);
	add_socket(&s, 22, &sshd, 1);
	add_socket(&s, 4000, shared, 2); /* the lead (sshd, the oldest by pid) is in no pane */
	add_socket(&s, 631, NULL, 0);    /* hidden */
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(panes_fill(&l, &s), 0);
	panes_free(&l); /* the rows point at the snapshot's copy */
	for (size_t i = 0; i < s.set.n; i++) {
		const struct listener *r = &s.set.v[i];
		char target[PANE_TARGET_MAX] = "";
		if (r->pane)
			tmux_pane_target(r->pane, target, sizeof target);
		switch (r->port) {
		case 3000:
		case 4000:
			cr_assert_str_eq(target, "work:2.1", ":%u", r->port);
			break;
		case 8000:
			cr_assert_str_eq(target, "work:1.0");
			cr_assert_str_eq(r->pane->command, "python3");
			break;
		default:
			cr_assert_null(r->pane, ":%u", r->port);
		}
	}
	struct listener *copy = listener_clone(&s.set.v[0]);
	for (size_t i = 0; i < s.set.n; i++)
		if (s.set.v[i].port == 3000) {
			free(copy);
			copy = listener_clone(&s.set.v[i]);
		}
	snapshot_free(&s);
	cr_assert_not_null(copy->pane, "a clone keeps its pane");
	cr_assert_str_eq(copy->pane->window_name, "web");
	free(copy);
}

Test(panes, no_answer_no_panes)
{
	struct snapshot s = {0};
	struct pane_list l = {0};
	table(&s);
	pid_t node = 823;
	add_socket(&s, 3000, &node, 1);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(panes_fill(&l, &s), 0);
	cr_assert_null(s.set.v[0].pane);
	snapshot_free(&s);
}

Test(panes, the_list_cell_cuts_the_session_name_first)
{
	struct tmux_pane p = {.window = 2, .pane = 1};
	char buf[64];
	snprintf(p.session, sizeof p.session, "work");
	tmux_pane_cell(&p, 16, buf, sizeof buf);
	cr_assert_str_eq(buf, "work:2.1");
	tmux_pane_cell(&p, 6, buf, sizeof buf);
	cr_assert_str_eq(buf, "w…:2.1");
	cr_assert_leq(sanitize_width(buf), 6);
	tmux_pane_cell(&p, 5, buf, sizeof buf);
	cr_assert_str_eq(buf, "2.1", "no room for a name: the window and pane alone");
	p.session[0] = '\0';
	tmux_pane_cell(&p, 16, buf, sizeof buf);
	cr_assert_str_eq(buf, "2.1");
}

/* JSON's "tmux": the pane's object, or null. */
Test(panes, json_names_the_pane_or_null)
{
	struct snapshot s = {0};
	struct pane_list l = PARSE(answer);
	table(&s);
	pid_t node = 823, sshd = 830;
	add_socket(&s, 3000, &node, 1);
	add_socket(&s, 22, &sshd, 1);
	cr_assert_eq(snapshot_finish(&s, 0), 0);
	cr_assert_eq(panes_fill(&l, &s), 0);
	for (size_t i = 0; i < s.set.n; i++) {
		cJSON *o = json_out_listener(&s.set.v[i], NULL);
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tmux");
		cr_assert_not_null(t);
		if (s.set.v[i].port == 22) {
			cr_assert(cJSON_IsNull(t));
		} else {
			cr_assert_str_eq(cJSON_GetObjectItem(t, "session")->valuestring, "work");
			cr_assert_eq(cJSON_GetObjectItem(t, "window")->valueint, 2);
			cr_assert_eq(cJSON_GetObjectItem(t, "pane")->valueint, 1);
			cr_assert_str_eq(cJSON_GetObjectItem(t, "target")->valuestring, "work:2.1");
			cr_assert_str_eq(cJSON_GetObjectItem(t, "pane_id")->valuestring, "%2");
			cr_assert_str_eq(cJSON_GetObjectItem(t, "window_name")->valuestring, "web");
			cr_assert_str_eq(cJSON_GetObjectItem(t, "command")->valuestring, "npm");
		}
		cJSON_Delete(o);
	}
	panes_free(&l);
	snapshot_free(&s);
}
